"""The starter library that ships: enough of it, complete, sourced, and safe to say to patients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.loader import load_library
from bot.content.models import APPOINTMENT_TYPES, Library
from bot.runtime import Runtime
from bot.settings import PROJECT_ROOT, Settings

CONTENT = PROJECT_ROOT / "content"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(CONTENT)


def test_the_library_has_what_the_starter_set_promises(library: Library) -> None:
    assert len(library.modules) >= 15
    assert len(library.checklists) >= 8
    assert len(library.prompt_sets) >= 6
    assert library.glossary is not None and len(library.glossary.terms) >= 120
    assert library.clinic is not None
    assert library.skipped_files() == []


def test_every_appointment_type_has_a_checklist(library: Library) -> None:
    assert {c.appointment_type for c in library.checklists.values()} == set(APPOINTMENT_TYPES)


def test_general_and_decision_question_sets_are_there(library: Library) -> None:
    ask_me_3 = library.prompt_sets["ask-me-3"]
    assert ask_me_3.kind == "general" and len(ask_me_3.prompts) == 3
    assert "main problem" in ask_me_3.prompts[0].lower()
    decisions = [p for p in library.prompt_sets.values() if p.kind == "decision"]
    words = " ".join(p for d in decisions for p in d.prompts).lower()
    for idea in ("good", "risk", "other choices", "nothing"):
        assert idea in words, idea
    assert {p.kind for p in library.prompt_sets.values()} == {"general", "decision", "topic", "appointment"}


def test_every_module_teaches_back_and_names_its_sources(library: Library) -> None:
    for module in library.modules.values():
        assert 2 <= len(module.teach_back) <= 3, module.id
        assert module.sources, module.id
        assert all(q.answer in q.choices for q in module.teach_back), module.id


@pytest.mark.parametrize("path", sorted(CONTENT.rglob("*.md")) + sorted(CONTENT.glob("*.yml")), ids=lambda p: p.name)
def test_every_file_names_the_organisations_it_is_based_on(path: Path) -> None:
    if path.name == "README.md":
        pytest.skip("the guide for educators")
    assert re.search(r"^# Based on: \S", path.read_text(encoding="utf-8"), re.M), path


def test_module_aliases_do_not_point_to_two_modules(library: Library) -> None:
    owner: dict[str, str] = {}
    for module in library.modules.values():
        for alias in (module.title.lower(), *module.aliases):
            assert owner.setdefault(alias.lower(), module.id) == module.id, (
                f"'{alias}' is in {owner[alias.lower()]} and {module.id}"
            )


def test_lessons_use_the_clinics_numbers_not_their_own(library: Library) -> None:
    """Emergency and crisis numbers differ by country: lessons use {emergency_number} and {crisis_line}."""
    for module in library.modules.values():
        text = " ".join(s.text for s in module.sections) + module.summary + " ".join(module.key_points)
        assert not re.search(r"\b(911|999|112|988)\b", text), module.id


def test_the_emergency_modules_tell_people_to_call_now(library: Library) -> None:
    for module_id in ("stroke-warning-signs", "heart-attack-warning-signs"):
        module = library.modules[module_id]
        assert "{emergency_number}" in " ".join(s.text for s in module.sections), module_id


def test_the_runtime_loads_the_library_once(tmp_path: Path) -> None:
    from content_builders import write_library

    content = write_library(tmp_path)
    runtime = Runtime(Settings(content_dir=content, state_dir=tmp_path / "state"))
    assert list(runtime.library.modules) == ["sore-throat"]
    (content / "modules" / "sore-throat.md").unlink()
    assert list(runtime.library.modules) == ["sore-throat"]  # loaded once, not per message
