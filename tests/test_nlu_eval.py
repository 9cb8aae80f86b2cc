"""The evaluation tool's parts: reading test sets, the typo twin, scoring and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu_eval.metrics import FALLBACK, Prediction, Targets, evaluate
from bot.nlu_eval.report import RunInfo, as_json, as_markdown, confusion_picture
from bot.nlu_eval.session import TYPO_HEADER, parse_cross_validation
from bot.nlu_eval.testset import Entity, TestSetError, dump_test_set, load_test_set, parse_annotated
from bot.nlu_eval.typos import misspell, typo_set, typo_twin

ROOT = Path(__file__).resolve().parents[1]
TEST_SET = ROOT / "tests" / "data" / "nlu_holdout.yml"
TYPO_SET = ROOT / "tests" / "data" / "nlu_holdout_typos.yml"


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swap of neighbours counts as one slip."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_annotations_become_text_spans_and_values() -> None:
    example = parse_annotated(
        'my [physical]{"entity": "appointment_type", "value": "general_checkup"} is about [sugar](topic)',
        "prepare_appointment",
    )
    assert example.text == "my physical is about sugar"
    first, second = example.entities
    assert (first.entity, first.value, example.text[first.start : first.end]) == (
        "appointment_type",
        "general_checkup",
        "physical",
    )
    assert (second.entity, second.value, example.text[second.start : second.end]) == ("topic", "sugar", "sugar")


def test_a_broken_annotation_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi [there]{"entity": oops}\n')
    with pytest.raises(TestSetError, match="bad.yml"):
        load_test_set(bad)
    not_nlu = tmp_path / "list.yml"
    not_nlu.write_text("- just a list\n")
    with pytest.raises(TestSetError, match="top-level 'nlu:'"):
        load_test_set(not_nlu)


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    examples = load_test_set(TEST_SET)[:40]
    path = tmp_path / "copy.yml"
    path.write_text(dump_test_set(examples, "a header\nsecond line"))
    assert load_test_set(path) == examples


def test_misspell_keeps_the_first_letter_and_changes_one_thing() -> None:
    import random

    rng = random.Random(7)
    for word in ["appointment", "diabetes", "questions", "hey", "no"]:
        for _ in range(30):
            slipped = misspell(word, rng)
            assert slipped[0] == word[0]
            assert slipped != word or word[1:2] == word[2:3]
            assert edit_distance(word, slipped) <= 1


def test_typo_twin_has_one_or_two_slips_per_sentence_and_keeps_labels() -> None:
    examples = load_test_set(TEST_SET)
    twins = typo_set(examples)
    assert [t.intent for t in twins] == [e.intent for e in examples]
    changed = 0
    for original, twin in zip(examples, twins, strict=True):
        sentences = max(1, sum(original.text.count(mark) for mark in ".?!") or 1)
        distance = edit_distance(original.text, twin.text)
        assert distance <= 2 * sentences + 1, (original.text, twin.text)
        changed += distance > 0
        assert [(e.entity, e.value) for e in twin.entities if e.entity == "appointment_type"] == [
            (e.entity, e.value) for e in original.entities if e.entity == "appointment_type"
        ]
        for entity in twin.entities:
            assert 0 <= entity.start < entity.end <= len(twin.text)
    assert changed == len(examples)
    assert typo_twin(examples[0]) == twins[0]  # the same on every run and machine


def test_checked_in_typo_twin_matches_the_test_set() -> None:
    """Edit the test set, then run `plainhealth eval --make-typos`; this fails until you do."""
    expected = dump_test_set(typo_set(load_test_set(TEST_SET)), TYPO_HEADER)
    assert TYPO_SET.read_text() == expected


def _examples() -> list:
    return [
        parse_annotated("tell me about [asthma](topic)", "learn_topic"),
        parse_annotated("what does [benign](term) mean", "define_term"),
        parse_annotated("what's the weather", "out_of_scope"),
        parse_annotated("who won the match", "out_of_scope"),
        parse_annotated("hello", "greet"),
    ]


def _predictions() -> list[Prediction]:
    return [
        Prediction("learn_topic", 0.9, "learn_topic", (Entity("topic", "Asthma"),)),
        Prediction("learn_topic", 0.7, "learn_topic", (Entity("topic", "benign"),)),
        Prediction("define_term", 0.6, "define_term"),
        Prediction(FALLBACK, 0.3, "greet"),
        Prediction("greet", 0.99, "greet"),
    ]


def test_scores_count_fallbacks_as_misses_and_flag_off_topic_health_answers() -> None:
    ev = evaluate("t", _examples(), _predictions())
    assert ev.total == 5 and ev.correct == 2
    assert ev.accuracy == pytest.approx(0.4)
    assert ev.fallbacks == 1
    assert [m.text for m in ev.out_of_scope_as_health] == ["what's the weather"]
    learn = ev.intents["learn_topic"]
    assert (learn.precision, learn.recall, learn.support) == (0.5, 1.0, 1)
    assert ev.intents["out_of_scope"].recall == 0.0
    assert ev.weakest_recall() == ("define_term", 0.0)
    topic, term = ev.entities["topic"], ev.entities["term"]
    assert (topic.precision, topic.recall) == (0.5, 1.0)  # "Asthma" matches case-insensitively
    assert (term.precision, term.recall) == (0.0, 0.0)
    pairs = {(e, p): n for e, p, n, _ in ev.confusion_pairs()}
    assert pairs == {
        ("define_term", "learn_topic"): 1,
        ("out_of_scope", "define_term"): 1,
        ("out_of_scope", FALLBACK): 1,
    }


def test_targets_list_every_shortfall() -> None:
    ev = evaluate("t", _examples(), _predictions())
    problems = Targets().failures(ev, ev)
    assert any("accuracy 40.0%" in p for p in problems)
    assert any(p.startswith("recall under 85%") and "define_term" in p for p in problems)
    assert any("off-topic" in p for p in problems)
    assert any("typo-set" in p for p in problems)
    perfect = evaluate("t", _examples(), [Prediction(e.intent, 1.0, e.intent) for e in _examples()])
    assert Targets().failures(perfect, perfect) == []


def test_report_has_the_tables_and_escapes_cells(tmp_path: Path) -> None:
    examples = _examples() + [parse_annotated("a | pipe", "greet")]
    predictions = _predictions() + [Prediction("thank", 0.8, "thank")]
    ev = evaluate("test set", examples, predictions)
    info = RunInfo(
        date="2026-11-22",
        model="m.tar.gz",
        config="config.yml",
        training_examples=10,
        training_seconds=12.0,
        test_set="t.yml",
        typo_set="t_typos.yml",
    )
    text = as_markdown(info, ev, ev, Targets(), "pic.png")
    assert "| test set | 6 | 33.3% |" in text
    assert "**not met**" in text and "![Confusion matrix of the test set](pic.png)" in text
    assert "“a \\| pipe” (0.80)" in text
    assert "asked to rephrase | 1 | “who won the match” (best guess greet 0.30)" in text
    body = json.loads(as_json(info, ev, None, Targets()))
    assert body["test"]["messages"] == 6 and body["targets_met"] is False
    picture = tmp_path / "c.png"
    confusion_picture(ev, picture)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cross_validation_figures_are_read_from_rasas_log() -> None:
    log = (
        "INFO CV evaluation (n=5)\nIntent evaluation results\ntrain Accuracy: 1.000 (0.000)\n"
        "test Accuracy: 0.951 (0.012)\ntest F1-score: 0.948 (0.010)\ntest Precision: 0.955 (0.011)\n"
        "Entity evaluation results\nEntity extractor: DIETClassifier\ntest F1-score: 0.812 (0.040)\n"
    )
    cv = parse_cross_validation(log, 5)
    assert cv["intent"]["accuracy"] == (0.951, 0.012)
    assert cv["intent"]["f1-score"] == (0.948, 0.010)
    assert cv["entity"] == {"f1-score": (0.812, 0.040)}
