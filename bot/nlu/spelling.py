"""A whitespace tokenizer with a spelling step: a typed word the training data never used is read as the
training word one slip away ("diabtes" as "diabetes", "meenu" as "menu").

Character n-grams already forgive some typos, but a slip in a short message can still swing the intent. The
correction changes only the token's text (what the featurizers see); its position in the message is kept, so
entities are still cut from what the patient typed, and the message text itself is never changed.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import closest

VOCABULARY_FILE = "vocabulary.json"


def correct(word: str, vocabulary: dict[str, int]) -> str:
    """The most frequent training word within the slips ``bot.text`` allows, or the word itself."""
    lower = word.lower()
    if not lower.isalpha() or lower in vocabulary:
        return word
    return closest(lower, vocabulary, prefer=lambda known: -vocabulary[known]) or word


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SpellingTokenizer(WhitespaceTokenizer):
    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: dict[str, int] | None = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingTokenizer:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingTokenizer:
        vocabulary: dict[str, int] = {}
        try:
            with model_storage.read_from(resource) as folder:
                vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            vocabulary = {}
        return cls({**cls.get_default_config(), **config}, model_storage, resource, vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        """Remember every word the training examples use, with how often."""
        counts: Counter[str] = Counter()
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if isinstance(text, str):
                counts.update(t.text.lower() for t in super().tokenize(example, TEXT))
        self.vocabulary = {word: n for word, n in counts.items() if word.isalpha()}
        with self._model_storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(self.vocabulary, sort_keys=True), encoding="utf-8")
        return self._resource

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT or not self.vocabulary:
            return tokens
        for token in tokens:
            fixed = correct(token.text, self.vocabulary)
            if fixed != token.text:
                token.text = fixed
                token.lemma = fixed
        return tokens
