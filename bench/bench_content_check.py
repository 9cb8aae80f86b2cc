"""Benchmark: how long `plainhealth content check` takes on the shipped library and on libraries of up to
1,000 modules (copies of the shipped modules under new ids, with their glossary, checklists and prompts).

Each size runs in a fresh process, as an educator's `plainhealth content check` would, so the figures include
start-up (loading the syllable dictionary). Run with `make bench-content`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (0, 100, 250, 500, 1000)

_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from pathlib import Path
from bot.content.check import CheckOptions, run_check
report = run_check(CheckOptions(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
print(json.dumps({"seconds": time.perf_counter() - started, "check_seconds": report.seconds,
                  "texts": len(report.texts), "files": len(report.files), "modules": len(report.library.modules),
                  "errors": len(report.errors), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_library(target: Path, modules: int) -> Path:
    """The shipped content, plus ``modules`` extra modules copied from the shipped ones under new ids."""
    content = target / "content"
    shutil.copytree(ROOT / "content", content)
    shipped = sorted((ROOT / "content" / "modules").glob("*.md"))
    for n in range(modules):
        source = shipped[n % len(shipped)]
        new_id = f"{source.stem}-copy-{n}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}\n", f"id: {new_id}\n", 1)
        # Vary one word per copy so no two texts are identical (no cache can hide the work).
        text = text.replace("## ", f"## Part {n}: ", 1)
        (content / "modules" / f"{new_id}.md").write_text(text, encoding="utf-8")
    return content


def run(content: Path, nltk_dir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(content), str(ROOT / "domain.yml"), str(nltk_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="extra modules per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        nltk_dir = Path(tmp) / "nltk_data"
        run(build_library(Path(tmp) / "warm", 0), nltk_dir)  # builds the offline syllable data once
        print(f"{'modules':>8} {'files':>6} {'texts':>7} {'check s':>8} {'process s':>10} {'texts/s':>8} {'RSS MB':>7}")
        for size in args.sizes:
            workdir = Path(tmp) / f"lib-{size}"
            result = run(build_library(workdir, size), nltk_dir)
            print(
                f"{int(result['modules']):>8} {int(result['files']):>6} {int(result['texts']):>7} "
                f"{result['check_seconds']:>8.2f} {result['seconds']:>10.2f} "
                f"{result['texts'] / result['check_seconds']:>8.0f} {result['rss_mb']:>7.0f}"
            )
            shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
