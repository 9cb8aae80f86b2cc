"""Medical things a lesson never mentions (bot/answers/foreign.py): matched loosely, never inside another
phrase, and ruling a lesson out only when the question is about them."""

import pytest

from bot.answers.answerer import ANSWER, NOT_COVERED, Answerer
from bot.answers.foreign import ForeignTerms, same_word
from bot.content.models import Library


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("fast", "fasting", True),
        ("monitoring", "monitor", True),
        ("infection", "infect", True),
        ("diagnosis", "diagnosed", True),
        ("type", "typical", False),
        ("hypo", "hypotension", False),
        ("flu", "fluid", False),
        ("heart", "heat", False),
    ],
)
def test_word_forms_match_by_their_start(a: str, b: str, same: bool) -> None:
    assert same_word(a, b) is same


@pytest.fixture(scope="module")
def terms(library: Library) -> ForeignTerms:
    return ForeignTerms(library)


def test_a_question_names_an_entry_by_any_of_its_names(terms: ForeignTerms) -> None:
    assert "sepsis" in terms.named("what are the signs of blood poisoning")
    assert "hypotension" in terms.named("why does low blood pressure make you dizzy")
    # Stop words are part of a name: "living will" is not found in "living with".
    assert "advance directive" not in terms.named("what helps people living with heart failure")


def test_a_module_mentions_an_entry_under_any_name_and_word_form(terms: ForeignTerms) -> None:
    # The diabetes lesson says "low blood sugar", an alias of hypoglycemia.
    assert terms.unknown_to("type-2-diabetes", {"hypoglycemia"}) == set()
    assert terms.unknown_to("heart-attack-warning-signs", {"sepsis", "hypoglycemia"}) >= {"sepsis"}


@pytest.fixture(scope="module")
def answerers(library: Library) -> tuple[Answerer, Answerer]:
    return Answerer(library), Answerer(library, variant="sections")


@pytest.mark.parametrize(
    ("question", "nearest_module"),
    [
        ("what causes low blood pressure", "high-blood-pressure"),
        ("how is type 1 diabetes treated", "type-2-diabetes"),
        ("what does a panic attack feel like", "heart-attack-warning-signs"),
    ],
)
def test_a_question_about_a_thing_the_nearest_lesson_never_mentions_is_not_answered_by_it(
    answerers: tuple[Answerer, Answerer], question: str, nearest_module: str
) -> None:
    answerer, without_rule = answerers
    before = without_rule.decide(question)
    assert before.passage is not None and before.passage.module_id == nearest_module
    after = answerer.decide(question)
    assert after.kind == NOT_COVERED or (after.passage is not None and after.passage.kind == "glossary")


@pytest.mark.parametrize(
    ("question", "module"),
    [
        (
            "my dad is having his gallbladder out, what should you watch for when someone comes home after surgery",
            "getting-ready-for-surgery",
        ),
        ("does what you eat really make a difference to heart disease", "healthy-eating"),
    ],
)
def test_a_thing_named_in_passing_does_not_rule_the_lesson_out(
    answerers: tuple[Answerer, Answerer], question: str, module: str
) -> None:
    decision = answerers[0].decide(question)
    assert decision.kind == ANSWER and decision.passage is not None and decision.passage.module_id == module
