from pathlib import Path

from sqlalchemy import inspect

from bot.storage.db import Database
from bot.storage.feedback import count_feedback, delete_patient_feedback, feedback_for, save_feedback


def test_migrations_create_the_schema_and_can_run_twice(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'app.db'}")
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    assert {"feedback", "alembic_version"} <= tables


def test_feedback_is_kept_per_patient_and_survives_a_new_connection(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = Database(url)
    db.migrate()
    save_feedback(db, "p1", "too many big words", module_id="asthma")
    save_feedback(db, "p2", "clear, thanks")
    db.dispose()

    again = Database(url)
    assert [f.text for f in feedback_for(again, "p1")] == ["too many big words"]
    assert count_feedback(again) == 2
    assert delete_patient_feedback(again, "p1") == 1
    assert feedback_for(again, "p1") == [] and count_feedback(again) == 1
