"""Read and write NLU test sets in Rasa's own YAML training-data format.

The test set is ordinary Rasa NLU data so `rasa test nlu` and `rasa data validate` read it too. We parse it
ourselves because the scorer needs each entity's expected *value* (after synonyms), which is what fills a slot.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# [text](entity) or [text]{"entity": "...", "value": "..."}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<long>\{[^}]*\}))")


@dataclass(frozen=True)
class Entity:
    entity: str
    value: str
    start: int = -1
    end: int = -1

    @property
    def key(self) -> tuple[str, str]:
        """What must match: the entity type and its value, case-insensitive (spans may differ by a space)."""
        return self.entity, self.value.strip().lower()


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[Entity, ...] = ()
    annotated: str = ""

    def __post_init__(self) -> None:
        if not self.annotated:
            object.__setattr__(self, "annotated", self.text)


class TestSetError(ValueError):
    """A test set file that cannot be read; the message names the file and what to fix."""

    __test__ = False  # not a pytest class, despite the name


def parse_annotated(line: str, intent: str) -> Example:
    """Turn one annotated example into plain text plus entities with their character spans."""
    text_parts: list[str] = []
    entities: list[Entity] = []
    position = 0
    cursor = 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        text_parts.append(before)
        position += len(before)
        span_text = match.group("text")
        if match.group("short"):
            name, _, value = match.group("short").partition(":")
            value = value or span_text
        else:
            try:
                spec = json.loads(match.group("long"))
            except json.JSONDecodeError as exc:
                raise TestSetError(f"bad entity annotation {match.group(0)!r}: {exc.msg}") from None
            name, value = spec.get("entity", ""), spec.get("value", span_text)
        entities.append(Entity(name.strip(), str(value), position, position + len(span_text)))
        text_parts.append(span_text)
        position += len(span_text)
        cursor = match.end()
    text_parts.append(line[cursor:])
    return Example("".join(text_parts).strip(), intent, tuple(entities), line.strip())


def load_test_set(path: Path) -> list[Example]:
    """Every example in the file, in order."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TestSetError(f"{path}: cannot read the test set ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise TestSetError(f"{path}: expected a Rasa NLU file with a top-level 'nlu:' list")
    examples: list[Example] = []
    for block in data["nlu"]:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for raw in str(block.get("examples", "")).splitlines():
            raw = raw.strip()
            if raw.startswith("- "):
                try:
                    examples.append(parse_annotated(raw[2:], str(block["intent"])))
                except TestSetError as exc:
                    raise TestSetError(f"{path}: {exc}") from None
    return examples


def by_intent(examples: list[Example]) -> dict[str, list[Example]]:
    grouped: dict[str, list[Example]] = {}
    for example in examples:
        grouped.setdefault(example.intent, []).append(example)
    return grouped


def dump_test_set(examples: list[Example], header: str) -> str:
    """Write examples back as Rasa NLU YAML, grouped by intent in first-seen order."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += ['version: "3.1"', "", "nlu:"]
    for intent, group in by_intent(examples).items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example.annotated}" for example in group]
        lines.append("")
    return "\n".join(lines)


def normalise(text: str) -> str:
    """Lower-case words only, so "Tell me about X!" and "tell me about x" count as the same message."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
