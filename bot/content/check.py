"""`plainhealth content check`: grade every patient-facing text and apply the plain-language rules.

One ``Report`` feeds the three outputs (text for the terminal, JSON for machines, HTML for educators).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.content.loader import load_library
from bot.content.models import Glossary, Library
from bot.content.problems import ERROR, WARNING, ContentProblem
from bot.readability import rules
from bot.readability.jargon import JargonIndex, load_jargon
from bot.readability.scoring import Grade, Scorer, prepare, sentences, words
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

    def pooled(self) -> list[ScoredText]:
        """Texts under 10 words: graded together per file, not one by one."""
        return [t for t in self.texts if t.grade is None and t.item.kind != "title"]

    def names(self) -> list[ScoredText]:
        """Short titles, headings and buttons: names, checked by the word rules only."""
        return [t for t in self.texts if t.grade is None and t.item.kind == "title"]

    def left_out(self) -> list[ContentProblem]:
        """The problems that keep a whole file from patients."""
        return [p for p in self.problems if p.skipped]

    def counts_text(self) -> str:
        """What the number of texts counts, so the summary and the report's tables agree."""
        return (
            f"{len(self.graded())} graded one by one, {len(self.pooled())} short ones graded together per file, "
            f"{len(self.names())} titles and buttons checked for hard words only"
        )

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
            f"{verdict}: {len(self.texts)} texts in {len(self.files)} files checked against grade {self.max_grade:g} "
            f"({self.counts_text()}): {len(self.over_limit())} over the limit, {len(self.errors)} error(s), "
            f"{len(self.warnings)} warning(s)"
            f"{skipped}.{worst_part} ({self.seconds:.2f} s)"
        )


def run_check(options: CheckOptions) -> Report:
    started = time.perf_counter()
    scorer = Scorer(options.nltk_data_dir)
    known = scorer.is_familiar
    library = load_library(options.content_dir, today=options.today)
    jargon = load_jargon(options.content_dir)
    report = Report(options.max_grade, options.max_sentence_words, library=library)
    report.problems.extend(_left_out_plainly(p) for p in library.problems)
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
    # A word the check says to replace is not also one to add to the glossary: one piece of advice per word.
    replace_words = {p.text.lower() for p in report.problems if p.rule == "jargon"}
    report.problems.extend(_glossary_gaps(items, jargon, library.glossary, known, replace_words))

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
    # A file patients do not get at all comes first, then errors (worst grade first), then warnings.
    report.problems.sort(key=lambda p: (not p.skipped, p.severity != ERROR, -(p.grade or 0), p.file, p.line))
    report.seconds = time.perf_counter() - started
    return report


def _formulas(grade: Grade) -> str:
    names = {"flesch_kincaid": "Flesch-Kincaid", "coleman_liau": "Coleman-Liau", "smog": "SMOG"}
    return ", ".join(f"{names.get(k, k)} {v:.1f}" for k, v in grade.formulas.items())


_KINDS = {"modules": "lesson", "checklists": "checklist", "prompts": "question set"}
_FILES = {"glossary.yml": "glossary", "clinic.yml": "clinic profile"}


def _left_out_plainly(problem: ContentProblem) -> ContentProblem:
    """A problem that keeps the whole file from patients says so first, in plain words."""
    if not problem.skipped:
        return problem
    path = Path(problem.file)
    what = _FILES.get(path.name) or _KINDS.get(path.parent.name, "file")
    if what in ("glossary", "clinic profile"):
        lead = f"Patients do not get this {what} until this is fixed."
    else:
        lead = f"This {what} is not shown to patients until this is fixed."
    return replace(problem, message=f"{lead} {problem.message}")


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when it is longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit + 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–") + "…"


_FILLERS = frozenset({"ten", "link"})  # what ``prepare`` writes for a number, code, link or placeholder
_WORD_AT = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Links and placeholders hold letters that are no words of the sentence: hidden before words are matched.
_NOT_WORDS = re.compile(r"\]\([^)\s]*\)|\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+|\{[a-z_]+\}", re.I)
_MAX_HIDDEN = 3  # words of the file one number or code may hold ("beta2-agonists" is "ten -agonists")
_UNITS = frozenset(
    ("mg", "g", "kg", "lb", "lbs", "mmhg", "mm", "cm", "ml", "l", "mcg", "iu", "am", "pm", "a", "m", "p")
)


def as_written(text: str, prepared: str) -> str:
    """The sentence ``prepared`` (one of ``sentences(prepare(text))``) as the file has it: numbers, codes,
    links and marks as written, so a quote never shows the stand-in words the formulas count
    ("long-acting ten -agonists" for "long-acting beta2-agonists"). Falls back to ``prepared``."""
    tokens = words(prepared)
    is_filler = [t.lower() in _FILLERS for t in tokens]
    if all(is_filler):
        return prepared
    masked = _NOT_WORDS.sub(lambda m: " " * len(m.group(0)), text)
    found = list(_WORD_AT.finditer(masked))
    first_real = is_filler.index(False)
    for start, first in enumerate(found):
        if first.group(0) != tokens[first_real]:
            continue
        last = _match_from(text, found, start, tokens, is_filler, first_real)
        if last is not None:
            begin = _chunk_start(text, first.start())
            if first_real:  # it starts with a number or a link: take them too
                begin = _numbers_before(text, begin, first_real)
            finish = _chunk_end(text, last.end(), numbers_after=is_filler[-1])
            return " ".join(text[begin:finish].split())
    return prepared


