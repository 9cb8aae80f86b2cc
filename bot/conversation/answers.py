"""Reading a short answer ("yes", "not yet", "done", "stop") from a patient's words or a button's choice.

Whole words and phrases only: "yes I have it now" holds "no" as letters ("now"), and reading letters made
it a "no". A refusal phrase wins over a yes ("yes but not yet" is not yet done).
"""

from __future__ import annotations

import re

from bot.contracts import Answer

_NO = (
    "not yet",
    "not now",
    "no",
    "nope",
    "nah",
    "later",
    "skip",
    "not done",
    "dont have",
    "don't have",
    "do not have",
    "haven't",
    "havent",
    "have not",
    "didn't",
    "didnt",
    "did not",
    "can't find",
    "cant find",
)
_YES = (
    "yes",
    "yeah",
    "yep",
    "yup",
    "done",
    "got it",
    "did it",
    "have it",
    "ok",
    "okay",
    "sure",
    "ready",
    "finished",
    "i do",
    "all set",
    "y",
)
_STOP = ("stop", "quit", "enough", "cancel", "end")


def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z'])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z'])")


NO, YES, STOP = _phrases(_NO), _phrases(_YES), _phrases(_STOP)
CHOICES = {answer.value: answer for answer in Answer}


def read_answer(text: str) -> Answer | None:
    """The short answer in a typed message, or None when it is not one."""
    said = text.lower().replace("’", "'")
    if STOP.search(said) and len(said.split()) <= 3:
        return Answer.STOP
    if NO.search(said):
        return Answer.NO
    if YES.search(said):
        return Answer.YES
    return None


def answer_of_choice(choice: str | None) -> Answer | None:
    """A button's ``choice`` ("done", "later", "remind", ...) as an answer; None for a teach-back number, a
    clarity choice or a date."""
    return CHOICES.get(choice or "")
