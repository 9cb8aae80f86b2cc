"""Score predictions against the test set: the figures the NLU targets are stated in.

Accuracy counts the intent the assistant acts on. When the FallbackClassifier says "not sure" the bot asks
the patient to rephrase, so a fallback is a miss for accuracy; we still report it apart, because asking again
is kinder than acting on the wrong intent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.nlu_eval.testset import Entity, Example

FALLBACK = "nlu_fallback"
# Intents that start health content or actions; an off-topic message must never land on one of them.
HEALTH_INTENTS = frozenset(
    {
        "learn_topic",
        "define_term",
        "prepare_appointment",
        "question_prompts",
        "add_question",
        "show_questions",
        "medical_advice",
        "emergency",
    }
)
ENTITY_TYPES = ("topic", "term", "appointment_type")


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    classifier_intent: str
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    predicted: str
    confidence: float
    classifier_intent: str = ""


@dataclass
class Evaluation:
    name: str
    total: int
    correct: int
    intents: dict[str, Score]
    entities: dict[str, Score]
    confusion: dict[tuple[str, str], int]
    misses: list[Miss] = field(default_factory=list)
    fallbacks: int = 0
    out_of_scope_as_health: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def macro_f1(self) -> float:
        scores = [s.f1 for s in self.intents.values()]
        return sum(scores) / len(scores) if scores else 0.0

    def confusion_pairs(self, examples_per_pair: int = 3) -> list[tuple[str, str, int, list[Miss]]]:
        """Most frequent mix-ups first, each with a few of the messages that caused it."""
        pairs = Counter({k: v for k, v in self.confusion.items() if k[0] != k[1]})
        out = []
        for (expected, predicted), count in pairs.most_common():
            shown = [m for m in self.misses if m.expected == expected and m.predicted == predicted]
            out.append((expected, predicted, count, shown[:examples_per_pair]))
        return out

    def weakest_recall(self) -> tuple[str, float]:
        intent, score = min(self.intents.items(), key=lambda item: (item[1].recall, item[0]))
        return intent, score.recall


def _score(tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tp + fn)


def evaluate(name: str, examples: list[Example], predictions: list[Prediction]) -> Evaluation:
    if len(examples) != len(predictions):
        raise ValueError("one prediction is needed per example")
    labels = sorted({e.intent for e in examples})
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[Miss] = []
    oos_as_health: list[Miss] = []
    entity_counts = {t: [0, 0, 0] for t in ENTITY_TYPES}  # tp, fp, fn
    for example, prediction in zip(examples, predictions, strict=True):
        confusion[(example.intent, prediction.intent)] += 1
        if prediction.intent != example.intent:
            miss = Miss(
                example.text, example.intent, prediction.intent, prediction.confidence, prediction.classifier_intent
            )
            misses.append(miss)
            if example.intent == "out_of_scope" and prediction.intent in HEALTH_INTENTS:
                oos_as_health.append(miss)
        expected = Counter(e.key for e in example.entities if e.entity in entity_counts)
        found = Counter(e.key for e in prediction.entities if e.entity in entity_counts)
        for (entity, _value), n in (expected & found).items():
            entity_counts[entity][0] += n
        for (entity, _value), n in (found - expected).items():
            entity_counts[entity][1] += n
        for (entity, _value), n in (expected - found).items():
            entity_counts[entity][2] += n
    intents = {}
    for label in labels:
        tp = confusion[(label, label)]
        fp = sum(n for (exp, pred), n in confusion.items() if pred == label and exp != label)
        fn = sum(n for (exp, pred), n in confusion.items() if exp == label and pred != label)
        intents[label] = _score(tp, fp, fn)
    return Evaluation(
        name=name,
        total=len(examples),
        correct=sum(confusion[(label, label)] for label in labels),
        intents=intents,
        entities={t: _score(*counts) for t, counts in entity_counts.items()},
        confusion=dict(confusion),
        misses=misses,
        fallbacks=sum(1 for p in predictions if p.intent == FALLBACK),
        out_of_scope_as_health=oos_as_health,
    )


@dataclass(frozen=True)
class Targets:
    """The bar from the NLU issue; `make eval` exits 1 when a set misses it."""

    accuracy: float = 0.95
    min_recall: float = 0.85
    typo_accuracy: float = 0.90

    def failures(self, clean: Evaluation, typos: Evaluation | None) -> list[str]:
        problems = []
        if clean.accuracy < self.accuracy:
            problems.append(f"accuracy {clean.accuracy:.1%} is under {self.accuracy:.0%}")
        weak = [f"{i} {s.recall:.0%}" for i, s in sorted(clean.intents.items()) if s.recall < self.min_recall]
        if weak:
            problems.append(f"recall under {self.min_recall:.0%}: " + ", ".join(weak))
        if clean.out_of_scope_as_health:
            problems.append(f"{len(clean.out_of_scope_as_health)} off-topic messages taken for a health intent")
        if typos is not None and typos.accuracy < self.typo_accuracy:
            problems.append(f"typo-set accuracy {typos.accuracy:.1%} is under {self.typo_accuracy:.0%}")
        return problems
