"""Rasa's SQL tracker store, made fit for several Rasa servers and cheaper per message.

Loaded by Rasa from endpoints.yml (``type: bot.tracker_store.PlainhealthTrackerStore``, written by
bot/rasa_config.py), in the Rasa server's process. What it changes, each measured or found in a fault test:

- **No count per save, no reload per message.** Rasa's ``save`` counted the conversation's stored events (a
  query with a subquery) to know which events are new, and every message read and decoded the whole session
  again. A conversation is handled by one server at a time (the lock store), so what this process loaded
  and saved is what the database holds, as long as the sender's newest row id is the one it wrote: one
  small query checks that, and the tracker is rebuilt from the decoded events kept in memory. Any other
  writer (a second Rasa server, an erasure) changes that id, and the session is read from the database.
- **An index on sender and timestamp**, made on start: every load looks for the latest session start.
- **Connections checked before use** (PostgreSQL): after a database restart a pooled connection is dead; the
  pool now replaces it instead of failing the next patient's message.
- **SQLite in WAL mode** with normal syncing, through a pool of open connections: a commit no longer waits
  for two flushes, and a message no longer opens and closes the file three times.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

SENDER_TIMESTAMP_INDEX = "events_sender_id_timestamp"
# Conversations kept decoded in memory (most recent last): bounded, so memory stays flat. A conversation that
# fell out is read from the database, as before.
MAX_REMEMBERED = 2_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@dataclass(frozen=True)
class Known:
    """A conversation as this process last read or wrote it."""

    newest_id: int  # the sender's highest event row id then: any other writer makes it higher (or gone)
    events: tuple[Event, ...]  # the latest session's events, as the database returns them
    tracker_id: int  # the tracker object handed out (so its save knows what is new)
    length: int  # how many events that tracker had when it was handed out or saved


class PlainhealthTrackerStore(SQLTrackerStore):
    """Rasa's ``SQLTrackerStore`` with the changes above; same tables, so either can read the other's data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = engine.url
        engine.dispose()
        if url.get_backend_name() == "sqlite":
            # A pool (SQLAlchemy 1.4 opens a new SQLite connection for every session, with its pragmas).
            self.engine = sa.create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=sa.pool.QueuePool, pool_size=4
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._known: OrderedDict[str, Known] = OrderedDict()
        events = self.SQLEvent.__table__
        self._newest_id = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender_id"))
        self.ensure_index()

    def ensure_index(self) -> None:
        """Several servers may start at once: the index is made by whichever gets there first."""
        statement = sa.text(f"CREATE INDEX IF NOT EXISTS {SENDER_TIMESTAMP_INDEX} ON events (sender_id, timestamp)")
        try:
            with self.engine.begin() as connection:
                connection.execute(statement)
        except sa.exc.SQLAlchemyError as error:
            reason = type(error).__name__
            logger.warning("The tracker index was not made (%s): another server may be making it.", reason)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session, from this process's copy when no server has written to it since (one small
        query on the sender's index), else from the database as Rasa reads it."""
        with self.engine.connect() as connection:
            newest = connection.execute(self._newest_id, {"sender_id": sender_id}).scalar()
        known = self._known.get(sender_id)
        if newest is not None and known is not None and known.newest_id == newest:
            tracker = DialogueStateTracker.from_events(sender_id, list(known.events), self.domain.slots)
            self._keep(sender_id, known.newest_id, list(known.events), tracker)
            return tracker
        rows, events = self._load(sender_id)
        if not events:
            self._known.pop(sender_id, None)
            return None
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        self._keep(sender_id, rows[-1], events, tracker)
        return tracker

    def _load(self, sender_id: str) -> tuple[list[int], list[Event]]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            found = query.with_entities(self.SQLEvent.id, self.SQLEvent.data).all()
        return [row.id for row in found], deserialise_events([json.loads(row.data) for row in found])

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (the same rows), without counting what is stored when this process loaded it."""
        await self.stream_events(tracker)
        known = self._known.get(tracker.sender_id)
        mine = known is not None and known.tracker_id == id(tracker)
        if mine:
            assert known is not None
            new = list(tracker.events)[known.length :]
        else:
            with self.session_scope() as session:
                new = list(self._additional_events(session, tracker))
        newest = known.newest_id if mine and known is not None else None
        if new:
            # One statement for the new rows (the ORM inserted them one by one), and their newest id read in
            # the same transaction: this server holds the conversation's lock, so it is the last one written.
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), [self._row(tracker.sender_id, e) for e in new])
                newest = connection.execute(self._newest_id, {"sender_id": tracker.sender_id}).scalar()
        if not mine or known is None or newest is None:
            self._known.pop(tracker.sender_id, None)  # read from the database next time
            return
        self._keep(tracker.sender_id, newest, [*known.events, *new], tracker)

    def _row(self, sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _keep(self, sender_id: str, newest_id: int, events: list[Event], tracker: DialogueStateTracker) -> None:
        """What the database now returns for this sender's latest session: the same filter as Rasa's query
        (events from the newest session start's timestamp on), applied to the events in the order stored."""
        starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
        if starts:
            latest = max(starts)
            events = [e for e in events if e.timestamp >= latest]
        self._known.pop(sender_id, None)
        self._known[sender_id] = Known(newest_id, tuple(events), id(tracker), len(tracker.events))
        while len(self._known) > MAX_REMEMBERED:
            self._known.popitem(last=False)
