"""The state folder and the files in it are the server user's alone: real files, real modes (os.stat)."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.credentials import secret_file
from bot.processes import ManagedProcess
from bot.state_files import append_private, ensure_private_database, ensure_private_dir, write_private_text


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most machines run with (022): files 0644 and folders 0755 unless the code says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_state_folder_is_private(tmp_path: Path) -> None:
    state = ensure_private_dir(tmp_path / "deep" / ".plainhealth")
    assert state.is_dir() and mode(state) == 0o700


def test_an_existing_open_state_folder_and_what_is_in_it_are_tightened(tmp_path: Path) -> None:
    state = tmp_path / ".plainhealth"
    (state / "logs").mkdir(parents=True)
    state.chmod(0o755)
    (state / "logs").chmod(0o755)
    for name in ("tracker.db", "tracker.db-journal", "endpoints.yml"):
        (state / name).write_text("x")
        (state / name).chmod(0o644)
    (state / "logs" / "rasa.log").write_text("old")
    (state / "logs" / "rasa.log").chmod(0o644)
    ensure_private_dir(state)
    assert mode(state) == 0o700 and mode(state / "logs") == 0o700
    assert [mode(state / n) for n in ("tracker.db", "tracker.db-journal", "endpoints.yml")] == [0o600] * 3
    ensure_private_dir(state / "logs")
    assert mode(state / "logs" / "rasa.log") == 0o600


def test_tightening_only_takes_rights_away(tmp_path: Path) -> None:
    state = ensure_private_dir(tmp_path / "state")
    (state / "read-only.key").write_text("k")
    (state / "read-only.key").chmod(0o400)
    ensure_private_dir(state)
    assert mode(state / "read-only.key") == 0o400


def test_a_log_is_created_private_and_an_old_one_is_tightened(tmp_path: Path) -> None:
    log = tmp_path / "new.log"
    with append_private(log) as handle:
        handle.write(b"one\n")
    assert mode(log) == 0o600
    old = tmp_path / "old.log"
    old.write_bytes(b"before\n")
    old.chmod(0o644)
    with append_private(old) as handle:
        handle.write(b"after\n")
    assert mode(old) == 0o600 and old.read_bytes() == b"before\nafter\n"


def test_written_text_is_private_even_over_an_open_file(tmp_path: Path) -> None:
    target = tmp_path / "credentials.yml"
    target.write_text("old")
    target.chmod(0o644)
    write_private_text(target, "new: 1\n")
    assert mode(target) == 0o600 and target.read_text() == "new: 1\n"


def test_sqlite_files_made_after_a_private_database_are_private_too(tmp_path: Path) -> None:
    db = ensure_private_database(tmp_path / "tracker.db")
    assert mode(db) == 0o600 and db.stat().st_size == 0
    connection = sqlite3.connect(db)  # an empty file is a new database to SQLite
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    made = [p for p in tmp_path.iterdir() if p.name.startswith("tracker.db")]
    assert {p.name for p in made} >= {"tracker.db", "tracker.db-wal", "tracker.db-shm"}
    assert {p.name: mode(p) for p in made} == {p.name: 0o600 for p in made}
    connection.close()


def test_an_existing_database_and_its_journal_are_tightened(tmp_path: Path) -> None:
    for name in ("app.db", "app.db-wal", "app.db-shm"):
        (tmp_path / name).write_bytes(b"")
        (tmp_path / name).chmod(0o644)
    ensure_private_database(tmp_path / "app.db")
    assert [mode(tmp_path / n) for n in ("app.db", "app.db-wal", "app.db-shm")] == [0o600] * 3


def test_token_files_make_a_private_state_folder(tmp_path: Path) -> None:
    state = tmp_path / ".plainhealth"
    secret_file(state / "api.token")
    assert mode(state) == 0o700 and mode(state / "api.token") == 0o600


def test_server_logs_are_private(tmp_path: Path) -> None:
    log = tmp_path / "state" / "logs" / "actions.log"
    log.parent.mkdir(parents=True)
    log.write_text("from an earlier run\n")
    log.chmod(0o644)
    process = ManagedProcess("quiet", [sys.executable, "-c", "print('hello')"], "http://127.0.0.1:9/", log)
    process.start()
    assert process.process is not None and process.process.wait(timeout=30) == 0
    process.stop()
    assert mode(log) == 0o600 and log.read_text() == "from an earlier run\nhello\n"
