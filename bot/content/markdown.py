"""Split a content file into its YAML header and Markdown body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class HeaderError(ValueError):
    def __init__(self, message: str, line: int, fix: str) -> None:
        super().__init__(message)
        self.line = line
        self.fix = fix


@dataclass(frozen=True)
class Split:
    header: str
    header_first_line: int  # line of the first header line in the file (1-based)
    body: str
    body_first_line: int


def split_front_matter(text: str) -> Split:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise HeaderError("The file is empty.", 1, "Start the file with a header between two lines of ---.")
    if lines[first].strip() != "---":
        raise HeaderError(
            "The file does not start with a header.",
            first + 1,
            "Make the first line of the file exactly --- , then the fields (id, title, ...), then another --- line.",
        )
    for end in range(first + 1, len(lines)):
        if lines[end].strip() == "---":
            return Split(
                header="\n".join(lines[first + 1 : end]),
                header_first_line=first + 2,
                body="\n".join(lines[end + 1 :]),
                body_first_line=end + 2,
            )
    raise HeaderError(
        f"The header that starts on line {first + 1} is never closed.",
        first + 1,
        "Add a line with just --- after the last header field, before the text.",
    )


# A heading below a section (`### ...`). Leading spaces and a missing space after the #s are forgiven, so a
# slightly mistyped `###Simpler` is still taken out of the lesson text instead of being shown to patients.
_SUBHEADING = re.compile(r"^\s{0,3}(#{3,6})\s*(.*?)\s*#*\s*$")
SIMPLER = "Simpler"
QUESTIONS = "Questions"


@dataclass(frozen=True)
class Subsection:
    """A `### ` heading inside a section, the text under it (up to the next heading) and the heading's line."""

    title: str
    text: str
    line: int
    level: int = 3  # the number of #s

    @property
    def is_simpler(self) -> bool:
        """Whether this is the plainer version (`### Simpler`); case and a trailing colon are forgiven."""
        return self.level == 3 and self.title.strip().rstrip(":. ").strip().lower() == SIMPLER.lower()

    @property
    def is_questions(self) -> bool:
        """Whether this lists the questions the section answers (`### Questions`), in patients' words."""
        return self.level == 3 and self.title.strip().rstrip(":. ").strip().lower() == QUESTIONS.lower()


@dataclass(frozen=True)
class Block:
    """A `## ` section of a body: its heading, its text and the line the heading is on.

    ``text`` is only what comes before the section's first `### ` heading: subsections (the plainer
    version, `### Simpler`) are kept apart in ``subsections`` so they are never sent as lesson text.
    """

    title: str
    text: str
    line: int
    subsections: tuple[Subsection, ...] = ()


def _block(title: str, raw: list[str], line: int, first_line: int) -> Block:
    """One section from its raw lines (``first_line`` is the file line of ``raw[0]``), split at `### `."""
    own: list[str] = []
    subs: list[tuple[str, int, int, list[str]]] = []
    for offset, text in enumerate(raw):
        match = _SUBHEADING.match(text)
        if match:
            subs.append((match.group(2).strip(), first_line + offset, len(match.group(1)), []))
        elif subs:
            subs[-1][3].append(text)
        else:
            own.append(text)
    subsections = tuple(
        Subsection(sub_title, "\n".join(lines).strip(), sub_line, level) for sub_title, sub_line, level, lines in subs
    )
    return Block(title, "\n".join(own).strip(), line, subsections)


def sections(body: str, first_line: int) -> tuple[str, list[Block]]:
    """Return the text before the first heading and the sections (headings of level 2)."""
    intro: list[str] = []
    blocks: list[Block] = []
    current: list[str] | None = None
    title, line = "", 0
    for offset, raw in enumerate(body.splitlines()):
        match = _HEADING.match(raw)
        if match and len(match.group(1)) == 2:
            if current is not None:
                blocks.append(_block(title, current, line, line + 1))
            title, line = match.group(2).strip(), first_line + offset
            current = []
            continue
        (intro if current is None else current).append(raw)
    if current is not None:
        blocks.append(_block(title, current, line, line + 1))
    return "\n".join(intro).strip(), blocks
