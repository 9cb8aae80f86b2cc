"""The safety net on its own: the evaluation sets (targets from the issue), typos, mentions, idioms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.safety.net import CRISIS, EMERGENCY, VIOLENCE, alarm, check, normalise

DATA = Path(__file__).parent / "data"
SETS = [*sorted(DATA.glob("safety_eval*.yml")), *sorted(DATA.glob("safety_check*.yml"))]


def load(path: Path) -> tuple[list[dict], list[str]]:
    data = yaml.safe_load(path.read_text())
    return data["emergencies"], data["look_alikes"]


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_every_emergency_is_caught_and_false_alarms_stay_under_five_percent(path: Path) -> None:
    emergencies, look_alikes = load(path)
    assert len(emergencies) >= 40 and len(look_alikes) >= 40
    missed = [e["text"] for e in emergencies if alarm(e["text"]) is None]
    false_alarms = [t for t in look_alikes if alarm(t) is not None]
    assert missed == []
    assert len(false_alarms) / len(look_alikes) < 0.05, false_alarms


def test_the_main_set_is_the_size_the_issue_asks_for() -> None:
    emergencies, look_alikes = load(DATA / "safety_eval.yml")
    assert len(emergencies) >= 80 and len(look_alikes) >= 80
    assert {e["kind"] for e in emergencies} == {EMERGENCY, CRISIS, VIOLENCE}


def test_self_harm_gets_the_crisis_kind_and_violence_its_own() -> None:
    emergencies, _ = load(DATA / "safety_eval.yml")
    for item in emergencies:
        found = alarm(item["text"])
        assert found is not None and found.kind == item["kind"], item


@pytest.mark.parametrize(
    "text",
    [
        "i cnat breath",
        "my husband is having a heart atack",
        "my wife had a siezure and is still not awake",
        "somenoe is havint a seizure right now",
        "he is unconcious",
        "im bleding a lot and it wont stop",
    ],
)
def test_typos_are_forgiven(text: str) -> None:
    assert alarm(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "i don't want to be here anymore",
        "everyone would be better off without me",
        "i wish i could go to sleep and never wake up",
        "there's no point anymore, i've written my goodbye letters",
    ],
)
def test_indirect_wording_about_suicide_is_caught(text: str) -> None:
    found = alarm(text)
    assert found is not None and found.kind == CRISIS


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("what is a heart attack?", "question"),
        ("what does overdose mean on the leaflet", None),  # "overdose" alone is not a sign at all
        ("i had chest pain last year and the tests were fine", "past"),
        ("add a question: could my chest pain come back", "command"),
        ("the movie had a lot of blood in it", "story"),
    ],
)
def test_a_mention_is_not_an_alarm(text: str, why: str | None) -> None:
    verdict = check(text)
    assert verdict.alarm is None
    if why:
        assert verdict.mention is not None and verdict.mention.endswith(":" + why)


def test_a_question_followed_by_a_real_emergency_still_raises_the_alarm() -> None:
    assert alarm("what are the signs of a stroke? my mum's face is drooping") is not None
    assert alarm("what are the signs of a stroke my mums face is drooping") is not None  # no punctuation
    assert alarm("what do i do my husband collapsed") is not None


@pytest.mark.parametrize(
    "text",
    [
        "my son is cooking dinner",
        "i can't talk right now, at work",
        "this lesson is killing me",
        "i'm dying to know what cholesterol is",
        "kill the reminder",
        "i cut myself shaving",
        "he's having a fit about the bill",
        "i'm drowning in paperwork",
        "/request_human",
        "",
        "   ",
    ],
)
def test_everyday_words_and_button_payloads_do_not_raise_the_alarm(text: str) -> None:
    assert alarm(text) is None


def test_real_words_are_never_mended_into_signs() -> None:
    assert normalise("my son is cooking") == "my son is cooking"  # not "choking"
    assert normalise("Can't BREATHE!!") == "cant breathe ! !"


def training_examples() -> list[tuple[str, str]]:
    found = []
    for path in [*Path("data/nlu").glob("*.yml"), DATA / "nlu_holdout.yml", DATA / "nlu_holdout_typos.yml"]:
        for item in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if "intent" in item and line.strip().startswith("- "):
                    text = re.sub(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})", r"\1", line.strip()[2:])
                    found.append((item["intent"], text))
    return found


def test_the_nlu_data_agrees_with_the_net() -> None:
    """Every emergency example is caught by the rules too, and almost no other message raises the alarm."""
    examples = training_examples()
    emergencies = [t for i, t in examples if i == "emergency"]
    others = [t for i, t in examples if i != "emergency"]
    assert len(others) > 2000
    assert [t for t in emergencies if alarm(t) is None] == []
    false_alarms = [t for t in others if alarm(t) is not None]
    assert len(false_alarms) <= len(others) * 0.005, false_alarms
