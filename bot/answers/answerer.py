"""One patient question in, one decision out: answer it from a passage, refuse its personal part (with the
general information), or say plainly that the content does not cover it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.passages import Passage, passages
from bot.answers.personal import is_personal
from bot.answers.retrieve import FLOOR, Index, build_index
from bot.content.models import Library

ANSWER, PERSONAL, NOT_COVERED = "answer", "personal", "not_covered"
PERSONAL_FLOOR_FACTOR = 0.6


@dataclass(frozen=True)
class Decision:
    kind: str
    passage: Passage | None
    score: float
    seconds: float


class Answerer:
    """Built once per process from the library (a few hundred passages: milliseconds to build)."""

    def __init__(self, library: Library, floor: float = FLOOR) -> None:
        self.floor = floor
        names = {m.id: [m.title, *m.aliases] for m in library.modules.values()}
        self.index: Index = build_index(passages(library), names)

    def decide(self, question: str) -> Decision:
        if is_personal(question):
            # The general information beside a refusal may come from a weaker match: it is offered as what
            # the lesson says in general, never as the answer to the patient's own case.
            found = self.index.best(question, self.floor * PERSONAL_FLOOR_FACTOR)
            return Decision(PERSONAL, found.passage, found.score, found.seconds)
        found = self.index.best(question, self.floor)
        return Decision(ANSWER if found.passage else NOT_COVERED, found.passage, found.score, found.seconds)
