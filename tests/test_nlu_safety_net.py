from bot.nlu.safety_net import apply_verdict


def parse(*ranking):
    items = [{"name": n, "confidence": c} for n, c in ranking]
    return {"intent": items[0], "intent_ranking": items}


def test_an_alarm_wins_over_any_intent_and_says_which_kind() -> None:
    out = apply_verdict(parse(("greet", 0.9), ("emergency", 0.05)), "hi, i cant breathe", 0.45)
    assert out["intent"] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in out["intent_ranking"]] == ["emergency", "greet"]
    assert out["safety"] == {"kind": "emergency", "sign": "breathing", "classifier": "greet"}
    unsure = parse(("nlu_fallback", 0.45), ("goodbye", 0.3))
    assert apply_verdict(unsure, "i want to die", 0.45)["safety"]["kind"] == "crisis"


def test_a_mention_drops_the_classifiers_emergency_guess() -> None:
    out = apply_verdict(parse(("emergency", 0.8), ("define_term", 0.15)), "what is a heart attack", 0.45)
    assert out["intent"]["name"] == "nlu_fallback"  # the next guess is too unsure
    assert [r["name"] for r in out["intent_ranking"]] == ["nlu_fallback", "define_term"]
    out = apply_verdict(parse(("emergency", 0.4), ("learn_topic", 0.55)), "tell me about chest pain", 0.45)
    assert out["intent"]["name"] == "learn_topic"


def test_an_emergency_only_the_classifier_sees_becomes_a_question() -> None:
    out = apply_verdict(parse(("emergency", 0.9), ("greet", 0.1)), "i'm blue today", 0.45)
    assert out["intent"]["name"] == "nlu_fallback"
    assert [r["name"] for r in out["intent_ranking"]] == ["nlu_fallback", "emergency", "greet"]  # best guess kept
    assert out["safety"] == {"unsure": True, "classifier": "emergency"}


def test_otherwise_the_classifier_stands() -> None:
    assert apply_verdict(parse(("greet", 0.9)), "hello", 0.45) == {}
