"""One patient question in, one decision out: answer it from a passage, refuse its personal part (with the
general information), or say plainly that the content does not cover it.

Built once per process (bot/runtime.py) from the library. The sentence model is read then, and the vectors
of the passages and of the personal/general corpus come from an on-disk cache keyed by the model and each
exact text (bot/answers/embedding.py): a few seconds the first time, well under a second after, and an
educator's new file only encodes its own new texts. Each question costs one embedding (~10 ms) and the
scoring (~5 ms).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.answers.embedding import SentenceModel, encode_cached, sentence_model
from bot.answers.foreign import ForeignTerms
from bot.answers.passages import Passage, passages
from bot.answers.personal import PersonalClassifier, is_personal, load_corpus
from bot.answers.retrieve import (
    DEFAULT_VARIANT,
    VARIANTS,
    DenseViews,
    Index,
    build_index,
    passage_view,
    sentence_views,
)
from bot.content.models import Library
from bot.settings import PROJECT_ROOT
from bot.text import stem

logger = logging.getLogger(__name__)

ANSWER, PERSONAL, NOT_COVERED = "answer", "personal", "not_covered"
PERSONAL_FLOOR_FACTOR = 0.6
# Beside the trained models (bot/settings.py: models_dir): the vectors are made from the content alone, like
# the model, and every process and test that reads that content shares them. None keeps nothing on disk.
DEFAULT_CACHE_DIR = PROJECT_ROOT / "models" / "answer-vectors"


@dataclass(frozen=True)
class Decision:
    kind: str
    passage: Passage | None
    score: float
    seconds: float


class Answerer:
    """Decides every question the same way: personal if the rules or the classifier say so, then the best
    passage if it clears the floor.

    ``variant`` picks the retrieval weights (bot/answers/retrieve.py: "hybrid", "tfidf", "dense");
    ``learned_personal=False`` leaves the rules alone judging personal questions (for comparisons). Without
    the sentence model installed it falls back to TF-IDF and the rules, and logs why.
    """

    def __init__(
        self,
        library: Library,
        floor: float | None = None,
        *,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
        variant: str = DEFAULT_VARIANT,
        learned_personal: bool = True,
    ) -> None:
        found = passages(library)
        names = {m.id: [m.title, *m.aliases] for m in library.modules.values()}
        self.model: SentenceModel | None = None
        self.classifier: PersonalClassifier | None = None
        weights = VARIANTS[variant]
        dense: DenseViews | None = None
        if weights.dense or learned_personal:
            try:
                self.model = sentence_model()
            except ModuleNotFoundError as error:
                logger.warning("answers: no sentence model (%s); TF-IDF and the rules only", error)
                weights = VARIANTS["tfidf"]
            else:
                texts, owners = sentence_views(found)
                corpus, labels = load_corpus() if learned_personal else ([], [])
                # One pass over the cache for every text the Answerer needs: one read, at most one write.
                views = [passage_view(p) for p in found]
                vectors = encode_cached(self.model, [*views, *texts, *corpus], cache_dir)
                dense = DenseViews(
                    vectors[: len(views)],
                    vectors[len(views) : len(views) + len(texts)],
                    np.asarray(owners, dtype=np.int64),
                )
                if learned_personal:
                    self.classifier = PersonalClassifier(corpus, labels, vectors[len(views) + len(texts) :])
        foreign = ForeignTerms(library) if weights.dense and weights.foreign else None
        self.index: Index = build_index(found, names, dense if weights.dense else None, weights, foreign)
        self.floor = weights.floor if floor is None else floor

    def knows(self, word: str) -> bool:
        """Whether the content uses ``word`` (in the forgiving stem form of bot/text.py)."""
        return stem(word.lower()) in self.index.word.vocabulary_

    def embed(self, question: str) -> npt.NDArray[np.float32] | None:
        if self.model is None:
            return None
        return self.model.encode_one(question)

    def decide(self, question: str) -> Decision:
        started = time.perf_counter()
        vector = self.embed(question) if question.strip() else None
        personal = is_personal(question) or (
            self.classifier is not None and vector is not None and self.classifier.is_personal(question, vector)
        )
        if personal:
            # The general information beside a refusal may come from a weaker match: it is offered as what
            # the lesson says in general, never as the answer to the patient's own case.
            found = self.index.best(question, self.floor * PERSONAL_FLOOR_FACTOR, vector)
            return Decision(PERSONAL, found.passage, found.score, time.perf_counter() - started)
        found = self.index.best(question, self.floor, vector)
        kind = ANSWER if found.passage else NOT_COVERED
        return Decision(kind, found.passage, found.score, time.perf_counter() - started)
