"""Building rasa_sdk Trackers for action unit tests (imported by tests; pytest puts tests/ on the path)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    text: str = "",
    intent: str = "",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    sender_id: str = "test-patient",
) -> Tracker:
    """A rasa_sdk Tracker whose latest message is ``text`` with the given intent and entities."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    history = [dict(e) for e in events or []]
    stamp = 1000.0
    for event in history:  # Rasa stamps every event; the conversation core tells turns apart by it
        stamp = float(event.setdefault("timestamp", stamp + 1))
    history.append({"event": "user", "text": text, "parse_data": latest, "timestamp": stamp + 1})
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def asked_before(
    runtime: Any, response: str, sender_id: str = "test-patient", text: str = "earlier", intent: str = ""
) -> list[dict[str, Any]]:
    """Events of an earlier turn in which the assistant answered the patient with ``response``; the core
    remembers what that response asked, as the action that sent it would have."""
    from bot.conversation.replies import Say

    earlier = {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "timestamp": 1000.0}
    runtime.conversation(sender_id).remember([Say(response)], repr(1000.0))
    return [earlier, {"event": "bot", "text": "...", "timestamp": 1000.5}]
