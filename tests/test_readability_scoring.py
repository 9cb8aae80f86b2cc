"""Reading grades: fair to chat text (numbers, lists, short lines) and able to tell hard from plain."""

from __future__ import annotations

from bot.readability.scoring import SMOG_MIN_SENTENCES, Scorer, prepare

PLAIN = (
    "Asthma makes it hard to breathe. Your airways get tight and swollen. "
    "An inhaler can help you breathe. Ask your nurse to show you how to use it."
)
HARD = (
    "Asthma is a chronic inflammatory disorder of the airways characterized by variable and recurring symptoms, "
    "reversible airflow obstruction, and bronchospasm, necessitating individualized pharmacological management."
)


def test_plain_text_scores_low_and_hard_text_scores_high(scorer: Scorer) -> None:
    plain, hard = scorer.score(PLAIN), scorer.score(HARD)
    assert plain.grade <= 5 < 12 <= hard.grade
    assert set(plain.formulas) == {"flesch_kincaid", "coleman_liau"}


def test_numbers_and_units_become_one_short_word() -> None:
    prepared = prepare("Normal is under 120/80 mmHg. An A1C of 5.7% or more is high. Call +1 555 0100.")
    assert prepared == "Normal is under ten. An ten of ten or more is high. Call ten."


def test_a_decimal_point_does_not_split_a_sentence(scorer: Scorer) -> None:
    with_decimal = scorer.score("Your result was 5.7 and that is a little high for you.")
    assert with_decimal.sentences == 1


def test_numbers_do_not_change_the_grade(scorer: Scorer) -> None:
    words = scorer.score("Check your blood pressure at home each week. Write it down for your nurse.")
    numbers = scorer.score("Check your blood pressure at home 3 times each week. Write 135/85 down for your nurse.")
    assert abs(words.grade - numbers.grade) < 1.0


def test_list_items_are_read_as_sentences() -> None:
    assert prepare("Bring:\n- your medicines\n- a list of questions") == "Bring. your medicines. a list of questions."


def test_links_placeholders_and_markdown_are_not_words() -> None:
    assert prepare("**Call** {emergency_number} or see [our page](https://x.example/a).") == "Call ten or see our page."


def test_smog_applies_only_to_long_texts(scorer: Scorer) -> None:
    long_text = " ".join(["You can take a walk each day."] * SMOG_MIN_SENTENCES)
    assert "smog" in scorer.score(long_text).formulas
    assert "smog" not in scorer.score(PLAIN).formulas


def test_short_texts_are_marked_short(scorer: Scorer) -> None:
    assert scorer.score("What is my main problem?").short
    assert not scorer.score(PLAIN).short


def test_hard_words_are_the_long_unfamiliar_ones(scorer: Scorer) -> None:
    hard = scorer.hard_words(HARD)
    assert "inflammatory" in hard and "asthma" not in hard and "the" not in hard
