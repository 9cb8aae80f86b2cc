"""`plainhealth content check`: grade every patient-facing text and apply the plain-language rules.

One ``Report`` feeds the three outputs (text for the terminal, JSON for machines, HTML for educators).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import load_library
from bot.content.models import Glossary, Library
from bot.content.problems import ERROR, WARNING, ContentProblem
from bot.readability import rules
from bot.readability.jargon import JargonIndex, load_jargon
from bot.readability.scoring import Grade, Scorer, prepare, words
from bot.readability.texts import PatientText, domain_texts, library_texts


@dataclass(frozen=True)
class CheckOptions:
    content_dir: Path
    domain_path: Path | None
    nltk_data_dir: Path
    max_grade: float = 6.0
    max_sentence_words: int = 20
    today: dt.date | None = None


@dataclass(frozen=True)
class ScoredText:
    item: PatientText
    grade: Grade | None  # None: too short for a formula (pooled with the file's other short texts)


@dataclass
class Report:
    max_grade: float
    max_sentence_words: int
    texts: list[ScoredText] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    documents: dict[str, Grade] = field(default_factory=dict)
    skipped_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    library: Library | None = None

    @property
    def errors(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    def passed(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def graded(self) -> list[ScoredText]:
        return [t for t in self.texts if t.grade is not None]

    def over_limit(self) -> list[ScoredText]:
        return [t for t in self.graded() if t.grade is not None and t.grade.grade > self.max_grade]

    def worst(self) -> ScoredText | None:
        graded = self.graded()
        return max(graded, key=lambda t: t.grade.grade if t.grade else 0) if graded else None

    def summary(self) -> str:
        worst = self.worst()
        worst_part = (
            f" Hardest text: grade {worst.grade.grade:.1f} at {worst.item.file}:{worst.item.line}."
            if worst and worst.grade
            else ""
        )
        skipped = f", {len(self.skipped_files)} file(s) left out" if self.skipped_files else ""
        verdict = "PASSED" if self.passed() else "FAILED"
        return (
            f"{verdict}: {len(self.texts)} texts in {len(self.files)} files checked against grade {self.max_grade:g}: "
            f"{len(self.over_limit())} over the limit, {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
            f"{skipped}.{worst_part} ({self.seconds:.2f} s)"
        )


def run_check(options: CheckOptions) -> Report:
    started = time.perf_counter()
    scorer = Scorer(options.nltk_data_dir)
    known = scorer.is_familiar
    library = load_library(options.content_dir, today=options.today)
    jargon = load_jargon(options.content_dir)
    report = Report(options.max_grade, options.max_sentence_words, library=library)
    report.problems.extend(library.problems)
    report.skipped_files = library.skipped_files()
    report.files = list(library.files)
    items = library_texts(library)
    if options.domain_path is not None:
        domain_items, error = domain_texts(options.domain_path, label=Path(options.domain_path).name)
        if error:
            report.problems.append(
                ContentProblem(Path(options.domain_path).name, 0, "format", error, "Fix the YAML in the domain file.")
            )
        else:
            report.files.append(Path(options.domain_path).name)
        items.extend(domain_items)

    by_scope: dict[str, list[PatientText]] = defaultdict(list)
    for item in items:
        by_scope[item.scope].append(item)
    explained = {scope: rules.explained_in_scope(group, jargon) for scope, group in by_scope.items()}

    short_by_file: dict[str, list[PatientText]] = defaultdict(list)
    for item in items:
        grade = scorer.score(item.text)
        scored = ScoredText(item, None if grade.short else grade)
        report.texts.append(scored)
        if grade.short:
            if item.kind != "title":
                # Titles, headings and button labels are names, not prose: the word rules check them, not formulas.
                short_by_file[item.file].append(item)
        elif grade.grade > options.max_grade:
            report.problems.append(_grade_problem(item, grade, options.max_grade, scorer))
        findings = (
            rules.sentence_findings(item, options.max_sentence_words)
            + rules.jargon_findings(item, jargon, explained[item.scope])
            + rules.acronym_findings(item, explained[item.scope], known)
            + rules.dose_findings(item)
            + rules.passive_findings(item)
            + rules.reader_findings(item)
        )
        report.problems.extend(_problem(item, f, grade) for f in findings)
    report.problems.extend(_glossary_gaps(items, jargon, library.glossary, known))

    for file, shorts in short_by_file.items():
        pooled = "\n".join(f"- {s.text}" for s in shorts)
        grade = scorer.score(pooled)
        if not grade.short and grade.grade > options.max_grade:
            first = min(shorts, key=lambda s: s.line)
            report.problems.append(
                ContentProblem(
                    file,
                    first.line,
                    "grade",
                    f"The short texts in this file (under 10 words each; {len(shorts)} of them) read at grade "
                    f"{grade.grade:.1f} together; the limit is {options.max_grade:g}.",
                    _hard_words_fix(pooled, scorer),
                    field="short texts",
                    text=pooled[:300],
                    grade=grade.grade,
                )
            )
    texts_by_file: dict[str, list[PatientText]] = defaultdict(list)
    for item in items:
        texts_by_file[item.file].append(item)
    for file, group in texts_by_file.items():
        document = scorer.score("\n\n".join(i.text for i in group))
        report.documents[file] = document
        if document.grade > options.max_grade:
            report.problems.append(
                ContentProblem(
                    file,
                    0,
                    "grade",
                    f"The file as a whole reads at grade {document.grade:.1f} "
                    f"({_formulas(document)}); the limit is {options.max_grade:g}.",
                    "Make its hardest texts (listed above) simpler.",
                    field="whole file",
                    grade=document.grade,
                )
            )
    report.problems.sort(key=lambda p: (p.severity != ERROR, -(p.grade or 0), p.file, p.line))
    report.seconds = time.perf_counter() - started
    return report


def _formulas(grade: Grade) -> str:
    names = {"flesch_kincaid": "Flesch-Kincaid", "coleman_liau": "Coleman-Liau", "smog": "SMOG"}
    return ", ".join(f"{names.get(k, k)} {v:.1f}" for k, v in grade.formulas.items())


def _hard_words_fix(text: str, scorer: Scorer) -> str:
    hard = scorer.hard_words(text)
    longest = max((s for s in prepare(text).split(". ")), key=lambda s: len(words(s)), default="")
    parts = ["Use shorter sentences and everyday words."]
    if hard:
        parts.append(f"Hard words here: {', '.join(hard[:6])}.")
    if len(words(longest)) > 14:
        parts.append(f'Longest sentence ({len(words(longest))} words): "{longest[:90]}".')
    return " ".join(parts)


def _grade_problem(item: PatientText, grade: Grade, limit: float, scorer: Scorer) -> ContentProblem:
    return ContentProblem(
        item.file,
        item.line,
        "grade",
        f"The {item.field} reads at grade {grade.grade:.1f} ({_formulas(grade)}); the limit is {limit:g}.",
        _hard_words_fix(item.text, scorer),
        field=item.field,
        text=item.text,
        grade=grade.grade,
    )


def _problem(item: PatientText, finding: rules.Finding, grade: Grade) -> ContentProblem:
    return ContentProblem(
        item.file,
        item.line_of(finding.excerpt),
        finding.rule,
        f"{finding.message} (in the {item.field})",
        finding.fix,
        field=item.field,
        severity=finding.severity,
        text=finding.excerpt or item.text,
        grade=None if grade.short else grade.grade,
    )


def _glossary_gaps(
    items: list[PatientText], jargon: JargonIndex, glossary: Glossary | None, known: Callable[[str], bool]
) -> list[ContentProblem]:
    """Medical words and acronyms patients will read but cannot look up ("what does X mean?")."""
    if glossary is None:
        return []
    problems: list[ContentProblem] = []
    reported: set[str] = set()
    for item in items:
        if item.defines:
            continue
        found = [m.group(0) for _, m in jargon.find(item.text)]
        found += rules.acronyms(item.text, known)
        for word in found:
            key = word.lower()
            if key in reported or glossary.lookup(word) is not None:
                continue
            reported.add(key)
            problems.append(
                ContentProblem(
                    item.file,
                    item.line_of(word),
                    "glossary",
                    f'"{word}" is used but the glossary does not define it.',
                    f"Add '{word if word.isupper() else word.lower()}' to content/glossary.yml "
                    "so patients can ask what it means.",
                    field=item.field,
                    severity=WARNING,
                    text=word,
                )
            )
    return problems
