from pathlib import Path

import pytest
from content_builders import good_module, write_library

from bot.content.loader import load_library
from bot.learning.finder import find_module


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("my doctor says i have sugar", "type-2-diabetes"),
        ("what is COPD", "copd"),
        ("tell me about blood pressure", "high-blood-pressure"),
        ("pressure blood high", "high-blood-pressure"),  # word order
        ("diabetis", "type-2-diabetes"),  # typo
        ("asthma attacks", "asthma"),  # plural
        ("high cholestrol", "high-cholesterol"),
        ("borderline diabetes", "prediabetes"),
        ("getting ready for an operation", "getting-ready-for-surgery"),
    ],
)
def test_finds_one_module_from_the_patients_words(library, message: str, expected: str) -> None:
    found = find_module(library, message)
    assert found.single is not None and found.single.id == expected


def test_entity_is_tried_before_the_whole_message(library) -> None:
    found = find_module(library, "i want to know about the thing with my lungs", topic="asthma")
    assert found.single is not None and found.single.id == "asthma"


def test_two_that_fit_are_both_offered(library) -> None:
    found = find_module(library, "tell me about my heart")
    assert {m.id for m in found.modules} == {"heart-failure", "heart-attack-warning-signs"}
    assert found.single is None


def test_none_fits_and_the_asked_words_are_kept(library) -> None:
    found = find_module(library, "I want to learn about gout")
    assert found.modules == () and found.asked_for == "gout"
    general = find_module(library, "I want to learn something")
    assert general.modules == () and general.asked_for == ""


@pytest.mark.parametrize("message", ["signs of a hypo", "what do they mean by vital signs"])
def test_a_word_many_lessons_share_does_not_start_one_alone(library, message: str) -> None:
    """ "signs" half-matches "stroke warning signs" and nothing else: that is not a request for that lesson."""
    assert find_module(library, message).modules == ()


def test_a_shared_word_with_two_lessons_still_offers_both(library) -> None:
    assert {m.id for m in find_module(library, "warning signs").modules} == {
        "stroke-warning-signs",
        "heart-attack-warning-signs",
    }


def test_a_button_names_the_module_exactly(library) -> None:
    found = find_module(library, "/learn_topic", module_id="copd")
    assert found.single is not None and found.single.id == "copd"


def test_a_module_an_educator_adds_is_found_without_retraining(tmp_path: Path) -> None:
    content = write_library(tmp_path, {"sore-throat": good_module("sore-throat")})
    library = load_library(content)
    for message in ("my throat pain is bad, teach me", "sore throats", "tell me about a sore throt"):
        found = find_module(library, message)
        assert found.single is not None and found.single.id == "sore-throat", message
