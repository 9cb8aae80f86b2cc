"""Glossary words: find the one a patient asks about, and the ones that appear in a lesson part."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.content.models import Glossary, GlossaryTerm
from bot.text import STOPWORDS, similar

_ASKING = re.compile(
    r"^(?:what(?:'s| is| are| does| do)?|whats|wat|define|definition of|meaning of|explain|the word|"
    r"what do they mean by|can you tell me what|tell me what)\s+(?:the word |the term |a |an |the )?(?P<word>.+?)"
    r"(?:\s+(?:mean|means|meaning|stand for|stands for))?\s*[?.!]*$",
    re.IGNORECASE,
)


def asked_word(text: str) -> str:
    """The word in "what does X mean?", "define X", "X meaning"; the whole text when there is no frame."""
    cleaned = text.strip().strip("?.! ")
    match = _ASKING.match(cleaned)
    if match:
        cleaned = match.group("word")
    cleaned = re.sub(r"\s+(?:mean|means|meaning)\s*$", "", cleaned, flags=re.IGNORECASE)
    return cleaned.strip(" \"'")


def find_term(glossary: Glossary | None, text: str, entity: str | None = None) -> tuple[GlossaryTerm | None, str]:
    """The glossary entry the patient means, and the word they used (for the unmet log when none fits)."""
    asked = (entity or asked_word(text)).strip()
    if glossary is None:
        return None, asked
    for candidate in [c for c in (entity, asked) if c]:
        term = glossary.lookup(candidate)
        if term:
            return term, asked
    tokens = re.findall(r"[a-z0-9/]+", text.lower())
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            gram = tokens[i : i + size]
            if all(t in STOPWORDS for t in gram):
                continue
            term = glossary.lookup(" ".join(gram))
            if term:
                return term, asked
    # One slip of the finger in a single word: "diabetis", "colesterol".
    words = [w for w in asked.lower().split() if w not in STOPWORDS]
    if len(words) == 1 and len(words[0]) >= 5:
        close = [t for t in glossary.terms if similar(words[0], t.term.lower())]
        if len(close) == 1:
            return close[0], asked
    return None, asked


@lru_cache(maxsize=8)
def _pattern(glossary: Glossary) -> re.Pattern[str] | None:
    names = sorted(glossary.names(), key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:s|es)?\b", re.IGNORECASE)


def terms_in(glossary: Glossary | None, text: str, limit: int = 4) -> list[str]:
    """Glossary words as they are written in ``text``, in reading order, one per glossary entry."""
    if glossary is None:
        return []
    pattern = _pattern(glossary)
    if pattern is None:
        return []
    found: list[str] = []
    seen: list[GlossaryTerm] = []
    for match in pattern.finditer(text):
        term = glossary.lookup(match.group(1))
        if term and term not in seen:
            seen.append(term)
            found.append(match.group(1).lower())
        if len(found) >= limit:
            break
    return found
