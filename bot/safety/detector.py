"""The danger detector: rules, a learned model and language identification, combined into one tiered verdict.

Tiers (what the patient gets is decided from these in ``bot/nlu/safety_net.py`` and the domain):
- ``danger``: someone is in danger now, and we are confident. The clinic's guidance at once (served by Rasa
  itself, so it arrives even when the action server is down) and an urgent ticket.
- ``possible``: it might be danger. The emergency number at once and "Are you or someone near you in danger
  right now?"; a ticket only on "yes".
- ``other_language``: we cannot read it. A fixed reply in that language with the emergency number and the
  crisis line, and "I only understand English for now".
- ``none``: the normal reply.

Why both rules and a model: the rules (``net.py``) explain themselves, take microseconds and never miss the
phrases they know; the model (``classifier.py``) reads the wording nobody wrote a rule for. A rule that fires
where the model is sure there is no danger ("my sugar shot up") is only *possible* danger; the model alone
is *danger* only when it is very sure; a rule whose match the model all but rules out (under 2 %: mostly
past events and questions the rules' frames missed) is let through. The thresholds were chosen on the
tuning batches (docs/safety.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from bot.safety.classifier import DangerClassifier
from bot.safety.corpus import Example, corpus_files, load_set
from bot.safety.languages import ENGLISH, language_of, spanish_alarm
from bot.safety.net import EMERGENCY, check, normalise


class Tier(StrEnum):
    DANGER = "danger"
    POSSIBLE = "possible"
    OTHER_LANGUAGE = "other_language"
    NONE = "none"


@dataclass(frozen=True)
class Thresholds:
    """Model probabilities that move a message up a tier (chosen on the tuning batches, docs/safety.md)."""

    danger: float = 0.9  # the model alone is this sure: guidance and an urgent ticket
    possible: float = 0.6  # the model alone is this sure: the number and "are you in danger?"
    veto: float = 0.4  # a rule fired but the model gives less than this: only "possible"
    overrule: float = 0.02  # a rule fired but the model gives less than this: a look-alike (past, question)
    unclear: float = 0.5  # the NLU classifier guessed emergency, or understood nothing and saw a danger word


@dataclass(frozen=True)
class Assessment:
    tier: Tier
    kind: str | None = None  # emergency, crisis or violence (danger and possible)
    sign: str | None = None  # the rule that fired, or "model"
    probability: float = 0.0  # the model's probability of danger now
    language: str = ENGLISH
    mention: str | None = None  # a sign the rules saw only mentioned ("stroke:question")


# Words that make a message the classifier did not understand worth one question about danger.
DANGER_WORDS = re.compile(
    r"\b(?:breath\w*|breathing|chest|heart|bleed\w*|blood|unconscious|collapsed|faint\w*|seizure\w*|fit|fitting|"
    r"overdose\w*|suicid\w*|kill\w*|die|dying|dead|stroke|chok\w*|poison\w*|pills|tablets|swallowed|hurt\w*|"
    r"harm\w*|hit|hits|hitting|beat\w*|threat\w*|knife|gun|ambulance|911|999|112|emergency|help|unresponsive|"
    r"numb|slurr\w*|drooping|swell\w*|swollen|throat|burn\w*|convuls\w*|limp|floppy|blue|grey|gray)\b"
)


class Detector:
    def __init__(self, model: DangerClassifier | None, thresholds: Thresholds | None = None) -> None:
        self.model = model
        self.thresholds = thresholds or Thresholds()

    def assess(self, text: str) -> Assessment:
        if not text or not text.strip() or text.lstrip().startswith("/"):
            return Assessment(Tier.NONE)  # nothing, or a button's payload rather than words
        language = language_of(text)
        if language != ENGLISH:
            found = spanish_alarm(text) if language in ("es", "und") else None
            if found is not None:
                return Assessment(Tier.DANGER, found.kind, found.sign, 1.0, language)
            return Assessment(Tier.OTHER_LANGUAGE, language=language)
        verdict = check(text)
        probability = self.model.probability(text) if self.model else 0.0
        limits = self.thresholds
        if verdict.alarm is not None and not (self.model and probability < limits.overrule):
            tier = Tier.POSSIBLE if self.model and probability < limits.veto else Tier.DANGER
            return Assessment(tier, verdict.alarm.kind, verdict.alarm.sign, probability)
        if self.model and probability >= limits.possible:
            tier = Tier.DANGER if probability >= limits.danger else Tier.POSSIBLE
            return Assessment(tier, self.model.kind(text), "model", probability, mention=verdict.mention)
        return Assessment(Tier.NONE, probability=probability, mention=verdict.mention)

    def unclear_but_worrying(self, text: str, assessment: Assessment) -> bool:
        """A message the classifier did not understand, with a danger word in it: worth asking about."""
        return assessment.probability >= self.thresholds.unclear and bool(DANGER_WORDS.search(normalise(text)))


# --- training ---------------------------------------------------------------------------------------------------


def nlu_examples(nlu_folder: Path) -> list[Example]:
    """The NLU training data as more labelled messages: ``emergency`` is danger now, every other intent is not."""
    examples: list[Example] = []
    for path in sorted(nlu_folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line.strip().removeprefix("- "))
                if text.strip():
                    danger = block["intent"] == "emergency"
                    found = check(text).alarm if danger else None
                    examples.append(Example(text, (found.kind if found else EMERGENCY) if danger else None))
    return examples


def training_files(project_dir: Path) -> list[Path]:
    """Everything the model learns from: the safety corpus and the NLU data (never tests/data)."""
    return corpus_files(project_dir / "data" / "safety") + sorted((project_dir / "data" / "nlu").glob("*.yml"))


def train_detector(project_dir: Path, thresholds: Thresholds | None = None) -> Detector:
    examples: list[Example] = []
    for path in corpus_files(project_dir / "data" / "safety"):
        examples.extend(load_set(path).examples)
    examples.extend(nlu_examples(project_dir / "data" / "nlu"))
    return Detector(DangerClassifier.train(examples), thresholds)
