"""Rasa's conversation store (its SQL tracker store), read and erased from outside Rasa.

Rasa keeps every conversation as rows of one table, ``events`` (id, sender_id, type_name, timestamp as epoch
seconds, intent_name, action_name, data as the event's JSON), at ``PLAINHEALTH_TRACKER_STORE_URL``. The
patient's words are in ``data``. We reach it with our own engine rather than Rasa's ``SQLTrackerStore``:
that one would create the table (and the file) if missing, and loading Rasa to delete rows would cost
seconds. A SQLite store that does not exist yet is simply empty: nothing here creates it.

Rasa (another process) may be writing while we delete; SQLite serialises the two, and Rasa reads the
conversation from the table for every message, so it does not put deleted events back, except for a
message it is in the middle of handling (hence the short delay of the erasure queue, bot/records/erase.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, delete, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from bot.records.scrub import scrub, secure_delete_on_connect
from bot.settings import Settings

# Rasa 3.6's SQLTrackerStore.SQLEvent (rasa/core/tracker_store.py), column for column.
_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
CHUNK = 500  # conversation ids per IN (...): well under every database's limit on bound parameters


@dataclass(frozen=True)
class ChatEvent:
    """One event of a conversation, as a patient would want to read it (no Rasa internals)."""

    conversation: str
    type: str
    at: dt.datetime | None
    text: str | None
    intent: str | None
    action: str | None
    slot: str | None = None
    value: Any = None


def tracker_url(settings: Settings) -> str:
    """The store's URL; a relative SQLite path is Rasa's, which runs in the project folder."""
    url = make_url(settings.tracker_store_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            path = settings.project_dir / path
        return f"sqlite:///{path}"
    return settings.tracker_store_url


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _moment(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp is not None else None


class TrackerEvents:
    """Rasa's ``events`` table: list conversations, read, delete. Close with ``dispose`` (or ``with``)."""

    def __init__(self, settings: Settings) -> None:
        self.url = tracker_url(settings)
        parsed = make_url(self.url)
        self._missing_file = False
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            self._missing_file = database in ("", ":memory:") or not Path(database).exists()
        self.engine: Engine = create_engine(self.url, future=True, poolclass=NullPool)
        secure_delete_on_connect(self.engine)
        self._present: bool | None = None

    def __enter__(self) -> TrackerEvents:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def present(self) -> bool:
        """The store exists and Rasa has made its table (so far no conversation means nothing to do)."""
        if self._present is None:
            self._present = not self._missing_file and inspect(self.engine).has_table("events")
        return self._present

    def senders(self) -> list[str]:
        """Every conversation id in the store."""
        if not self.present:
            return []
        with self.engine.connect() as connection:
            return [str(s) for s in connection.scalars(select(EVENTS.c.sender_id).distinct())]

    def events(self, conversations: Iterable[str]) -> list[ChatEvent]:
        """The events of these conversations, in the order Rasa wrote them."""
        if not self.present:
            return []
        found: list[tuple[int, ChatEvent]] = []
        with self.engine.connect() as connection:
            for chunk in _chunks(conversations):
                rows = connection.execute(select(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
                for row in rows:
                    found.append((int(row.id), _event(row)))
        return [item for _, item in sorted(found, key=lambda pair: pair[0])]

    def erase(self, conversations: Iterable[str]) -> int:
        """Delete every event of these conversations; returns how many. Call ``scrub`` after."""
        if not self.present:
            return 0
        removed = 0
        with self.engine.begin() as connection:
            for chunk in _chunks(conversations):
                removed += int(connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))).rowcount or 0)
        return removed

    def erase_before(self, moment: dt.datetime) -> int:
        """Delete every event older than ``moment`` (retention); returns how many. Call ``scrub`` after."""
        if not self.present:
            return 0
        with self.engine.begin() as connection:
            result = connection.execute(delete(EVENTS).where(EVENTS.c.timestamp < moment.timestamp()))
            return int(result.rowcount or 0)

    def scrub(self) -> bool:
        """Rebuild the file so deleted events are gone from it (bot/records/scrub.py)."""
        return scrub(self.engine) if self.present else True


def _event(row: Any) -> ChatEvent:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    text = data.get("text")
    slot = data.get("name") if row.type_name == "slot" else None
    return ChatEvent(
        conversation=str(row.sender_id),
        type=str(row.type_name),
        at=_moment(row.timestamp),
        text=text if isinstance(text, str) else None,
        intent=row.intent_name,
        action=row.action_name if row.type_name == "action" else None,
        slot=str(slot) if slot is not None else None,
        value=data.get("value") if slot is not None else None,
    )
