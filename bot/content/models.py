"""What the assistant knows after loading `content/`: plain, immutable records.

Each record keeps the file it came from and the line of each field, so the checker and the run-time
log can point an educator at the exact place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.content.problems import ContentProblem

APPOINTMENT_TYPES: tuple[str, ...] = (
    "general_checkup",
    "specialist",
    "blood_test",
    "surgery",
    "telehealth",
    "first_visit",
    "test_results",
    "new_medicine",
)
PROMPT_KINDS: tuple[str, ...] = ("general", "decision", "topic", "appointment")
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PLACEHOLDERS: tuple[str, ...] = ("emergency_number", "crisis_line", "clinic_name", "clinic_phone", "opening_hours")


@dataclass(frozen=True)
class Section:
    """One `## ` section of a module: one chat bubble of lesson text.

    ``simpler`` is the educator's plainer version of this section (its `### Simpler` subsection): "say it
    simpler" shows it for the part the patient is reading, and it is never part of ``text``. Empty when the
    section has none (then "say it simpler" falls back to the module's key points). ``simpler_line`` is the
    line of its `### Simpler` heading, so the checker can point at it.
    """

    title: str
    text: str
    line: int
    simpler: str = ""
    simpler_line: int = 0
    # Questions this section answers, in patients' own words (`### Questions`): never shown, used only to
    # find the section for a patient's question (bot/answers/).
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeachBack:
    question: str
    choices: tuple[str, ...]
    answer: str
    explain: str
    line: int


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    aliases: tuple[str, ...]
    audience: str
    review_date: dt.date
    sources: tuple[str, ...]
    summary: str
    key_points: tuple[str, ...]
    teach_back: tuple[TeachBack, ...]
    sections: tuple[Section, ...]
    path: str
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    appointment_type: str
    aliases: tuple[str, ...]
    review_date: dt.date
    sources: tuple[str, ...]
    steps: tuple[str, ...]
    bring: tuple[str, ...]
    questions: tuple[str, ...]
    intro: str
    path: str
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PromptSet:
    id: str
    title: str
    kind: str
    applies_to: tuple[str, ...]
    review_date: dt.date
    sources: tuple[str, ...]
    prompts: tuple[str, ...]
    intro: str
    path: str
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    definition: str
    aliases: tuple[str, ...]
    line: int

    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...]
    sources: tuple[str, ...]
    review_date: dt.date | None
    path: str

    def __post_init__(self) -> None:
        index = {normalise_term(name): term for term in self.terms for name in term.names()}
        object.__setattr__(self, "_index", index)

    def lookup(self, word: str) -> GlossaryTerm | None:
        """Find a term by its name or an alias, ignoring case, spacing and a plural "s"."""
        index: dict[str, GlossaryTerm] = self._index  # type: ignore[attr-defined]
        key = normalise_term(word)
        if key in index:
            return index[key]
        for variant in (key[:-1] if key.endswith("s") else "", key[:-2] if key.endswith("es") else ""):
            if variant and variant in index:
                return index[variant]
        return None

    def names(self) -> set[str]:
        return set(self._index)  # type: ignore[attr-defined]


def normalise_term(word: str) -> str:
    return re.sub(r"[\s\-_]+", " ", word.strip().lower().strip(" .?!,;:\"'"))


@dataclass(frozen=True)
class OpeningHours:
    day: str
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class ClinicProfile:
    name: str
    phone: str
    email: str
    timezone: str
    opening_hours: tuple[OpeningHours, ...]
    emergency_number: str
    crisis_line: str
    languages: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    messages: Mapping[str, str]
    path: str
    lines: Mapping[str, int] = field(default_factory=dict)

    def hours_text(self) -> str:
        """Opening hours as a patient reads them: "Monday to Friday 8 am to 6 pm; Saturday 9 am to noon"."""
        groups: list[tuple[list[str], str]] = []
        for hours in self.opening_hours:
            span = f"{spoken_time(hours.opens)} to {spoken_time(hours.closes)}"
            if groups and groups[-1][1] == span and WEEKDAYS.index(hours.day) == WEEKDAYS.index(groups[-1][0][-1]) + 1:
                groups[-1][0].append(hours.day)
            else:
                groups.append(([hours.day], span))
        parts = []
        for days, span in groups:
            label = days[0].title() if len(days) == 1 else f"{days[0].title()} to {days[-1].title()}"
            parts.append(f"{label} {span}")
        return "; ".join(parts) if parts else "closed"

    def fill(self, text: str) -> str:
        """Put the clinic's own numbers and name into a message's placeholders."""
        values = {
            "emergency_number": self.emergency_number,
            "crisis_line": self.crisis_line,
            "clinic_name": self.name,
            "clinic_phone": self.phone,
            "opening_hours": self.hours_text(),
        }
        return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)

    def is_open(self, when: dt.datetime) -> bool:
        """Whether the clinic is open at ``when`` (an aware datetime), in the clinic's own time zone."""
        from zoneinfo import ZoneInfo

        local = when.astimezone(ZoneInfo(self.timezone))
        day = WEEKDAYS[local.weekday()]
        return any(h.day == day and h.opens <= local.time() < h.closes for h in self.opening_hours)


@dataclass
class Library:
    """Everything that loaded, and what did not (``problems``); the assistant runs on what loaded."""

    content_dir: str
    modules: dict[str, Module] = field(default_factory=dict)
    checklists: dict[str, Checklist] = field(default_factory=dict)
    prompt_sets: dict[str, PromptSet] = field(default_factory=dict)
    glossary: Glossary | None = None
    clinic: ClinicProfile | None = None
    problems: list[ContentProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def profile(self) -> ClinicProfile:
        """The clinic profile, or, while it is missing or broken (the content check says why), words that
        still work: "your clinic", "your local emergency number", UTC. Callers never test for None."""
        return self.clinic or NO_CLINIC

    def skipped_files(self) -> list[str]:
        return sorted({p.file for p in self.problems if p.skipped})

    def checklist_for(self, appointment_type: str) -> Checklist | None:
        return next((c for c in self.checklists.values() if c.appointment_type == appointment_type), None)


NO_CLINIC = ClinicProfile(
    name="your clinic",
    phone="",
    email="",
    timezone="UTC",
    opening_hours=(),
    emergency_number="your local emergency number",
    crisis_line="your local crisis line",
    languages=("en",),
    allowed_origins=(),
    messages={},
    path="",
)


def spoken_time(moment: dt.time) -> str:
    """ "8 am", "5:30 pm", "noon", "midnight": how people say a time, not "17:30" (the clinic profile keeps
    24-hour times, which are easy to write and check)."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "noon"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'am' if moment.hour < 12 else 'pm'}"
