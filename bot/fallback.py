"""How many messages in a row the assistant has failed to understand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FALLBACK_INTENTS = frozenset({"nlu_fallback"})


def consecutive_fallbacks(events: Iterable[dict[str, Any]]) -> int:
    """Count the patient's latest messages, newest first, until one was understood."""
    count = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in FALLBACK_INTENTS:
            count += 1
        else:
            break
    return count


def best_guess(parse_data: dict[str, Any]) -> str | None:
    """The classifier's top real intent when FallbackClassifier said "not sure"."""
    ranking = [r for r in parse_data.get("intent_ranking") or [] if r.get("name") not in FALLBACK_INTENTS]
    return str(ranking[0]["name"]) if ranking else None
