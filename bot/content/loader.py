"""Load `content/` into a ``Library``, reporting (never raising on) anything malformed.

At run time a broken file is logged with its file and line and left out; the rest of the library keeps
working. ``plainhealth content check`` shows the same problems and fails on them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from bot.content.fields import FieldReader
from bot.content.markdown import QUESTIONS, SIMPLER, Block, HeaderError, sections, split_front_matter
from bot.content.models import (
    APPOINTMENT_TYPES,
    PLACEHOLDERS,
    PROMPT_KINDS,
    WEEKDAYS,
    Checklist,
    ClinicProfile,
    Glossary,
    GlossaryTerm,
    Library,
    Module,
    OpeningHours,
    PromptSet,
    Section,
    TeachBack,
    normalise_term,
)
from bot.content.problems import WARNING, ContentProblem
from bot.content.yaml_lines import Located, YamlSyntaxError, load

logger = logging.getLogger(__name__)

SECTION_MAX_WORDS = 90
SECTION_TITLE_MAX_WORDS = 8
SIMPLER_MAX_WORDS = 50  # "2 to 4 very short sentences": one chat part (bot/learning/lesson.py PART_WORDS)
REQUIRED_MESSAGES = ("emergency", "crisis", "out_of_hours", "contact")

MODULE_FIELDS = ("id", "title", "aliases", "audience", "review_date", "sources", "summary", "key_points", "teach_back")
CHECKLIST_FIELDS = (
    "id",
    "title",
    "appointment_type",
    "aliases",
    "review_date",
    "sources",
    "steps",
    "bring",
    "questions",
)
PROMPT_FIELDS = ("id", "title", "kind", "applies_to", "review_date", "sources", "prompts")
CLINIC_FIELDS = (
    "name",
    "phone",
    "email",
    "timezone",
    "opening_hours",
    "emergency_number",
    "crisis_line",
    "languages",
    "allowed_origins",
    "messages",
)
_UNSAFE_MARKDOWN = (
    (re.compile(r"^\s*\|"), "a table", "Write the table as a short list instead."),
    (re.compile(r"<\s*[a-zA-Z/!]"), "HTML", "Remove the HTML; use plain text and '- ' lists."),
    (re.compile(r"!\["), "an image", "Remove the image; describe it in words if it matters."),
)


def load_library(content_dir: Path, today: dt.date | None = None) -> Library:
    """Read every content file under ``content_dir``. ``today`` enables the review-date reminder."""
    root = Path(content_dir)
    library = Library(content_dir=str(root))
    if not root.is_dir():
        library.problems.append(
            ContentProblem(
                str(root),
                0,
                "format",
                f"The content folder {root} does not exist.",
                "Set PLAINHEALTH_CONTENT_DIR to the folder that holds modules/, checklists/ and prompts/.",
                skipped=True,
            )
        )
        return library
    for path in sorted((root / "modules").glob("*.md")):
        _add(library, library.modules, _load_module(path, _rel(path, root), today), library_kind="module")
    for path in sorted((root / "checklists").glob("*.md")):
        _add(library, library.checklists, _load_checklist(path, _rel(path, root), today), library_kind="checklist")
    for path in sorted((root / "prompts").glob("*.md")):
        _add(library, library.prompt_sets, _load_prompt_set(path, _rel(path, root), today), library_kind="prompt set")
    glossary_path = root / "glossary.yml"
    library.files.extend(
        _rel(p, root) for kind in ("modules", "checklists", "prompts") for p in sorted((root / kind).glob("*.md"))
    )
    if glossary_path.exists():
        library.files.append(_rel(glossary_path, root))
        library.glossary, problems = _load_glossary(glossary_path, _rel(glossary_path, root), today)
        library.problems.extend(problems)
    else:
        library.problems.append(_missing_file(root, "glossary.yml", "the glossary"))
    clinic_path = root / "clinic.yml"
    if clinic_path.exists():
        library.files.append(_rel(clinic_path, root))
        library.clinic, problems = _load_clinic(clinic_path, _rel(clinic_path, root))
        library.problems.extend(problems)
    else:
        library.problems.append(_missing_file(root, "clinic.yml", "the clinic profile"))
    _cross_check(library)
    for problem in library.problems:
        if problem.skipped:
            logger.warning("Content left out: %s: %s", problem.location(), problem.message)
    return library


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:  # pragma: no cover - paths always sit under root
        return str(path)


def _missing_file(root: Path, name: str, what: str) -> ContentProblem:
    return ContentProblem(
        _rel(root / name, root),
        0,
        "format",
        f"There is no {name}, so {what} is missing.",
        f"Create {name}. See content/README.md.",
        skipped=True,
    )


_Item = TypeVar("_Item", Module, Checklist, PromptSet)


def _add(
    library: Library, into: dict[str, _Item], loaded: tuple[_Item | None, list[ContentProblem]], library_kind: str
) -> None:
    item, problems = loaded
    library.problems.extend(problems)
    if item is None:
        return
    item_id = item.id
    if item_id in into:
        first = into[item_id].path
        library.problems.append(
            ContentProblem(
                item.path,
                1,
                "format",
                f"Another {library_kind} already uses the id '{item_id}' ({first}).",
                "Give each file its own id.",
                field="id",
                skipped=True,
            )
        )
        return
    into[item_id] = item


def _read_header(path: Path, rel: str) -> tuple[Located | None, str, int, list[ContentProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return (
            None,
            "",
            0,
            [
                ContentProblem(
                    rel,
                    0,
                    "format",
                    "The file is not saved as UTF-8 text.",
                    "Save it again as UTF-8 (plain text) in your editor.",
                    skipped=True,
                )
            ],
        )
    try:
        split = split_front_matter(text)
        located = load(split.header, first_line=split.header_first_line)
    except HeaderError as exc:
        return None, "", 0, [ContentProblem(rel, exc.line, "format", str(exc), exc.fix, skipped=True)]
    except YamlSyntaxError as exc:
        return (
            None,
            "",
            0,
            [ContentProblem(rel, exc.line, "format", f"The header cannot be read: {exc}.", exc.hint, skipped=True)],
        )
    if not isinstance(located.data, dict):
        return (
            None,
            "",
            0,
            [
                ContentProblem(
                    rel,
                    split.header_first_line,
                    "format",
                    "The header has no fields.",
                    "Write one field per line, like 'title: Asthma'.",
                    skipped=True,
                )
            ],
        )
    return located, split.body, split.body_first_line, []


def _body_problems(rel: str, text: str, first_line: int) -> list[ContentProblem]:
    problems = []
    for offset, line in enumerate(text.splitlines()):
        for pattern, what, fix in _UNSAFE_MARKDOWN:
            if pattern.search(line):
                problems.append(
                    ContentProblem(
                        rel,
                        first_line + offset,
                        "format",
                        f"The text has {what}, which the chat cannot show.",
                        fix,
                        text=line.strip(),
                    )
                )
    return problems


def _load_module(path: Path, rel: str, today: dt.date | None) -> tuple[Module | None, list[ContentProblem]]:
    located, body, body_line, problems = _read_header(path, rel)
    if located is None:
        return None, problems
    r = FieldReader(rel, located, "Education modules")
    r.unknown_fields(MODULE_FIELDS)
    module_id = r.identifier(path.stem)
    title = r.text("title", "the module's name as patients see it", max_words=SECTION_TITLE_MAX_WORDS)
    aliases = r.texts("aliases", "words a patient might type for this topic, like 'sugar diabetes'", least=1, most=15)
    audience = r.text("audience", "who the module is for, like 'Adults with asthma and their families'")
    review_date = r.date("review_date", today)
    sources = r.texts(
        "sources", "the organisations you based the module on, like 'MedlinePlus'", least=1, skip_if_short=True
    )
    summary = r.text("summary", "2 to 4 very short sentences for 'say it simpler'")
    key_points = r.texts("key_points", "3 to 5 short sentences", least=3, most=5)
    teach_back = _teach_back(r)
    intro, blocks = sections(body, body_line)
    problems.extend(_body_problems(rel, body, body_line))
    if intro:
        problems.append(
            ContentProblem(
                rel,
                body_line,
                "format",
                "There is text before the first section heading.",
                "Start each section with a line like '## What is asthma?' and put this text under one.",
                text=intro[:80],
            )
        )
    module_sections = []
    for block in blocks:
        simpler, simpler_line = _simpler(rel, block, problems)
        if not block.text:
            problems.append(
                ContentProblem(
                    rel,
                    block.line,
                    "format",
                    f"The section '{block.title}' is empty.",
                    f"Write its text under the heading (above '### {SIMPLER}'), or remove the section."
                    if block.subsections
                    else "Write its text under the heading, or remove the heading.",
                )
            )
            continue
        n_words = len(block.text.split())
        if n_words > SECTION_MAX_WORDS:
            problems.append(
                ContentProblem(
                    rel,
                    block.line,
                    "format",
                    f"The section '{block.title}' has {n_words} words: "
                    f"too long for one chat bubble (at most {SECTION_MAX_WORDS}).",
                    "Split it into two sections with their own '## ' headings, or cut words.",
                    field="sections",
                    text=block.title,
                )
            )
        if len(block.title.split()) > SECTION_TITLE_MAX_WORDS:
            problems.append(
                ContentProblem(
                    rel,
                    block.line,
                    "format",
                    f"The heading '{block.title}' is long for a button.",
                    f"Use {SECTION_TITLE_MAX_WORDS} words or fewer.",
                    field="sections",
                )
            )
        questions = _questions(rel, block, problems)
        module_sections.append(Section(block.title, block.text, block.line, simpler, simpler_line, questions))
    if not module_sections:
        problems.append(
            ContentProblem(
                rel,
                body_line,
                "format",
                "The module has no sections.",
                "Below the header, write 4 to 7 sections, each starting with a line like '## What is asthma?'.",
                field="sections",
                skipped=True,
            )
        )
    elif not 4 <= len(module_sections) <= 7:
        problems.append(
            ContentProblem(
                rel,
                body_line,
                "format",
                f"The module has {len(module_sections)} sections; it should have 4 to 7.",
                "Split or join sections so each is one short chat message.",
                field="sections",
            )
        )
    problems.extend(r.problems)
    if any(p.skipped for p in problems):
        return None, problems
    return Module(
        module_id,
        title,
        aliases,
        audience,
        review_date,
        sources,
        summary,
        key_points,
        teach_back,
        tuple(module_sections),
        rel,
        dict(located.lines),
    ), problems


QUESTION_MAX_WORDS = 30


def _questions(rel: str, block: Block, problems: list[ContentProblem]) -> tuple[str, ...]:
    """The section's `### Questions`: one question a line, each starting with "- ". Patients never see them;
    a line that is not a list item, or is far too long to be one question, is reported and left out."""
    found: list[str] = []
    for sub in block.subsections:
        if not sub.is_questions:
            continue
        for offset, raw in enumerate(sub.text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            if not line.startswith(("- ", "* ")):
                problems.append(
                    ContentProblem(
                        rel,
                        sub.line + offset,
                        "format",
                        f"A line under '### {QUESTIONS}' of the section '{block.title}' is not a list item.",
                        "Write one question a line, starting with '- ', like '- what is asthma?'.",
                        field="sections",
                        text=line[:80],
                    )
                )
                continue
            question = line[2:].strip()
            if len(question.split()) > QUESTION_MAX_WORDS:
                problems.append(
                    ContentProblem(
                        rel,
                        sub.line + offset,
                        "format",
                        f"A question of the section '{block.title}' has more than {QUESTION_MAX_WORDS} words.",
                        "Write it the way a patient would type it: one short question.",
                        field="sections",
                        text=question[:80],
                    )
                )
                continue
            if question and question not in found:
                found.append(question)
    return tuple(found)


def _simpler(rel: str, block: Block, problems: list[ContentProblem]) -> tuple[str, int]:
    """The section's plainer version (its `### Simpler` text) and the line of its heading, or ("", 0).

    Every other `### ` heading is a mistake the chat cannot show, so it is reported, and its text is left
    out of the lesson (never shown as lesson text). Of two plainer versions the first is used.
    """
    found: tuple[str, int] = ("", 0)
    seen = 0
    for sub in block.subsections:
        heading = f"{'#' * sub.level} {sub.title}".strip()
        if sub.is_questions:
            continue  # read by _questions
        if not sub.is_simpler:
            looks_simpler = sub.title.strip().rstrip(":. ").lower() == SIMPLER.lower()
            problems.append(
                ContentProblem(
                    rel,
                    sub.line,
                    "format",
                    f"The section '{block.title}' has the heading '{heading}', which the assistant does not know: "
                    "its text is left out of the lesson.",
                    f"For the plainer version, write the heading exactly as '### {SIMPLER}'."
                    if looks_simpler
                    else f"The only headings allowed inside a section are '### {SIMPLER}' (its plainer version) and "
                    f"'### {QUESTIONS}' (questions it answers), at the end. Make this part its own section with a "
                    "'## ' heading, or remove the heading line and keep the text in the section.",
                    field="sections",
                    text=heading,
                )
            )
            continue
        if seen:
            problems.append(
                ContentProblem(
                    rel,
                    sub.line,
                    "format",
                    f"The section '{block.title}' has a second '### {SIMPLER}' (the first is on line {seen}).",
                    f"Keep one '### {SIMPLER}' per section, as its last part: join the two texts, or remove one.",
                    field="sections",
                    text=sub.text[:80],
                )
            )
            continue
        seen = sub.line
        if not sub.text:
            problems.append(
                ContentProblem(
                    rel,
                    sub.line,
                    "format",
                    f"The '### {SIMPLER}' of the section '{block.title}' is empty.",
                    "Under it, write the section again in 2 to 4 very short sentences, with the same meaning "
                    "and no new facts; or remove the heading.",
                    field="sections",
                )
            )
            continue
        n_words = len(sub.text.split())
        if n_words > SIMPLER_MAX_WORDS:
            problems.append(
                ContentProblem(
                    rel,
                    sub.line,
                    "format",
                    f"The plainer version of the section '{block.title}' has {n_words} words: too long for "
                    f"'say it simpler' (at most {SIMPLER_MAX_WORDS}).",
                    "Keep only the main idea, in 2 to 4 very short sentences.",
                    field="sections",
                    text=sub.text[:80],
                )
            )
        elif block.text and n_words >= len(block.text.split()):
            problems.append(
                ContentProblem(
                    rel,
                    sub.line,
                    "format",
                    f"The plainer version of the section '{block.title}' is not shorter than the section.",
                    "Say only the main idea, in fewer and shorter sentences.",
                    field="sections",
                    severity=WARNING,
                    text=sub.text[:80],
                )
            )
        found = (sub.text, sub.line)
    return found


def _teach_back(r: FieldReader) -> tuple[TeachBack, ...]:
    value = r.block(
        "teach_back",
        list,
        "2 or 3 questions, each with question, choices, answer and explain",
        "Start each question with '- question:'.",
    )
    if value is None:
        return ()
    questions = []
    for index in range(len(value)):
        q = FieldReader(r.file, r.located, r.guide, base=f"teach_back[{index}]")
        if not q.data:
            r.problem(
                f"teach_back[{index}]",
                f"Question {index + 1} of 'teach_back' has no fields.",
                "Give it question, choices, answer and explain.",
                skip=True,
            )
            continue
        q.unknown_fields(("question", "choices", "answer", "explain"))
        question = q.text("question", "the question to ask the patient")
        choices = q.texts("choices", "2 to 4 short answers to choose from", least=2, most=4, skip_if_short=True)
        answer = q.text("answer", "the right choice, written exactly as in 'choices'")
        explain = q.text("explain", "a kind sentence that says why the right answer is right")
        if answer and choices and answer not in choices:
            close = [c for c in choices if c.lower().strip(" .") == answer.lower().strip(" .")]
            hint = f" It almost matches '{close[0]}'." if close else ""
            q.problem(
                "answer",
                f"The answer '{answer}' is not one of the choices.{hint}",
                "Copy the right choice into 'answer' exactly, letter for letter.",
                skip=True,
            )
        if len(set(choices)) != len(choices):
            q.problem("choices", "Two choices are the same.", "Make every choice different.", skip=True)
        r.problems.extend(q.problems)
        questions.append(TeachBack(question, choices, answer, explain, q.line()))
    if not 2 <= len(questions) <= 3:
        r.problem(
            "teach_back",
            f"'teach_back' has {len(questions)} question(s); it should have 2 or 3.",
            "Add or remove questions.",
        )
    return tuple(questions)


def _load_checklist(path: Path, rel: str, today: dt.date | None) -> tuple[Checklist | None, list[ContentProblem]]:
    located, body, body_line, problems = _read_header(path, rel)
    if located is None:
        return None, problems
    r = FieldReader(rel, located, "Appointment checklists")
    r.unknown_fields(CHECKLIST_FIELDS)
    checklist_id = r.identifier(path.stem)
    title = r.text("title", "the checklist's name as patients see it", max_words=SECTION_TITLE_MAX_WORDS)
    appointment_type = r.choice("appointment_type", APPOINTMENT_TYPES, "the kind of visit")
    aliases = r.texts("aliases", "other names for this visit", required=False, most=15)
    review_date = r.date("review_date", today)
    sources = r.texts("sources", "the organisations you based it on", least=1, skip_if_short=True)
    steps = r.texts("steps", "4 to 8 steps in time order", least=1, most=8, skip_if_short=True)
    if 0 < len(steps) < 4:
        r.problem("steps", f"'steps' has {len(steps)} step(s); it should have 4 to 8.", "Add steps.")
    bring = r.texts("bring", "3 to 8 things to bring", least=3, most=8)
    questions = r.texts("questions", "3 to 6 questions to consider asking", least=3, most=6)
    problems.extend(_body_problems(rel, body, body_line))
    problems.extend(r.problems)
    if any(p.skipped for p in problems):
        return None, problems
    return Checklist(
        checklist_id,
        title,
        appointment_type,
        aliases,
        review_date,
        sources,
        steps,
        bring,
        questions,
        body.strip(),
        rel,
        dict(located.lines) | {"intro": body_line},
    ), problems


def _load_prompt_set(path: Path, rel: str, today: dt.date | None) -> tuple[PromptSet | None, list[ContentProblem]]:
    located, body, body_line, problems = _read_header(path, rel)
    if located is None:
        return None, problems
    r = FieldReader(rel, located, "Question-prompt sets")
    r.unknown_fields(PROMPT_FIELDS)
    set_id = r.identifier(path.stem)
    title = r.text("title", "the set's name as patients see it", max_words=SECTION_TITLE_MAX_WORDS)
    kind = r.choice("kind", PROMPT_KINDS, "what the set is for")
    applies_to = r.texts("applies_to", "module ids or appointment types", required=False)
    if kind in ("topic", "appointment") and not applies_to:
        r.problem(
            "applies_to",
            f"A '{kind}' set must say what it applies to.",
            "List module ids (for topic) or appointment types (for appointment) under 'applies_to'.",
            skip=True,
        )
    if kind == "appointment":
        for index, value in enumerate(applies_to):
            if value not in APPOINTMENT_TYPES:
                r.problem(
                    f"applies_to[{index}]",
                    f"'{value}' is not an appointment type.",
                    f"Use one of: {', '.join(APPOINTMENT_TYPES)}.",
                )
    review_date = r.date("review_date", today)
    sources = r.texts("sources", "the organisations you based it on", least=1, skip_if_short=True)
    prompts = r.texts(
        "prompts", "3 to 8 questions, written the way the patient would ask them", least=3, most=8, skip_if_short=True
    )
    problems.extend(_body_problems(rel, body, body_line))
    problems.extend(r.problems)
    if any(p.skipped for p in problems):
        return None, problems
    return PromptSet(
        set_id,
        title,
        kind,
        applies_to,
        review_date,
        sources,
        prompts,
        body.strip(),
        rel,
        dict(located.lines) | {"intro": body_line},
    ), problems


def _read_yaml_file(path: Path, rel: str) -> tuple[Located | None, list[ContentProblem]]:
    try:
        located = load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [
            ContentProblem(
                rel, 0, "format", "The file is not saved as UTF-8 text.", "Save it again as UTF-8.", skipped=True
            )
        ]
    except YamlSyntaxError as exc:
        return None, [
            ContentProblem(rel, exc.line, "format", f"The file cannot be read: {exc}.", exc.hint, skipped=True)
        ]
    if not isinstance(located.data, dict):
        return None, [
            ContentProblem(
                rel, 1, "format", "The file has no fields.", "See content/README.md for what it holds.", skipped=True
            )
        ]
    return located, []


def _load_glossary(path: Path, rel: str, today: dt.date | None) -> tuple[Glossary | None, list[ContentProblem]]:
    located, problems = _read_yaml_file(path, rel)
    if located is None:
        return None, problems
    r = FieldReader(rel, located, "The glossary")
    r.unknown_fields(("sources", "review_date", "terms"))
    sources = r.texts("sources", "the organisations you based the definitions on", least=1)
    review_date = r.date("review_date", today) if "review_date" in r.data else None
    raw_terms = r.block(
        "terms", list, "a list of terms, each with term, definition and aliases", "Start each term with '- term:'."
    )
    if raw_terms is None:
        return None, problems + r.problems
    terms: list[GlossaryTerm] = []
    seen: dict[str, int] = {}
    for index in range(len(raw_terms)):
        t = FieldReader(rel, located, "The glossary", base=f"terms[{index}]")
        t.unknown_fields(("term", "definition", "aliases"))
        term = t.text("term", "the medical word")
        definition = t.text("definition", "one or two short, plain sentences")
        aliases = t.texts("aliases", "other spellings or names", required=False)
        clash = [n for n in (term, *aliases) if n and normalise_term(n) in seen]
        for name in clash:
            t.problem(
                "term",
                f"'{name}' is already in the glossary (line {seen[normalise_term(name)]}).",
                "Keep one entry and merge the definitions.",
                skip=True,
            )
        if term and definition and re.search(rf"\b{re.escape(term)}\b", definition, re.I):
            t.problem(
                "definition",
                f"The definition of '{term}' uses the word itself.",
                "Explain it with other, plainer words.",
                severity=WARNING,
                text=definition,
            )
        r.problems.extend(t.problems)
        if any(p.skipped for p in t.problems):
            continue
        for name in (term, *aliases):
            seen[normalise_term(name)] = t.line()
        terms.append(GlossaryTerm(term, definition, aliases, t.line()))
    return Glossary(tuple(terms), sources, review_date, rel), problems + r.problems


def _load_clinic(path: Path, rel: str) -> tuple[ClinicProfile | None, list[ContentProblem]]:
    located, problems = _read_yaml_file(path, rel)
    if located is None:
        return None, problems
    r = FieldReader(rel, located, "The clinic profile")
    r.unknown_fields(CLINIC_FIELDS)
    name = r.text("name", "the clinic's name")
    phone = r.text("phone", "the phone number patients call, in quotes")
    email = r.text("email", "an email address", required=False)
    timezone = r.text("timezone", "the clinic's time zone, like America/New_York")
    if timezone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            r.problem(
                "timezone",
                f"'{timezone}' is not a time zone name.",
                "Use a name like America/New_York or Europe/London.",
                skip=True,
            )
    hours = _opening_hours(r)
    emergency = r.text("emergency_number", 'the emergency phone number, in quotes, like "911"')
    crisis = r.text("crisis_line", 'the suicide and crisis line, in quotes, like "988"')
    languages = r.texts("languages", "the languages the clinic speaks", least=1)
    origins = r.texts("allowed_origins", "the web sites that may show the chat widget", required=False)
    for index, origin in enumerate(origins):
        if not re.match(r"^https?://[^/\s]+$", origin):
            r.problem(
                f"allowed_origins[{index}]",
                f"'{origin}' is not a site address.",
                "Write it like https://www.example-clinic.org (no path, no slash at the end).",
            )
        else:
            _origin_warning(r, index, origin)
    messages = _messages(r)
    problems.extend(r.problems)
    if any(p.skipped for p in problems):
        return None, problems
    return ClinicProfile(
        name, phone, email, timezone, hours, emergency, crisis, languages, origins, messages, rel, dict(located.lines)
    ), problems


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _origin_warning(r: FieldReader, index: int, origin: str) -> None:
    """Warn about sites a real clinic should not let embed its assistant. A warning, not an error: a
    developer may list one on purpose, but a clinic copying the demo profile must see it.

    A loopback address lets any page served on the computer that opens the chat embed it (any local
    developer tool or rogue page); plain http lets anyone on the network change the page around the chat.
    """
    try:
        host = (urlsplit(origin).hostname or "").lower()
    except ValueError:
        return
    field = f"allowed_origins[{index}]"
    if _is_loopback(host):
        r.problem(
            field,
            f"'{origin}' is a computer's own address (for testing), not a clinic's web site: any page running "
            "on a computer that opens the chat could show your assistant.",
            "Remove it, and list only your clinic's own sites, like https://www.example-clinic.org. "
            "The assistant's own demo page is always allowed.",
            severity=WARNING,
        )
    elif origin.lower().startswith("http://"):
        r.problem(
            field,
            f"'{origin}' is not encrypted (http://): anyone on the network could change the page the chat is on.",
            f"Write it with https:// (https://{urlsplit(origin).netloc}), or remove it if the site has no https.",
            severity=WARNING,
        )


def _opening_hours(r: FieldReader) -> tuple[OpeningHours, ...]:
    example = "one line per open day, like 'monday: \"08:00-18:00\"'"
    value = r.block("opening_hours", dict, example, f"Write {example}.")
    if value is None:
        return ()
    hours = []
    for day, span in value.items():
        field = f"opening_hours.{day}"
        if str(day).lower() not in WEEKDAYS:
            r.problem(field, f"'{day}' is not a day of the week.", "Use monday, tuesday, ... sunday.", skip=True)
            continue
        match = re.match(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", str(span))
        try:
            if not match:
                raise ValueError
            opens = dt.time(int(match.group(1)), int(match.group(2)))
            closes = dt.time(int(match.group(3)), int(match.group(4)))
            if closes <= opens:
                raise ValueError
        except ValueError:
            r.problem(
                field,
                f"'{span}' is not a time range.",
                'Write it in quotes with the 24-hour clock, like "08:00-18:00".',
                skip=True,
            )
            continue
        hours.append(OpeningHours(str(day).lower(), opens, closes))
    return tuple(sorted(hours, key=lambda h: WEEKDAYS.index(h.day)))


def _messages(r: FieldReader) -> dict[str, str]:
    how = "Write one line per message under 'messages:', like '  emergency: Call {emergency_number} now.'"
    value = r.block("messages", dict, f"the messages {', '.join(REQUIRED_MESSAGES)}", how)
    if value is None:
        return {}
    messages: dict[str, str] = {}
    for key in REQUIRED_MESSAGES:
        if key not in value:
            r.problem("messages", f"The message '{key}' is missing.", f"Add '{key}:' under 'messages'.", skip=True)
    for key, text in value.items():
        field = f"messages.{key}"
        if not isinstance(text, str) or not text.strip():
            r.problem(
                field, f"The message '{key}' is empty or not text.", "Write the message after the colon.", skip=True
            )
            continue
        for placeholder in re.findall(r"\{([^}]*)\}", text):
            if placeholder not in PLACEHOLDERS:
                r.problem(
                    field,
                    f"'{{{placeholder}}}' is not a placeholder the assistant can fill.",
                    f"Use one of: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}.",
                    skip=True,
                )
        messages[str(key)] = text.strip()
    return messages


def _cross_check(library: Library) -> None:
    """Problems that need more than one file: links from prompt sets to modules, checklist coverage."""
    for prompt_set in library.prompt_sets.values():
        if prompt_set.kind != "topic":
            continue
        for index, module_id in enumerate(prompt_set.applies_to):
            if module_id not in library.modules:
                library.problems.append(
                    ContentProblem(
                        prompt_set.path,
                        prompt_set.lines.get(f"applies_to[{index}]", 1),
                        "format",
                        f"'{module_id}' is not the id of a module.",
                        "Use the id of a file in content/modules/ (the name without .md).",
                        field=f"applies_to[{index}]",
                    )
                )
    covered = {c.appointment_type for c in library.checklists.values()}
    for appointment_type in APPOINTMENT_TYPES:
        if appointment_type not in covered:
            library.problems.append(
                ContentProblem(
                    f"{Path(library.content_dir).name}/checklists",
                    0,
                    "format",
                    f"No checklist covers the appointment type '{appointment_type}'.",
                    "Add a checklist with this appointment_type so patients with this visit get help.",
                    severity=WARNING,
                )
            )
