"""One evaluation run from start to finish: model, test set, typo twin, optional cross-validation, report."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlu_eval.metrics import Evaluation, Targets, evaluate
from bot.nlu_eval.report import RunInfo, as_json, as_markdown, confusion_picture
from bot.nlu_eval.runner import ModelParser, cross_validate, train_nlu
from bot.nlu_eval.testset import Example, load_test_set
from bot.settings import Settings
from bot.training import ensure_model

TYPO_HEADER = (
    "The typo twin of nlu_holdout.yml: the same messages with one or two typos per sentence (a letter dropped,\n"
    "doubled, swapped or a neighbouring key hit). Made by `plainhealth eval --make-typos`; do not edit by hand.\n"
    "Never trained on."
)


@dataclass(frozen=True)
class EvalOptions:
    test_set: Path
    typo_set: Path | None
    out_dir: Path
    config: Path | None = None  # another pipeline: train an NLU-only model with it first
    folds: int = 0  # > 1: also run Rasa's cross-validation on the training data
    date: str = ""


@dataclass
class EvalResult:
    clean: Evaluation
    typos: Evaluation | None
    info: RunInfo
    report: Path
    problems: list[str]


def count_training_examples(nlu_dir: Path) -> int:
    total = 0
    for file in sorted(nlu_dir.glob("*.yml")):
        try:
            total += len(load_test_set(file))
        except ValueError:
            continue
    return total


def predict(parser: ModelParser, examples: list[Example], name: str) -> Evaluation:
    return evaluate(name, examples, parser.parse([e.text for e in examples]))


_CV_LINE = re.compile(r"test (Accuracy|F1-score|Precision): ([0-9.]+) \(([0-9.]+)\)")


def parse_cross_validation(log: str, folds: int) -> dict[str, Any]:
    """Rasa logs the fold means; the first block is intents, the next (after "Entity extractor") entities."""
    intent_part, _, entity_part = log.partition("Entity extractor")

    def grab(text: str) -> dict[str, tuple[float, float]]:
        return {m.group(1).lower(): (float(m.group(2)), float(m.group(3))) for m in _CV_LINE.finditer(text)}

    return {"folds": folds, "intent": grab(intent_part), "entity": grab(entity_part)}


def run_evaluation(settings: Settings, options: EvalOptions, targets: Targets | None = None) -> EvalResult:
    targets = targets or Targets()
    root = settings.project_dir
    nlu_dir = root / "data" / "nlu"
    date = options.date or dt.date.today().isoformat()
    training_seconds: float | None = None
    with tempfile.TemporaryDirectory(prefix="plainhealth-eval-") as tmp:
        if options.config is not None:
            model, training_seconds = train_nlu(options.config, nlu_dir, Path(tmp), "eval", root)
            config_name = str(options.config)
        else:
            trained = ensure_model(settings, quiet=True)
            model = trained.model
            training_seconds = trained.seconds if trained.trained else None
            config_name = "config.yml"
        parser = ModelParser(model)
        clean_examples = load_test_set(options.test_set)
        clean = predict(parser, clean_examples, "test set")
        typos = None
        if options.typo_set is not None:
            typos = predict(parser, load_test_set(options.typo_set), "typo twin")
        cv = None
        if options.folds > 1:
            out = Path(tmp) / "cv"
            cv_log = cross_validate(options.config or root / "config.yml", nlu_dir, out, options.folds, root)
            cv = parse_cross_validation(cv_log, options.folds)
    info = RunInfo(
        date=date,
        model=model.name,
        config=config_name,
        training_examples=count_training_examples(nlu_dir),
        training_seconds=training_seconds,
        test_set=_relative(options.test_set, root),
        typo_set=_relative(options.typo_set, root) if options.typo_set else None,
        cross_validation=cv,
    )
    stem = f"nlu-eval-{date}" + (f"-{options.config.stem}" if options.config else "")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    picture = options.out_dir / f"{stem}-confusion.png"
    confusion_picture(clean, picture)
    report = options.out_dir / f"{stem}.md"
    report.write_text(as_markdown(info, clean, typos, targets, picture.name), encoding="utf-8")
    (options.out_dir / f"{stem}.json").write_text(as_json(info, clean, typos, targets) + "\n", encoding="utf-8")
    return EvalResult(clean, typos, info, report, targets.failures(clean, typos))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
