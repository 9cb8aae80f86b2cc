"""Benchmark: does the safety net catch every emergency, and how often does it cry wolf?

For each safety evaluation set (tests/data/safety_eval*.yml, never trained on) it prints recall (emergencies
that got the emergency guidance first) and the false-alarm rate (look-alikes that got it), for:
- the rules alone (bot/safety/net.py), with the time they take per message;
- the classifier alone (the trained model's own best guess, before the net has its say);
- the shipped assistant (classifier + net, as patients meet it).
Run with `make bench-safety` (part of `make bench`). Trains first if the training data changed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.safety.net import alarm  # noqa: E402

TARGET_RECALL, TARGET_FALSE_ALARMS = 1.0, 0.05


def load(path: Path) -> tuple[list[dict], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["emergencies"]), [str(t) for t in data["look_alikes"]]


def line(name: str, caught: int, total: int, false: int, others: int) -> str:
    return (f"  {name:<22} recall {caught}/{total} = {caught / total:6.1%}   "
            f"false alarms {false}/{others} = {false / others:5.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="only the rules (no trained model needed)")
    args = parser.parse_args()
    sets = [*sorted((ROOT / "tests" / "data").glob("safety_eval*.yml")),
            *sorted((ROOT / "tests" / "data").glob("safety_check*.yml"))]
    model_parser = None
    if not args.no_model:
        from bot.nlu_eval.runner import ModelParser
        from bot.settings import Settings
        from bot.training import ensure_model

        model_parser = ModelParser(ensure_model(Settings(), quiet=True).model)
    failed = False
    for path in sets:
        emergencies, look_alikes = load(path)
        texts = [e["text"] for e in emergencies]
        started = time.perf_counter()
        net_hits = [alarm(t) for t in texts]
        net_false = [t for t in look_alikes if alarm(t) is not None]
        per_message = (time.perf_counter() - started) / (len(texts) + len(look_alikes)) * 1e6
        caught = sum(1 for a in net_hits if a is not None)
        right_kind = sum(1 for a, e in zip(net_hits, emergencies, strict=True) if a and a.kind == e["kind"])
        print(f"{path.relative_to(ROOT)}: {len(texts)} emergencies, {len(look_alikes)} look-alikes")
        print(line("rules alone", caught, len(texts), len(net_false), len(look_alikes))
              + f"   right kind {right_kind}/{caught}   {per_message:.0f} us/message")
        for text in [t for t, a in zip(texts, net_hits, strict=True) if a is None]:
            print(f"    missed: {text}")
        for text in net_false:
            print(f"    false alarm: {text}")
        if caught / len(texts) < TARGET_RECALL or len(net_false) / len(look_alikes) >= TARGET_FALSE_ALARMS:
            failed = True
        if model_parser is None:
            continue
        results = model_parser.parse_raw(texts + look_alikes)

        def classifier(result: dict) -> str | None:
            safety = result.get("safety") or {}
            if "classifier" in safety:
                return safety["classifier"]
            ranking = [r for r in result.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
            return ranking[0]["name"] if ranking else None

        def guidance(result: dict) -> bool:
            """The emergency guidance comes first (the intent the rules fire on)."""
            return (result.get("intent") or {}).get("name") == "emergency"

        def asked(result: dict) -> bool:
            """Not sure, best guess emergency: the number at once and "are you in danger?"."""
            return (result.get("intent") or {}).get("name") == "nlu_fallback" and classifier(result) == "emergency"

        on_emergencies, on_others = results[: len(texts)], results[len(texts):]
        print(line("classifier alone", sum(classifier(r) == "emergency" for r in on_emergencies), len(texts),
                   sum(classifier(r) == "emergency" for r in on_others), len(look_alikes)))
        print(line("shipped: guidance", sum(guidance(r) for r in on_emergencies), len(texts),
                   sum(guidance(r) for r in on_others), len(look_alikes)))
        print(f"  {'shipped: asked':<22} emergencies asked \"are you in danger?\" instead "
              f"{sum(asked(r) for r in on_emergencies)}/{len(texts)}   "
              f"look-alikes asked {sum(asked(r) for r in on_others)}/{len(look_alikes)}")
        for text, result in zip(texts, on_emergencies, strict=True):
            if not guidance(result):
                print(f"    missed by the assistant: {text}")
        for text, result in zip(look_alikes, on_others, strict=True):
            if guidance(result):
                print(f"    false alarm: {text}")
    print(f"Targets: recall {TARGET_RECALL:.0%}, false alarms under {TARGET_FALSE_ALARMS:.0%} (rules alone): "
          + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
