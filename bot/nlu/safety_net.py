"""The danger detector as the last step of Rasa's NLU pipeline, so it sees every message on every channel.

It runs after the classifier and FallbackClassifier, and turns the detector's tier (bot/safety/detector.py)
into an intent that Rasa's rules answer with responses Rasa serves itself (no action server needed):
- ``danger``: intent ``emergency`` (confidence 1.0) whatever was predicted; the clinic's guidance, then an
  urgent ticket;
- ``possible``: intent ``emergency_check``; the emergency number at once and "are you in danger?";
- ``other_language``: intent ``other_language``; the numbers in that language;
- otherwise the classifier's answer stands, except that its own ``emergency`` guess is never trusted alone:
  it becomes ``emergency_check`` when the detector's model also leans that way, and is dropped when the
  rules saw only a mention ("what does overdose mean?") or the model sees nothing. A message nobody
  understood that holds a danger word also gets ``emergency_check``, never only "say it another way".
Two entities, ``danger_kind`` and ``message_language``, fill the slots that pick the words of the reply.
The parse result carries ``safety: {tier, kind, sign, probability, classifier}`` for measurement.

The detector's model trains with the NLU model from ``data/safety/*.yml`` and the NLU examples, and is
stored inside the model archive (``fingerprint_addon`` makes Rasa retrain it when the corpus changes).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.detector import Assessment, Detector, Thresholds, Tier, train_detector, training_files
from bot.safety.net import EMERGENCY
from bot.safety.responses import KIND_SLOT, LANGUAGE_SLOT

EMERGENCY_INTENT = "emergency"
CHECK_INTENT = "emergency_check"
OTHER_LANGUAGE_INTENT = "other_language"
FALLBACK_INTENT = "nlu_fallback"
SAFETY_KEY = "safety"
TIER_INTENTS = {Tier.DANGER: EMERGENCY_INTENT, Tier.POSSIBLE: CHECK_INTENT, Tier.OTHER_LANGUAGE: OTHER_LANGUAGE_INTENT}
MODEL_FILE = "danger_detector.pkl"


def apply_assessment(
    parse: dict[str, Any], text: str, assessment: Assessment, detector: Detector, threshold: float
) -> dict[str, Any]:
    """The intent, ranking, entities and safety note after the detector had its say (pure, easy to test)."""
    intent = dict(parse.get(INTENT) or {})
    ranking = [dict(r) for r in parse.get(INTENT_RANKING_KEY) or []]
    classifier = _best_real(ranking) or intent.get(INTENT_NAME_KEY)
    note: dict[str, Any] = {
        "tier": str(assessment.tier),
        "probability": round(assessment.probability, 3),
        "classifier": classifier,
        "intent": intent.get(INTENT_NAME_KEY),
    }
    tier = assessment.tier
    kind = assessment.kind
    if (
        tier == Tier.NONE
        and assessment.mention is None
        and classifier == EMERGENCY_INTENT
        and assessment.probability >= detector.thresholds.unclear
    ):
        tier, kind, note["sign"] = Tier.POSSIBLE, kind or EMERGENCY, "classifier"
    elif (
        tier == Tier.NONE
        and intent.get(INTENT_NAME_KEY) == FALLBACK_INTENT
        and detector.unclear_but_worrying(text, assessment)
    ):
        tier, kind, note["sign"] = Tier.POSSIBLE, kind or EMERGENCY, "danger word"
    if tier in TIER_INTENTS:
        top = {INTENT_NAME_KEY: TIER_INTENTS[tier], PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [top] + [r for r in ranking if r.get(INTENT_NAME_KEY) not in TIER_INTENTS.values()]
        entities = [_entity(LANGUAGE_SLOT, assessment.language, text)]
        if kind:
            entities.append(_entity(KIND_SLOT, kind, text))
        note.update(tier=str(tier), kind=kind, language=assessment.language)
        note.setdefault("sign", assessment.sign)
        return {
            INTENT: top,
            INTENT_RANKING_KEY: ranking,
            ENTITIES: [*parse.get(ENTITIES, []), *entities],
            SAFETY_KEY: note,
        }
    if EMERGENCY_INTENT in {intent.get(INTENT_NAME_KEY), classifier}:
        # The classifier's emergency guess, which neither the rules nor the model back: a mention or a look-alike.
        ranking = [r for r in ranking if r.get(INTENT_NAME_KEY) not in (EMERGENCY_INTENT, FALLBACK_INTENT)]
        if ranking and float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= threshold:
            intent = ranking[0]
        else:
            fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: threshold}
            intent, ranking = fallback, [fallback] + ranking
        note["mention"] = assessment.mention
        return {INTENT: intent, INTENT_RANKING_KEY: ranking, SAFETY_KEY: note}
    return {}


def _entity(name: str, value: str, text: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(text), "extractor": "SafetyNet"}


def _best_real(ranking: list[dict[str, Any]]) -> str | None:
    names = [r.get(INTENT_NAME_KEY) for r in ranking if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
    return names[0] if names else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyNet(GraphComponent):
    """Danger detection (rules, a small model, language) that wins over any other intent (docs/safety.md)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # threshold: the FallbackClassifier's, used when dropping a mistaken emergency leaves an unsure guess.
        # project_dir: where data/safety and data/nlu are (Rasa trains with the project as working folder).
        return {"threshold": 0.45, "project_dir": "."}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, detector: Detector | None = None
    ) -> None:
        self.config = config
        self.threshold = float(config.get("threshold", 0.45))
        self.model_storage, self.resource = model_storage, resource
        self.detector = detector or Detector(None)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The corpus is not a graph input: hash it so Rasa retrains the model when it changes."""
        digest = hashlib.sha256()
        for path in training_files(Path(str(config.get("project_dir", ".")))):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.detector = train_detector(Path(str(self.config.get("project_dir", "."))), Thresholds())
        with self.model_storage.write_to(self.resource) as folder:
            (folder / MODEL_FILE).write_bytes(pickle.dumps(self.detector.model))
        return self.resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyNet:
        with model_storage.read_from(resource) as folder:
            model = pickle.loads((folder / MODEL_FILE).read_bytes())
        component = cls({**cls.get_default_config(), **config}, model_storage, resource, Detector(model))
        component.detector.assess("warm up")  # load the word lists and language model now, not on a patient
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            parse = {
                INTENT: message.get(INTENT),
                INTENT_RANKING_KEY: message.get(INTENT_RANKING_KEY),
                ENTITIES: message.get(ENTITIES) or [],
            }
            assessment = self.detector.assess(text)
            for key, value in apply_assessment(parse, text, assessment, self.detector, self.threshold).items():
                message.set(key, value, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