def _match_from(
    text: str, found: list[re.Match[str]], start: int, tokens: list[str], is_filler: list[bool], k: int
) -> re.Match[str] | None:
    """The file's last word of the sentence if its words follow on from ``found[start]``, else None."""
    at, k, last = start + 1, k + 1, found[start]
    while k < len(tokens):
        if is_filler[k]:
            while k < len(tokens) and is_filler[k]:
                k += 1
            if k == len(tokens):
                return last
            hidden = 0  # letters inside a number or code ("beta" of "beta2"), or its unit ("mg")
            while (
                at < len(found)
                and found[at].group(0) != tokens[k]
                and hidden < _MAX_HIDDEN
                and _inside_a_number(text, found[at])
            ):
                at, hidden = at + 1, hidden + 1
        if at >= len(found) or found[at].group(0) != tokens[k]:
            return None
        last, at, k = found[at], at + 1, k + 1
    return last


def _inside_a_number(text: str, word: re.Match[str]) -> bool:
    begin, end = _chunk_start(text, word.start()), _chunk_end(text, word.end())
    if any(c.isdigit() for c in text[begin:end]):
        return True
    before = text[:begin].rstrip().rsplit(None, 1)
    return word.group(0).lower() in _UNITS and bool(before) and any(c.isdigit() for c in before[-1])


def _numbers_before(text: str, at: int, count: int) -> int:
    """Move ``at`` back over up to ``count`` runs of non-space characters that are numbers, links or the
    stand-in words themselves ("10 people", "Ten people")."""
    for _ in range(count):
        end = at
        while end > 0 and text[end - 1] in " \t":
            end -= 1
        begin = _chunk_start(text, end)
        chunk = text[begin:end]
        letters = "".join(c for c in chunk if c.isalpha()).lower()
        if begin == end or not (not letters or letters in _FILLERS or _NOT_WORDS.match(chunk)):
            break
        at = begin
    return at


def _chunk_start(text: str, at: int) -> int:
    """The start of the run of non-space characters around ``at``."""
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _chunk_end(text: str, at: int, numbers_after: bool = False) -> int:
    """The end of the run of non-space characters at ``at``; with ``numbers_after``, also of the numbers and
    links right after it ("call 555 0100.", "see www.nhs.uk."), where the sentence ends with one."""
    while at < len(text) and not text[at].isspace():
        at += 1
    while numbers_after:
        nxt = at
        while nxt < len(text) and text[nxt] in " \t":
            nxt += 1
        end = nxt
        while end < len(text) and not text[end].isspace():
            end += 1
        chunk = text[nxt:end]
        number = not any(c.isalpha() for c in chunk) or any(c.isdigit() for c in chunk) or _NOT_WORDS.match(chunk)
        if nxt == at or not chunk or not number:
            break
        at = end
    return at


def _hard_words_fix(text: str, scorer: Scorer) -> str:
    hard = scorer.hard_words(text)
    longest = max(sentences(prepare(text)), key=lambda s: len(words(s)), default="")
    parts = ["Use shorter sentences and everyday words."]
    if hard:
        parts.append(f"Hard words here: {', '.join(hard[:6])}.")
    if len(words(longest)) > 14:
        parts.append(f'Longest sentence ({len(words(longest))} words): "{clip(as_written(text, longest), 90)}"')
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
    excerpt, fix = finding.excerpt, finding.fix
    if finding.rule == "long-sentence":
        excerpt = as_written(item.text, excerpt)  # the rule reads the prepared text; quote the file's own
    elif finding.rule == "acronym":
        fix = _acronym_fix(excerpt)
    return ContentProblem(
        item.file,
        item.line_of(excerpt),
        finding.rule,
        f"{finding.message} (in the {item.field})",
        fix,
        field=item.field,
        severity=finding.severity,
        text=excerpt or item.text,
        grade=None if grade.short else grade.grade,
    )


def _acronym_fix(token: str) -> str:
    """How to explain the short form that was found, with that short form in the example."""
    return (
        f'Write out what "{token}" stands for the first time, with the short form after it in brackets: '
        f'"... ({token})". Or explain it: "{token} is a ...". Or leave it out.'
    )


def _glossary_gaps(
    items: list[PatientText],
    jargon: JargonIndex,
    glossary: Glossary | None,
    known: Callable[[str], bool],
    replace_words: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[ContentProblem]:
    """Medical words and acronyms patients will read but cannot look up ("what does X mean?"). A jargon word
    the check already says to replace (``replace_words``, lower case) gets no glossary hint as well."""
    if glossary is None:
        return []
    problems: list[ContentProblem] = []
    reported: set[str] = set()
    for item in items:
        if item.defines:
            continue
        found = []
        for entry, match in jargon.find(item.text):
            forms = {match.group(0).lower(), *(form.lower() for form in entry.forms)}
            if not forms & replace_words:
                found.append(match.group(0))
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
                    f"Add '{word if word.isupper() else word.lower()}' to {glossary.path} "
                    "so patients can ask what it means.",
                    field=item.field,
                    severity=WARNING,
                    text=word,
                )
            )
    return problems
