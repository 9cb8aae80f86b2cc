"""The chat so far, as staff read it, and what the patient was doing when they asked for a person.

Staff read what the patient saw and did, in plain words: the assistant's Markdown marks are taken out (the
patient saw bold text, not asterisks), a button press reads "Tapped: Next" (the button's own title, as the
patient saw it), and a channel has the name staff know it by ("Website chat", not "socketio").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

MAX_LINES = 60

# Channel names as Rasa knows them, in the words staff use.
CHANNELS = {
    "socketio": "Website chat",
    "telegram": "Telegram",
    "rest": "Phone app (REST)",
    "cmdline": "Terminal (for testing)",
}

# A button's title when the button itself is not in the chat (the widget's own "Talk to a person", a Telegram
# command, or a line stored before titles were kept): the words the domain's buttons use for that intent.
_BUTTON_TITLES = {
    "request_human": "Talk to a person",
    "help": "Show me the menu",
    "lesson_next": "Next",
    "lesson_simpler": "Say it simpler",
    "lesson_stop": "Stop",
    "continue_lesson": "Back to the lesson",
    "define_term": "What does a word mean?",
    "learn_topic": "Learn about a health topic",
    "prepare_appointment": "Get ready for a visit",
    "question_prompts": "Questions to ask",
    "show_questions": "Show my questions",
    "add_question": "Add a question",
    "remove_question": "Remove a question",
    "print_questions": "Print or share my list",
    "show_checklist": "Show my checklist",
    "forget_me": "Delete my data",
    "privacy_ok": "OK",
    "affirm": "Yes",
    "deny": "No",
}
_PRESSED = re.compile(r"^\(pressed a button: (?P<what>[^)]*)\)$")  # how lines were stored before
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w]*)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*])")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)


def channel_name(channel: str) -> str:
    """ "Website chat" for "socketio", and so on; an unknown channel keeps its name."""
    return CHANNELS.get(channel, channel.replace("_", " ").capitalize() if channel else "Not known")


def plain_markdown(text: str) -> str:
    """What the patient saw, without the marks that made it bold or a link: "**Call 911**" -> "Call 911",
    "[our page](https://x)" -> "our page (https://x)"."""
    text = _MD_LINK.sub(r"\1 (\2)", text)
    text = _MD_BOLD.sub(r"\2", text)
    text = _MD_ITALIC.sub(r"\2", text)
    text = _MD_CODE.sub(r"\1", text)
    return _MD_HEADING.sub("", text)


def _intent_words(intent: str) -> str:
    return _BUTTON_TITLES.get(intent) or intent.replace("_", " ").strip().capitalize()


def tapped(payload: str, offered: Iterable[dict[str, Any]] = ()) -> str:
    """ "Tapped: Next": the title of the button the patient pressed, found among the buttons offered just
    before, or else the usual title for that kind of button."""
    payload = payload.strip()
    for button in offered:
        if str(button.get("payload") or "").strip() == payload and button.get("title"):
            return f"Tapped: {plain_markdown(str(button['title']))}"
    match = _PAYLOAD.match(payload)
    return f"Tapped: {_intent_words(match.group('intent')) if match else payload.lstrip('/')}"


def shown(sender: str, text: str) -> str:
    """A stored line as staff should read it. Lines stored before these rules (raw "/lesson_next", "(pressed
    a button: lesson next)", Markdown marks) read the same as new ones."""
    if sender == "patient":
        pressed = _PRESSED.match(text.strip())
        if pressed:
            return tapped("/" + pressed.group("what").strip().replace(" ", "_"))
        if _PAYLOAD.match(text.strip()):
            return tapped(text)
        return text  # the patient's own words, as typed
    if sender == "bot":
        return plain_markdown(text)
    return text


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


def _patient_text(event: dict[str, Any], offered: list[dict[str, Any]]) -> str:
    text = str(event.get("text") or "")
    if text.startswith("/"):
        return tapped(text, offered)
    return text


def _buttons(event: dict[str, Any]) -> list[dict[str, Any]]:
    data = event.get("data") or {}
    buttons = data.get("buttons") if isinstance(data, dict) else None
    return [b for b in buttons or [] if isinstance(b, dict)]


def transcript(events: Iterable[dict[str, Any]], limit: int = MAX_LINES) -> list[tuple[dt.datetime, str, str]]:
    """(time, "patient" or "bot", text) for the latest ``limit`` lines of this chat session, in plain words:
    the assistant's lines without Markdown marks, a button press as "Tapped: <the button's title>"."""
    lines: list[tuple[dt.datetime, str, str]] = []
    offered: list[dict[str, Any]] = []  # the buttons the assistant showed since the patient last spoke
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            lines = []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            if str(intent).startswith("EXTERNAL_"):
                continue
            text = _patient_text(event, offered)
            offered = []
            if text:
                lines.append((_when(event), "patient", text))
        elif kind == "bot" and (event.get("text") or _buttons(event)):
            buttons = _buttons(event)
            offered.extend(buttons)
            if event.get("text"):
                text = plain_markdown(str(event["text"]))
                titles = [plain_markdown(str(b["title"])) for b in buttons if b.get("title")]
                if titles:
                    text += "\nButtons: " + " | ".join(titles)
                lines.append((_when(event), "bot", text))
    return lines[-limit:]


def activity(events: Iterable[dict[str, Any]], active_loop: str | None) -> str:
    """A short line for the console: what the patient was doing just before the hand-off."""
    if active_loop in _LOOPS:
        return _LOOPS[active_loop]
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        topic = next(
            (
                e.get("value")
                for e in (event.get("parse_data") or {}).get("entities") or []
                if e.get("entity") in ("topic", "term", "appointment_type")
            ),
            None,
        )
        if intent in _DOING:
            return _DOING[str(intent)] + (f" ({topic})" if topic else "")
    return ""
