"""Forgiving word matching: patients misspell, use plurals, and put words in any order.

A module an educator adds must be found by its title and aliases without retraining the NLU, so we match
words, not a trained model: the same few rules for lessons and glossary words.
"""

from __future__ import annotations

import re

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
    """Damerau-Levenshtein distance (a swap of neighbours is one slip), stopping early past ``limit``."""
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
        previous2, previous = previous, current
    return previous[len(b)]


def similar(word: str, other: str) -> bool:
    """Same word, or one slip away (two for long words); short words like "bp" or "flu" must be exact."""
    if word == other:
        return True
    shortest = min(len(word), len(other))
    if shortest < 4:
        return False
    allowed = 1 if shortest < 7 else 2
    return edit_distance(word, other, allowed) <= allowed


def coverage(name: list[str], query: list[str]) -> float:
    """Share of the name's words found in the query, in any order, allowing slips."""
    if not name:
        return 0.0
    found = sum(1 for word in name if any(similar(word, q) for q in query))
    return found / len(name)
