"""What the assistant says, built from the content library. Plain functions, so each is easy to test.

Every sentence a patient reads comes from the content files or the domain, which the plain-language checker
grades; the few joining words here ("Here is what to bring:") are short and kept in this one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clinic_hours import opening_status

if TYPE_CHECKING:
    from bot.content import Library

APPOINTMENT_LABELS = {
    "general_checkup": "General check-up",
    "specialist": "Specialist visit",
    "blood_test": "Blood test",
    "surgery": "Surgery",
    "telehealth": "Video or phone visit",
    "first_visit": "First visit",
    "test_results": "Test results",
    "new_medicine": "New medicine",
}


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[dict[str, str], ...] = field(default_factory=tuple)


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    payload = f"/{intent}"
    if entities:
        inner = ", ".join(f'"{k}": "{v}"' for k, v in entities.items())
        payload += "{" + inner + "}"
    return {"title": title, "payload": payload}


def normalise(text: str) -> str:
    text = re.sub(r"[^a-z0-9\s-]", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _fill(library: Library, text: str) -> str:
    return library.fill(text)


# --- safety and contact -------------------------------------------------------------------------------


def emergency(library: Library) -> Reply:
    clinic = library.clinic
    return Reply(_fill(library, clinic.messages["emergency"]))


def contact_clinic(library: Library, now: datetime | None = None) -> Reply:
    clinic = library.clinic
    status = opening_status(clinic.opening_hours, clinic.timezone, now)
    text = _fill(library, clinic.messages["contact"])
    if status.open_now:
        text += " The clinic is open now."
    else:
        text += f" The clinic is closed now. It opens again {status.next_opening}."
        if "out_of_hours" in clinic.messages:
            text += " " + _fill(library, clinic.messages["out_of_hours"])
    return Reply(text)


# --- learning ------------------------------------------------------------------------------------------


def find_module(library: Library, topic: str | None, text: str) -> Any | None:
    """The module whose title or an alias is named by the entity, else mentioned in the message."""
    wanted = normalise(topic or "")
    said = f" {normalise(text)} "
    best: tuple[int, Any] | None = None
    for module in library.modules:
        names = [normalise(module.title), normalise(module.id.replace("-", " ")), *map(normalise, module.aliases)]
        for name in names:
            if not name:
                continue
            if wanted and wanted == name:
                return module
            if f" {name} " in said or (wanted and name in wanted):
                score = len(name)
                if best is None or score > best[0]:
                    best = (score, module)
    return best[1] if best else None


def topic_buttons(library: Library, limit: int = 20) -> tuple[dict[str, str], ...]:
    modules = sorted(library.modules, key=lambda m: m.title)[:limit]
    return tuple(button(m.title, "learn_topic", topic=m.title) for m in modules)


def learn_topic(library: Library, topic: str | None, text: str) -> list[Reply]:
    module = find_module(library, topic, text)
    if module is None:
        if topic:
            lead = "Sorry, I don't have a lesson on that yet. Here are the topics I can explain."
        else:
            lead = "Which health topic would you like to learn about? Tap one, or type it in your own words."
        return [Reply(lead, topic_buttons(library))]
    points = "\n".join(f"- {_fill(library, p)}" for p in module.key_points)
    return [
        Reply(f"{module.title}\n\n{_fill(library, module.summary)}"),
        Reply(f"Key points:\n{points}\n\nAsk your care team what this means for you.",
              (button("What does a word mean?", "define_term"), button("Questions to ask", "question_prompts"))),
    ]


def find_term(library: Library, term: str | None, text: str) -> Any | None:
    candidates = [normalise(term)] if term else []
    said = f" {normalise(text)} "
    index: dict[str, Any] = {}
    for entry in library.glossary.terms:
        for name in (entry.term, *entry.aliases):
            index[normalise(name)] = entry
    for candidate in candidates:
        for form in (candidate, candidate.removesuffix("s"), candidate.removesuffix("es")):
            if form in index:
                return index[form]
    if not term:
        for name in sorted(index, key=len, reverse=True):
            if f" {name} " in said:
                return index[name]
    return None


def define_term(library: Library, term: str | None, text: str) -> Reply:
    entry = find_term(library, term, text)
    if entry is not None:
        return Reply(f"{entry.term}: {_fill(library, entry.definition)}")
    if not term:
        return Reply("Which word would you like me to explain? Type just the word, like \"biopsy\".")
    return Reply(
        f"Sorry, \"{term}\" is not in my word list yet. Please ask your care team what it means. "
        "It is a good question to write down for your next visit."
    )


# --- appointments --------------------------------------------------------------------------------------


def appointment_buttons() -> tuple[dict[str, str], ...]:
    return tuple(button(label, "prepare_appointment", appointment_type=key)
                 for key, label in APPOINTMENT_LABELS.items())


def prepare_appointment(library: Library, kind: str | None) -> list[Reply]:
    checklist = next((c for c in library.checklists if kind and c.appointment_type == kind), None)
    if checklist is None:
        return [Reply("What kind of visit is it? Tap one.", appointment_buttons())]
    steps = "\n".join(f"{n}. {_fill(library, s)}" for n, s in enumerate(checklist.steps, start=1))
    bring = "\n".join(f"- {_fill(library, b)}" for b in checklist.bring)
    return [
        Reply(f"{checklist.title}\n\n{_fill(library, checklist.body)}".strip()),
        Reply(f"Steps:\n{steps}"),
        Reply(f"What to bring:\n{bring}", (button("Questions to ask", "question_prompts"),)),
    ]


def question_prompts(library: Library, kind: str | None) -> list[Reply]:
    sets = [s for s in library.prompt_sets if s.kind in ("general", "decision")]
    if kind:
        sets += [s for s in library.prompt_sets if s.kind == "appointment" and kind in s.applies_to]
    out = []
    for prompt_set in sets:
        lines = "\n".join(f"- {_fill(library, p)}" for p in prompt_set.prompts)
        out.append(Reply(f"{prompt_set.title}\n{lines}"))
    if not out:
        return [Reply("Sorry, I have no question lists yet. Please ask your care team what you should know.")]
    return out
