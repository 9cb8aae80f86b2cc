"""The training data covers the NLU contract, and the held-out set stays out of it."""

from pathlib import Path

import yaml

from bot.nlu_eval.testset import Example, load_test_set, normalise

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "help",
    "learn_topic",
    "define_term",
    "prepare_appointment",
    "question_prompts",
    "add_question",
    "show_questions",
    "request_human",
    "medical_advice",
    "give_feedback",
    "forget_me",
    "emergency",
    "out_of_scope",
}
# Beyond the contract: lesson controls and button picks (the issue allows more intents, e.g. next / stop).
EXTRA = {
    # Privacy questions: held out in their own files (tests/data/nlu_privacy_holdout*.yml).
    "ask_privacy",
    "lesson_next",
    "lesson_simpler",
    "lesson_stop",
    "continue_lesson",
    "choose",
    # Getting ready for a visit: editing the question list, the checklist, reminders.
    "remove_question",
    "clear_questions",
    "move_question",
    "print_questions",
    "set_reminder",
    "cancel_reminder",
    "show_checklist",
}
APPOINTMENT_TYPES = {
    "general_checkup",
    "specialist",
    "blood_test",
    "surgery",
    "telehealth",
    "first_visit",
    "test_results",
    "new_medicine",
}


def examples(files: list[Path]) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {}
    for file in files:
        for example in load_test_set(file):
            out.setdefault(example.intent, []).append(example)
    return out


def plain(example: Example) -> str:
    return normalise(example.text)


TRAIN = examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
HOLDOUT = examples([ROOT / "tests" / "data" / "nlu_holdout.yml"])
TYPOS = examples([ROOT / "tests" / "data" / "nlu_holdout_typos.yml"])


def test_every_contract_intent_has_enough_training_examples() -> None:
    assert set(TRAIN) == CONTRACT | EXTRA
    thin = {intent: len(xs) for intent, xs in TRAIN.items() if len(xs) < 25}
    assert not thin


def test_holdout_covers_every_intent_and_is_never_trained_on() -> None:
    assert CONTRACT <= set(HOLDOUT) <= CONTRACT | EXTRA
    thin = {intent: len(xs) for intent, xs in HOLDOUT.items() if len(xs) < 15}
    assert not thin
    trained = {plain(x) for xs in TRAIN.values() for x in xs}
    leaked = [x for xs in list(HOLDOUT.values()) + list(TYPOS.values()) for x in xs if plain(x) in trained]
    assert not leaked


def test_holdout_has_no_repeats() -> None:
    seen = [plain(x) for xs in HOLDOUT.values() for x in xs]
    assert len(seen) == len(set(seen))


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
    everything = [x for group in (TRAIN, HOLDOUT) for xs in group.values() for x in xs]
    values = {e.value for x in everything for e in x.entities if e.entity == "appointment_type"}
    assert values and values <= APPOINTMENT_TYPES, values - APPOINTMENT_TYPES
    synonyms = yaml.safe_load((ROOT / "data" / "nlu" / "synonyms.yml").read_text())["nlu"]
    assert {block["synonym"] for block in synonyms if "synonym" in block} == APPOINTMENT_TYPES


def test_only_contract_entities_are_marked() -> None:
    everything = [x for group in (TRAIN, HOLDOUT) for xs in group.values() for x in xs]
    assert {e.entity for x in everything for e in x.entities} == {"topic", "term", "appointment_type"}
