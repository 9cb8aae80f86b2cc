"""Temporary writer's aid until `plainhealth content check` exists: grade every text in a content file.

Usage: .venv/bin/python scripts/quick_grade.py content/modules/asthma.md [more files]
Combined grade = mean of Flesch-Kincaid grade, Coleman-Liau index and (with 3+ sentences) SMOG.
"""
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.readability.nltk_data import ensure_cmudict  # noqa: E402

ensure_cmudict(Path(__file__).resolve().parents[1] / ".cache" / "nltk_data")
import textstat  # noqa: E402


def prep(text: str) -> str:
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.M)
    text = re.sub(r"^\s*[-*]\s+(.*?)([.!?])?$", lambda m: m.group(1) + (m.group(2) or "."), text, flags=re.M)
    text = re.sub(r"\d+([.,/:-]\d+)*", "ten", text)
    return text


def grade(text: str) -> float:
    t = prep(text)
    scores = [textstat.flesch_kincaid_grade(t), textstat.coleman_liau_index(t)]
    if textstat.sentence_count(t) >= 3:
        scores.append(textstat.smog_index(t))
    return sum(scores) / len(scores)


def strings(node, path=""):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in {"id", "sources", "review_date", "aliases", "appointment_type", "kind", "applies_to",
                     "answer", "phone", "email", "timezone", "opening_hours", "allowed_origins",
                     "emergency_number", "crisis_line", "languages"}:
                continue
            yield from strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, f"{path}[{i}]")


for name in sys.argv[1:]:
    raw = Path(name).read_text(encoding="utf-8")
    if name.endswith(".md"):
        _, fm, body = raw.split("---", 2)
        data = yaml.safe_load(fm)
        parts = [p for p in re.split(r"^## ", body, flags=re.M) if p.strip()]
        items = list(strings(data)) + [(f"section {i}", p) for i, p in enumerate(parts)]
    else:
        items = list(strings(yaml.safe_load(raw)))
    worst = 0.0
    for where, text in items:
        g = grade(text)
        worst = max(worst, g)
        flag = "  OVER" if g > 6 else ""
        long = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 20]
        print(f"{g:5.1f}{flag} {name}{where}: {text[:70]!r}" + ("  LONG SENTENCE" if long else ""))
    print(f"== {name}: worst {worst:.1f}")
