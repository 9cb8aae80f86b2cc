"""The passages a patient's question can be answered from: the content as educators wrote it.

Each lesson section is a passage (chat-sized, already checked at the configured grade), and so is each
glossary entry. Built from the `Library` when the action server starts, so an educator's new file is
answered from without retraining anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.models import Library


@dataclass(frozen=True)
class Passage:
    """One answerable piece. ``section`` is the section's index in its module (-1 for a glossary entry)."""

    kind: str  # "section" or "glossary"
    module_id: str
    module_title: str
    section: int
    title: str
    text: str
    # Words the passage is found by besides its text: the module's title and aliases, the heading, a term.
    keys: str
    # The questions an educator wrote that this section answers (`### Questions`), in patients' words.
    questions: tuple[str, ...] = ()


def passages(library: Library) -> list[Passage]:
    found: list[Passage] = []
    profile = library.profile
    for module in sorted(library.modules.values(), key=lambda m: m.id):
        names = " ".join([module.title, *module.aliases])
        for index, section in enumerate(module.sections):
            found.append(
                Passage(
                    "section",
                    module.id,
                    module.title,
                    index,
                    section.title,
                    profile.fill(section.text.strip()),
                    f"{names} {section.title}",
                    section.questions,
                )
            )
    if library.glossary is not None:
        for term in library.glossary.terms:
            found.append(
                Passage(
                    "glossary",
                    "",
                    "",
                    -1,
                    term.term,
                    profile.fill(term.definition),
                    " ".join([term.term, *term.aliases]),
                )
            )
    return found
