"""Labelled messages for the danger detector: evaluation batches and the training corpus share one format.

A file holds ``emergencies`` (each ``{kind, text}``, danger happening now) and ``look_alikes`` (texts that
share words or topics with emergencies but where nobody is in danger now). Evaluation batches live in
``tests/data/safety/`` and are never trained on; the training corpus lives in ``data/safety/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.safety.net import KINDS


@dataclass(frozen=True)
class Example:
    text: str
    kind: str | None  # None: no danger now


@dataclass(frozen=True)
class LabelledSet:
    """One file's messages. ``role`` says how the set may be used: "tuning" or "held-out" (only measured)."""

    name: str
    emergencies: tuple[Example, ...]
    look_alikes: tuple[Example, ...]
    role: str = "tuning"

    @property
    def examples(self) -> tuple[Example, ...]:
        return self.emergencies + self.look_alikes


class CorpusError(ValueError):
    """A corpus file is not in the expected shape; the message names the file and what to fix."""


def load_set(path: Path) -> LabelledSet:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc}).") from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("emergencies"), list)
        or not isinstance(data.get("look_alikes"), list)
    ):
        raise CorpusError(f"{path}: needs two lists, 'emergencies' and 'look_alikes'.")
    emergencies = []
    for number, item in enumerate(data["emergencies"], 1):
        if not isinstance(item, dict) or item.get("kind") not in KINDS or not str(item.get("text", "")).strip():
            raise CorpusError(f"{path}: emergency {number} needs a text and a kind ({', '.join(KINDS)}).")
        emergencies.append(Example(str(item["text"]), str(item["kind"])))
    # A look-alike is its text, or {text: ..., lang: ...} in the set of messages in other languages.
    texts = [item.get("text", "") if isinstance(item, dict) else item for item in data["look_alikes"]]
    look_alikes = [Example(str(text), None) for text in texts if str(text).strip()]
    role = str(data.get("role") or "tuning")
    if role not in ("tuning", "held-out"):
        raise CorpusError(f"{path}: role must be 'tuning' or 'held-out', not {role!r}.")
    return LabelledSet(path.stem, tuple(emergencies), tuple(look_alikes), role)


def load_sets(paths: Iterable[Path]) -> list[LabelledSet]:
    return [load_set(path) for path in paths]


def corpus_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []
