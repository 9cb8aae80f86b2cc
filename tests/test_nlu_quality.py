"""The trained model still understands the held-out test set: the floor under the NLU targets.

`make eval` measures against the full targets (95% accuracy, 85% recall per intent); this test is the
tripwire that fails the build if a change to the data or the pipeline drops accuracy below 90%.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu_eval.metrics import evaluate
from bot.nlu_eval.runner import ModelParser
from bot.nlu_eval.testset import load_test_set

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def parser(trained_model: Path) -> ModelParser:
    return ModelParser(trained_model)


def test_accuracy_on_the_test_set_stays_at_or_above_90_percent(parser: ModelParser) -> None:
    examples = load_test_set(DATA / "nlu_holdout.yml")
    ev = evaluate("test set", examples, parser.parse([e.text for e in examples]))
    assert ev.accuracy >= 0.90, [f"{m.expected} -> {m.predicted}: {m.text}" for m in ev.misses]
    # `make eval` wants none; a retrain on CPU is not bit-for-bit repeatable, so the tripwire allows 5%.
    off_topic = [m.text for m in ev.out_of_scope_as_health]
    assert len(off_topic) <= 0.05 * ev.intents["out_of_scope"].support, off_topic


def test_typos_are_still_understood(parser: ModelParser) -> None:
    examples = load_test_set(DATA / "nlu_holdout_typos.yml")
    ev = evaluate("typo twin", examples, parser.parse([e.text for e in examples]))
    assert ev.accuracy >= 0.85, [f"{m.expected} -> {m.predicted}: {m.text}" for m in ev.misses]


def test_a_low_confidence_message_falls_back(parser: ModelParser) -> None:
    """Gibberish the model has never seen must not be acted on as a health request."""
    [prediction] = parser.parse(["zxqv plork wibble"])
    assert prediction.intent in {"nlu_fallback", "out_of_scope"}
