"""Reading-level scores for one patient-facing text.

Formulas were made for running prose. Chat content is short, full of numbers and lists, so the
text is first turned into plain sentences (see ``prepare``) and the formulas are combined:

* Flesch-Kincaid grade and Coleman-Liau index on every text. FK counts syllables, CL counts
  letters; a text that fools one (a long but common word, a short but rare one) rarely fools both.
* SMOG only when the text has at least ``SMOG_MIN_SENTENCES`` sentences. SMOG was normed on
  30-sentence samples; on a five-sentence chat bubble one unavoidable word such as "diabetes" moves
  it by two grades, so it is applied to whole documents, where it is meaningful.

The combined grade is the mean of the formulas that apply, each floored at 0.
Texts under ``SHORT_TEXT_WORDS`` words (buttons, list items, one-line questions) get no grade of
their own: the checker pools them per file and grades the pool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LANGUAGE = "en_US"  # the one textstat uses for syllables; one CMUdict load serves both
SMOG_MIN_SENTENCES = 10
SHORT_TEXT_WORDS = 10

# A number with whatever is glued to it or follows it as a unit: "120/80", "5.7%", "8:00-18:00",
# "2 mg", "+1 555 0100". Each run becomes one short common word so it neither adds syllables nor
# splits a sentence at a decimal point.
_UNITS = r"(?:%|\s?(?:mg|g|kg|lb|lbs|mmhg|mm|cm|ml|l|mcg|iu|am|pm)\b|\s?[ap]\.m\.)?"
_ONE_NUMBER = r"[+(]?\d[\d.,:/\-–)]*(?<![.,:/\-–])" + _UNITS
_NUMBER_RUN = re.compile(r"(?<![\w.])" + _ONE_NUMBER + r"(?:\s+" + _ONE_NUMBER + r")*(?![\w])", re.I)
_ALNUM = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w+\b")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+", re.I)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_MARK = re.compile(r"[*_`#>]+")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?:;]['\")\]]*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def prepare(text: str) -> str:
    """Turn chat Markdown into plain sentences the formulas can count fairly.

    Each bullet and each line that does not end a sentence becomes its own sentence (a list is
    read item by item); links keep their words; numbers, units, URLs and placeholders become one
    short word.
    """
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" link ", text)
    text = _PLACEHOLDER.sub(" ten ", text)
    text = _ALNUM.sub(" ten ", text)
    text = _NUMBER_RUN.sub(" ten ", text)
    sentences: list[str] = []
    paragraph: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if paragraph:
                sentences.append(_end(" ".join(paragraph)))
                paragraph = []
            continue
        if _BULLET.match(line):
            if paragraph:
                sentences.append(_end(" ".join(paragraph)))
                paragraph = []
            sentences.append(_end(_BULLET.sub("", line)))
            continue
        paragraph.append(line)
    if paragraph:
        sentences.append(_end(" ".join(paragraph)))
    prose = " ".join(s for s in sentences if s)
    prose = _MD_MARK.sub("", prose)
    # textstat splits sentences on . ! ? only; a colon or semicolon ends a chat "sentence" too.
    prose = re.sub(r"[:;]\s", ". ", prose)
    prose = re.sub(r"\s+([.,!?])", r"\1", prose)
    return re.sub(r"\s+", " ", prose).strip()


def _end(sentence: str) -> str:
    sentence = sentence.strip()
    if sentence and not _ENDS_SENTENCE.search(sentence):
        sentence += "."
    return sentence


def words(text: str) -> list[str]:
    """The words of a text as a reader sees them (numbers excluded)."""
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """Sentences of prepared text, split the way a reader would (on . ! ? and line breaks)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if words(p)]


@dataclass(frozen=True)
class Grade:
    """One text's reading level: the combined grade and the formulas behind it."""

    grade: float
    words: int
    sentences: int
    formulas: dict[str, float] = field(default_factory=dict)

    @property
    def short(self) -> bool:
        return self.words < SHORT_TEXT_WORDS


class Scorer:
    """Scores texts with textstat, which must find its syllable data offline first."""

    def __init__(self, nltk_data_dir: Path) -> None:
        from bot.readability.nltk_data import install_fast_cmudict

        install_fast_cmudict(nltk_data_dir)
        import textstat

        textstat.set_lang(LANGUAGE)
        self._ts = textstat
        self._score = lru_cache(maxsize=65536)(self._score_uncached)

    def score(self, text: str) -> Grade:
        return self._score(text)

    def _score_uncached(self, text: str) -> Grade:
        prose = prepare(text)
        n_words = len(words(prose))
        n_sentences = max(1, len(sentences(prose)))
        if n_words == 0:
            return Grade(0.0, 0, 0, {})
        ts = self._ts
        formulas = {
            "flesch_kincaid": max(0.0, float(ts.flesch_kincaid_grade(prose))),
            "coleman_liau": max(0.0, float(ts.coleman_liau_index(prose))),
        }
        if n_sentences >= SMOG_MIN_SENTENCES:
            formulas["smog"] = max(0.0, float(ts.smog_index(prose)))
        combined = sum(formulas.values()) / len(formulas)
        return Grade(round(combined, 1), n_words, n_sentences, {k: round(v, 1) for k, v in formulas.items()})

    def hard_words(self, text: str) -> list[str]:
        """Words of three or more syllables that are not on the Dale-Chall list of familiar words."""
        seen: dict[str, None] = {}
        for word in words(prepare(text)):
            lowered = word.lower()
            if lowered in seen or self._ts.is_easy_word(lowered) or self._ts.syllable_count(lowered) < 3:
                continue
            seen[lowered] = None
        return list(seen)

    def is_familiar(self, word: str) -> bool:
        """Whether ``word`` is on the Dale-Chall list of words most 4th-graders know (tells "BE FAST" from "COPD")."""
        return bool(self._ts.is_easy_word(word.lower(), syllable_threshold=1))
