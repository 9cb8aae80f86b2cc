"""Make a database file forget what was deleted from it.

A DELETE in SQLite only marks space as free: the old bytes stay in the file until something overwrites them,
and in WAL mode older copies of pages also sit in the ``-wal`` file until a checkpoint. Rows written earlier
by connections without ``secure_delete`` (an edited question list, a ticket whose conversation id was blanked)
can also have left old copies in the free space of pages we never touch. So after deleting a patient we
rebuild the whole file with VACUUM (every page written afresh, the file cut to its new size) and then
checkpoint the write-ahead log with TRUNCATE, which copies it into the main file and empties it.

Other databases (PostgreSQL) keep dead rows until their own VACUUM reuses the space; that is the clinic's
to manage (docs/privacy.md), and these functions leave them alone.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

CHECKPOINT_TRIES = 50  # 0.1 s apart: a reader in another process usually lets go within milliseconds


def is_sqlite_file(engine: Engine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"


def affected(session: Session, statement: Any) -> int:
    """Run a DELETE or UPDATE and say how many rows it touched (0 when the driver cannot tell)."""
    return int(session.execute(statement).rowcount or 0)


def secure_delete(target: Session | Connection) -> None:
    """Turn on SQLite's secure_delete for the connection that is about to delete (no-op elsewhere), so
    deleted cells and freed pages are overwritten with zeros straight away."""
    connection = target.connection() if isinstance(target, Session) else target
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete=ON")


def secure_delete_on_connect(engine: Engine) -> None:
    """For engines of our own (the tracker store): every connection deletes securely and waits for locks."""

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", pragmas)


def scrub(engine: Engine) -> bool:
    """Rebuild a SQLite file and empty its write-ahead log, so deleted rows are gone from the files.

    Returns False when the log could not be emptied (another process kept reading the whole time) or the
    rebuild failed; the rows are deleted either way, only old bytes may remain until the next scrub.
    Other databases: nothing to do here, True.
    """
    if not is_sqlite_file(engine):
        return True
    try:
        with engine.connect() as raw:
            connection = raw.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
            connection.exec_driver_sql("VACUUM")
            for _ in range(CHECKPOINT_TRIES):
                # (busy, frames in the log, frames copied); outside WAL mode this is (0, -1, -1).
                row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
                if row is None or int(row[0]) == 0:
                    return True
                time.sleep(0.1)
    except Exception as exc:  # a locked file must not undo the deletion that already happened
        logger.warning("Could not rebuild a database file after deleting patient data: %s", type(exc).__name__)
        return False
    logger.warning("A database's write-ahead log stayed in use; deleted data may remain in it until the next scrub")
    return False
