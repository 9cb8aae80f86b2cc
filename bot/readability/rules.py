"""Plain-language rules beyond the formulas, in the spirit of the SHeLL Health Literacy Editor and the
Health Literacy Advisor: jargon, acronyms, long sentences, passive voice, speaking to the reader,
words missing from the glossary, and doses (content teaches; it never tells anyone how much to take).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.readability.jargon import JargonIndex, JargonWord
from bot.readability.scoring import prepare, sentences, words
from bot.readability.texts import PROSE_KINDS, PatientText

ERROR = "error"
WARNING = "warning"

# Short forms every reader knows; anything else in capitals must be spelled out or explained once.
COMMON_ACRONYMS = frozenset({"ID", "OK", "TV", "AM", "PM", "US", "USA", "UK", "COVID", "COVID-19", "FAQ"})

_SHORT_WORDS = frozenset(
    [
        "AN",
        "AS",
        "AT",
        "BE",
        "BY",
        "DO",
        "GO",
        "HE",
        "IF",
        "IN",
        "IS",
        "IT",
        "ME",
        "MY",
        "NO",
        "OF",
        "ON",
        "OR",
        "SO",
        "TO",
        "UP",
        "WE",
    ]
)
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*[A-Z0-9])(s?)(?![\w-])")
_AFTER_EXPLAINS = re.compile(
    r"^(?:\s*\(|\s*,\s*(?:a|an|the|which|that|or|also|meaning|when|where)\b|"
    r"\s+(?:is|are)\s+(?:a|an|the|when|how|what|one|part|some|kinds?|types?|medicines?|something)\b|"
    r"\s+(?:means?|stands? for)\b|\s*[-–—:]\s)",
    re.I,
)
_BEFORE_EXPLAINS = re.compile(r"(?:\b(?:called|named|known as)\s+(?:an?\s+|the\s+)?|\(\s*)$", re.I)
_YOU = re.compile(r"\b(?:you|your|yours|yourself|you're|you'll|you've|you'd)\b", re.I)
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|milligrams?|micrograms?|ml|millilit(?:er|re)s?|units?|tablets?|pills?|"
    r"capsules?|puffs?|drops?|teaspoons?|tablespoons?|doses?)\b|\bevery\s+\d+(?:\s*(?:to|-)\s*\d+)?\s+hours\b",
    re.I,
)
_IRREGULAR = (
    "made|done|given|taken|seen|known|told|sent|kept|found|left|paid|put|held|brought|bought|taught|"
    "thought|built|cut|set|shown|written|spoken|chosen|driven|eaten|drawn|hurt|born|caught|fed|led|read|run"
)
_PASSIVE = re.compile(
    rf"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten|getting)\s+(?:\w+ly\s+)?(\w+ed|{_IRREGULAR})\b"
    r"(?:\s+by\b)?",
    re.I,
)
# Words ending in -ed that describe how someone feels or is, not something done to them.
_NOT_PASSIVE = frozenset(
    [
        "tired",
        "worried",
        "scared",
        "interested",
        "used",
        "supposed",
        "married",
        "concerned",
        "confused",
        "bored",
        "excited",
        "pleased",
        "surprised",
        "embarrassed",
        "ashamed",
        "depressed",
        "stressed",
        "related",
        "based",
        "done",
        "finished",
        "gone",
        "tested",
        "prepared",
        "allowed",
        "needed",
        "ready",
        "able",
        "afraid",
        "annoyed",
        "frightened",
        "upset",
        "overwhelmed",
        "relaxed",
        "limited",
        "balanced",
        "covered",
        "insured",
        "dehydrated",
        "vaccinated",
        "pregnant",
        "involved",
        "qualified",
        "satisfied",
        "convinced",
        "amazed",
        "hospitalized",
        "unwanted",
        "unexpected",
        "unexplained",
        "unused",
        "expired",
        "closed",
    ]
)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    fix: str
    excerpt: str = ""


def explained_here(text: str, start: int, end: int, alternatives: Iterable[str]) -> bool:
    """Whether the word at text[start:end] comes with its meaning: "X (plain words)", "X, which ...",
    "X is a ...", "X means ...", "(X)" after its long form, "called X", or the plain words in the same text."""
    if _AFTER_EXPLAINS.match(text[end : end + 40]) or _BEFORE_EXPLAINS.search(text[max(0, start - 30) : start]):
        return True
    lowered = text.lower()
    return any(alt and alt in lowered for alt in alternatives)


def explained_in_scope(texts: Iterable[PatientText], jargon: JargonIndex) -> set[str]:
    """Jargon words (by their first form) and acronyms explained somewhere in these texts."""
    done: set[str] = set()
    for item in texts:
        if item.defines:
            done.add(item.defines.lower())
            done.add(item.defines)
        for entry, match in jargon.find(item.text):
            if explained_here(item.text, match.start(), match.end(), entry.alternatives()):
                done.add(entry.word.lower())
        for match in _ACRONYM.finditer(item.text):
            if explained_here(item.text, match.start(), match.end(), ()):
                done.add(match.group(1))
    return done


def jargon_findings(item: PatientText, jargon: JargonIndex, explained: set[str]) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for entry, match in jargon.find(item.text):
        if entry.word in seen:
            continue
        seen.add(entry.word)
        if entry.word.lower() not in explained and not _is_defined_term(item, entry):
            findings.append(
                Finding(
                    "jargon",
                    ERROR,
                    f'"{match.group(0)}" is a medical or official word.',
                    f'Say "{entry.plain}" instead, or explain it the first time, '
                    f'like "{match.group(0)} ({entry.plain})".',
                    match.group(0),
                )
            )
    return findings


def _is_defined_term(item: PatientText, entry: JargonWord) -> bool:
    return bool(item.defines) and any(form.lower() in item.defines.lower() for form in entry.forms)


def acronyms(text: str, is_word: Callable[[str], bool]) -> list[str]:
    """Capitalised short forms in ``text``; words in capitals for emphasis ("BE FAST") are not acronyms."""
    found = []
    for match in _ACRONYM.finditer(text):
        token = match.group(1)
        shouted = token in _SHORT_WORDS or (len(token) > 2 and not any(c.isdigit() for c in token) and is_word(token))
        if token in COMMON_ACRONYMS or shouted:
            continue
        found.append(token)
    return found


def acronym_findings(item: PatientText, explained: set[str], is_word: Callable[[str], bool]) -> list[Finding]:
    findings = []
    for token in dict.fromkeys(acronyms(item.text, is_word)):
        if token in explained or token == item.defines:
            continue
        findings.append(
            Finding(
                "acronym",
                ERROR,
                f'"{token}" is a short form that is not explained in this file.',
                f'Spell it out the first time, like "chronic obstructive pulmonary disease ({token})", '
                f'or explain it: "{token} is a ...". Or leave it out.',
                token,
            )
        )
    return findings


def sentence_findings(item: PatientText, max_words: int) -> list[Finding]:
    findings = []
    for sentence in sentences(prepare(item.text)):
        count = len(words(sentence))
        if count > max_words:
            findings.append(
                Finding(
                    "long-sentence",
                    ERROR,
                    f"A sentence has {count} words (the most is {max_words}).",
                    "Split it into two sentences. One idea per sentence.",
                    sentence,
                )
            )
    return findings


def passive_findings(item: PatientText) -> list[Finding]:
    findings = []
    for match in _PASSIVE.finditer(item.text):
        participle = match.group(1).lower()
        if participle in _NOT_PASSIVE:
            continue
        findings.append(
            Finding(
                "passive",
                WARNING,
                f'"{match.group(0)}" looks like passive voice.',
                'Say who does it: "Your nurse checks your blood pressure", not "Your blood pressure is checked".',
                match.group(0),
            )
        )
    return findings


def reader_findings(item: PatientText) -> list[Finding]:
    if item.kind not in PROSE_KINDS:
        return []
    prose = prepare(item.text)
    if len(words(prose)) < 15 or len(sentences(prose)) < 2 or _YOU.search(item.text):
        return []
    return [
        Finding(
            "reader",
            WARNING,
            "This text does not speak to the reader.",
            'Write to the patient as "you": "You can ..." rather than "Patients can ...".',
        )
    ]


def dose_findings(item: PatientText) -> list[Finding]:
    return [
        Finding(
            "dose",
            ERROR,
            f'"{m.group(0)}" looks like a dose or dosing time.',
            "Content never says how much or how often to take a medicine. Say: ask your doctor or pharmacist.",
            m.group(0),
        )
        for m in _DOSE.finditer(item.text)
    ]
