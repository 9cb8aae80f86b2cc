import time

from sqlalchemy import inspect

from bot.contracts import ACTIVE_STAGES
from bot.storage.learning import (
    delete_patient_learning,
    get_progress,
    latest_progress,
    record_answer,
    record_unmet,
    save_progress,
    unmet_requests,
)
from bot.storage.models import LessonProgress


def test_migration_creates_the_learning_tables(db) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"lesson_progress", "teach_back_answer", "unmet_request"} <= tables


def test_progress_moves_and_a_restart_counts_as_a_new_start(db) -> None:
    save_progress(db, "p", "asthma")
    save_progress(db, "p", "asthma", section=2, part=1, stage="finished")
    finished = get_progress(db, "p", "asthma")
    assert (finished.section, finished.part, finished.stage) == (2, 1, "finished")
    with db.session() as session:
        row = session.query(LessonProgress).one()
        assert row.finished_at is not None
        first_start = row.started_at
    time.sleep(0.01)
    save_progress(db, "p", "asthma", restart=True)
    with db.session() as session:
        row = session.query(LessonProgress).one()
        assert row.finished_at is None and row.started_at > first_start


def test_latest_progress_is_the_one_touched_last(db) -> None:
    save_progress(db, "p", "asthma")
    time.sleep(0.01)
    save_progress(db, "p", "copd", stage="stopped")
    assert latest_progress(db, "p").module_id == "copd"
    assert latest_progress(db, "p", ACTIVE_STAGES).module_id == "asthma"
    assert latest_progress(db, "someone-else") is None


def test_unmet_requests_keep_words_not_people_and_forget_me_removes_progress(db) -> None:
    record_unmet(db, "term", "  Flurbo   Thing ")
    record_unmet(db, "topic", "")
    assert [(r.kind, r.text) for r in unmet_requests(db)] == [("term", "flurbo thing")]
    save_progress(db, "p", "asthma")
    record_answer(db, "p", "asthma", 0, "Which inhaler?", "The rescue one", True)
    assert delete_patient_learning(db, "p") == 2
    assert get_progress(db, "p", "asthma") is None
