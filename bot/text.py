"""Forgiving text matching, one set of rules for the lesson finder, the NLU's spelling step and the danger rules.

Patients misspell, use plurals, and put words in any order. A module an educator adds must be found by its
title and aliases without retraining the NLU, so we match words, not a trained model; and a typo must be
forgiven the same way wherever it is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# Words that say *how* someone asks, not *what* about; they never decide which lesson fits.
_STOPWORD_TEXT = """
a about after all also am an and any anything are as at be been being both but by can could did do does doing
explain explained for from get give go going got had has have having he her him his how i i'd i'm if in info
information into is it it's its just know learn learning lesson lessons let let's like me mean means meaning
more most mum my myself need new now of off on one or our out please pls plz read said say says she should
show so some something teach tell than that the their them then there these they this those to told
understand up us wanna want was we what what's whats when where which who why will with would you your
doctor doc nurse gp dad mom mother father husband wife son daughter told diagnosed found just recently
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Numbers as patients write them in words ("remove the third one" uses ordinals kept where they are read).
CARDINALS = {
    word: number
    for number, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], start=1
    )
}


def stem(word: str) -> str:
    """Fold the plural and possessive forms patients use, the same way on both sides of a match."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str, drop_stopwords: bool = True) -> list[str]:
    tokens = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    return [stem(t) for t in tokens if not (drop_stopwords and t in STOPWORDS)]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (a swap of neighbours is one slip). Past ``limit`` it stops and answers
    ``limit + 1``: as soon as a whole row of the table is over the limit, no later row can come back under it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


# One slip rule for everything that forgives typing: words under 4 letters ("bp", "flu") must be exact, a
# word of 4 to 7 letters may have one slip, a word of 8 or more two.
MIN_FORGIVEN = 4
LONG_WORD = 8


def allowed_slips(word: str) -> int:
    if len(word) < MIN_FORGIVEN:
        return 0
    return 2 if len(word) >= LONG_WORD else 1


def similar(word: str, other: str) -> bool:
    """Same word, or within the slips the shorter of the two allows."""
    if word == other:
        return True
    allowed = allowed_slips(min(word, other, key=len))
    return allowed > 0 and edit_distance(word, other, allowed) <= allowed


def closest(word: str, vocabulary: Iterable[str], prefer: Callable[[str], Any] = lambda known: 0) -> str | None:
    """The vocabulary word within ``word``'s slips that starts with the same letter (the first letter is
    rarely the mistyped one), nearest first, then by ``prefer`` (smaller wins), then alphabetically."""
    allowed = allowed_slips(word)
    if not allowed:
        return None
    best: tuple[int, Any, str] | None = None
    for known in vocabulary:
        if len(known) < MIN_FORGIVEN or abs(len(known) - len(word)) > allowed or known[:1] != word[:1]:
            continue
        distance = edit_distance(word, known, allowed)
        if distance <= allowed:
            candidate = (distance, prefer(known), known)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None


def coverage(name: list[str], query: list[str]) -> float:
    """Share of the name's words found in the query, in any order, allowing slips."""
    if not name:
        return 0.0
    found = sum(1 for word in name if any(similar(word, q) for q in query))
    return found / len(name)
