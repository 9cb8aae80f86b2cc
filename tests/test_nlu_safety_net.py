"""The safety step of the NLU pipeline: the detector's tier becomes the intent Rasa's rules answer."""

from bot.nlu.safety_net import apply_assessment
from bot.safety.detector import Assessment, Detector, Tier


def parse(*ranking):
    items = [{"name": n, "confidence": c} for n, c in ranking]
    return {"intent": items[0], "intent_ranking": items, "entities": []}


DETECTOR = Detector(None)


def entities(out: dict) -> dict:
    return {e["entity"]: e["value"] for e in out["entities"]}


def test_danger_wins_over_any_intent_and_fills_the_slots_that_pick_the_words() -> None:
    danger = Assessment(Tier.DANGER, "crisis", "self_harm", 0.97)
    out = apply_assessment(parse(("greet", 0.9), ("emergency", 0.05)), "hi, i want to die", danger, DETECTOR, 0.45)
    assert out["intent"] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in out["intent_ranking"]] == ["emergency", "greet"]
    assert entities(out) == {"message_language": "en", "danger_kind": "crisis"}
    assert out["safety"]["tier"] == "danger" and out["safety"]["sign"] == "self_harm"
    assert out["safety"]["classifier"] == "greet"


def test_possible_danger_asks_and_another_language_gets_its_own_reply() -> None:
    possible = Assessment(Tier.POSSIBLE, "emergency", "model", 0.7)
    out = apply_assessment(parse(("greet", 0.9)), "my baby is floppy", possible, DETECTOR, 0.45)
    assert out["intent"]["name"] == "emergency_check"
    other = Assessment(Tier.OTHER_LANGUAGE, language="es")
    out = apply_assessment(parse(("greet", 0.9)), "hola, tengo una cita", other, DETECTOR, 0.45)
    assert out["intent"]["name"] == "other_language" and entities(out) == {"message_language": "es"}


def test_the_classifiers_emergency_guess_alone_is_asked_about_only_when_the_model_agrees() -> None:
    leaning = Assessment(Tier.NONE, probability=0.55)
    out = apply_assessment(parse(("emergency", 0.9), ("greet", 0.1)), "something odd", leaning, DETECTOR, 0.45)
    assert out["intent"]["name"] == "emergency_check" and out["safety"]["sign"] == "classifier"
    calm = Assessment(Tier.NONE, probability=0.1)
    out = apply_assessment(parse(("emergency", 0.9), ("greet", 0.1)), "i'm blue today", calm, DETECTOR, 0.45)
    assert out["intent"]["name"] == "nlu_fallback"  # the next guess (greet 0.1) is too unsure
    assert "emergency" not in [r["name"] for r in out["intent_ranking"]]


def test_a_mention_drops_the_classifiers_emergency_guess() -> None:
    mention = Assessment(Tier.NONE, probability=0.6, mention="stroke:question")
    out = apply_assessment(
        parse(("emergency", 0.4), ("learn_topic", 0.55)), "tell me about stroke", mention, DETECTOR, 0.45
    )
    assert out["intent"]["name"] == "learn_topic"


def test_not_understood_with_a_danger_word_is_asked_about_never_only_rephrase() -> None:
    worrying = Assessment(Tier.NONE, probability=0.52)
    out = apply_assessment(
        parse(("nlu_fallback", 0.45), ("greet", 0.2)), "grandad gone grey and floppy", worrying, DETECTOR, 0.45
    )
    assert out["intent"]["name"] == "emergency_check" and out["safety"]["sign"] == "danger word"


def test_otherwise_the_classifier_stands() -> None:
    assert apply_assessment(parse(("greet", 0.9)), "hello", Assessment(Tier.NONE), DETECTOR, 0.45) == {}
