"""Finding the passage that answers a patient's question, offline and in milliseconds.

Two kinds of evidence, mixed (`Weights`):

- TF-IDF (scikit-learn): words (with the forgiving stems of bot/text.py, one and two words at a time) and
  letters inside words (3 to 5), which forgive typos. Exact words: strong when the patient uses the
  lesson's words, blind when they do not.
- Sentence embeddings (bot/answers/embedding.py, all-MiniLM-L6-v2): the question against each passage as a
  whole ("Module: heading. text") and against each of its sentences (best sentence), averaged. They find
  "my puffer" in a section about the rescue inhaler. A question often matches one sentence of a section,
  which the whole-passage vector dilutes; the best sentence alone over-rewards one lucky sentence: the mean
  of the two measured best (docs/answers.md).

On top: a bonus when the question names a module (title or alias), a bonus when what the question asks for
matches the kind of heading, and a floor below which nothing answers: the patient is told so, plainly. A
glossary entry (a definition) answers only a question about that word that asks what it is, never "what
causes" or "how do you treat" it. Once the floor is met, a classifier trained on the lessons' own sentences
and questions (bot/answers/sections.py) settles which of the two most similar passages answers. The weights
and the floor were chosen on the tuning questions (tests/data/answers/set_1.yml, half 0 of set_4.yml) and
are measured on sets never tuned on (docs/answers.md).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.answers.foreign import MARGIN, ForeignTerms
from bot.answers.passages import Passage
from bot.answers.sections import SectionClassifier
from bot.text import STOPWORDS, coverage, stem, words

# Inside the TF-IDF evidence: words against letters.
WORD_WEIGHT = 0.7
CHAR_WEIGHT = 0.3


@dataclass(frozen=True)
class Weights:
    """How the evidence is mixed: ``tfidf`` and ``dense`` weigh the two similarities (cosines, 0 to 1), the
    bonuses are added when they apply, and ``floor`` is the least total score that answers. ``section`` weighs
    the section classifier (bot/answers/sections.py) when choosing between passages, once the floor is met."""

    tfidf: float
    dense: float
    module_bonus: float
    kind_bonus: float
    floor: float
    section: float = 0.0
    # Rule out a lesson when the question is about a medical thing it never mentions (bot/answers/foreign.py).
    foreign: bool = False


# The variants compared in docs/answers.md (`python -m bot.answers.evaluate --variant ...`). "tfidf" is the
# earlier tuned system. "hybrid" was chosen on halves of set_1 (tune on one, check on the other, both ways):
# the best setting tuned on either half, and the best worst half; the floor is the middle of the 0.50-0.52
# plateau. The TF-IDF share is small but not nothing: it keeps exact rare words (drug names) in play.
VARIANTS = {
    "tfidf": Weights(tfidf=1.0, dense=0.0, module_bonus=0.2, kind_bonus=0.1, floor=0.3),
    "dense": Weights(tfidf=0.0, dense=1.0, module_bonus=0.1, kind_bonus=0.05, floor=0.54),
    "similarity": Weights(tfidf=0.1, dense=0.9, module_bonus=0.1, kind_bonus=0.05, floor=0.51),
    # The same, and the section classifier's probability (x 0.5) added when choosing: the middle of the
    # 0.3-1.0 plateau on the tuning questions (set_1 and half 0 of set_4).
    "sections": Weights(tfidf=0.1, dense=0.9, module_bonus=0.1, kind_bonus=0.05, floor=0.51, section=0.5),
    # And a lesson ruled out for a question about something it never mentions.
    "hybrid": Weights(tfidf=0.1, dense=0.9, module_bonus=0.1, kind_bonus=0.05, floor=0.51, section=0.5, foreign=True),
}
DEFAULT_VARIANT = "hybrid"
# The section classifier settles a close call between the two most similar passages; given more to choose
# from, it sometimes overrode clear similarity ("is my 150/95 high" went to lab-test ranges, not blood pressure
# numbers). Two was as good or better than 3 to 200 on the tuning questions.
SECTION_CANDIDATES = 2
FLOOR = VARIANTS[DEFAULT_VARIANT].floor

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


# A question asking for more than what a word means: a definition does not answer it ("what causes kidney
# stones" is not answered by "a hard lump that forms in a kidney").
NOT_A_DEFINITION = re.compile(
    r"\b(caus\w*|why|treat\w*|cure\w*|prevent\w*|get rid|help\w*|signs?|symptoms?|risks?|how (long|often|do|does|"
    r"can|to|is|are)|when|should|safe|spread\w*|contagious|stop\w*|lower\w*|reduce\w*)\b",
    re.IGNORECASE,
)

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


def passage_view(passage: Passage) -> str:
    """The text a passage is embedded as: where it sits (module and heading) and what it says; a glossary
    entry with its other names ("hypo" for hypoglycemia), which patients use more than the term."""
    if passage.kind == "section":
        return f"{passage.module_title}: {passage.title}. {passage.text}"
    return f"{passage.keys}: {passage.text}"


def sentence_views(passages: list[Passage]) -> tuple[list[str], list[int]]:
    """Each section's sentences and list items, each with its module and heading, and the questions its
    educator wrote that it answers (as patients ask them, so as they are), and the passage each belongs to. A
    glossary entry is one short definition: its whole view is its only sentence."""
    texts: list[str] = []
    owners: list[int] = []
    for index, passage in enumerate(passages):
        if passage.kind != "section":
            continue
        for part in re.split(r"(?<=[.!?])\s+|\n+", passage.text):
            part = part.strip(" -*\t")
            if len(part.split()) >= 2:
                texts.append(f"{passage.module_title}: {passage.title}. {part}")
                owners.append(index)
        for question in passage.questions:
            texts.append(question)
            owners.append(index)
    return texts, owners


@dataclass(frozen=True)
class DenseViews:
    """Unit vectors of every passage (`passage_view`) and of its sentences (`sentence_views`)."""

    passages: npt.NDArray[np.float32]
    sentences: npt.NDArray[np.float32]
    owners: npt.NDArray[np.int64]

    def scores(self, question: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        whole = self.passages @ question
        best = whole.copy()  # a passage without sentences (a glossary entry) is its own best sentence
        if len(self.owners):
            sentence = self.sentences @ question
            best[np.unique(self.owners)] = -1.0
            np.maximum.at(best, self.owners, sentence)
        return ((whole + best) / 2.0).astype(np.float64)


class Index:
    def __init__(
        self,
        found: list[Passage],
        dense: DenseViews | None = None,
        weights: Weights | None = None,
        foreign: ForeignTerms | None = None,
    ) -> None:
        self.foreign = foreign
        self.glossary_rows = {p.title: i for i, p in enumerate(found) if p.kind == "glossary"}
        self.weights = weights or VARIANTS[DEFAULT_VARIANT if dense is not None else "tfidf"]
        if self.weights.dense and dense is None:
            raise ValueError("these weights need the passages' sentence vectors")
        self.dense = dense
        self.sections: SectionClassifier | None = None
        if dense is not None and self.weights.section:
            self.sections = SectionClassifier.trained(dense.sentences, dense.owners, len(found))
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

    def scores(self, question: str, vector: npt.NDArray[np.float32] | None = None) -> npt.NDArray[np.float64]:
        """Every passage's score for ``question``; ``vector`` is the question's sentence embedding (needed when
        the weights use it)."""
        w = self.weights
        combined = np.zeros(len(self.passages))
        if w.tfidf:
            word = (self.word_matrix @ self.word.transform([question]).T).toarray().ravel()
            char = (self.char_matrix @ self.char.transform([question]).T).toarray().ravel()
            combined += w.tfidf * (WORD_WEIGHT * word + CHAR_WEIGHT * char)
        if w.dense:
            if vector is None or self.dense is None:
                raise ValueError("these weights need the question's sentence vector")
            combined += w.dense * self.dense.scores(vector)
        asked = words(question)
        named = self._named_modules(asked)
        if named:
            combined = combined + w.module_bonus * np.array([p.module_id in named for p in self.passages])
        kinds = question_kinds(question)
        if kinds:
            combined = combined + w.kind_bonus * np.array([bool(kinds & k) for k in self.heading_kinds])
        # A definition answers only a question that is about that word and little else ("what is a hypo"),
        # and that asks what it is.
        about = [w for w in asked if w not in QUESTION_WORDS]
        present = set(about)
        definition = NOT_A_DEFINITION.search(question) is None
        eligible = np.array(
            [
                p.kind != "glossary" or (definition and bool(present & set(names)) and coverage(about, names) >= 0.6)
                for p, names in zip(self.passages, self.glossary_names, strict=True)
            ]
        )
        return np.where(eligible, combined, 0.0)

    def best(self, question: str, floor: float | None = None, vector: npt.NDArray[np.float32] | None = None) -> Found:
        started = time.perf_counter()
        floor = self.weights.floor if floor is None else floor
        if not any(w not in STOPWORDS for w in (stem(t) for t in question.lower().split())) or not self.passages:
            return Found(None, 0.0, time.perf_counter() - started)
        scores = self.scores(question, vector)
        named = self.foreign.named(question) if self.foreign is not None and vector is not None else set()
        while True:
            top = int(np.argmax(scores))
            score = float(scores[top])
            if score < floor:
                return Found(None, score, time.perf_counter() - started)
            if self.sections is not None and vector is not None:
                # The floor said the content answers; the classifier helps say which of the closest two does.
                candidates = np.argsort(-scores, kind="stable")[:SECTION_CANDIDATES]
                candidates = candidates[scores[candidates] > 0.0]
                chosen = scores[candidates] + self.weights.section * self.sections.probabilities(vector)[candidates]
                top = int(candidates[int(np.argmax(chosen))])
            passage = self.passages[top]
            if not named or passage.kind != "section" or not self._about_else(passage.module_id, named, score, vector):
                return Found(passage, score, time.perf_counter() - started)
            # The question is about something this lesson never mentions: none of its parts answers it.
            scores = np.where([p.module_id == passage.module_id for p in self.passages], 0.0, scores)

    def _about_else(
        self, module_id: str, named: set[str], score: float, vector: npt.NDArray[np.float32] | None
    ) -> bool:
        """Whether the question is about a thing the module never mentions as much as about the module
        (bot/answers/foreign.py)."""
        if self.foreign is None or self.dense is None or vector is None:
            return False
        for term in self.foreign.unknown_to(module_id, named):
            row = self.glossary_rows.get(term)
            if row is not None and float(self.dense.passages[row] @ vector) >= score - MARGIN:
                return True
        return False


def build_index(
    found: list[Passage],
    module_names: dict[str, list[str]],
    dense: DenseViews | None = None,
    weights: Weights | None = None,
    foreign: ForeignTerms | None = None,
) -> Index:
    index = Index(found, dense, weights, foreign)
    for module_id, names in module_names.items():
        index.add_module_names(module_id, names)
    return index
