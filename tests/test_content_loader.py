"""The loader reads educators' files, and turns every mistake into a problem with file, line and fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from content_builders import GOOD_CLINIC, GOOD_GLOSSARY, good_module, write_library

from bot.content.loader import load_library
from bot.content.models import Library


def load(tmp_path: Path, modules: dict[str, str] | None = None, **kwargs: str) -> Library:
    return load_library(write_library(tmp_path, modules, **kwargs), today=dt.date(2026, 11, 22))


def only_problem(library: Library, file_part: str) -> list:
    return [p for p in library.problems if file_part in p.file]


def test_a_good_module_loads_with_its_parts_and_lines(tmp_path: Path) -> None:
    library = load(tmp_path)
    module = library.modules["sore-throat"]
    assert module.title == "Sore throat"
    assert module.aliases == ("throat pain",)
    assert [s.title for s in module.sections] == [
        "What is a sore throat?",
        "What you can do",
        "When to call",
        "Questions to ask",
    ]
    assert module.teach_back[0].answer == "Warm drinks"
    assert module.review_date == dt.date(2030, 1, 1)
    assert module.lines["title"] == 4
    assert module.sections[0].line == 34
    assert not [p for p in library.problems if p.severity == "error"]


def test_an_unclosed_header_is_reported_and_the_file_left_out(tmp_path: Path) -> None:
    broken = good_module("broken").replace("---\n\n## What is", "\n## What is")
    library = load(tmp_path, {"broken": broken, "sore-throat": good_module()})
    assert "broken" not in library.modules and "sore-throat" in library.modules
    [problem] = only_problem(library, "broken.md")
    assert problem.skipped and problem.line == 1
    assert "never closed" in problem.message and "---" in problem.fix


def test_a_yaml_mistake_names_its_line_and_how_to_fix_it(tmp_path: Path) -> None:
    broken = good_module("colon").replace("title: Sore throat\n", "title: Sore throat: the basics\n")
    library = load(tmp_path, {"colon": broken})
    [problem] = only_problem(library, "colon.md")
    assert problem.line == 4
    assert "quotes" in problem.fix
    assert library.skipped_files() == ["content/modules/colon.md"]


def test_a_file_without_a_header_is_reported(tmp_path: Path) -> None:
    library = load(tmp_path, {"plain": "## Just text\nNo header here.\n"})
    [problem] = only_problem(library, "plain.md")
    assert "does not start with a header" in problem.message and problem.skipped


@pytest.mark.parametrize("field", ["title", "summary", "teach_back", "sources", "review_date"])
def test_a_missing_required_field_names_the_field(tmp_path: Path, field: str) -> None:
    text = good_module()
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith((" ", "- ")))
    library = load(tmp_path, {"sore-throat": "".join(lines[:start] + lines[end:])})
    messages = [p.message for p in library.problems if p.skipped]
    assert f"The field '{field}' is missing." in messages
    assert "sore-throat" not in library.modules


def test_a_teach_back_answer_must_be_one_of_the_choices(tmp_path: Path) -> None:
    text = good_module().replace("answer: Warm drinks", "answer: warm drink")
    library = load(tmp_path, {"sore-throat": text})
    [problem] = [p for p in library.problems if p.field == "teach_back[0].answer"]
    assert "not one of the choices" in problem.message
    assert problem.line == 22
    assert problem.skipped


def test_an_id_must_match_the_file_name(tmp_path: Path) -> None:
    library = load(tmp_path, {"throat": good_module("sore-throat")})
    [problem] = only_problem(library, "throat.md")
    assert "does not match the file name" in problem.message and "'throat'" in problem.fix


def test_an_unknown_field_suggests_the_right_name(tmp_path: Path) -> None:
    text = good_module().replace("audience:", "audiense:")
    library = load(tmp_path, {"sore-throat": text})
    fixes = " ".join(p.fix for p in library.problems)
    assert "Did you mean 'audience'?" in fixes


def test_limits_are_reported_but_the_module_still_loads(tmp_path: Path) -> None:
    long_section = "## Too long\n" + "You can rest and drink water. " * 20 + "\n"
    text = good_module() + "\n" + long_section
    library = load(tmp_path, {"sore-throat": text})
    assert "sore-throat" in library.modules
    [problem] = [p for p in library.problems if "too long for one chat bubble" in p.message]
    assert problem.severity == "error" and not problem.skipped and "Split it" in problem.fix


def test_html_and_tables_in_a_section_are_reported(tmp_path: Path) -> None:
    text = good_module().replace("Rest as much as you can.", "Rest <b>now</b>.\n| a | b |")
    library = load(tmp_path, {"sore-throat": text})
    messages = [p.message for p in library.problems]
    assert any("HTML" in m for m in messages) and any("a table" in m for m in messages)


def test_a_passed_review_date_is_a_warning(tmp_path: Path) -> None:
    library = load(tmp_path, {"sore-throat": good_module().replace("2030-01-01", "2025-01-01")})
    [problem] = [p for p in library.problems if "review date" in p.message]
    assert problem.severity == "warning" and "sore-throat" in library.modules


def test_the_same_glossary_word_twice_is_reported(tmp_path: Path) -> None:
    glossary = GOOD_GLOSSARY + "  - term: temperature\n    definition: How hot your body is.\n    aliases: [fevers]\n"
    library = load(tmp_path, glossary=glossary)
    assert library.glossary is not None
    [problem] = only_problem(library, "glossary.yml")
    assert "already in the glossary" in problem.message and problem.line == 7
    assert [t.term for t in library.glossary.terms] == ["fever"]


def test_glossary_lookup_forgives_case_plurals_and_aliases(tmp_path: Path) -> None:
    glossary = load(tmp_path).glossary
    assert glossary is not None
    for word in ("fever", "Fever", "FEVERS", "high temperature", "high  temperatures"):
        found = glossary.lookup(word)
        assert found is not None and found.term == "fever", word
    assert glossary.lookup("cough") is None


def test_the_clinic_profile_fills_placeholders_and_knows_its_hours(tmp_path: Path) -> None:
    clinic = load(tmp_path).clinic
    assert clinic is not None
    assert clinic.fill(clinic.messages["emergency"]) == "Call 911 now. Do not wait."
    assert clinic.hours_text() == "Monday to Tuesday 8 am to 6 pm; Saturday 9 am to noon"  # as people say them
    monday_noon = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # 12:00 in New York
    sunday_noon = dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC)
    assert clinic.is_open(monday_noon) and not clinic.is_open(sunday_noon)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{crisis_line} now", "{hotline} now"), "'{hotline}' is not a placeholder"),
        (('monday: "08:00-18:00"', 'monday: "8am to 6pm"'), "is not a time range"),
        (("timezone: America/New_York", "timezone: Riverside"), "is not a time zone name"),
        (("  contact: Call {clinic_phone} when we are open.\n", ""), "The message 'contact' is missing."),
    ],
)
def test_clinic_profile_mistakes_are_reported(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    library = load(tmp_path, clinic=GOOD_CLINIC.replace(*change))
    assert library.clinic is None
    assert any(message in p.message for p in library.problems), [p.message for p in library.problems]


@pytest.mark.parametrize(
    ("origin", "message"),
    [
        ("http://localhost:8000", "a computer's own address"),
        ("http://127.0.0.1:8000", "a computer's own address"),
        ("https://localhost", "a computer's own address"),
        ("http://[::1]:8000", "a computer's own address"),
        ("http://www.test-clinic.example", "not encrypted"),
    ],
)
def test_origins_a_real_clinic_should_not_allow_are_warned_about(tmp_path: Path, origin: str, message: str) -> None:
    clinic = GOOD_CLINIC.replace(
        'allowed_origins: ["https://www.test-clinic.example"]',
        f'allowed_origins:\n  - https://www.test-clinic.example\n  - "{origin}"',
    )
    library = load(tmp_path, clinic=clinic)
    assert library.clinic is not None and origin in library.clinic.allowed_origins  # a warning: it still loads
    [problem] = [p for p in only_problem(library, "clinic.yml") if origin in p.message]
    assert problem.severity == "warning" and message in problem.message
    assert problem.file == "content/clinic.yml" and problem.line == 13 and problem.field == "allowed_origins[1]"
    assert "https://" in problem.fix and "remove" in problem.fix.lower()


def test_the_clinics_own_https_sites_are_not_warned_about(tmp_path: Path) -> None:
    library = load(tmp_path)
    assert library.clinic is not None and library.clinic.allowed_origins == ("https://www.test-clinic.example",)
    assert only_problem(library, "clinic.yml") == []


def test_the_shipped_clinic_profile_allows_no_local_or_unencrypted_site() -> None:
    from bot.settings import PROJECT_ROOT

    library = load_library(PROJECT_ROOT / "content")
    assert library.clinic is not None
    assert [p.message for p in only_problem(library, "clinic.yml") if "allowed_origins" in p.field] == []
    assert not any("localhost" in o or "127.0.0.1" in o for o in library.clinic.allowed_origins)


def test_a_missing_content_folder_does_not_crash(tmp_path: Path) -> None:
    library = load_library(tmp_path / "nowhere")
    assert library.modules == {} and library.problems[0].skipped


def test_a_broken_file_does_not_stop_the_rest_loading(tmp_path: Path) -> None:
    modules = {"sore-throat": good_module(), "bad": "---\nid: bad\n  title: [oops\n---\n"}
    library = load(tmp_path, modules)
    assert list(library.modules) == ["sore-throat"]
    assert library.skipped_files() == ["content/modules/bad.md"]


def with_simpler(subsection: str) -> str:
    """The good module with ``subsection`` (lines starting at line 40) at the end of its 'What you can do'."""
    end = "Suck on ice chips if they help.\n"
    return good_module().replace(end, f"{end}\n{subsection}")


def test_a_simpler_subsection_is_the_sections_plainer_version_not_its_text(tmp_path: Path) -> None:
    library = load(tmp_path, {"sore-throat": with_simpler("### Simpler\nRest.\nDrink warm drinks and water.\n")})
    section = library.modules["sore-throat"].sections[1]
    assert section.title == "What you can do" and section.line == 37
    assert section.text == "Rest as much as you can. Drink warm drinks and water. Suck on ice chips if they help."
    assert section.simpler == "Rest.\nDrink warm drinks and water." and section.simpler_line == 40
    assert [s.simpler for s in library.modules["sore-throat"].sections] == ["", section.simpler, "", ""]
    assert library.modules["sore-throat"].sections[2].line == 44  # four lines on: line numbers stay true
    assert only_problem(library, "sore-throat.md") == []


@pytest.mark.parametrize(
    ("subsection", "line", "message", "fix"),
    [
        ("### Simpler\n\n", 40, "The '### Simpler' of the section 'What you can do' is empty.", "2 to 4 very short"),
        (
            "### Simpler\nRest.\n### Simpler\nDrink water.\n",
            42,
            "a second '### Simpler' (the first is on line 40)",
            "Keep one '### Simpler' per section",
        ),
        (
            "### Tips\nRest.\n",
            40,
            "the heading '### Tips', which the assistant does not know",
            "The only headings allowed inside a section are '### Simpler'",
        ),
        ("#### Simpler\nRest.\n", 40, "the heading '#### Simpler'", "write the heading exactly as '### Simpler'"),
        (
            "### Simpler\n" + "Rest and drink water. " * 13 + "\n",
            40,
            "has 52 words: too long for 'say it simpler'",
            "2 to 4 very short sentences",
        ),
    ],
    ids=["empty", "second", "other-heading", "wrong-level", "too-long"],
)
def test_simpler_mistakes_name_the_line_and_what_to_do(
    tmp_path: Path, subsection: str, line: int, message: str, fix: str
) -> None:
    library = load(tmp_path, {"sore-throat": with_simpler(subsection)})
    [problem] = only_problem(library, "sore-throat.md")
    assert problem.file == "content/modules/sore-throat.md" and problem.line == line
    assert message in problem.message and fix in problem.fix
    assert problem.severity == "error" and not problem.skipped
    section = library.modules["sore-throat"].sections[1]
    assert "#" not in section.text and section.text.endswith("Suck on ice chips if they help.")  # never lesson text


def test_a_mistyped_simpler_heading_is_still_kept_out_of_the_lesson(tmp_path: Path) -> None:
    library = load(tmp_path, {"sore-throat": with_simpler("###Simpler:\nRest.\n")})
    section = library.modules["sore-throat"].sections[1]
    assert section.simpler == "Rest." and "Simpler" not in section.text
    assert only_problem(library, "sore-throat.md") == []


def test_a_plainer_version_longer_than_its_section_is_a_warning(tmp_path: Path) -> None:
    library = load(tmp_path, {"sore-throat": with_simpler("### Simpler\n" + "Rest and drink. " * 7 + "\n")})
    [problem] = only_problem(library, "sore-throat.md")
    assert problem.severity == "warning" and problem.line == 40 and "not shorter than the section" in problem.message


def test_questions_a_section_answers_are_kept_apart_from_its_text_and_plainer_version(tmp_path: Path) -> None:
    subsection = (
        "### Simpler\nRest.\nDrink warm drinks and water.\n"
        "### Questions\n- what helps a sore throat?\n- can i drink warm stuff?\n- what helps a sore throat?\n"
    )
    library = load(tmp_path, {"sore-throat": with_simpler(subsection)})
    section = library.modules["sore-throat"].sections[1]
    assert section.questions == ("what helps a sore throat?", "can i drink warm stuff?")  # the repeat left out
    assert section.simpler == "Rest.\nDrink warm drinks and water."
    assert section.text.endswith("Suck on ice chips if they help.") and "?" not in section.text
    assert only_problem(library, "sore-throat.md") == []


def test_a_question_line_that_is_not_a_list_item_is_reported_with_its_line(tmp_path: Path) -> None:
    library = load(tmp_path, {"sore-throat": with_simpler("### Questions\n- what helps?\nwhy does it hurt?\n")})
    [problem] = only_problem(library, "sore-throat.md")
    assert problem.line == 42 and "not a list item" in problem.message and "starting with '- '" in problem.fix
    assert library.modules["sore-throat"].sections[1].questions == ("what helps?",)
