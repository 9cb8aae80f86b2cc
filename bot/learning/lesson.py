"""A module as a patient reads it in chat: short parts, one at a time, then teach-back and "was this clear?".

Sections are already short (the checker allows 90 words), but a chat bubble should be shorter still, so each
section is cut into parts of about 45 words at paragraph, list-item or sentence boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.models import Module, Section, TeachBack

PART_WORDS = 50
SMALL_PART = 15  # a leftover this short joins the part before it, if that stays readable


def _count(text: str) -> int:
    return len(text.split())


def _units(block: str) -> list[str]:
    """The smallest pieces we may cut a block into: its lines (list items), or else its sentences."""
    lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
    if len(lines) > 1:
        return lines
    return [s for s in re.split(r"(?<=[.!?])\s+", block.strip()) if s]


def _balanced(units: list[str], limit: int) -> list[str]:
    """Cut a run of lines into the fewest parts under ``limit`` words, of about equal size."""
    total = sum(_count(u) for u in units)
    pieces = max(1, -(-total // limit))
    target = total / pieces
    parts: list[list[str]] = [[]]
    for unit in units:
        size = sum(_count(u) for u in parts[-1])
        if parts[-1] and (size + _count(unit) > limit or size >= target):
            parts.append([])
        parts[-1].append(unit)
    return ["\n".join(p) for p in parts]


def split_section(section: Section, limit: int = PART_WORDS) -> list[str]:
    """The section's text in chat-sized parts; paragraphs stay together when they fit."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", section.text) if b.strip()]
    pieces: list[str] = []
    for block in blocks:
        pieces.extend(_balanced(_units(block), limit) if _count(block) > limit else [block])
    parts: list[str] = []
    for piece in pieces:
        joined = _count(parts[-1]) + _count(piece) if parts else 0
        if parts and (joined <= limit or (_count(piece) < SMALL_PART and joined <= limit + SMALL_PART * 2)):
            parts[-1] = f"{parts[-1]}\n\n{piece}"
        else:
            parts.append(piece)
    return parts or [section.text.strip()]


@dataclass(frozen=True)
class Place:
    section: int
    part: int


class Lesson:
    """One module cut into parts, with the arithmetic of moving through it."""

    def __init__(self, module: Module, limit: int = PART_WORDS) -> None:
        self.module = module
        self.parts = [split_section(section, limit) for section in module.sections]

    @property
    def total(self) -> int:
        return sum(len(p) for p in self.parts)

    def clamp(self, place: Place) -> Place:
        """A saved place that no longer exists (the educator shortened the module) moves to the nearest one."""
        if not self.parts:
            return Place(0, 0)
        section = min(max(place.section, 0), len(self.parts) - 1)
        part = min(max(place.part, 0), len(self.parts[section]) - 1)
        return Place(section, part)

    def number(self, place: Place) -> int:
        """1-based position among all parts, for "part 3 of 9"."""
        place = self.clamp(place)
        return sum(len(p) for p in self.parts[: place.section]) + place.part + 1

    def text(self, place: Place) -> str:
        """The part's text, with the section title in bold on its first part."""
        place = self.clamp(place)
        body = self.parts[place.section][place.part]
        if place.part == 0:
            return f"**{self.module.sections[place.section].title}**\n{body}"
        return body

    def next(self, place: Place) -> Place | None:
        place = self.clamp(place)
        if place.part + 1 < len(self.parts[place.section]):
            return Place(place.section, place.part + 1)
        if place.section + 1 < len(self.parts):
            return Place(place.section + 1, 0)
        return None

    def section_title(self, place: Place) -> str:
        return self.module.sections[self.clamp(place).section].title

    def question(self, index: int) -> TeachBack | None:
        """Teach-back asks at most two questions, so checking stays short."""
        questions = self.module.teach_back[:2]
        return questions[index] if 0 <= index < len(questions) else None


_POSITIONS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_LETTERS = {"a": 1, "b": 2, "c": 3, "d": 4}


def choice_index(question: TeachBack, said: str) -> int | None:
    """Which choice the patient picked: a button's number, "the second one", "b", or the choice's own words."""
    text = said.strip().lower().strip(".!?")
    for i, choice in enumerate(question.choices):
        if text == choice.lower() or (len(text) > 3 and text in choice.lower()):
            return i
    tokens = re.findall(r"[a-z0-9]+", text)
    number = next((_POSITIONS[t] for t in tokens if t in _POSITIONS), None)
    if number is None:
        number = next((_NUMBERS[t] for t in tokens if t in _NUMBERS), None)
    if number is None and text in _LETTERS:
        number = _LETTERS[text]
    if number is None or not 1 <= number <= len(question.choices):
        return None
    return number - 1


def is_right(question: TeachBack, index: int) -> bool:
    return question.choices[index].strip().lower() == question.answer.strip().lower()
