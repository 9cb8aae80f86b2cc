from pathlib import Path

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.unknown_words import (
    UNKNOWN_KEY,
    UnknownWordsFallback,
    glossary_words,
    mark_not_understood,
    nothing_known,
    words_of,
)

KNOWN = {"what", "does", "mean", "help", "diabetes", "edema"}


def message(text: str, *, intent: str = "help", confidence: float = 0.66) -> Message:
    tokens = []
    offset = 0
    for word in text.split():
        start = text.index(word, offset)
        tokens.append(Token(word, start))
        offset = start + len(word)
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.2}]
    return Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})


def component(tmp_path: Path, known: set[str]) -> UnknownWordsFallback:
    return UnknownWordsFallback({}, LocalModelStorage(tmp_path), Resource("unknown_words"), known)


def test_words_are_the_lower_case_letter_runs() -> None:
    assert words_of("What's A1C?") == ["what", "s", "a", "c"]
    assert words_of("07700 900123 👍") == []


def test_a_message_is_unknown_only_when_it_has_words_and_none_is_known() -> None:
    assert nothing_known(["zxqv", "plork"], KNOWN)
    assert not nothing_known(["zxqv", "help"], KNOWN)
    assert not nothing_known([], KNOWN)  # a number or an emoji is left to the classifier


def test_glossary_terms_and_aliases_are_known_words(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yml"
    glossary.write_text("terms:\n  - term: Edema\n    aliases: [oedema, fluid build-up]\n  - just text\n")
    assert glossary_words(glossary) == {"edema", "oedema", "fluid", "build", "up"}


def test_a_missing_or_broken_glossary_adds_nothing(tmp_path: Path) -> None:
    assert glossary_words(tmp_path / "absent.yml") == set()
    broken = tmp_path / "broken.yml"
    broken.write_text("terms: [\n")
    assert glossary_words(broken) == set()
    listed = tmp_path / "list.yml"
    listed.write_text("- term: edema\n")
    assert glossary_words(listed) == set()


def test_not_understood_goes_on_top_and_keeps_the_classifiers_guesses_below() -> None:
    top, ranking = mark_not_understood(
        [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "help", "confidence": 0.66}]
    )
    assert top == {"name": "nlu_fallback", "confidence": 1.0}
    assert ranking == [top, {"name": "help", "confidence": 0.66}]


def test_made_up_words_become_nlu_fallback_however_sure_the_classifier_was(tmp_path: Path) -> None:
    [out] = component(tmp_path, KNOWN).process([message("zxqv plork wibble")])
    assert out.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert [r["name"] for r in out.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "help", "greet"]
    assert out.get(UNKNOWN_KEY) is True


def test_one_known_word_leaves_the_classifier_alone(tmp_path: Path) -> None:
    [out] = component(tmp_path, KNOWN).process([message("zxqv diabetes")])
    assert out.get(INTENT) == {"name": "help", "confidence": 0.66}
    assert out.get(UNKNOWN_KEY) is None


def test_a_model_without_a_word_list_changes_nothing(tmp_path: Path) -> None:
    [out] = component(tmp_path, set()).process([message("zxqv plork")])
    assert out.get(INTENT) == {"name": "help", "confidence": 0.66}


def test_the_word_list_survives_the_model_archive(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage, resource = LocalModelStorage(tmp_path), Resource("unknown_words")
    trainer = UnknownWordsFallback({}, storage, resource)
    trainer.train(TrainingData([Message(data={TEXT: "What does edema mean?", INTENT: "define_term"})]))
    loaded = UnknownWordsFallback.load({}, storage, resource, execution_context=None)  # type: ignore[arg-type]
    assert {"what", "does", "edema", "mean"} <= loaded.known
    [out] = loaded.process([message("plork")])
    assert out.get(INTENT)["name"] == "nlu_fallback"
