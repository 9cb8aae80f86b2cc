"""The dated evaluation report: a Markdown table for people, JSON for programs, a confusion-matrix picture."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.nlu_eval.metrics import ENTITY_TYPES, FALLBACK, Evaluation, Miss, Targets


@dataclass
class RunInfo:
    date: str
    model: str
    config: str
    training_examples: int
    training_seconds: float | None
    test_set: str
    typo_set: str | None
    cross_validation: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _why(miss: Miss) -> str:
    if miss.predicted == FALLBACK:
        return f"best guess {miss.classifier_intent} {miss.confidence:.2f}"
    return f"{miss.confidence:.2f}"


def as_markdown(
    info: RunInfo, clean: Evaluation, typos: Evaluation | None, targets: Targets, picture: str | None
) -> str:
    failures = targets.failures(clean, typos)
    sets = [clean] + ([typos] if typos else [])
    lines = [
        f"# NLU evaluation, {info.date}",
        "",
        f"- Model: `{info.model}` (pipeline `{info.config}`), trained on {info.training_examples} examples"
        + (f" in {info.training_seconds:.0f} s" if info.training_seconds else "")
        + ".",
        f"- Test set: `{info.test_set}`, {clean.total} messages, never trained on.",
    ]
    if typos:
        lines.append(f"- Typo twin: `{info.typo_set}`, the same messages with one or two typos per sentence.")
    lines += [
        "",
        "| Set | Messages | Accuracy | Macro F1 | Lowest recall | Asked to rephrase | Off-topic taken as health |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for ev in sets:
        weakest, recall = ev.weakest_recall()
        lines.append(
            f"| {ev.name} | {ev.total} | {_pct(ev.accuracy)} | {ev.macro_f1:.3f} | {weakest} {_pct(recall)} "
            f"| {ev.fallbacks} | {len(ev.out_of_scope_as_health)} |"
        )
    bar = (
        f"accuracy ≥ {targets.accuracy:.0%}, every intent's recall ≥ {targets.min_recall:.0%}, no off-topic "
        f"message taken for a health intent, typo twin ≥ {targets.typo_accuracy:.0%}"
    )
    verdict = "**met**." if not failures else "**not met**: " + "; ".join(failures) + "."
    lines += ["", f"**Targets** ({bar}): {verdict}", ""]
    if picture:
        lines += [f"![Confusion matrix of the test set]({picture})", ""]

    lines += [
        "## Intents",
        "",
        "| Intent | Precision | Recall | F1 | Messages |" + (" Recall with typos |" if typos else ""),
        "|---|---:|---:|---:|---:|" + ("---:|" if typos else ""),
    ]
    for intent, score in sorted(clean.intents.items()):
        row = f"| {intent} | {_pct(score.precision)} | {_pct(score.recall)} | {score.f1:.3f} | {score.support} |"
        if typos and intent in typos.intents:
            row += f" {_pct(typos.intents[intent].recall)} |"
        lines.append(row)

    lines += [
        "",
        "## Entities",
        "",
        "Each entity counts when its type and value (after synonyms) match what the test set expects.",
        "",
        "| Entity | Precision | Recall | F1 | Expected |" + (" F1 with typos |" if typos else ""),
        "|---|---:|---:|---:|---:|" + ("---:|" if typos else ""),
    ]
    for entity in ENTITY_TYPES:
        score = clean.entities[entity]
        row = f"| {entity} | {_pct(score.precision)} | {_pct(score.recall)} | {score.f1:.3f} | {score.support} |"
        if typos:
            row += f" {typos.entities[entity].f1:.3f} |"
        lines.append(row)

    for ev in sets:
        lines += ["", f"## Confusions: {ev.name}", ""]
        pairs = ev.confusion_pairs()
        if not pairs:
            lines.append("None: every message was understood.")
            continue
        lines += ["| Expected | Taken as | Count | Examples (confidence) |", "|---|---|---:|---|"]
        for expected, predicted, count, misses in pairs:
            shown = "; ".join(f"“{_cell(m.text)}” ({_why(m)})" for m in misses)
            label = "asked to rephrase" if predicted == FALLBACK else predicted
            lines.append(f"| {expected} | {label} | {count} | {shown} |")

    if info.cross_validation:
        cv = info.cross_validation
        lines += [
            "",
            f"## Cross-validation ({cv.get('folds')} folds on the training data)",
            "",
            "| Measure | Mean | Spread (±) |",
            "|---|---:|---:|",
        ]
        for key, (mean, spread) in cv.get("intent", {}).items():
            lines.append(f"| intent {key} | {mean:.3f} | {spread:.3f} |")
        for key, (mean, spread) in cv.get("entity", {}).items():
            lines.append(f"| entity {key} | {mean:.3f} | {spread:.3f} |")
    return "\n".join(lines) + "\n"


def as_json(info: RunInfo, clean: Evaluation, typos: Evaluation | None, targets: Targets) -> str:
    def dump(ev: Evaluation) -> dict[str, Any]:
        return {
            "messages": ev.total,
            "accuracy": ev.accuracy,
            "macro_f1": ev.macro_f1,
            "fallbacks": ev.fallbacks,
            "out_of_scope_as_health": len(ev.out_of_scope_as_health),
            "intents": {k: vars(v) for k, v in ev.intents.items()},
            "entities": {k: vars(v) for k, v in ev.entities.items()},
            "confusions": [
                {"expected": e, "predicted": p, "count": n, "examples": [m.text for m in ms]}
                for e, p, n, ms in ev.confusion_pairs()
            ],
        }

    body = {
        "run": vars(info),
        "test": dump(clean),
        "typos": dump(typos) if typos else None,
        "targets_met": not targets.failures(clean, typos),
        "problems": targets.failures(clean, typos),
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def confusion_picture(ev: Evaluation, path: Path) -> None:
    """Rows are what the patient meant, columns what the assistant understood; the diagonal is right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(ev.intents)
    columns = rows + sorted({p for (_e, p) in ev.confusion if p not in ev.intents})
    counts = [[ev.confusion.get((r, c), 0) for c in columns] for r in rows]
    shares = [[n / max(1, sum(row)) for n in row] for row in counts]
    fig, ax = plt.subplots(figsize=(1.0 + 0.5 * len(columns), 1.2 + 0.45 * len(rows)), dpi=110)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            if n:
                ax.text(
                    j, i, str(n), ha="center", va="center", fontsize=7, color="white" if shares[i][j] > 0.5 else "black"
                )
    ax.set_xlabel("understood as")
    ax.set_ylabel("meant")
    ax.set_title(f"{ev.name}: {ev.total} messages, accuracy {_pct(ev.accuracy)}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
