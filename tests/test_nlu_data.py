"""The training data covers the NLU contract, and the held-out set stays out of it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "help", "learn_topic", "define_term",
    "prepare_appointment", "question_prompts", "add_question", "show_questions", "request_human",
    "medical_advice", "give_feedback", "forget_me", "emergency", "out_of_scope",
}
APPOINTMENT_TYPES = {"general_checkup", "specialist", "blood_test", "surgery", "telehealth", "first_visit",
                     "test_results", "new_medicine"}


def examples(files: list[Path]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for file in files:
        for block in yaml.safe_load(file.read_text())["nlu"]:
            if "intent" in block:
                lines = [ln[2:].strip() for ln in block["examples"].splitlines() if ln.strip().startswith("- ")]
                out.setdefault(block["intent"], []).extend(lines)
    return out


def plain(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text)
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


TRAIN = examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
HOLDOUT = examples([ROOT / "tests" / "data" / "nlu_holdout.yml"])


def test_every_contract_intent_has_enough_training_examples() -> None:
    assert set(TRAIN) == CONTRACT
    thin = {intent: len(xs) for intent, xs in TRAIN.items() if len(xs) < 25}
    assert not thin


def test_holdout_covers_every_intent_and_is_never_trained_on() -> None:
    assert set(HOLDOUT) == CONTRACT
    trained = {plain(x) for xs in TRAIN.values() for x in xs}
    leaked = [x for xs in HOLDOUT.values() for x in xs if plain(x) in trained]
    assert not leaked


def test_no_example_is_given_to_two_intents() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for intent, xs in TRAIN.items():
        for x in xs:
            key = plain(x)
            if key in seen and seen[key] != intent:
                clashes.append((x, seen[key], intent))
            seen[key] = intent
    assert not clashes


def test_appointment_types_resolve_to_the_canonical_values() -> None:
    values = set()
    for x in TRAIN["prepare_appointment"] + HOLDOUT["prepare_appointment"]:
        for _text, value in re.findall(r"\[([^\]]+)\]\{[^}]*\"value\": \"([^\"]+)\"\}", x):
            values.add(value)
        for text in re.findall(r"\[([^\]]+)\]\(appointment_type\)", x):
            values.add(text.replace(" ", "_").replace("-", "_"))
    assert values and values <= APPOINTMENT_TYPES, values - APPOINTMENT_TYPES
