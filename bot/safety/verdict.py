"""The kind of danger in a parsed message, for the actions that open urgent tickets."""

from __future__ import annotations

from typing import Any

from bot.safety.net import EMERGENCY, KINDS, alarm

EMERGENCY_INTENT = "emergency"


def alarm_kind(message: dict[str, Any], danger_slot: Any = None) -> str | None:
    """The safety net's verdict from NLU; else the slot a "yes, someone is in danger" button answers; else the
    rules asked again; else, when the intent says emergency, an emergency (safety comes first)."""
    safety = message.get("safety") or {}
    if safety.get("kind") in KINDS:
        return str(safety["kind"])
    emergency = (message.get("intent") or {}).get("name") == EMERGENCY_INTENT
    if emergency and danger_slot in KINDS:
        return str(danger_slot)
    found = alarm(str(message.get("text") or ""))
    if found is not None:
        return found.kind
    return EMERGENCY if emergency else None
