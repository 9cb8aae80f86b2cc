"""Whether a message asks a question of its own, or asks for a whole lesson or a word's meaning.

The NLU reads a message naming a topic or a word as "teach me this topic" (``learn_topic``) or "what does
this word mean" (``define_term``), and it is often right: "tell me about asthma", "what is COPD?", "what
does edema mean". But "how does the flu jab protect you" or "what foods raise cholesterol" name a topic and
ask one thing about it: the patient wants that answer, not the first page of a lesson or a one-line
definition. Such a message is answered from the passage that answers it (bot/answers/), with "Learn more"
for the lesson; the lesson or the definition stays the answer to everything else.

Words only, no model: a question mark or a question word, and not one of the forms that ask for a whole
topic or a bare meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.text import similar

_QUESTION_START = re.compile(
    r"^(why|how|what|whats|when|where|which|who|whos|is|are|does|do|can|could|should|would|will|did)\b"
)
# A question after a topic or a greeting: "heart failure, how does it affect the body", "hi, why do ...".
_QUESTION_INSIDE = re.compile(
    r"[,.;:!-]\s*(why|how|what|whats|when|where|which|is|are|does|do|can|could|should)\b|"
    r"\b(dont|do not|don't) (get|understand|know) (why|how|what)\b|\bwonder(ing)? (why|how|what|if)\b"
)
# Asking for a whole topic or a word's bare meaning: the lesson or the glossary answers these.
_WHOLE_TOPIC = re.compile(
    r"^(please )?(tell|teach|show|explain to) me (all )?(about|on)\b|^(can|could|will) you (tell|teach|explain)\b"
    r".*\babout\b|^(i want|id like|i'd like|i would like) to (learn|know|read) (about|more)\b|"
    r"\b(lesson|module|course) (on|about)\b|^(more|info|information) (on|about)\b|^explain\b"
)
_BARE_MEANING = re.compile(
    r"^(what is|what are|what's|whats)( an?| the)? [\w' -]{1,40}\??$|"
    r"^what (does|do) [\w' -]{1,40} (mean|stand for)\??$|^(define|meaning of|definition of)\b|^\w+ meaning\??$"
)
# Words after "what is"/"what are" that make it more than a meaning: "what is a normal blood sugar level".
_MORE_THAN_MEANING = re.compile(
    r"\b(normal|healthy|good|bad|best|safe|difference|between|range|level|levels|number|numbers|signs?|"
    r"symptoms?|causes?|risks?|treatment|side effects?|point of|for|in|of|after|before|during|when|if)\b"
)


# A few words that ask for one part of a topic, typed as a search ("asthma triggers", "signs of a hypo",
# "heart attack what to do", "copd when to call 999"): the part answers them, with "Learn more" for the rest.
_ONE_PART = re.compile(
    r"\b(signs?|symptoms?|triggers?|causes?|side effects?|what to do|when to|tips|ways to|risks?|vs|versus|"
    r"difference|treat(ment|ments|ed)?|how to|prevent(ion|ing)?|warning|daily|diet|foods?|before|after|during|"
    r"normal|range|numbers?|levels?|results?)\b"
)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").strip().lower())


def asks_own_question(text: str) -> bool:
    """True for "what foods raise cholesterol", "how does an inhaler work", "can you get copd if you never
    smoked?"; False for "tell me about asthma", "what is copd", "what does edema mean", "asthma", and for a
    button's payload."""
    said = normal(text)
    if not said or said.startswith("/"):
        return False
    if _WHOLE_TOPIC.search(said):
        return False
    if _BARE_MEANING.search(said) and not _MORE_THAN_MEANING.search(said.split(" ", 2)[-1]):
        return False
    if _QUESTION_START.search(said) or _QUESTION_INSIDE.search(said):
        return True
    if _ONE_PART.search(said) and 2 <= len(said.split()) <= 8:
        return True
    return said.endswith("?") and len(said.split()) >= 3  # "asthma?" asks for the topic


@dataclass(frozen=True)
class RequestWords:
    """Words a request of one kind always carries, one of which a message must have to be that request.

    The NLU sometimes reads a health question as a request that changes something: "natural ways to ease
    pain" as "delete my data", "fasting before blood test" as a reminder, "top and bottom number blood
    pressure meaning" as moving a question on the list. A real request names what it wants ("delete",
    "remind", "move"), and patients' slips are forgiven (bot/text.py). A message without any of these words is
    answered as the health question it is, when the content answers it (actions/base.py); otherwise the
    request goes ahead as before.
    """

    words: frozenset[str]
    # Or one word of each: a position and what is moved ("the pain question first").
    together: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())

    def heard(self, text: str, known: Callable[[str], bool] = lambda word: False) -> bool:
        """``known``: whether a word is a real one (the content's words): a slip is forgiven only in a word
        that is not, since one slip turns "ease" into "erase" and "test" into "text"."""
        tokens = re.findall(r"[a-z0-9']+", normal(text))

        def like(token: str, word: str) -> bool:
            return (
                token == word
                or (len(word) >= 5 and token.startswith(word))
                or ((len(word) >= 6 or not known(token)) and similar(token, word))
            )

        if any(like(token, word) for token in tokens for word in self.words):
            return True
        first, second = self.together
        return any(like(t, w) for t in tokens for w in first) and any(
            t.isdigit() or any(like(t, w) for w in second) for t in tokens
        )


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FORGET_REQUEST = RequestWords(
    _words(
        "forget forgotten forgot delete erase remove wipe clear purge destroy scrub bin data history chat chats "
        "conversation account info information record records details messages everything anything gdpr "
        "privacy keep kept store storing stored file unsubscribe rid"
    )
)
ADD_QUESTION_REQUEST = RequestWords(
    _words("add save put note write jot list question questions ask remember keep log include stick pop store")
)
REMINDER_REQUEST = RequestWords(
    _words(
        "remind reminder reminded alert notify notification ping nudge alarm text message tell know remember "
        "forget email call"
    )
)
MOVE_REQUEST = RequestWords(
    _words("move put swap reorder order shuffle priority prioritise prioritize rank shift bump"),
    (
        _words("first top last bottom up down higher lower front end before after earlier later next"),
        _words("question questions list one it"),
    ),
)
