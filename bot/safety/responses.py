"""The first answers to danger, served by Rasa itself: a domain file written from the clinic profile.

An emergency must not wait for the action server: when it is slow or down, a custom action cannot speak.
So the guidance and the "are you in danger?" question are Rasa responses, with the clinic's own words and
numbers written in at training time (the clinic profile is part of the training fingerprint, so a changed
number means a new model). Conditional variations pick the words: the language of the message, then the
kind of danger (``danger_kind`` and ``message_language`` slots, filled by the safety net in the NLU
pipeline). The ticket and "I told the team" follow from ``action_emergency`` when the action server answers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from bot.content.models import ClinicProfile
from bot.safety.languages import ENGLISH, ENGLISH_REPLY, LANGUAGE_CODES, REPLIES
from bot.safety.net import CRISIS, EMERGENCY, VIOLENCE

GUIDANCE = "utter_emergency_guidance"
CHECK = "utter_emergency_check"
OTHER_LANGUAGE = "utter_other_language"
KIND_SLOT, LANGUAGE_SLOT = "danger_kind", "message_language"
UNDETERMINED = "und"

DEFAULT_CHECK = (
    "Are you or someone near you in danger right now? If so, call {emergency_number} now. Do not wait for me."
)
CHECK_BUTTONS = [
    {"title": "Yes, someone is in danger", "payload": "/emergency"},
    {"title": "No, we are safe", "payload": "/deny"},
]


def _when(**slots: str) -> list[dict[str, str]]:
    return [{"type": "slot", "name": name, "value": value} for name, value in slots.items()]


def _language_reply(clinic: ClinicProfile, language: str) -> str:
    """The fixed reply in ``language``; for an unknown language, English and the clinic's main languages."""
    if language in REPLIES:
        return clinic.fill(REPLIES[language])
    main = [LANGUAGE_CODES.get(name.strip().lower()) for name in clinic.languages]
    texts = [clinic.fill(ENGLISH_REPLY)] + [clinic.fill(REPLIES[code]) for code in main if code in REPLIES]
    return "\n\n".join(dict.fromkeys(texts))


def emergency_responses(clinic: ClinicProfile) -> dict[str, Any]:
    """The domain fragment: responses only (slots, intents and rules live in domain.yml and data/)."""
    messages = clinic.messages
    emergency = clinic.fill(messages.get(EMERGENCY, ""))
    guidance: list[dict[str, Any]] = [
        {"condition": _when(message_language=code), "text": _language_reply(clinic, code)} for code in REPLIES
    ]
    guidance += [{"condition": _when(message_language=UNDETERMINED), "text": _language_reply(clinic, UNDETERMINED)}]
    for kind in (CRISIS, VIOLENCE):
        guidance.append(
            {
                "condition": _when(message_language=ENGLISH, danger_kind=kind),
                "text": clinic.fill(messages.get(kind) or messages.get(EMERGENCY, "")),
            }
        )
    guidance.append({"text": emergency})
    check = [{"condition": _when(message_language=code), "text": _language_reply(clinic, code)} for code in REPLIES]
    check.append({"text": clinic.fill(messages.get("danger_check") or DEFAULT_CHECK), "buttons": CHECK_BUTTONS})
    other = [{"condition": _when(message_language=code), "text": _language_reply(clinic, code)} for code in REPLIES]
    other.append({"text": _language_reply(clinic, UNDETERMINED)})
    return {"version": "3.1", "responses": {GUIDANCE: guidance, CHECK: check, OTHER_LANGUAGE: other}}


def write_domain(domain_path: Path, clinic: ClinicProfile | None, folder: Path) -> Path:
    """A domain folder for Rasa: the project's domain.yml and the clinic's emergency responses beside it."""
    if clinic is None:
        raise ValueError(
            "The clinic profile (content/clinic.yml) is missing or broken: the emergency guidance "
            "needs its numbers. Run `plainhealth content check` to see what to fix."
        )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(domain_path, folder / "domain.yml")
    text = yaml.safe_dump(emergency_responses(clinic), allow_unicode=True, sort_keys=False, width=1000)
    (folder / "emergency_responses.yml").write_text(
        "# Written by plainhealth from content/clinic.yml at training time (bot/safety/responses.py).\n" + text,
        encoding="utf-8",
    )
    return folder
