"""`plainhealth content check`: passes on the shipped library, fails clearly on bad content, three formats."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from content_builders import GOOD_CLINIC, good_module, write_library

from bot.content.check import CheckOptions, Report, run_check
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
    assert "content_bad/modules/malformed-header.md:4: error (format): The header cannot be read" in out
    assert "Put the whole value in double quotes" in out
    assert "content_bad/modules/missing-field.md:1: error (format): The field 'teach_back' is missing." in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("FAILED:") and "1 over the limit" in summary and "2 file(s) left out" in summary
    assert "Traceback" not in result.stderr


def test_the_cli_passes_on_good_content_and_says_so(tmp_path: Path) -> None:
    content = write_library(tmp_path)
    result = check(["--content-dir", str(content), "--no-domain"], tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("PASSED:")


def test_the_cli_warns_about_local_and_unencrypted_widget_sites_with_file_line_and_fix(tmp_path: Path) -> None:
    clinic = GOOD_CLINIC.replace('allowed_origins: ["https://www.test-clinic.example"]',
                                 'allowed_origins: ["http://localhost:8000", "http://clinic.example"]')
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "rect":
            self.bars.append(dict(attrs))

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
