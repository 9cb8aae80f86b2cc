"""The reply vocabulary every part of the assistant speaks: a `Say` names a domain response (so every fixed
word is in `domain.yml`, where the plain-language check reads it) with its values and buttons, or carries
content text as educators wrote it. Actions turn a list of them into messages (actions/base.py `send`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Say:
    """One reply: a domain response filled with ``values``, or (``response`` empty) content text as is."""

    response: str
    values: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[dict[str, str], ...] = ()
    text: str = ""
    staff: str = ""  # the name of the person at the clinic who wrote it (bot/channels/marks.py)
    start_over: bool = False  # after it, the widget forgets the chat it kept (bot/channels/marks.py)


def content(text: str, buttons: tuple[dict[str, str], ...] = ()) -> Say:
    """Text written by educators (already checked by `plainhealth content check`), sent as it is."""
    return Say("", text=text, buttons=buttons)


def payload(intent: str, **entities: str) -> str:
    """A button's payload: the intent and entities Rasa reads without NLU."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"
