"""`plainhealth content check`: passes on the shipped library, fails clearly on bad content, three formats."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from content_builders import GOOD_CLINIC, good_module, write_library

from bot.content.check import CheckOptions, Report, ScoredText, run_check
from bot.readability.scoring import Grade
from bot.readability.texts import PatientText
from bot.settings import PROJECT_ROOT

BAD = PROJECT_ROOT / "tests" / "fixtures" / "content_bad"


def check(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PLAINHEALTH_STATE_DIR": str(tmp_path / "state"), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "check", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def shipped(nltk_dir: Path) -> Report:
    return run_check(CheckOptions(PROJECT_ROOT / "content", PROJECT_ROOT / "domain.yml", nltk_dir))


def test_the_shipped_library_passes_the_check(shipped: Report) -> None:
    """The gate: any patient-facing text over the limit, or any broken file, fails CI here."""
    assert shipped.errors == [], "\n".join(f"{p.location()}: {p.message}" for p in shipped.errors)
    assert shipped.skipped_files == []
    assert all(t.grade is None or t.grade.grade <= 6 for t in shipped.texts)


def test_the_check_reads_every_kind_of_patient_text(shipped: Report) -> None:
    kinds = {t.item.kind for t in shipped.texts}
    assert {"section", "summary", "list", "question", "explain", "definition", "message", "response", "title"} <= kinds
    assert "simpler" in kinds
    files = {t.item.file for t in shipped.texts}
    assert "domain.yml" in files and "content/glossary.yml" in files and "content/clinic.yml" in files
    assert any(f.startswith("content/checklists/") for f in files) and any(
        f.startswith("content/prompts/") for f in files
    )


def test_the_whole_library_checks_in_under_two_seconds(shipped: Report) -> None:
    # A generous bound for a shared CI machine; bench/bench_content_check.py prints the real figures.
    assert shipped.seconds < 6


def test_the_cli_fails_on_the_bad_fixture_with_file_line_and_fix(tmp_path: Path) -> None:
    result = check(["--content-dir", str(BAD), "--no-domain"], tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "content_bad/modules/hard-paragraph.md:40: error (grade)" in out
    assert "Hard words here: persistent, pharyngeal" in out
    assert "content_bad/modules/jargon-word.md:37: error (jargon)" in out and 'Say "doctor" instead' in out
    assert (
        "content_bad/modules/malformed-header.md:4: error (format): This lesson is not shown to patients until "
        "this is fixed. The header cannot be read" in out
    )
    assert "Put the whole value in double quotes" in out
    assert "content_bad/modules/missing-field.md:1: error (format): This lesson is not shown" in out
    assert "The field 'teach_back' is missing." in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("FAILED:") and "1 over the limit" in summary and "2 file(s) left out" in summary
    assert "Traceback" not in result.stderr


def test_the_cli_passes_on_good_content_and_says_so(tmp_path: Path) -> None:
    content = write_library(tmp_path)
    result = check(["--content-dir", str(content), "--no-domain"], tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("PASSED:")


def test_the_cli_warns_about_local_and_unencrypted_widget_sites_with_file_line_and_fix(tmp_path: Path) -> None:
    clinic = GOOD_CLINIC.replace(
        'allowed_origins: ["https://www.test-clinic.example"]',
        'allowed_origins: ["http://localhost:8000", "http://clinic.example"]',
    )
    content = write_library(tmp_path, clinic=clinic)
    result = check(["--content-dir", str(content), "--no-domain"], tmp_path)
    out = result.stdout
    assert "content/clinic.yml:11: warning (format): 'http://localhost:8000' is a computer's own address" in out
    assert "content/clinic.yml:11: warning (format): 'http://clinic.example' is not encrypted" in out
    lines = out.splitlines()
    fixes = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("content/clinic.yml:11: warning")]
    assert [f.split()[1] for f in fixes] == ["Remove", "Write"] and "https://clinic.example" in fixes[1]
    assert result.returncode == 0, out  # a warning: the clinic decides (--strict fails on it)


def test_max_grade_is_configurable(tmp_path: Path) -> None:
    content = write_library(tmp_path)
    assert check(["--content-dir", str(content), "--no-domain", "--max-grade", "1"], tmp_path).returncode == 1


def test_json_output_lists_problems_and_grades(tmp_path: Path) -> None:
    result = check(["--content-dir", str(BAD), "--no-domain", "--format", "json"], tmp_path)
    data = json.loads(result.stdout)
    assert data["passed"] is False and data["counts"]["over_limit"] == 1
    rules = {p["rule"] for p in data["problems"]}
    assert {"grade", "jargon", "format", "long-sentence"} <= rules
    hard = next(p for p in data["problems"] if p["rule"] == "grade")
    assert hard["file"].endswith("hard-paragraph.md") and hard["line"] == 40 and hard["grade"] > 6
    assert all({"file", "line", "grade", "formulas"} <= set(t) for t in data["texts"])


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.bars: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.limit_x = 0.0
        self.depth = 0
        self.rows_outside_details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if "data-grade" in found:
            self.bars.append(found)
        if tag == "line" and found.get("class") == "limit":
            self.limit_x = float(found["x1"] or 0)
        if tag == "details":
            self.depth += 1
        if tag == "tr" and not self.depth:
            self.rows_outside_details += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_has_a_chart_and_the_worst_problems_first(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = check(["--content-dir", str(BAD), "--no-domain", "--format", "html", "-o", str(target)], tmp_path)
    assert result.returncode == 1 and str(target) in result.stdout
    page = target.read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(page)
    assert "svg" in parsed.tags and "script" not in parsed.tags
    counts = {bar["data-grade"]: int(bar["data-count"] or 0) for bar in parsed.bars}
    assert sum(counts.values()) > 10 and counts["16"] == 1  # the hard paragraph, far right
    body = "".join(parsed.text)
    assert body.index("hard-paragraph.md:40") < body.index("jargon-word.md:37")


def test_html_report_escapes_content(tmp_path: Path, nltk_dir: Path) -> None:
    module = good_module().replace("Rest as much as you can.", "Rest <script>alert(1)</script> now.")
    content = write_library(tmp_path, {"sore-throat": module})
    from bot.readability.html_report import as_html

    page = as_html(run_check(CheckOptions(content, None, nltk_dir)))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_every_plainer_version_is_checked_with_its_file_and_line(shipped: Report) -> None:
    assert shipped.library is not None
    expected = {
        (module.path, section.simpler_line)
        for module in shipped.library.modules.values()
        for section in module.sections
        if section.simpler
    }
    checked = [t.item for t in shipped.texts if t.item.kind == "simpler"]
    assert {(item.file, item.line) for item in checked} == expected and len(checked) == len(expected)
    assert all(item.field.startswith('plainer version ("### Simpler") of section "') for item in checked)
    asthma = {(item.file, item.line) for item in checked if item.file == "content/modules/asthma.md"}
    assert len(asthma) == len(shipped.library.modules["asthma"].sections)  # every section has one


def test_a_hard_plainer_version_fails_the_check_at_its_line(tmp_path: Path, nltk_dir: Path) -> None:
    hard = (
        "Pharyngeal inflammation frequently persists notwithstanding conservative symptomatic management, "
        "necessitating additional professional evaluation."
    )
    module = good_module().replace(
        "Suck on ice chips if they help.\n", f"Suck on ice chips if they help.\n\n### Simpler\n{hard}\n"
    )
    content = write_library(tmp_path, {"sore-throat": module})
    report = run_check(CheckOptions(content, None, nltk_dir))
    [problem] = [p for p in report.errors if p.rule == "grade"]
    assert problem.file == "content/modules/sore-throat.md" and problem.line == 40
    assert problem.message.startswith('The plainer version ("### Simpler") of section "What you can do" reads at grade')
    assert "Hard words here" in problem.fix
    # The section itself and the file's other texts are not blamed for it.
    assert not [t for t in report.over_limit() if t.item.kind != "simpler"]


def test_a_simpler_heading_mistake_fails_the_cli_with_file_line_and_fix(tmp_path: Path) -> None:
    end = "Suck on ice chips if they help.\n"
    module = good_module().replace(end, f"{end}\n### Simpler\n\n")
    content = write_library(tmp_path, {"sore-throat": module})
    result = check(["--content-dir", str(content), "--no-domain"], tmp_path)
    assert result.returncode == 1
    assert "content/modules/sore-throat.md:40: error (format): The '### Simpler' of the section" in result.stdout


# --- issue 22: the report as educators read it -------------------------------------------------------------


def scored(grade: float, line: int) -> ScoredText:
    item = PatientText("content/modules/x.md", line, f"section {line}", "section", f"Text {line}.", "x")
    return ScoredText(item, Grade(grade, 30, 3, {"flesch_kincaid": grade, "coleman_liau": grade}))


def painted(page: str, grade: int) -> dict[str, float]:
    """How tall the red and the green parts of the chart's bar for ``grade`` are."""
    found = re.search(rf'<(?:rect|g) class="bar" data-grade="{grade}".*?(?:</g>|</rect>)', page, re.S)
    assert found, grade
    heights = {"red": 0.0, "green": 0.0}
    for rect in re.findall(r"<rect[^>]*>", found.group(0)):
        height = float(re.search(r'height="([\d.]+)"', rect).group(1))  # type: ignore[union-attr]
        heights["red" if "#b3261e" in rect or "over-stripes" in rect else "green"] += height
    return heights


