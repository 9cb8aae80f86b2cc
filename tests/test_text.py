from bot.text import coverage, edit_distance, similar, stem, words


def test_plurals_and_possessives_fold_the_same_way() -> None:
    assert stem("inhalers") == "inhaler" and stem("allergies") == "allergy" and stem("doctor's") == "doctor"
    assert stem("diabetes") == stem("diabetes")
    assert stem("glass") == "glass" and stem("virus") == "virus"


def test_question_words_are_dropped() -> None:
    assert words("Tell me about my blood pressure, please!") == ["blood", "pressure"]


def test_one_slip_is_forgiven_but_short_words_must_match() -> None:
    assert edit_distance("diabetis", "diabetes") == 1
    assert edit_distance("cpod", "copd") == 1  # a swap of neighbours is one slip
    assert similar("astma", "asthma") and similar("colesterol", "cholesterol")
    assert not similar("bp", "by") and not similar("flu", "flue")
    assert not similar("prediabete", "diabete")


def test_coverage_ignores_word_order() -> None:
    assert coverage(["blood", "pressure"], ["pressure", "blood", "high"]) == 1.0
    assert coverage(["heart", "failure"], ["heart"]) == 0.5
    assert coverage([], ["x"]) == 0.0


def test_edit_distance_stops_as_soon_as_the_limit_is_passed() -> None:
    from bot.text import edit_distance

    assert edit_distance("abcdefghij", "zyxwvutsrq", limit=1) == 2
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("kitten", "sitting", limit=2) == 3  # limit + 1, never more


def test_one_slip_rule_everywhere() -> None:
    from bot.nlu.spelling import correct
    from bot.text import allowed_slips, closest

    assert [allowed_slips(w) for w in ("flu", "copd", "asthma1", "diabetes")] == [0, 1, 1, 2]
    assert closest("diabtes", ["diabetes", "diabolic"]) == "diabetes"
    assert closest("astmaa", ["asthma"]) is None  # two slips in a 6-letter word is too many
    assert correct("astmaa", {"asthma": 3}) == "astmaa"  # the spelling step follows the same rule
    assert closest("xiabetes", ["diabetes"]) is None  # the first letter is trusted
