"""Finding the passage that answers a patient's question, offline and in milliseconds.

Two TF-IDF views of every passage (scikit-learn, already installed for the danger model): words (with the
forgiving stems of bot/text.py, one and two words at a time) and letters inside words (3 to 5), which
forgive the typos the word view misses. A question that names a module (its title or one of its aliases:
"sugar" for diabetes, "puffer" for asthma) leans toward that module's sections. Below a floor, nothing in
the content answers: the patient is told so, plainly. The weights and the floor were chosen on the tuning
set (tests/data/answers/set_1.yml) and are measured on a set never tuned on (docs/answers.md).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.answers.passages import Passage
from bot.text import STOPWORDS, coverage, stem, words

WORD_WEIGHT = 0.7
CHAR_WEIGHT = 0.3
MODULE_BONUS = 0.2
KIND_BONUS = 0.1
FLOOR = 0.3

# What a question asks for, and the headings that answer that kind of question. Lesson headings follow the
# writing guide's few patterns ("Common signs", "What to do right away", "Steps that help"), so a question
# that asks for symptoms leans toward a "signs" section whatever the module.
KINDS = {
    "signs": (
        r"symptom|\bsigns?\b|feel like|tell if|how (do|would|can) (i|you|we) (know|tell)|notice|look like|"
        r"warning",
        r"\bsigns?\b|watch for",
    ),
    "cause": (
        r"\bcaus|what makes|risk|who gets|more likely|why do (people|some)|set off|trigger|brings? on",
        r"caus|likely|set it off|trigger",
    ),
    "act_now": (
        r"what (should|do|can) (you|i|we|they) do (if|when)|someone (is|has|might be)|right away|"
        r"emergency|ambulance|\b(911|999)\b|straight away|when (to|should (i|you|we)) call",
        r"right away|get help|call for help|what to do|not wait|call your",
    ),
    "steps": (
        r"\blower|reduce|prevent|improve|without (tablets|pills|medicine)|manage|cope|tips|what (else )?"
        r"(can|could) (i|you|we) do|things .* (do|help)|help with|stay well|\bhelps?\b",
        r"steps|help|tips|things you can do|take care|ways|each day|every day",
    ),
    "medicines": (
        r"medicine|medication|tablet|pill|inhaler|\bdrugs?\b|metformin|statin|paracetamol|ibuprofen|"
        r"insulin|side effect|how does .* work|antibiotic",
        r"medicine|side effects|take it|inhaler",
    ),
    "why": (r"\bwhy (is|does|should|do i|bother)|matter|important|bad if|point of", r"\bwhy\b|matters"),
    "numbers": (r"normal|range|\bnumbers?\b|\blevels?\b|reading|results?", r"numbers|range|results?|mean"),
    "care_team": (
        r"how often|check(ed|-?up)|ask (the|my|your) (doctor|nurse|pharmacist|gp)|questions to ask",
        r"care team|ask questions|talk with|talk about",
    ),
}
_KIND_PATTERNS = {kind: (re.compile(q, re.IGNORECASE), re.compile(h, re.IGNORECASE)) for kind, (q, h) in KINDS.items()}


def question_kinds(question: str) -> set[str]:
    return {kind for kind, (asks, _) in _KIND_PATTERNS.items() if asks.search(question)}


def heading_kinds(heading: str) -> set[str]:
    return {kind for kind, (_, answers) in _KIND_PATTERNS.items() if answers.search(heading)}


QUESTION_WORDS = frozenset(
    {
        "does",
        "do",
        "mean",
        "means",
        "meaning",
        "what",
        "whats",
        "is",
        "are",
        "a",
        "an",
        "the",
        "explain",
        "define",
        "word",
        "term",
        "like",
        "feel",
    }
)


def _analyse(text: str) -> list[str]:
    tokens = words(text, drop_stopwords=True)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@dataclass(frozen=True)
class Found:
    passage: Passage | None
    score: float
    seconds: float


class Index:
    def __init__(self, found: list[Passage]) -> None:
        self.passages = found
        documents = [f"{p.keys} {p.keys} {p.text}" for p in found]
        self.word = TfidfVectorizer(analyzer=_analyse, sublinear_tf=True)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
        self.word_matrix = self.word.fit_transform(documents)
        self.char_matrix = self.char.fit_transform(documents)
        self.module_names: dict[str, list[list[str]]] = {}  # filled by `build_index`
        self.heading_kinds = [heading_kinds(p.title) if p.kind == "section" else set() for p in found]
        self.glossary_names = [words(p.keys) if p.kind == "glossary" else [] for p in found]

    def add_module_names(self, module_id: str, names: list[str]) -> None:
        self.module_names[module_id] = [w for w in (words(n) for n in names) if w]

    def _named_modules(self, query: list[str]) -> set[str]:
        return {
            module for module, names in self.module_names.items() if any(coverage(name, query) == 1.0 for name in names)
        }

    def scores(self, question: str) -> np.ndarray:
        word = (self.word_matrix @ self.word.transform([question]).T).toarray().ravel()
        char = (self.char_matrix @ self.char.transform([question]).T).toarray().ravel()
        combined = WORD_WEIGHT * word + CHAR_WEIGHT * char
        asked = words(question)
        named = self._named_modules(asked)
        if named:
            combined = combined + MODULE_BONUS * np.array([p.module_id in named for p in self.passages])
        kinds = question_kinds(question)
        if kinds:
            combined = combined + KIND_BONUS * np.array([bool(kinds & k) for k in self.heading_kinds])
        # A definition answers only a question that is about that word and little else ("what is a hypo").
        about = [w for w in asked if w not in QUESTION_WORDS]
        present = set(about)
        eligible = np.array(
            [
                p.kind != "glossary" or (bool(present & set(names)) and coverage(about, names) >= 0.6)
                for p, names in zip(self.passages, self.glossary_names, strict=True)
            ]
        )
        return np.where(eligible, combined, 0.0)

    def best(self, question: str, floor: float = FLOOR) -> Found:
        started = time.perf_counter()
        if not any(w not in STOPWORDS for w in (stem(t) for t in question.lower().split())) or not self.passages:
            return Found(None, 0.0, time.perf_counter() - started)
        scores = self.scores(question)
        top = int(np.argmax(scores))
        score = float(scores[top])
        passage = self.passages[top] if score >= floor else None
        return Found(passage, score, time.perf_counter() - started)


def build_index(found: list[Passage], module_names: dict[str, list[str]]) -> Index:
    index = Index(found)
    for module_id, names in module_names.items():
        index.add_module_names(module_id, names)
    return index