def test_the_chart_agrees_with_the_rule_at_the_limit_is_fine_over_it_is_red() -> None:
    """The grade-6 bar was red and the caption said "at or right of the line need work" on a passing run."""
    from bot.readability.html_report import as_html

    report = Report(6.0, 20, texts=[scored(6.0, 1), scored(6.0, 2), scored(5.4, 3), scored(6.1, 4), scored(2.0, 5)])
    page = as_html(report)
    assert painted(page, 6)["red"] == 0 and painted(page, 6)["green"] > 0  # 5.4, 6.0, 6.0: at or under: fine
    assert painted(page, 7)["red"] > 0 and painted(page, 7)["green"] == 0  # 6.1: over the limit
    assert all(painted(page, grade)["red"] == 0 for grade in range(7))
    parsed = _Collect()
    parsed.feed(page)
    # The limit line stands between the limit's own bar and the next one.
    width, pad = 720, 40
    bar = (width - 2 * pad) / 17
    assert pad + 7 * bar - 1 < parsed.limit_x < pad + 7 * bar + 1
    caption = " ".join("".join(parsed.text).split())
    assert "at or right of the line need work" not in caption
    assert "Green is at or under the limit of grade 6: fine" in caption and "over the limit" in caption

    passing = as_html(Report(6.0, 20, texts=[scored(6.0, 1), scored(3.0, 2)]))
    assert all(painted(passing, grade)["red"] == 0 for grade in range(17))


