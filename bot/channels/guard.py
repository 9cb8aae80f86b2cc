"""What a patient's channel lets through to Rasa: bounded text, valid ids, no internal payloads, a fair pace.

Every message from the widget (socket.io) or a REST integration passes here before NLU, because NLU runs on
the Rasa server's event loop: one 100 KB message held every other patient for half a minute. The checks are
pure functions and one small rate limiter, so both channels apply the same rules and tests need no server.

Payloads: Rasa reads a message that starts with ``/`` as an intent with entities, skipping NLU. Buttons rely
on that, but typed by a patient it let anyone end a hand-off (``/EXTERNAL_handoff_ended``), restart a chat
or open urgent tickets (``/emergency``). So a payload passes only when the assistant offered exactly it in
its latest turn, or when it is an everyday choice (menu, lesson, list) with only the entities our own buttons
use. Any other command gets a kind "say it in words", with the emergency number, and reaches nothing; a
stray slash before words ("/ my chest hurts") is dropped, so NLU and the safety net read the words.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass

# Ids a conversation may have: what the REST channel accepts and the widget's sessions are made of.
SENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
PAYLOAD = re.compile(r"/([A-Za-z_][A-Za-z0-9_]{0,60})(\{.*\})?", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Choices a patient may send at any time (a button from an earlier turn, the menu), with the entities our
# own buttons carry (bot/learning/tutor.py `payload`). Everything else must have been offered just now.
EVERYDAY_PAYLOADS: dict[str, frozenset[str]] = {
    **{
        name: frozenset()
        for name in (
            "greet",
            "goodbye",
            "thank",
            "affirm",
            "deny",
            "help",
            "show_questions",
            "print_questions",
            "request_human",
            "lesson_next",
            "lesson_simpler",
            "lesson_stop",
            "continue_lesson",
            "show_checklist",
            "clear_questions",
            "give_feedback",
            "forget_me",
            "bot_challenge",
            "ask_privacy",
            "privacy_ok",
        )
    },
    "learn_topic": frozenset({"module", "topic", "section"}),
    "define_term": frozenset({"term"}),
    "prepare_appointment": frozenset({"appointment_type"}),
    "question_prompts": frozenset({"prompt_set"}),
    "add_question": frozenset({"prompt"}),
    "choose": frozenset({"choice"}),
    "remove_question": frozenset({"choice"}),
    "move_question": frozenset({"choice"}),
}
MAX_ENTITY_CHARS = 100


def valid_sender(value: object) -> bool:
    return isinstance(value, str) and SENDER_ID.fullmatch(value) is not None


def clean_text(text: str) -> str:
    """Control characters out (they break logs and terminals, and carry nothing a patient meant), and half
    an emoji (a lone surrogate, which no encoder accepts: NLU failed on it and the patient got silence)
    replaced by the replacement character."""
    whole = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub(" ", whole).strip()


def parse_payload(text: str) -> tuple[str, dict[str, object]] | None:
    """``/intent`` or ``/intent{"entity": "value"}`` as Rasa would read it; None for anything else."""
    match = PAYLOAD.fullmatch(text.strip())
    if match is None:
        return None
    entities: dict[str, object] = {}
    if match.group(2):
        try:
            loaded = json.loads(match.group(2))
        except ValueError:
            return None
        if not isinstance(loaded, dict):
            return None
        entities = loaded
    return match.group(1), entities


def screen_payload(text: str, offered: Iterable[str] = ()) -> str | None:
    """The text to give Rasa for what the patient sent (see the module docstring); None for a command that is
    not theirs to give. Text after a stray slash ("/ my chest hurts") is read as words."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    if stripped in set(offered):
        return stripped
    parsed = parse_payload(stripped)
    if parsed is None:
        return stripped.lstrip("/").strip()
    intent, entities = parsed
    allowed = EVERYDAY_PAYLOADS.get(intent)
    if allowed is None:
        return None
    kept = {
        k: v
        for k, v in entities.items()
        if k in allowed and isinstance(v, str | int) and len(str(v)) <= MAX_ENTITY_CHARS
    }
    return f"/{intent}{json.dumps(kept)}" if kept else f"/{intent}"


@dataclass(frozen=True)
class Verdict:
    """``text`` goes on to Rasa; or, when it is None, ``refusal`` names the kind reply to send instead."""

    text: str | None
    refusal: str = ""


TOO_LONG = "too_long"
EMPTY = "empty"
TOO_FAST = "too_fast"
COMMAND = "command"
TROUBLE = "trouble"  # the message was not handled (a database or Redis was down): nothing of it was kept


def check_text(raw: object, max_chars: int) -> Verdict:
    """Bounded, printable text, or why not. Nothing here reads or logs what the text says."""
    if not isinstance(raw, str):
        return Verdict(None, EMPTY)
    if len(raw) > max_chars:
        return Verdict(None, TOO_LONG)
    text = clean_text(raw)
    if not text:
        return Verdict(None, EMPTY)
    return Verdict(text)


class RateLimiter:
    """At most ``per_minute`` messages per key in any 60 s; memory bounded by ``max_keys`` (oldest go first)."""

    def __init__(self, per_minute: int, max_keys: int = 50_000) -> None:
        self.per_minute = per_minute
        self.max_keys = max_keys
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self._seen.pop(key, None) or deque()
        while times and now - times[0] >= 60.0:
            times.popleft()
        allowed = len(times) < self.per_minute
        if allowed:
            times.append(now)
        self._seen[key] = times  # most recently used last
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)
        return allowed


# What the patient is told instead of an answer. Plain words, and the emergency number whenever a message
# is not read: the one message that must never be lost is a call for help.
REPLIES = {
    TOO_LONG: (
        "That message is too long for me. Please send it in parts of up to {max_chars} letters. "
        "If someone is in danger, call {emergency_number} now."
    ),
    EMPTY: "I did not get any words. Please type your message again.",
    COMMAND: (
        "I can't take that command. Please tell me in words what you need. "
        "If someone is in danger, call {emergency_number} now."
    ),
    TROUBLE: (
        "Sorry, something went wrong on my side and I could not read that. Please send it again in a minute. "
        "If someone is in danger, call {emergency_number} now."
    ),
    TOO_FAST: (
        "You are sending messages faster than I can read them. Please wait a minute, then try again. "
        "If someone is in danger, call {emergency_number} now."
    ),
}


class Gate:
    """One channel's checks: size, words, pace (per conversation and, for browsers, per address), payloads."""

    def __init__(
        self, max_chars: int, sender_per_minute: int, address_per_minute: int | None, emergency_number: str
    ) -> None:
        self.max_chars = max_chars
        self.senders = RateLimiter(sender_per_minute)
        self.addresses = RateLimiter(address_per_minute) if address_per_minute else None
        self.emergency_number = emergency_number

    def reply(self, refusal: str) -> str:
        return REPLIES[refusal].format(max_chars=f"{self.max_chars:,}", emergency_number=self.emergency_number)

    def admit(
        self, raw: object, sender: str, address: str = "", offered: Iterable[str] = (), now: float | None = None
    ) -> Verdict:
        verdict = check_text(raw, self.max_chars)
        if verdict.text is None:
            return verdict
        if self.addresses is not None and address and not self.addresses.allow(address, now):
            return Verdict(None, TOO_FAST)
        if not self.senders.allow(sender, now):
            return Verdict(None, TOO_FAST)
        text = screen_payload(verdict.text, offered)
        if text is None:
            return Verdict(None, COMMAND)
        return Verdict(text) if text else Verdict(None, EMPTY)
