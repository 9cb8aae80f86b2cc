"""Medical things a lesson never mentions: a question about one is not answered by that lesson.

Sentence similarity finds the nearest lesson, and for a question the content does not cover the nearest is
often a neighbour: "what are the signs of sepsis" lands on heart-attack signs, "who needs the shingles
vaccine" on the flu shot, "what causes low blood pressure" on high blood pressure. What gives these away is a
word the glossary knows (sepsis, shingles, hypotension) that the answering lesson never uses, in any of the
entry's names. That alone is not enough: "my sister had her gallbladder out, what should we watch for at
home after surgery" names a thing the surgery lesson never mentions, yet the lesson answers it. So a named
thing rules a lesson out only when the question is about it at least as much as about the lesson: its
definition is about as similar to the question as the lesson's passage is (`MARGIN`).

Built from the library when the answerer is built, so an educator's new lesson or glossary entry counts at
once. Word forms are matched loosely (a shared start of six letters, or the whole of a shorter word and an ending:
"fasting" and "fast", "monitoring" and "monitor"), since a lesson rarely uses the patient's exact form.
"""

from __future__ import annotations

from collections import defaultdict

from bot.content.models import Library
from bot.text import words

# How far below the passage's score the named thing's similarity may be and still rule the lesson out. Chosen
# on the tuning questions (set_1, half 0 of set_4, set_6, set_7; docs/answers.md): every not-covered question
# ruled out there was within 0.05, every covered one at least 0.13 away.
MARGIN = 0.08
# A word is matched by its start: both share this many letters, or all of the shorter one when the longer
# adds an ending ("fast", "fasting"), not a word ("hypo", "hypotension").
SHARED_START = 6
MIN_WORD = 4
ENDING = 3


def same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < MIN_WORD:
        return False
    shared = 0
    for x, y in zip(short, long_, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= SHARED_START or (shared == len(short) and len(long_) - len(short) <= ENDING)


def _key(word: str) -> str:
    return word[:MIN_WORD]


def _occurs(name: list[str], text: list[str], starts: dict[str, list[int]]) -> bool:
    """``name`` as consecutive words of ``text``; ``starts`` maps a word's first letters to where they are."""
    for position in starts.get(_key(name[0]), ()):
        if position + len(name) <= len(text) and all(
            same_word(text[position + i], part) for i, part in enumerate(name)
        ):
            return True
    return False


def _starts(text: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for position, word in enumerate(text):
        found[_key(word)].append(position)
    return found


class ForeignTerms:
    """Which glossary entries a question names, and which modules ever mention each."""

    def __init__(self, library: Library) -> None:
        # Stop words are kept: "living will" must not shrink to "living".
        self.names: list[tuple[str, list[str]]] = []
        if library.glossary is not None:
            for entry in library.glossary.terms:
                for name in (entry.term, *entry.aliases):
                    parts = words(name, drop_stopwords=False)
                    if parts:
                        self.names.append((entry.term, parts))
        self.mentioned_in: dict[str, set[str]] = defaultdict(set)
        for module in library.modules.values():
            said = [module.title, *module.aliases]
            for section in module.sections:
                said += [section.title, library.profile.fill(section.text), *section.questions]
            text = words(" . ".join(said), drop_stopwords=False)
            starts = _starts(text)
            for term, name_words in self.names:
                if module.id not in self.mentioned_in[term] and _occurs(name_words, text, starts):
                    self.mentioned_in[term].add(module.id)

    def named(self, question: str) -> set[str]:
        """The glossary terms (by their main name) that ``question`` names, under any of their names."""
        asked = words(question, drop_stopwords=False)
        starts = _starts(asked)
        return {term for term, name in self.names if _occurs(name, asked, starts)}

    def unknown_to(self, module_id: str, terms: set[str]) -> set[str]:
        return {term for term in terms if module_id not in self.mentioned_in.get(term, set())}
