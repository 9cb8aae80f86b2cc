"""Forgetting a patient (bot/records/erase.py): every row, every chat, and no copy left in the files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_records_tracker import fill_patient, insecure_by_default, other_processes, save_chat, state_files

from bot import privacy
from bot.channels.telegram_store import conversation_id
from bot.records import audit
from bot.records.erase import DELETED_NOTE, KINDS, forget, request_erasure, run_erasures
from bot.records.export import export
from bot.records.tracker import TrackerEvents
from bot.settings import Settings
from bot.storage import handoff
from bot.storage.db import Database
from bot.storage.models import ErasureRequest, Feedback, HandoffMessage, HandoffTicket

MARKER = "quokka-MARKER-7731"
OTHER = "wombat-OTHER-4242"
NOW = dt.datetime.now(dt.UTC)
real_pseudonym: Callable[[str, bytes], str] = privacy.pseudonym


def one_device(conversation: str, secret: bytes) -> str:
    """A pseudonym that treats "<id>~<device>" as the same patient as "<id>": today's `pseudonym` never maps
    two conversation ids to one patient, but the erasure must find every id that does (bot/records/identity.py)."""
    return real_pseudonym(conversation.split("~")[0], secret)


@pytest.fixture
def app_db(settings: Settings):  # type: ignore[no-untyped-def]
    """The app database, its connections keeping deleted bytes unless told otherwise (`insecure_by_default`),
    and the tracker store file made empty, as `plainhealth run` makes it before Rasa starts."""
    db = Database(settings.database_url)
    insecure_by_default(db.engine)
    db.migrate()
    tracker_file(settings).touch(mode=0o600)
    yield db
    db.dispose()


def tracker_file(settings: Settings) -> Path:
    return settings.state_dir / "tracker.db"


def app_file(settings: Settings) -> Path:
    return settings.state_dir / "plainhealth.db"


@pytest.mark.parametrize("ids", [1, 2])
def test_forgetting_leaves_no_trace_in_any_database_file(
    settings: Settings, app_db: Database, ids: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "pseudonym", one_device)
    secret = privacy.load_or_create_secret(settings)
    tg = conversation_id(1234567, secret)
    senders = [tg, f"{tg}~phone"][:ids]
    with other_processes(app_file(settings), tracker_file(settings)):
        patient = fill_patient(app_db, settings, secret, senders, MARKER, NOW)
        other = fill_patient(app_db, settings, secret, ["rest-other-patient"], OTHER, NOW)
        before = export(app_db, settings, secret, patient=other)
        mine = export(app_db, settings, secret, patient=patient)
        # Everything really is there first, in the files too (otherwise the test proves nothing).
        raw = b"".join(state_files(settings).values())
        assert MARKER.encode() in raw and patient.encode() in raw and tg.encode() in raw
        assert Path(f"{app_file(settings)}-wal").stat().st_size > 0

        erased = forget(app_db, settings, secret, sender=senders[-1], now=NOW)
        files = state_files(settings)

    assert erased.scrubbed and erased.conversations == ids
    assert erased.reminders == (f"appointment_{mine['visits'][0]['id']}",)
    counts = erased.counts
    assert set(counts) == set(KINDS)
    assert counts["chat_events"] == len(mine["chat_history"]) == 11 * ids
    for kind in (
        "lessons",
        "answers",
        "visits",
        "checklist_ticks",
        "questions",
        "reminders",
        "print_links",
        "feedback",
        "ratings_unlinked",
        "telegram_chats",
        "conversation_state",
        "consent",
    ):
        assert counts[kind] == 1, kind
    assert counts["tickets"] == 2
    assert counts["ticket_messages"] == sum(len(t["messages"]) for t in mine["handoff_tickets"]) == 4
    assert "2 conversations with the clinic team" in erased.summary()

    assert f"{app_file(settings).name}-wal" in {path.name for path in files}  # checked while still open
    for path, content in files.items():
        for needle in (MARKER, patient, *senders):
            assert needle.encode() not in content, f"{needle} is still in {path.name}"
    assert OTHER.encode() in b"".join(files.values())

    # The other patient is untouched, and nothing is left under the patient's pseudonym.
    after = export(app_db, settings, secret, patient=other)
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in before.items() if k != "exported_at"
    }
    gone = export(app_db, settings, secret, patient=patient)
    assert gone["conversation_ids"] == [] and gone["chat_history"] == []
    assert all(not gone[k] for k in gone if k not in ("format", "exported_at", "patient", "conversation_ids"))


def test_tickets_stay_as_closed_stubs_with_nothing_of_the_patient(settings: Settings, app_db: Database) -> None:
    secret = privacy.load_or_create_secret(settings)
    patient = fill_patient(app_db, settings, secret, ["rest-stub"], MARKER, NOW)
    erased = forget(app_db, settings, secret, patient=patient, now=NOW, tracker=False)
    # What a reply says was deleted does not list the rating that was kept.
    assert erased.counts["ratings_unlinked"] == 1 and not any("clear" in line for line in erased.lines())
    assert erased.lines()[:2] == ["1 lesson you started", "1 answer to a lesson check"]
    with app_db.session() as session:
        stubs = list(session.scalars(select(HandoffTicket).order_by(HandoffTicket.id)))
        assert session.scalar(select(func.count()).select_from(HandoffMessage)) == 0
        ratings = list(session.scalars(select(Feedback)))
    assert [(t.reason, t.priority, t.status, t.close_note) for t in stubs] == [
        ("asked", "normal", "closed", DELETED_NOTE),
        ("emergency", "urgent", "closed", DELETED_NOTE),
    ]
    for stub in stubs:
        assert stub.patient.startswith("deleted-") and stub.patient != patient
        assert (stub.conversation, stub.contact, stub.activity, stub.channel) == ("", None, "", "")
        assert stub.created_at is not None and stub.closed_at is not None
    assert len({t.patient for t in stubs}) == 2  # random, so two stubs are not tied to each other either
    assert handoff.open_ticket_for(app_db, patient) is None
    # A "was this clear?" tap stays for the educators, tied to nobody; typed words are gone.
    assert [(r.patient, r.rating, r.text) for r in ratings] == [("", "clear", "")]
    # tracker=False (the chat path) left the chat for the erasure queue.
    with TrackerEvents(settings) as store:
        assert store.senders() == ["rest-stub"]


def test_the_access_log_keeps_what_happened_but_not_the_pseudonym(settings: Settings, app_db: Database) -> None:
    secret = privacy.load_or_create_secret(settings)
    patient = fill_patient(app_db, settings, secret, ["rest-logged"], MARKER, NOW)
    forget(app_db, settings, secret, patient=patient, now=NOW, by="7")
    code = audit.erased_reference(patient, secret)
    assert [(e.who, e.action, e.patient) for e in audit.access_log(app_db)] == [
        ("7", "forget", code),
        ("99", "open_transcript", code),
    ]
    assert code != patient and patient not in code


def test_forgetting_needs_an_id_and_refuses_ids_that_do_not_match(settings: Settings, app_db: Database) -> None:
    secret = privacy.load_or_create_secret(settings)
    with pytest.raises(ValueError):
        forget(app_db, settings, secret, now=NOW)
    with pytest.raises(ValueError):
        forget(app_db, settings, secret, patient=privacy.pseudonym("rest-a", secret), sender="rest-b", now=NOW)
    nothing = forget(app_db, settings, secret, sender="rest-nobody", now=NOW)
    assert nothing.total == 0 and nothing.summary() == "There was nothing stored to delete."


def test_the_chat_is_erased_only_once_the_request_is_a_few_seconds_old(settings: Settings, app_db: Database) -> None:
    secret = privacy.load_or_create_secret(settings)
    save_chat(settings, "rest-leaving", [f"delete my data {MARKER}"])
    save_chat(settings, "rest-staying", [OTHER])
    request_erasure(app_db, secret, "rest-leaving", NOW)
    with app_db.session() as session:
        (sealed,) = session.scalars(select(ErasureRequest.conversation))
    assert "rest-leaving" not in sealed and privacy.unseal(sealed, secret) == "rest-leaving"

    # Rasa is still writing the last events of the turn: too early.
    assert run_erasures(app_db, settings, secret, NOW + dt.timedelta(seconds=4), delay_seconds=5) == 0
    save_chat(settings, "rest-leaving", ["(the action's own reply, written after it returned)"])
    with TrackerEvents(settings) as store:
        assert "rest-leaving" in store.senders()

    assert run_erasures(app_db, settings, secret, NOW + dt.timedelta(seconds=5), delay_seconds=5) == 1
    with TrackerEvents(settings) as store:
        assert store.senders() == ["rest-staying"]
    with app_db.session() as session:
        assert session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
    raw = b"".join(state_files(settings).values())
    assert MARKER.encode() not in raw and b"rest-leaving" not in raw and OTHER.encode() in raw
    assert run_erasures(app_db, settings, secret, NOW + dt.timedelta(minutes=1)) == 0
