"""Rasa's tracker store seen from bot/records/tracker.py, and the shared builders of the privacy tests.

The chats are written by Rasa's own ``SQLTrackerStore`` (configured exactly as `plainhealth run` configures
Rasa, through `bot.rasa_config.tracker_store_config`), so the tests read and erase the real table layout.
The builders fill every kind of row the app keeps through the real storage functions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot import privacy
from bot.channels.telegram_store import ChatBook
from bot.rasa_config import tracker_store_config
from bot.records import audit
from bot.records.consent import record_consent
from bot.records.tracker import TrackerEvents, tracker_url
from bot.settings import Settings
from bot.storage import conversation, feedback, handoff, learning, visits
from bot.storage.db import Database


def insecure_by_default(engine: Engine) -> Engine:
    """Make the engine's connections keep deleted bytes, as SQLite does unless built with SECURE_DELETE (Debian
    builds it so, python.org's and macOS's builds do not): the erasure must not rely on the platform."""

    def off(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=OFF")  # type: ignore[attr-defined]

    event.listen(engine, "connect", off)
    return engine


def save_chat(settings: Settings, sender: str, texts: list[str], at: float | None = None) -> None:
    """One conversation written by Rasa's SQL tracker store: a session start, then each text from the patient
    with the assistant's answer. ``at``: every event's timestamp (default: now)."""
    config = tracker_store_config(settings.tracker_store_url)
    config.pop("type")
    store = SQLTrackerStore(domain=Domain.empty(), **config)
    insecure_by_default(store.engine)
    events = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]
    for text in texts:
        events += [
            UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=at),
            SlotSet("topic", text, timestamp=at),
            BotUttered(f"You said: {text}", timestamp=at),
            ActionExecuted("action_listen", timestamp=at),
        ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


def fill_patient(
    db: Database, settings: Settings, secret: bytes, senders: list[str], marker: str, now: dt.datetime
) -> str:
    """Every kind of row the app keeps about a patient, each carrying ``marker`` where it holds text, and a
    chat in Rasa's store for every conversation id. Returns the pseudonym (of the first id)."""
    patient = privacy.pseudonym(senders[0], secret)
    learning.save_progress(db, patient, "asthma", section=1)
    learning.record_answer(db, patient, "asthma", 0, f"What helps? {marker}", f"my inhaler {marker}", True)
    visit = visits.save_appointment(db, patient, "blood_test", "blood-test", now.date() + dt.timedelta(days=3))
    visits.tick(db, visit.id, 0, f"Bring your card {marker}")
    visits.add_question(db, patient, f"Can I drive after? {marker}")
    visits.schedule_reminder(db, patient, visit.id, privacy.seal(senders[0], secret), now + dt.timedelta(days=2))
    visits.make_print_link(db, patient, 72, now)
    feedback.save_feedback(db, patient, f"too many long words {marker}", module_id="asthma", section="Triggers")
    feedback.save_feedback(db, patient, "", module_id="asthma", rating="clear")
    closed, _ = handoff.open_ticket(
        db,
        patient,
        privacy.seal(senders[-1], secret),
        "rest",
        "asked",
        f"reading about asthma {marker}",
        True,
        [(now, "patient", f"help me {marker}")],
    )
    handoff.set_contact(db, closed.id, privacy.seal(f"call 555 0199 {marker}", secret))
    handoff.add_line(db, closed.id, "staff", f"Hello from Sam {marker}", name="Sam")
    handoff.close(db, closed.id, None, f"sorted {marker}")
    waiting, _ = handoff.open_ticket(
        db,
        patient,
        privacy.seal(senders[0], secret),
        "rest",
        "emergency",
        "",
        False,
        [(now, "patient", f"chest pain {marker}")],
    )
    asyncio.run(ChatBook(db, secret).remember(senders[0], 987654321))
    conversation.remember_asked(db, patient, "reminder_offer", "1700000000.5")
    record_consent(db, patient, "2026-12", "telegram", now)
    audit.record_access(db, "99", audit.OPEN_TRANSCRIPT, patient, now)  # a staff account since removed
    for sender in senders:
        save_chat(settings, sender, [f"my own words {marker}", "hello"])
    return patient


@contextmanager
def other_processes(*databases: Path) -> Iterator[None]:
    """Idle connections to the files, as the action server, the web app and Rasa keep: while they are open,
    SQLite does not fold the write-ahead log back in when our own connection closes."""
    held = [sqlite3.connect(path) for path in databases]
    for connection in held:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    try:
        yield
    finally:
        for connection in held:
            connection.close()


def state_files(settings: Settings) -> dict[Path, bytes]:
    """Every file in the state folder (databases, their -wal, -shm and -journal files, keys), as bytes."""
    return {path: path.read_bytes() for path in settings.state_dir.rglob("*") if path.is_file()}


def test_the_store_lists_reads_and_erases_rasas_own_rows(settings: Settings) -> None:
    Database(settings.database_url).dispose()  # makes the state folder, as the servers do
    save_chat(settings, "rest-ann", ["I have a cough"], at=1_700_000_000.0)
    save_chat(settings, "rest-bob", ["what is asthma"])
    with TrackerEvents(settings) as store:
        assert store.present and sorted(store.senders()) == ["rest-ann", "rest-bob"]
        events = store.events(["rest-ann"])
        said = [(e.type, e.text, e.intent) for e in events if e.type in ("user", "bot")]
        assert said == [("user", "I have a cough", "greet"), ("bot", "You said: I have a cough", None)]
        assert events[0].at == dt.datetime.fromtimestamp(1_700_000_000.0, dt.UTC)
        assert {(e.slot, e.value) for e in events if e.type == "slot"} == {("topic", "I have a cough")}
        assert store.erase(["rest-ann"]) == len(events)
        assert store.senders() == ["rest-bob"] and store.scrub()
    # Rasa still reads the other conversation.
    config = tracker_store_config(settings.tracker_store_url)
    config.pop("type")
    rasa = SQLTrackerStore(domain=Domain.empty(), **config)
    kept = asyncio.run(rasa.retrieve("rest-bob"))
    rasa.engine.dispose()
    assert kept is not None and kept.latest_message.text == "what is asthma"


def test_a_store_that_does_not_exist_yet_is_empty_and_is_not_created(settings: Settings) -> None:
    path = Path(tracker_url(settings).removeprefix("sqlite:///"))
    with TrackerEvents(settings) as store:
        assert not store.present and store.senders() == [] and store.erase(["x"]) == 0
        assert store.erase_before(dt.datetime.now(dt.UTC)) == 0 and store.scrub()
    assert not path.exists()


def test_a_relative_sqlite_path_is_rasas_from_the_project_folder(settings: Settings) -> None:
    moved = settings.with_changes(tracker_store_url="sqlite:///state/tracker.db")
    assert tracker_url(moved) == f"sqlite:///{settings.project_dir / 'state' / 'tracker.db'}"
    assert tracker_url(settings) == settings.tracker_store_url
