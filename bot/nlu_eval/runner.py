"""Run a trained model over a test set, and train throw-away NLU models for pipeline comparisons.

The model is loaded once in this process (Rasa's Agent) rather than through `rasa test nlu`, so one load
serves the test set and its typo twin, and we keep each entity's value after synonyms.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.nlu_eval.metrics import FALLBACK, Prediction
from bot.nlu_eval.testset import Entity

logger = logging.getLogger(__name__)


class ModelParser:
    """A loaded Rasa model that turns text into predictions."""

    def __init__(self, model: Path) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import structlog
        from rasa.core.agent import Agent

        # Outside Rasa's CLI nobody sets structlog's level, and its debug lines carry the message text.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

        self._agent = Agent.load(str(model))

    def parse(self, texts: Sequence[str]) -> list[Prediction]:
        return [to_prediction(result) for result in self.parse_raw(texts)]

    def parse_raw(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Rasa's own parse results (with the safety net's verdict under "safety")."""

        async def parse_all() -> list[dict[str, Any]]:
            return [await self._agent.parse_message(text) for text in texts]

        return asyncio.run(parse_all())


def to_prediction(result: dict[str, Any]) -> Prediction:
    """Rasa's parse result as a Prediction; `classifier_intent` is the best real intent even after a fallback."""
    intent = result.get("intent") or {}
    name = str(intent.get("name") or FALLBACK)
    ranking = [r for r in result.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    classifier = str(ranking[0]["name"]) if ranking else name
    # After a fallback Rasa reports the threshold as the confidence; the classifier's own top score says more.
    confidence = (
        float(ranking[0].get("confidence") or 0.0)
        if ranking and name == FALLBACK
        else float(intent.get("confidence") or 0.0)
    )
    entities = tuple(
        Entity(str(e.get("entity", "")), str(e.get("value", "")), int(e.get("start", -1)), int(e.get("end", -1)))
        for e in result.get("entities") or []
    )
    return Prediction(name, confidence, classifier, entities)


def train_nlu(config: Path, nlu_data: Path, out_dir: Path, name: str, project_dir: Path) -> tuple[Path, float]:
    """Train an NLU-only model with another pipeline; returns the model and the seconds it took."""
    started = time.monotonic()
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(nlu_data),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]
    done = subprocess.run(cmd, cwd=project_dir, capture_output=True, text=True, check=False)
    model = out_dir / f"{name}.tar.gz"
    if done.returncode != 0 or not model.exists():
        raise RuntimeError(f"training with {config} failed (exit {done.returncode}): {done.stderr[-3000:]}")
    return model, time.monotonic() - started


def cross_validate(config: Path, nlu_data: Path, out_dir: Path, folds: int, project_dir: Path) -> str:
    """Rasa's own k-fold cross-validation on the training data; returns its log, which holds the fold means."""
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "test",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(nlu_data),
        "--cross-validation",
        "--folds",
        str(folds),
        "--out",
        str(out_dir),
    ]
    done = subprocess.run(cmd, cwd=project_dir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"cross-validation failed (exit {done.returncode}): {done.stderr[-3000:]}")
    return done.stdout + done.stderr
