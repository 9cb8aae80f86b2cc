import pytest

from bot.learning.terms import asked_word, find_term, terms_in


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("what does chronic mean?", "chronic"),
        ("what is a catheter", "catheter"),
        ("define hypertension", "hypertension"),
        ("benign meaning", "benign"),
        ("what does the word prognosis mean", "prognosis"),
        ("insulin", "insulin"),
    ],
)
def test_the_asked_word_is_pulled_out_of_the_question(message: str, word: str) -> None:
    assert asked_word(message) == word


def test_terms_are_found_by_name_alias_plural_and_one_slip(library) -> None:
    assert find_term(library.glossary, "what does chronic mean")[0].term == "chronic"
    assert find_term(library.glossary, "whats an ecg")[0] is not None
    assert find_term(library.glossary, "what does diabetis mean")[0].term.lower() == "diabetes"
    assert find_term(library.glossary, "x", entity="Benign")[0].term == "benign"


def test_an_unknown_word_comes_back_as_asked(library) -> None:
    term, asked = find_term(library.glossary, "what does flurbo mean")
    assert term is None and asked == "flurbo"


def test_words_in_a_part_are_listed_as_written(library) -> None:
    text = "An inhaler is a small tool. Some people have wheezing and mucus."
    assert terms_in(library.glossary, text) == ["inhaler", "wheezing", "mucus"]
    assert terms_in(None, text) == []