def test_a_file_patients_do_not_get_comes_first_in_plain_words(tmp_path: Path) -> None:
    """A lesson left out for a broken header came after grade problems, in the loader's words."""
    target = tmp_path / "report.html"
    result = check(["--content-dir", str(BAD), "--no-domain", "--format", "html", "-o", str(target)], tmp_path)
    assert result.returncode == 1
    page = target.read_text(encoding="utf-8")
    body = " ".join(page.split())
    assert body.index('id="left-out"') < body.index("<figure>") < body.index('id="problems"')
    assert "Not shown to patients (2 file(s))" in body
    table = body[body.index('id="problems"') :]
    assert table.index("malformed-header.md:4") < table.index("hard-paragraph.md:40")
    first_row = table[table.index("<tbody>") :].split("</tr>")[0]
    assert "not shown to patients" in first_row and "This lesson is not shown to patients until" in first_row
    text = check(["--content-dir", str(BAD), "--no-domain"], tmp_path).stdout
    first, second = [line for line in text.splitlines() if not line.startswith(" ")][:2]
    assert "This lesson is not shown to patients until this is fixed." in first
    assert "This lesson is not shown to patients until this is fixed." in second


TRICKY = (
    "Rest as much as you can. Some people with GERD get a sore throat. Pharmacological help is there. "
    "Your nurse may suggest long-acting beta2-agonists together with other daily medicines that you breathe in to "
    "keep your airways open and calm all through the day and the night."
)


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory, nltk_dir: Path) -> Report:
    """A lesson with an acronym, a jargon word, a code inside a word and a long sentence, in a content folder
    that is not called "content"."""
    module = good_module().replace(
        "Rest as much as you can. Drink warm drinks and water. Suck on ice chips if they help.", TRICKY
    )
    content = write_library(tmp_path_factory.mktemp("tricky"), {"sore-throat": module})
    content = content.rename(content.parent / "clinic-content")
    return run_check(CheckOptions(content, None, nltk_dir))


