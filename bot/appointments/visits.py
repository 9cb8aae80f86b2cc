"""Which kind of visit, which checklist, which question prompts.

Checklists and prompt sets come from the content: a checklist an educator adds (with its `appointment_type`
and aliases) is offered and found with no code change and no retraining, the same way lessons are. Only the
plain names of the eight visit types the NLU knows (`TYPE_NAMES`) live here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.content.models import Checklist, Library, PromptSet
from bot.text import coverage, words

# Plain names for the eight appointment types the NLU knows; a checklist's title is used for any other.
TYPE_NAMES = {
    "general_checkup": "checkup",
    "specialist": "specialist visit",
    "blood_test": "blood test",
    "surgery": "surgery",
    "telehealth": "video or phone visit",
    "first_visit": "first visit",
    "test_results": "visit about test results",
    "new_medicine": "visit about a new medicine",
}

COMPANION_DEFAULT = (
    "You can bring a family member or friend with you. They can help you listen, ask questions and remember "
    "what was said."
)


def checklists_by_type(library: Library) -> dict[str, Checklist]:
    return {c.appointment_type: c for c in sorted(library.checklists.values(), key=lambda c: c.id)}


def visit_name(library: Library, appointment_type: str) -> str:
    if appointment_type in TYPE_NAMES:
        return TYPE_NAMES[appointment_type]
    checklist = checklists_by_type(library).get(appointment_type)
    return checklist.title if checklist else appointment_type.replace("_", " ")


def find_checklist(library: Library, text: str = "", appointment_type: str | None = None) -> Checklist | None:
    """The checklist for a visit: by the NLU's canonical type first, else by the words the patient used."""
    by_type = checklists_by_type(library)
    if appointment_type and appointment_type in by_type:
        return by_type[appointment_type]
    query = words(text)
    if not query:
        return None
    best: tuple[float, int, str] = (0.0, 0, "")
    for kind, checklist in by_type.items():
        names = [checklist.title, kind.replace("_", " "), TYPE_NAMES.get(kind, ""), *checklist.aliases]
        for name in names:
            name_words = [w for w in words(name) if w not in {"getting", "ready", "visit", "appointment"}]
            if name_words:
                share = coverage(name_words, query)
                if share == 1.0:
                    best = max(best, (share, len(name_words), kind))
    return by_type[best[2]] if best[2] else None


@dataclass(frozen=True)
class Item:
    """One thing to tick off before a visit."""

    kind: str  # "bring", "step" or "company"
    text: str


def checklist_items(checklist: Checklist, companion: str = COMPANION_DEFAULT) -> list[Item]:
    """What to bring, how to prepare, who can come along: in that order, one tickable item each."""
    items = [Item("bring", text) for text in checklist.bring]
    items += [Item("step", text) for text in checklist.steps]
    if companion:
        items.append(Item("company", companion))
    return items


def prompt_sets_for(library: Library, appointment_type: str | None, module_ids: list[str]) -> list[PromptSet]:
    """Question sets that fit this patient: general ones, the decision set, then those for the visit type or
    a topic they learned (most recent first)."""
    sets = sorted(library.prompt_sets.values(), key=lambda p: p.id)
    general = [p for p in sets if p.kind == "general"]
    decision = [p for p in sets if p.kind == "decision"]
    matching: list[PromptSet] = []
    for key in ([appointment_type] if appointment_type else []) + module_ids:
        matching += [p for p in sets if key in p.applies_to and p not in matching and p not in general]
    return general + matching + [p for p in decision if p not in matching]


def local_today(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """Today where the clinic is: "tomorrow" means the clinic's tomorrow, not the server's."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        return now.astimezone(ZoneInfo(timezone)).date()
    except (KeyError, ValueError):
        return now.date()


def reminder_time(
    day: dt.date, timezone: str, hour: int, now: dt.datetime, delay_seconds: int = 0
) -> dt.datetime | None:
    """When to remind: the day before the visit at ``hour`` clinic time (UTC), or None when that has passed.

    ``delay_seconds`` (a testing and demo setting) fires that long after now instead.
    """
    if delay_seconds > 0:
        return now + dt.timedelta(seconds=delay_seconds)
    try:
        zone: dt.tzinfo = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = dt.UTC
    local = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(hour=hour), tzinfo=zone)
    fire = local.astimezone(dt.UTC)
    return fire if fire > now + dt.timedelta(minutes=5) else None
