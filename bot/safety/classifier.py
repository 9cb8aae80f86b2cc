"""A small learned model of "danger now", trained on a corpus kept apart from every evaluation batch.

The rules in ``bot/safety/net.py`` are fast and explain themselves, but they only know the wordings someone
wrote down. This model reads word and character n-grams (so "brething" still looks like "breathing" and
"jumped off the bridge" like other talk of dying), and gives a probability that someone is in danger now,
plus the most likely kind (emergency, crisis, violence). ``bot/safety/detector.py`` combines it with the
rules. It trains in a couple of seconds on CPU from ``data/safety/*.yml`` plus the NLU examples, so the Rasa
pipeline trains it with the NLU model and stores it inside the model archive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.safety.corpus import Example
from bot.safety.net import EMERGENCY, normalise


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 3), min_df=1, sublinear_tf=True, token_pattern=r"[a-z0-9]+")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        ]
    )


def _pieces(text: str) -> list[str]:
    """The whole message and each of its sentences: an emergency buried in a long request still stands out."""
    whole = normalise(text)
    parts = [p.strip() for p in re.split(r"\s*[?.!;]\s*|\s,\s(?:and|but|also|so)\s", whole) if len(p.split()) >= 2]
    return [whole, *[p for p in parts if p != whole]]


@dataclass
class DangerClassifier:
    danger: Pipeline
    kinds: Pipeline | None

    @classmethod
    def train(cls, examples: Sequence[Example], strength: float = 8.0) -> DangerClassifier:
        if not any(e.kind for e in examples) or all(e.kind for e in examples):
            raise ValueError("The danger model needs both emergencies and look-alikes to learn from.")
        texts = [normalise(e.text) for e in examples]
        danger = Pipeline(
            [
                ("features", _features()),
                ("model", LogisticRegression(C=strength, class_weight="balanced", max_iter=3000)),
            ]
        )
        danger.fit(texts, [1 if e.kind else 0 for e in examples])
        positives = [(t, e.kind) for t, e in zip(texts, examples, strict=True) if e.kind]
        kinds = None
        if len({k for _, k in positives}) > 1:
            kinds = Pipeline(
                [
                    ("features", _features()),
                    ("model", LogisticRegression(C=strength, class_weight="balanced", max_iter=3000)),
                ]
            )
            kinds.fit([t for t, _ in positives], [k for _, k in positives])
        return cls(danger, kinds)

    def probability(self, text: str) -> float:
        """How likely it is that someone is in danger now (0 to 1): the highest of the message's pieces."""
        pieces = _pieces(text)
        if not pieces or not pieces[0]:
            return 0.0
        return float(max(self.danger.predict_proba(pieces)[:, 1]))

    def kind(self, text: str) -> str:
        if self.kinds is None:
            return EMERGENCY
        return str(self.kinds.predict([normalise(text)])[0])
