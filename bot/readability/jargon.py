"""The jargon list: medical and official words, each with a plainer way to say it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True)
class JargonWord:
    forms: tuple[str, ...]
    plain: str

    @property
    def word(self) -> str:
        return self.forms[0]

    def alternatives(self) -> list[str]:
        return [a.strip().lower() for a in re.split(r"[,;]", self.plain) if a.strip()]


class JargonError(ValueError):
    pass


class JargonIndex:
    """All jargon words in one pattern: one pass over a text finds every one of them."""

    def __init__(self, words: list[JargonWord]) -> None:
        self.words = words
        self._by_form = {form.lower(): word for word in words for form in word.forms}
        alternation = "|".join(re.escape(f) for f in sorted(self._by_form, key=len, reverse=True))
        # Plurals and simple verb forms count too: "inhalers", "administered", "diagnoses".
        self._pattern = re.compile(rf"(?<![\w-])(?P<w>{alternation})(?:s|es|d|ed|ing)?(?![\w-])", re.I)

    def find(self, text: str) -> list[tuple[JargonWord, re.Match[str]]]:
        return [(self._by_form[m.group("w").lower()], m) for m in self._pattern.finditer(text)]


def _entry(key: str, plain: str) -> JargonWord:
    forms = tuple(f.strip() for f in key.split("|") if f.strip())
    return JargonWord(forms, plain.strip())


def parse(text: str, source: str) -> list[JargonWord]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise JargonError(f"{source} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise JargonError(f"{source} must list one 'word: plain words' per line.")
    words = []
    for key, plain in data.items():
        if not isinstance(plain, str) or not str(key).strip():
            raise JargonError(f"{source}: '{key}' needs plain words after the colon.")
        words.append(_entry(str(key), plain))
    return words


def load_jargon(content_dir: Path | None = None) -> JargonIndex:
    """The shipped list, plus ``content/jargon.yml`` when an educator has added words there."""
    text = resources.files("bot.readability").joinpath("data/jargon.yml").read_text(encoding="utf-8")
    words = parse(text, "bot/readability/data/jargon.yml")
    extra = Path(content_dir) / "jargon.yml" if content_dir else None
    if extra is not None and extra.exists():
        words.extend(parse(extra.read_text(encoding="utf-8"), str(extra)))
    return JargonIndex(words)
