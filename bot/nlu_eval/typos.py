"""A typo twin of the test set: each sentence gets one or two realistic slips of the finger.

Patients type on small phones, in a hurry, some with poor sight. We make the slips people make (a letter
dropped, doubled, swapped with its neighbour, or a neighbouring key hit) and never touch a word's first
letter, which people rarely get wrong. The choice is seeded by the message itself, so the twin is the same on
every machine and can be checked in and reviewed.
"""

from __future__ import annotations

import random
import re
import zlib

from bot.nlu_eval.testset import Example, parse_annotated

_NEIGHBOURS = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}
_ANNOTATION_TAIL = re.compile(r"\](?:\([^)]*\)|\{[^}]*\})")
_SENTENCE_END = re.compile(r"[.?!]+")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _editable_spans(annotated: str) -> list[tuple[int, int]]:
    """Where the words a patient typed are, leaving out `[`, `](entity)` and `]{...}`."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _ANNOTATION_TAIL.finditer(annotated):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(annotated)))
    return spans


def _words(annotated: str) -> list[tuple[int, int]]:
    found = []
    for start, end in _editable_spans(annotated):
        for match in _WORD.finditer(annotated, start, end):
            found.append((match.start(), match.end()))
    return found


def misspell(word: str, rng: random.Random) -> str:
    """One slip in one word; the first letter stays."""
    if len(word) <= 3:
        i = rng.randrange(len(word))
        return word[: i + 1] + word[i] + word[i + 1 :]
    kind = rng.choice(("drop", "double", "swap", "neighbour"))
    i = rng.randrange(1, len(word) - 1) if kind == "swap" else rng.randrange(1, len(word))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "swap":
        if word[i] == word[i + 1]:
            return word[:i] + word[i + 1 :]
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = word[i].lower()
    choice = rng.choice(_NEIGHBOURS.get(letter, letter))
    return word[:i] + (choice.upper() if word[i].isupper() else choice) + word[i + 1 :]


def typo_twin(example: Example) -> Example:
    """The same message with one slip per sentence of up to five words and two in longer ones."""
    annotated = example.annotated
    rng = random.Random(zlib.crc32(annotated.encode("utf-8")))
    words = _words(annotated)
    boundaries = [m.end() for m in _SENTENCE_END.finditer(annotated)] + [len(annotated) + 1]
    chosen: list[tuple[int, int]] = []
    sentence_start = 0
    for boundary in boundaries:
        in_sentence = [w for w in words if sentence_start <= w[0] < boundary]
        sentence_start = boundary
        if not in_sentence:
            continue
        long_words = [w for w in in_sentence if w[1] - w[0] >= 4] or in_sentence
        count = 1 if len(in_sentence) <= 5 else 2
        chosen += rng.sample(long_words, min(count, len(long_words)))
    for start, end in sorted(chosen, reverse=True):
        annotated = annotated[:start] + misspell(annotated[start:end], rng) + annotated[end:]
    return parse_annotated(annotated, example.intent)


def typo_set(examples: list[Example]) -> list[Example]:
    return [typo_twin(example) for example in examples]
