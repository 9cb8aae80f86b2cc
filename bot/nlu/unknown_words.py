"""Not understood when no word is known: a message none of whose words the assistant has ever seen.

DIET always spreads its confidence over the intents it knows, so a string of made-up words ("zxqv plork
wibble") can still land above the fallback threshold, on whichever intent the last retrain happened to
favour. Acting on that guess would show a patient a menu or a lesson they never asked for. A message is
"not understood" (``nlu_fallback``) when it has words and none of them, after the spelling step, is a word
of the NLU training data or of the glossary (so a bare medical word such as "edema" still counts as known).

It runs after FallbackClassifier and before the safety net, so the safety net still sees every message and
its rules win: a message in another language, or with a danger word, is answered by the net, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FALLBACK_INTENT = "nlu_fallback"
KNOWN_WORDS_FILE = "known_words.json"
UNKNOWN_KEY = "unknown_words"
_WORD = re.compile(r"[a-z]+")


def words_of(text: str) -> list[str]:
    """The lower-case letter runs of a text: "What's A1C?" -> what, s, a, c."""
    return _WORD.findall(text.lower())


def glossary_words(glossary: Path) -> set[str]:
    """Every word of every term and alias in a glossary file (missing or malformed: none; the checker says why)."""
    import yaml

    try:
        data = yaml.safe_load(glossary.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    terms = data.get("terms") if isinstance(data, dict) else None
    words: set[str] = set()
    for entry in terms if isinstance(terms, list) else []:
        if not isinstance(entry, dict):
            continue
        aliases = entry.get("aliases")
        for name in [entry.get("term"), *(aliases if isinstance(aliases, list) else [])]:
            if isinstance(name, str):
                words.update(words_of(name))
    return words


def nothing_known(words: list[str], known: set[str]) -> bool:
    """True when there are words and none of them is known."""
    return bool(words) and not any(word in known for word in words)


def mark_not_understood(ranking: list[dict[str, Any]] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``nlu_fallback`` on top; the classifier's ranking kept below it for the fallback action's best guess."""
    top = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
    rest = [dict(r) for r in ranking or [] if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
    return top, [top, *rest]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    """Turns a message of only unknown words into ``nlu_fallback`` (see the module docstring)."""

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, known: set[str] | None = None
    ) -> None:
        self.config = config
        self.model_storage, self.resource = model_storage, resource
        self.known = known or set()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallback:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallback:
        known: set[str] = set()
        try:
            with model_storage.read_from(resource) as folder:
                known = set(json.loads((folder / KNOWN_WORDS_FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError):
            known = set()
        return cls(config, model_storage, resource, known)

    @staticmethod
    def _glossary() -> Path:
        # `plainhealth train` passes its settings to Rasa through the environment (bot/training.py).
        from bot.settings import Settings

        return Settings.from_env().content_dir / "glossary.yml"

    def train(self, training_data: TrainingData) -> Resource:
        known: set[str] = set()
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if isinstance(text, str):
                known.update(words_of(text))
        known |= glossary_words(self._glossary())
        self.known = known
        with self.model_storage.write_to(self.resource) as folder:
            (folder / KNOWN_WORDS_FILE).write_text(json.dumps(sorted(known)), encoding="utf-8")
        return self.resource

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.known:
            return messages  # an old model without the list: leave the classifier's answer alone
        for message in messages:
            if not isinstance(message.get(TEXT), str):
                continue
            # Token texts carry the spelling step's corrections ("diabtes" -> "diabetes").
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            words = [w for token in tokens for w in words_of(token.text)]
            if nothing_known(words, self.known):
                intent, ranking = mark_not_understood(message.get(INTENT_RANKING_KEY))
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                message.set(UNKNOWN_KEY, True, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
