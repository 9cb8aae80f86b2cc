"""Scores the answerer on an evaluation set (tests/data/answers/*.yml): ``python -m bot.answers.evaluate``.

Correct passage first (a covered general question answered from the labelled module and section), correct
"not covered", personal questions refused (every one), general questions wrongly refused, and the time each
decision takes.
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.answers.answerer import ANSWER, NOT_COVERED, PERSONAL, Answerer
from bot.content.loader import load_library
from bot.settings import PROJECT_ROOT

SETS = PROJECT_ROOT / "tests" / "data" / "answers"


@dataclass
class Score:
    name: str
    covered: int = 0
    covered_right: int = 0
    not_covered: int = 0
    not_covered_right: int = 0
    personal: int = 0
    personal_refused: int = 0
    general: int = 0
    general_refused: int = 0
    milliseconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return round(100 * a / b, 1) if b else 0.0

        ordered = sorted(self.milliseconds)
        return {
            "passage_first": share(self.covered_right, self.covered),
            "not_covered_right": share(self.not_covered_right, self.not_covered),
            "personal_refused": share(self.personal_refused, self.personal),
            "general_refused": share(self.general_refused, self.general),
            "ms_median": round(statistics.median(ordered), 2) if ordered else 0.0,
            "ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2) if ordered else 0.0,
        }


def score(answerer: Answerer, path: Path) -> Score:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = Score(path.stem)
    library_sections = {(p.module_id, p.title): p.section for p in answerer.index.passages if p.kind == "section"}
    for item in data.get("general") or []:
        decision = answerer.decide(item["text"])
        result.milliseconds.append(decision.seconds * 1000)
        result.general += 1
        result.general_refused += decision.kind == PERSONAL
        if item["module"] == NOT_COVERED:
            result.not_covered += 1
            right = decision.kind == NOT_COVERED
            result.not_covered_right += right
        else:
            result.covered += 1
            wanted = (item["module"], library_sections.get((item["module"], item.get("section", "")), -2))
            got = (decision.passage.module_id, decision.passage.section) if decision.passage else None
            right = decision.kind == ANSWER and got == wanted
            result.covered_right += right
        if not right:
            found = f"{decision.passage.module_id}/{decision.passage.title}" if decision.passage else "-"
            result.misses.append(
                f"[{item['module']}/{item.get('section', '')}] -> {decision.kind} {found} "
                f"({decision.score:.2f}): {item['text']}"
            )
    for item in data.get("personal") or []:
        decision = answerer.decide(item["text"])
        result.milliseconds.append(decision.seconds * 1000)
        result.personal += 1
        result.personal_refused += decision.kind == PERSONAL
        if decision.kind != PERSONAL:
            result.misses.append(f"[personal] -> {decision.kind}: {item['text']}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sets", nargs="*", type=Path, help="evaluation files (default: every file in tests/data/answers)"
    )
    parser.add_argument("--misses", action="store_true", help="list what went wrong (tuning sets only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    answerer = Answerer(load_library(PROJECT_ROOT / "content"))
    results = [score(answerer, path) for path in (args.sets or sorted(SETS.glob("*.yml")))]
    if args.json:
        print(json.dumps({r.name: r.figures() for r in results}, indent=2))
        return 0
    print("set          passage first  not covered  personal refused  general refused  ms median / p99")
    for r in results:
        f = r.figures()
        print(
            f"{r.name:<12} {f['passage_first']:>12} % {f['not_covered_right']:>10} % {f['personal_refused']:>15} % "
            f"{f['general_refused']:>14} %  {f['ms_median']} / {f['ms_p99']}"
        )
        if args.misses:
            print("\n".join("  " + m for m in r.misses))
    print(
        "targets: passage first >= 85 %, not covered >= 90 %, personal refused 100 %, general refused <= 5 %, < 50 ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
