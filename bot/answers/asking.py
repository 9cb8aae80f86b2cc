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
    return said.endswith("?") and len(said.split()) >= 3  # "asthma?" asks for the topic
