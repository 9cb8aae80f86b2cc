"""Reading what a patient means when they edit their question list: which question, where to, what text.

"add a question: can I still drive?", "remove number 2", "take off the one about driving", "move the last
one to the top". The NLU says *what* they want to do; these functions find *which* question, so the same few
rules work in every channel and are easy to test.
"""

from __future__ import annotations

import re

from bot.text import CARDINALS, coverage, words

MAX_QUESTION_CHARS = 300

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "top": 1,
}
_CARDINALS = {word: n for word, n in CARDINALS.items() if n <= 10}

# How people start "add a question" before the question itself; longest first so the most is removed.
_LEADS = sorted(
    [
        "add a question",
        "add another question",
        "add question",
        "add this question",
        "add this",
        "add to my list",
        "add to my questions",
        "add to the list",
        "add on my list",
        "add",
        "put on my list",
        "put this on my list",
        "put on the list",
        "put down",
        "put",
        "write down",
        "write this down",
        "write",
        "save this question",
        "save the question",
        "save a question",
        "save this",
        "save",
        "note down",
        "note this down",
        "note",
        "please add",
        "can you add",
        "could you add",
        "i want to add a question",
        "i want to add",
        "i'd like to add",
        "new question",
        "my question is",
        "my question",
        "question",
        "remember this",
        "remember to ask",
        "i want to ask",
        "i need to ask",
        "ask the doctor",
        "ask my doctor",
        "to my list",
        "on my list",
        "to the list",
        "to my questions",
        "please",
        "also",
        "another question",
        "another one",
        "a question",
        "this question",
        "that",
    ],
    key=len,
    reverse=True,
)


def question_text(said: str) -> str:
    """The patient's own question without the "add a question:" around it; empty when there is none."""
    text = " ".join(said.strip().split())
    if ":" in text:
        head, _, tail = text.partition(":")
        if tail.strip() and len(head.split()) <= 6:
            text = tail.strip()
    changed = True
    while changed and text:
        changed = False
        lower = text.lower()
        for lead in _LEADS:
            if lower == lead or lower.startswith(lead + " ") or lower.startswith(lead + ","):
                text = text[len(lead) :].lstrip(" ,-:")
                changed = True
                break
    text = text.strip(" \"'“”")
    if len(words(text, drop_stopwords=False)) < 2:
        return ""  # "add a question" alone, or one stray word: ask what the question is
    text = text[:MAX_QUESTION_CHARS]
    text = text[0].upper() + text[1:]
    text = re.sub(r"\bi\b", "I", text)
    text = re.sub(r"\bi'(m|ll|ve|d)\b", lambda m: "I'" + m.group(1), text)
    if not text.endswith(("?", ".", "!")):
        text += "?"
    return text


def _root(word: str) -> str:
    """Fold "driving"/"drive", "worked"/"work": enough to find "the one about driving"."""
    for ending in ("ing", "ed", "e"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _roots(text: str) -> list[str]:
    return [_root(w) for w in words(text)]


def same_question(a: str, b: str) -> bool:
    return words(a, drop_stopwords=False) == words(b, drop_stopwords=False)


def _numbers(said: str) -> list[int]:
    """Positions named in the words, in order: "2", "number two", "the second one", "the last one"=-1."""
    found: list[int] = []
    previous = ""
    for token in re.findall(r"[a-z0-9]+", said.lower()):
        after, previous = previous, token
        if token == "one" and after not in ("number", "question", "no", "item"):
            continue  # "the one about driving"
        if token.isdigit():
            found.append(int(token))
        elif token in _ORDINALS:
            found.append(_ORDINALS[token])
        elif token in _CARDINALS:
            found.append(_CARDINALS[token])
        elif token in ("last", "bottom"):
            found.append(-1)
    return found


def which_question(said: str, questions: list[str]) -> int | None:
    """Index of the question the patient means, by number ("2", "the second", "the last one") or by its
    words ("the one about driving"); None when it is not clear."""
    count = len(questions)
    if not count:
        return None
    text = re.split(r"\b(to|up|down|above|below|before|after)\b", said.lower())[0]
    for number in _numbers(text):
        if number == -1:
            return count - 1
        if 1 <= number <= count:
            return number - 1
    asked = _roots(text)
    asked = [
        w
        for w in asked
        if w
        not in {
            "remove",
            "delete",
            "move",
            "question",
            "take",
            "drop",
            "cross",
            "list",
            "put",
            "number",
            "don't",
            "dont",
            "anymore",
            "item",
        }
    ]
    if not asked:
        return None
    scores = [coverage(asked, _roots(q)) for q in questions]
    best = max(scores)
    if best >= 0.5 and scores.count(best) == 1:
        return scores.index(best)
    return None


def _target_words(said: str) -> str:
    """The part of "move question 3 to the top" / "put number 2 first" that says where to."""
    text = said.lower()
    match = re.search(r"\b(to|up|down|above|below|higher|lower)\b", text)
    if match:
        return text[match.start() :]
    # No "to": drop the first position word, the rest says where ("put number 2 first").
    return re.sub(r"\b(\d+|first|second|third|fourth|fifth|last|one|two|three|four|five)\b", "", text, count=1)


def move_target(said: str, current: int, count: int) -> int | None:
    """Where a question should go (index): "to the top", "first", "up", "down", "to number 3", "last"."""
    text = _target_words(said)
    if re.search(r"\b(top|first|start|beginning|front|number one|number 1)\b", text):
        return 0
    if re.search(r"\b(bottom|last|end)\b", text):
        return count - 1
    match = re.search(
        r"\b(?:to |number |position |place |spot )+(\d+|one|two|three|four|five|six|seven|eight|"
        r"nine|ten)\b",
        text,
    )
    if match:
        raw = match.group(1)
        number = int(raw) if raw.isdigit() else _CARDINALS[raw]
        return min(max(number, 1), count) - 1
    if re.search(r"\b(up|higher|earlier|above)\b", text):
        return max(current - 1, 0)
    if re.search(r"\b(down|lower|below)\b", text):
        return min(current + 1, count - 1)
    return None
