"""Feelings first: worry, fear, frustration or thanks in a message get a short, warm word before the task.

"I'm having surgery next Thursday and I'm scared" saved the visit and never said a word about the fear.
Whole words, and only the patient's own feelings ("I'm scared", "I am so worried"), not a question about
the word ("what is anxiety").
"""

from __future__ import annotations

import re

WORRIED = re.compile(
    r"\b(i'?m|i am|im|feeling|feel|i feel|so|really|bit|little|very)\b[^.?!]{0,20}\b"
    r"(scared|afraid|frightened|worried|nervous|anxious|terrified|panicking|stressed|worrying)\b"
    r"|\b(i'?m|im|i am) (so |really |a bit )?(scared|worried|nervous)\b",
    re.IGNORECASE,
)
FRUSTRATED = re.compile(
    r"\b(frustrat\w*|fed up|sick of|so annoyed|annoying|useless|hate this|"
    r"this is (so )?hard|struggling|can'?t cope|overwhelmed)\b",
    re.IGNORECASE,
)
THANKS = re.compile(r"\b(thanks|thank you|thank u|thx|ta|cheers)\b", re.IGNORECASE)


def feeling_of(text: str) -> str | None:
    """The response for the feeling in ``text`` (worry before frustration before thanks), or None."""
    said = text.replace("’", "'")
    if WORRIED.search(said):
        return "utter_feeling_worried"
    if FRUSTRATED.search(said):
        return "utter_feeling_frustrated"
    if THANKS.search(said) and len(said.split()) > 3:  # a bare "thanks" has its own answer
        return "utter_feeling_thanks"
    return None
