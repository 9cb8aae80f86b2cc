"""Telling a personal medical question from a general one: the assistant informs, it never advises.

A personal question asks what the patient should do with their own medicine, what their own reading means,
or whether they have a condition. It gets the kind refusal for that part, with what the content says in
general, and the offer to put the question on their list for the care team. The rules are words, not a
model: a missed personal question must never get a general answer that reads like advice, so they lean
toward "personal".
"""

from __future__ import annotations

import re

_PATTERNS = [
    # Doses and amounts.
    r"\b(dose|dosage|doses|how many (pills|tablets|puffs|mg)|how much (\w+ )?(should|can|do) i|mg\b|milligram)",
    # Changing one's own medicine.
    r"\b(should|can|could|may|do) i (still )?(take|stop|start|double|skip|swap|switch|change|cut|halve|split|"
    r"up|lower|raise|increase|decrease|drink|mix|have(?! to\b)|use|come off|go off)\b",
    r"\b(stop|stopping|skip|skipping|double|doubling|swap|switch|quit|quitting|come off|coming off|go off|"
    r"cut down|halve|split) (taking )?(my|mine|the|these|those|it|them)\b",
    r"\bis it (ok|okay|safe|bad|fine|alright|dangerous) (for me|if i)\b",
    r"\bis (it|that|this) (ok|okay|safe|too (much|high|low)|normal|bad|serious|infected|my)\b.*$(?<=\?)|"
    r"\bis (that|this) (too much|too high|too low|ok|okay|normal|bad|serious)\b",
    r"\b(ok|okay|safe) (for me )?to (take|stop|drink|mix|skip)\b",
    # One's own readings and results.
    r"\b\d{2,3}\s*/\s*\d{2,3}\b",
    r"\bmy (\w+ ){0,3}(reading|readings|level|levels|number|numbers|result|results|score|bp|pressure|sugar|"
    r"a1c|cholesterol|ldl|hdl|count|test)\b.*\b(\d|high|low|normal|bad|good|ok|okay|worry|mean)",
    r"\b(was|is|came back|read|reads|at) \d+(\.\d+)?\b.*\b(bad|high|low|normal|ok|okay|worry|dangerous|mean)",
    # Diagnosis.
    r"\b(do|could|might|would) i (have|be having|got)\b(?! to\b)",
    r"\b(am i|do i need|does (he|she) need|should (he|she|they) (be )?(take|taking|stop|start|go|see))\b",
    r"\bwhat does (that|this|it) mean for (my|me|him|her)\b",
    r"\bmy \w+( \w+)? (was|were|is|are|came back|reads?) \d",
    r"\b\d+(\.\d+)? ?(mg|mcg|units?|kg|lbs?|mmol)\b",
    r"\b(have i got|am i (diabetic|having|getting)|is this (normal for me|serious)|what('?s| is) wrong with me)\b",
    r"\bdoes (this|that) mean i (have|am|need)\b",
    # Own symptoms and what to do about them.
    r"\bwhat should i (do|take)\b",
    # "is it infected", "is it my heart": asking what one's own symptom is.
    r"\bis (it|this|that) (my|infected|serious|cancer|an? \w+ attack)\b",
    r"\bshould i (be worried|worry|see|go|call|get|try)\b",
]
PERSONAL = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def is_personal(question: str) -> bool:
    return PERSONAL.search(question.replace("’", "'")) is not None
