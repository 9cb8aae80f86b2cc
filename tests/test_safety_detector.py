"""The danger detector on its own: tiers, the learned model, languages, and the responses Rasa serves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.corpus import CorpusError, load_set
from bot.safety.detector import Detector, Tier, train_detector
from bot.safety.languages import language_of, spanish_alarm
from bot.safety.responses import emergency_responses, write_domain

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return train_detector(ROOT)


@pytest.mark.parametrize(
    "text",
    [
        "my husband collapsed 5 minutes ago and won't wake up",
        "my dad collapsed watching tv and won't wake up",
        "can you book me an ambulance my dad collapsed and isn't breathing",
        "i need to cancel my appointment my wife is having a seizure",
    ],
)
def test_mention_frames_no_longer_silence_danger_now(detector: Detector, text: str) -> None:
    assert detector.assess(text).tier == Tier.DANGER


@pytest.mark.parametrize(
    "text",
    [
        "i got my flu shot today",
        "my sugar shot up a bit after lunch",
        "i'll give the new diet a shot",
        "had a heart attack as a kid and i'm fine now",
        "what should i do if my child swallows a battery",
    ],
)
def test_look_alikes_get_no_urgent_ticket(detector: Detector, text: str) -> None:
    assert detector.assess(text).tier != Tier.DANGER


def test_the_model_reads_wording_no_rule_knows(detector: Detector) -> None:
    assessed = detector.assess("grandad has gone a funny grey colour and is all floppy and sweaty")
    assert assessed.tier in (Tier.DANGER, Tier.POSSIBLE) and assessed.probability >= 0.6


def test_a_rule_the_model_all_but_rules_out_is_only_possible_or_nothing() -> None:
    class Calm:
        def probability(self, text: str) -> float:
            return 0.1

        def kind(self, text: str) -> str:
            return "emergency"

    assessed = Detector(Calm()).assess("i cant breathe")  # type: ignore[arg-type]
    assert assessed.tier == Tier.POSSIBLE and assessed.sign == "breathing"


def test_payloads_and_empty_messages_are_never_judged(detector: Detector) -> None:
    assert detector.assess("/emergency").tier == Tier.NONE
    assert detector.assess("   ").tier == Tier.NONE


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mi papá no respira, ayuda", "es"),
        ("我胸口很痛", "zh"),
        ("أريد أن أنهي حياتي", "ar"),
        ("je ne peux pas respirer, aidez moi", "fr"),
        ("Я не могу дышать", "ru"),
        ("cant brethe plz help", "en"),
        ("u ok?", "en"),
        ("wat is diabtes", "en"),
        ("hola", "en"),
        ("i have a appointment with doctor tomorow but my wife she not wake up", "en"),
    ],
)
def test_languages_are_told_apart_offline_and_texting_stays_english(text: str, language: str) -> None:
    assert language_of(text) == language


def test_danger_in_spanish_is_caught_by_its_own_rules(detector: Detector) -> None:
    assert spanish_alarm("mi hijo no respira") is not None
    assert spanish_alarm("quiero matarme").kind == "crisis"  # type: ignore[union-attr]
    assert spanish_alarm("mi esposo me pega").kind == "violence"  # type: ignore[union-attr]
    assert spanish_alarm("que es un infarto") is None
    assessed = detector.assess("mi mamá se desmayó y no despierta")
    assert assessed.tier == Tier.DANGER and assessed.language == "es"
    assert detector.assess("tengo una cita el martes").tier == Tier.OTHER_LANGUAGE


def test_the_responses_rasa_serves_carry_the_clinics_words_and_numbers(library, tmp_path: Path) -> None:
    clinic = library.clinic
    responses = emergency_responses(clinic)["responses"]
    guidance = responses["utter_emergency_guidance"]
    default = [v for v in guidance if "condition" not in v]
    assert default == [{"text": clinic.fill(clinic.messages["emergency"])}]

    def when(name: str, value: str) -> list[dict]:
        return [v for v in guidance if {"type": "slot", "name": name, "value": value} in v.get("condition", [])]

    crisis = when("danger_kind", "crisis")
    assert crisis[0]["text"] == clinic.fill(clinic.messages["crisis"]) and "988" in crisis[0]["text"]
    spanish = when("message_language", "es")
    assert "911" in spanish[0]["text"] and "988" in spanish[0]["text"]
    check = [v for v in responses["utter_emergency_check"] if "condition" not in v][0]
    assert "911" in check["text"] and [b["payload"] for b in check["buttons"]] == ["/emergency", "/deny"]
    folder = write_domain(ROOT / "domain.yml", clinic, tmp_path / "domain")
    written = yaml.safe_load((folder / "emergency_responses.yml").read_text(encoding="utf-8"))
    assert written["responses"]["utter_other_language"][-1]["text"].startswith("If this is an emergency, call 911")
    with pytest.raises(ValueError, match="clinic profile"):
        write_domain(ROOT / "domain.yml", None, tmp_path / "again")


def test_the_training_corpus_is_apart_from_every_evaluation_set() -> None:
    # The safety corpus only: the NLU data predates this corpus and shares a few short phrases with the
    # first wave's sets ("chest pain"); docs/safety.md says so.
    training = {e.text.strip().lower() for p in (ROOT / "data" / "safety").glob("*.yml") for e in load_set(p).examples}
    for path in [*(ROOT / "tests" / "data").glob("safety_*.yml"), *(ROOT / "tests" / "data" / "safety").glob("*.yml")]:
        shared = {e.text.strip().lower() for e in load_set(path).examples} & training
        assert not shared, (path.name, sorted(shared)[:5])


def test_a_broken_corpus_file_says_which_file_and_what_to_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("emergencies:\n  - {kind: fire, text: help}\nlook_alikes: []\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.yml: emergency 1 needs a text and a kind"):
        load_set(bad)
    bad.write_text("just text", encoding="utf-8")
    with pytest.raises(CorpusError, match="two lists"):
        load_set(bad)


BATCHES = sorted((ROOT / "tests" / "data" / "safety").glob("batch_*.yml"))
# The targets of the issue: every emergency in a tuning set, 98 % in a held-out set; urgent tickets for at most
# 2 % of look-alikes. Any emergency number shown to look-alikes: the target is 6 %, not yet met on every batch
# (docs/safety.md has the figures); this bound stops it from getting worse.
ANY_NUMBER_BOUND = 0.10


@pytest.mark.parametrize("path", BATCHES, ids=[p.stem for p in BATCHES])
def test_every_batch_meets_the_recall_and_urgent_targets(detector: Detector, path: Path) -> None:
    batch = load_set(path)
    assert len(batch.emergencies) >= 70 and len(batch.look_alikes) >= 140
    shown = (Tier.DANGER, Tier.POSSIBLE, Tier.OTHER_LANGUAGE)
    caught = sum(detector.assess(e.text).tier in shown for e in batch.emergencies)
    on_look_alikes = [detector.assess(e.text).tier for e in batch.look_alikes]
    needed = 1.0 if batch.role == "tuning" else 0.98
    assert caught >= needed * len(batch.emergencies), f"{caught} of {len(batch.emergencies)}"
    assert sum(t == Tier.DANGER for t in on_look_alikes) <= 0.02 * len(batch.look_alikes)
    assert sum(t in shown for t in on_look_alikes) <= ANY_NUMBER_BOUND * len(batch.look_alikes)


def test_the_corpus_is_the_size_the_issue_asks_for() -> None:
    batches = [load_set(p) for p in BATCHES]
    assert len(batches) >= 6 and sum(b.role == "held-out" for b in batches) >= 2
    assert sum(len(b.emergencies) for b in batches) >= 400 and sum(len(b.look_alikes) for b in batches) >= 800
    kinds = {e.kind for b in batches for e in b.emergencies}
    assert kinds == {"emergency", "crisis", "violence"}


def test_every_message_in_another_language_gets_the_numbers(detector: Detector) -> None:
    languages = load_set(ROOT / "tests" / "data" / "safety" / "languages.yml")
    tiers = [detector.assess(e.text).tier for e in languages.examples]
    # Vietnamese typed without its accents still reads as English to langid (docs/safety.md).
    assert sum(t in (Tier.DANGER, Tier.OTHER_LANGUAGE) for t in tiers) >= 0.97 * len(tiers)
    urgent = sum(detector.assess(e.text).tier == Tier.DANGER for e in languages.look_alikes)
    assert urgent <= 0.02 * len(languages.look_alikes)
