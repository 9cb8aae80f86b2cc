"""The chat so far, as staff read it, and what the patient was doing when they asked for a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

MAX_LINES = 60

# What a patient's recent intents say they were doing, in the words staff use.
_DOING = {
    "learn_topic": "Learning about a health topic",
    "lesson_next": "Reading a lesson",
    "lesson_simpler": "Reading a lesson",
    "continue_lesson": "Reading a lesson",
    "choose": "Answering a teach-back question",
    "define_term": "Looking up a medical word",
    "prepare_appointment": "Getting ready for a visit",
    "show_checklist": "Going through a visit checklist",
    "question_prompts": "Looking at questions to ask",
    "add_question": "Writing questions for a visit",
    "show_questions": "Writing questions for a visit",
    "medical_advice": "Asked a medical question",
    "give_feedback": "Giving feedback",
}
_LOOPS = {"appointment_form": "Telling us about a visit", "question_form": "Writing a question for a visit"}


def _when(event: dict[str, Any]) -> dt.datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float):
        return dt.datetime.fromtimestamp(stamp, dt.UTC)
    return dt.datetime.now(dt.UTC)


def _patient_text(event: dict[str, Any]) -> str:
    text = str(event.get("text") or "")
    if text.startswith("/"):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or text[1:].split("{")[0]
        return f"(pressed a button: {str(intent).replace('_', ' ')})"
    return text


def transcript(events: Iterable[dict[str, Any]], limit: int = MAX_LINES) -> list[tuple[dt.datetime, str, str]]:
    """(time, "patient" or "bot", text) for the latest ``limit`` lines of this chat session."""
    lines: list[tuple[dt.datetime, str, str]] = []
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            lines = []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            if str(intent).startswith("EXTERNAL_"):
                continue
            text = _patient_text(event)
            if text:
                lines.append((_when(event), "patient", text))
        elif kind == "bot" and event.get("text"):
            lines.append((_when(event), "bot", str(event["text"])))
    return lines[-limit:]


def activity(events: Iterable[dict[str, Any]], active_loop: str | None) -> str:
    """A short line for the console: what the patient was doing just before the hand-off."""
    if active_loop in _LOOPS:
        return _LOOPS[active_loop]
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        topic = next((e.get("value") for e in (event.get("parse_data") or {}).get("entities") or []
                      if e.get("entity") in ("topic", "term", "appointment_type")), None)
        if intent in _DOING:
            return _DOING[str(intent)] + (f" ({topic})" if topic else "")
    return ""
