from bot.nlu.spelling import correct

VOCABULARY = {"diabetes": 40, "menu": 12, "robot": 9, "thank": 30, "think": 5, "questions": 20, "next": 25}


def test_a_word_one_slip_away_is_read_as_the_training_word() -> None:
    assert correct("diabtes", VOCABULARY) == "diabetes"
    assert correct("meenu", VOCABULARY) == "menu"
    assert correct("rboot", VOCABULARY) == "robot"  # a swap of neighbours is one slip
    assert correct("qustions", VOCABULARY) == "questions"


def test_the_more_common_word_wins_a_tie() -> None:
    assert correct("thxnk", VOCABULARY) == "thank"


def test_known_short_odd_and_far_words_are_left_alone() -> None:
    assert correct("next", VOCABULARY) == "next"
    assert correct("nxt", VOCABULARY) == "nxt"  # under four letters: too risky to guess
    assert correct("copd2", VOCABULARY) == "copd2"
    assert correct("banana", VOCABULARY) == "banana"
    assert correct("xiabetes", VOCABULARY) == "xiabetes"  # the first letter is trusted