def test_the_acronym_example_uses_the_acronym_found(tricky: Report) -> None:
    """It read "chronic obstructive pulmonary disease (GERD)"."""
    [acronym] = [p for p in tricky.problems if p.rule == "acronym"]
    assert '"... (GERD)"' in acronym.fix and '"GERD is a ..."' in acronym.fix
    assert "chronic obstructive" not in acronym.fix and "COPD" not in acronym.fix


def test_a_word_to_replace_is_not_also_a_word_to_add_to_the_glossary(tricky: Report) -> None:
    """One error said replace "pharmacological", a warning said add it to the glossary."""
    assert [p.text for p in tricky.problems if p.rule == "jargon"] == ["Pharmacological"]
    glossary_words = [p.text.lower() for p in tricky.problems if p.rule == "glossary"]
    assert "pharmacological" not in glossary_words
    assert "gerd" in glossary_words  # an acronym to spell out can still go in the glossary


def test_quotes_are_the_files_own_words_cut_between_words(tricky: Report) -> None:
    """A quote showed "long-acting ten -agonists" for "beta2-agonists"; the longest sentence was cut mid-word."""
    from bot.readability.html_report import as_html
    from bot.readability.report import as_text

    [long_sentence] = [p for p in tricky.problems if p.rule == "long-sentence"]
    assert long_sentence.text.startswith("Your nurse may suggest long-acting beta2-agonists together")
    assert long_sentence.text.endswith("through the day and the night.") and long_sentence.text in TRICKY
    [grade] = [p for p in tricky.problems if p.rule == "grade" and p.field.startswith("section")]
    quoted = grade.fix.split("Longest sentence (30 words): ")[1]
    assert quoted.startswith('"Your nurse may suggest long-acting beta2-agonists') and quoted.endswith('…"')
    cut = quoted.strip('"').removesuffix("…")
    assert cut in TRICKY and TRICKY[TRICKY.index(cut) + len(cut)] == " "  # cut between two words
    for problem in tricky.problems:
        assert "ten -" not in problem.text and "ten -" not in problem.fix
    out = as_text(tricky)
    excerpts = [line.split('text: "', 1)[1][:-1] for line in out.splitlines() if 'text: "' in line]
    for excerpt in excerpts:
        if excerpt.endswith("…"):
            assert excerpt[:-1] in TRICKY and TRICKY[TRICKY.index(excerpt[:-1]) + len(excerpt[:-1])] == " ", excerpt
    page = as_html(tricky)
    assert "beta2-agonists" in page and "ten -agonists" not in page


def test_the_glossary_hint_names_the_real_glossary_file(tricky: Report) -> None:
    """It always said content/glossary.yml, even for another content folder."""
    [gerd] = [p for p in tricky.problems if p.rule == "glossary" and p.text == "GERD"]
    assert "Add 'GERD' to clinic-content/glossary.yml so" in gerd.fix


def test_the_counts_agree_and_a_passing_report_folds_its_texts(tmp_path: Path, nltk_dir: Path) -> None:
    """The summary said "742 texts" and the table "All graded texts (450)"; a passing page was 77,000 px."""
    from bot.readability.html_report import as_html

    content = write_library(tmp_path)
    report = run_check(CheckOptions(content, None, nltk_dir))
    assert report.passed() and not report.over_limit()
    graded = len([t for t in report.texts if t.grade is not None])
    pooled = len([t for t in report.texts if t.grade is None and t.item.kind != "title"])
    names = len(report.texts) - graded - pooled
    summary = report.summary()
    assert f"{len(report.texts)} texts in" in summary and f"({graded} graded one by one, {pooled} short" in summary
    assert f"{names} titles and buttons checked for hard words only)" in summary
    page = as_html(report)
    body = " ".join(page.split())
    assert f"Texts over the limit (0 of the {graded} graded one by one)" in body
    assert f"Of the {len(report.texts)} texts checked, {graded} are long enough to grade one by one" in body
    assert f"<summary>Texts at or under the limit ({graded}), hardest first</summary>" in body
    parsed = _Collect()
    parsed.feed(page)
    # Outside the folds: only the problems table (its header and the "no problems" row).
    assert parsed.rows_outside_details <= 2 + len(report.problems), parsed.rows_outside_details
