import os
import stat
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


def test_a_new_database_and_its_folder_are_the_server_users_alone(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "state" / "plainhealth.db"
        db = Database(f"sqlite:///{path}")
        db.migrate()
        with db.engine.connect() as connection:  # open, so SQLite keeps its write-ahead log and shared memory
            save_feedback(db, "p1", "clear")
            files = [p for p in path.parent.iterdir() if p.name.startswith("plainhealth.db")]
            assert {p.name for p in files} >= {"plainhealth.db", "plainhealth.db-wal", "plainhealth.db-shm"}
            assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}
            assert connection is not None
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        db.dispose()
    finally:
        os.umask(old)


def test_an_existing_open_database_is_tightened_but_not_a_folder_it_shares(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "app.db"
    Database(f"sqlite:///{path}").dispose()
    path.chmod(0o644)
    Database(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # An operator's own folder (PLAINHEALTH_DATABASE_URL) is theirs to set; only folders we make are private.
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
