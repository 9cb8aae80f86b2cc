"""Which lesson part a question is about, learned from the lessons themselves.

Similarity alone (bot/answers/retrieve.py) finds the right module well but often picks a neighbouring part
of it: "what makes copd suddenly get worse" is close to both "What causes it" and "Flare-ups". A classifier
that has seen every part's sentences and the questions its educator wrote for it (`### Questions`) learns
what tells neighbours apart. It is a logistic regression on the sentence embeddings, trained when the
Answerer is built (under a second for the shipped library, so an educator's new file needs no separate
training step), on the content alone: never on an evaluation set.

It only chooses between passages. Whether the content answers at all is still decided by similarity (the
floor): a classifier always names some part, even for a question no lesson covers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

# Chosen on the tuning questions (set_1, and half 0 of set_4), with the weight in retrieve.Weights.section
# (docs/answers.md): C from 4 to 64 gave the same ranking to within one question.
C = 16.0


class SectionClassifier:
    """P(part | question) over the passages that have sentences; 0 for the others (glossary entries)."""

    def __init__(self, vectors: npt.NDArray[np.float32], owners: npt.NDArray[np.int64], passages: int) -> None:
        self.passages = passages
        self.model = LogisticRegression(C=C, max_iter=3000)
        self.model.fit(vectors, owners)
        self.classes = np.asarray(self.model.classes_, dtype=np.int64)

    @classmethod
    def trained(
        cls, vectors: npt.NDArray[np.float32], owners: npt.NDArray[np.int64], passages: int
    ) -> SectionClassifier | None:
        """None when there is nothing to choose between (a library with fewer than two parts)."""
        if len(np.unique(owners)) < 2:
            return None
        return cls(vectors, owners, passages)

    def probabilities(self, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        found = np.zeros(self.passages)
        found[self.classes] = self.model.predict_proba(vector.reshape(1, -1))[0]
        return found
