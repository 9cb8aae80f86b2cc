"""Each plain-language rule finds what it should and leaves plain text alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.readability import rules
from bot.readability.jargon import load_jargon
from bot.readability.scoring import Scorer
from bot.readability.texts import PatientText

JARGON = load_jargon()


def text(body: str, kind: str = "section", defines: str = "") -> PatientText:
    return PatientText("content/modules/x.md", 10, "section", kind, body, "content/modules/x.md", defines=defines)


def jargon_in(*bodies: str) -> list[str]:
    items = [text(b) for b in bodies]
    explained = rules.explained_in_scope(items, JARGON)
    return [f.excerpt for item in items for f in rules.jargon_findings(item, JARGON, explained)]


def test_an_unexplained_medical_word_is_flagged_with_its_plain_alternative() -> None:
    item = text("Your physician will check you.")
    [finding] = rules.jargon_findings(item, JARGON, set())
    assert finding.severity == "error" and finding.excerpt == "physician"
    assert '"doctor"' in finding.fix


@pytest.mark.parametrize(
    "explained",
    [
        "Insulin (a hormone that helps sugar get into your cells) comes as a shot.",
        "Insulin is a hormone that helps sugar get into your cells.",
        "You may need insulin, which helps sugar get into your cells.",
        "Your doctor may give you a medicine called insulin.",
        "Hypertension, or high blood pressure, often has no signs.",
    ],
)
def test_a_word_explained_in_one_of_the_usual_ways_is_not_flagged(explained: str) -> None:
    assert jargon_in(explained) == []


def test_a_word_explained_once_in_a_file_is_fine_everywhere_in_that_file() -> None:
    assert jargon_in("Insulin is a hormone that helps your body use sugar.", "Keep your insulin cool.") == []
    assert jargon_in("Keep your insulin cool.") == ["insulin"]


def test_word_forms_are_matched_but_not_parts_of_other_words() -> None:
    assert jargon_in("The nurse administered the shot.") == ["administered"]
    assert jargon_in("Oranges and oral health.") == ["oral"]
    assert jargon_in("Moral support helps.") == []


def test_a_glossary_definition_may_use_the_word_it_defines() -> None:
    item = text("A word doctors use for a high blood sugar.", kind="definition", defines="hyperglycemia")
    assert rules.jargon_findings(item, JARGON, set()) == []


@pytest.fixture(scope="module")
def known(scorer: Scorer) -> Callable[[str], bool]:
    return scorer.is_familiar


def test_an_unexplained_acronym_is_flagged(known: Callable[[str], bool]) -> None:
    [finding] = rules.acronym_findings(text("Ask about your A1C today."), set(), known)
    assert finding.excerpt == "A1C" and "Spell it out" in finding.fix


def test_an_acronym_after_its_long_form_is_explained(known: Callable[[str], bool]) -> None:
    item = text("Chronic obstructive pulmonary disease (COPD) makes it hard to breathe. COPD can get worse.")
    explained = rules.explained_in_scope([item], JARGON)
    assert "COPD" in explained
    assert rules.acronym_findings(item, explained, known) == []


def test_shouted_words_and_common_short_forms_are_not_acronyms(known: Callable[[str], bool]) -> None:
    assert rules.acronyms("Think BE FAST. Bring your ID. It is OK to ask.", known) == []
    assert rules.acronyms("Your ECG and MRI are done.", known) == ["ECG", "MRI"]


def test_a_long_sentence_is_flagged_and_a_list_is_not_one_sentence() -> None:
    long = "You can " + " ".join(["walk"] * 25) + "."
    [finding] = rules.sentence_findings(text(long), 20)
    assert "27 words" in finding.message
    items = "\n".join(f"- item number {i} for you" for i in range(10))
    assert rules.sentence_findings(text(items), 20) == []


@pytest.mark.parametrize(
    ("body", "passive"),
    [
        ("Your blood pressure is checked by a nurse.", True),
        ("The sample was taken from your arm.", True),
        ("You were given a new medicine.", True),
        ("You may feel tired after the test.", False),
        ("Ask if you are worried.", False),
        ("Your nurse checks your blood pressure.", False),
    ],
)
def test_easy_to_spot_passive_voice(body: str, passive: bool) -> None:
    assert bool(rules.passive_findings(text(body))) is passive


def test_prose_should_speak_to_the_reader() -> None:
    impersonal = "Patients with asthma should carry an inhaler. Doctors can show patients how to use it well."
    [finding] = rules.reader_findings(text(impersonal))
    assert finding.severity == "warning"
    assert (
        rules.reader_findings(text("You can carry your inhaler. Your doctor can show you how to use it well today."))
        == []
    )
    assert rules.reader_findings(text(impersonal, kind="definition")) == []


@pytest.mark.parametrize("body", ["Take 2 tablets a day.", "Use 500 mg at night.", "Take one every 4 to 6 hours."])
def test_doses_are_never_allowed(body: str) -> None:
    [finding] = rules.dose_findings(text(body))
    assert finding.severity == "error"


def test_numbers_that_are_not_doses_are_fine() -> None:
    assert rules.dose_findings(text("Walk for 30 minutes on 5 days a week. Normal is under 120/80.")) == []
