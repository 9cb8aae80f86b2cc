"""Intent accuracy of the trained model on the held-out set (tests/data/nlu_holdout.yml, never trained on).

`make eval`. Uses Rasa's own `rasa test nlu`; prints accuracy, macro F1 and the intents under 85% recall.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import PROJECT_ROOT, Settings  # noqa: E402
from bot.training import ensure_model  # noqa: E402


def main() -> int:
    model = ensure_model(Settings(project_dir=PROJECT_ROOT), quiet=True).model
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "rasa", "test", "nlu", "--model", str(model), "--nlu",
             str(PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml"), "--out", out, "--no-plot"],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
        )
        report = json.loads((Path(out) / "intent_report.json").read_text())
    print(f"held-out intent accuracy: {report['accuracy']:.3f}")
    print(f"macro F1:                 {report['macro avg']['f1-score']:.3f}")
    weak = {k: v["recall"] for k, v in report.items() if isinstance(v, dict) and "recall" in v
            and k not in {"macro avg", "weighted avg", "micro avg"} and v["recall"] < 0.85}
    print("intents under 85% recall: " + (", ".join(f"{k} {v:.2f}" for k, v in sorted(weak.items())) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
