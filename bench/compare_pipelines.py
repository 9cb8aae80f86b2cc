"""Train each candidate pipeline in bench/pipelines/ on the training data and score it on the test set.

`make eval-pipelines`. Prints one row per pipeline (NLU-only training time, accuracy on the test set and its
typo twin, macro F1, lowest recall, entity F1) and writes each pipeline's full report to reports/pipelines/.
The shipped config.yml is the winner; docs/nlu.md records the figures.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlu_eval.session import EvalOptions, run_evaluation
from bot.settings import PROJECT_ROOT, Settings


def main(argv: list[str]) -> int:
    logging.disable(logging.WARNING)
    configs = [Path(a) for a in argv] or sorted((PROJECT_ROOT / "bench" / "pipelines").glob("*.yml"))
    settings = Settings(project_dir=PROJECT_ROOT)
    test_set = PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml"
    rows = []
    for config in configs:
        print(f"training and testing {config.name} ...", flush=True)
        result = run_evaluation(
            settings,
            EvalOptions(
                test_set=test_set,
                typo_set=test_set.with_name("nlu_holdout_typos.yml"),
                out_dir=PROJECT_ROOT / "reports" / "pipelines",
                config=config,
            ),
        )
        clean, typos = result.clean, result.typos
        assert typos is not None
        weakest, recall = clean.weakest_recall()
        entity_f1 = sum(s.f1 for s in clean.entities.values()) / len(clean.entities)
        rows.append(
            (
                config.stem,
                result.info.training_seconds or 0.0,
                clean.accuracy,
                typos.accuracy,
                clean.macro_f1,
                f"{weakest} {recall:.0%}",
                entity_f1,
                clean.fallbacks,
            )
        )
    print()
    print(
        "| Pipeline | NLU training (s) | Accuracy | Typo twin | Macro F1 | Lowest recall | Entity F1 (mean) "
        "| Asked to rephrase |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for name, seconds, acc, typo_acc, f1, weakest, ent, fallbacks in rows:
        print(
            f"| {name} | {seconds:.0f} | {acc:.1%} | {typo_acc:.1%} | {f1:.3f} | {weakest} | {ent:.3f} | {fallbacks} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
