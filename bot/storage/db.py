"""Engines and sessions. Nothing connects on import: callers create a ``Database`` from a URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.state_files import ensure_private_database, ensure_private_dir


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web app read while the action server writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            database = Path(parsed.database)
            # Patients' data: a folder we create is private, and so is the file (and SQLite's journals, which
            # take its mode). A folder that already exists is the operator's, left as it is.
            if not database.parent.exists():
                ensure_private_dir(database.parent)
            ensure_private_database(database)
        # A pool of open connections: SQLAlchemy 1.4 would open (and set up) a new one for every session. (An
        # in-memory database keeps SQLAlchemy's one connection: each new one would be a new, empty database.)
        pooled: dict[str, Any] = (
            {"poolclass": QueuePool, "pool_size": 4} if parsed.database not in (None, "", ":memory:") else {}
        )
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False}, **pooled)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


class Database:
    """One engine and its session factory; ``migrate()`` brings the schema up to date with Alembic."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        from bot.storage.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
