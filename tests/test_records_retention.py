"""Retention (bot/records/retention.py), with a clock moved forward by passing ``now``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update
from test_records_tracker import fill_patient, insecure_by_default, other_processes, save_chat, state_files

from bot import privacy
from bot.records import audit
from bot.records.export import export
from bot.records.retention import purge, summary
from bot.records.tracker import TrackerEvents
from bot.settings import Settings, SettingsError
from bot.storage import handoff, visits
from bot.storage.db import Database
from bot.storage.models import QuestionItem

MARKER = "axolotl-OLD-8080"
NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def kept_30_days(settings: Settings) -> Settings:
    return settings.with_changes(retention_days=30)


def test_retention_days_is_a_setting_of_at_least_one_day(settings: Settings) -> None:
    assert settings.retention_days == 180
    assert Settings.from_env({"PLAINHEALTH_RETENTION_DAYS": "30"}).retention_days == 30
    with pytest.raises(SettingsError, match="PLAINHEALTH_RETENTION_DAYS"):
        Settings.from_env({"PLAINHEALTH_RETENTION_DAYS": "0"})


def test_everything_goes_when_it_is_old_except_open_tickets_and_coming_visits(kept_30_days: Settings) -> None:
    settings = kept_30_days
    db = Database(settings.database_url)
    insecure_by_default(db.engine)
    db.migrate()
    secret = privacy.load_or_create_secret(settings)
    tracker = settings.state_dir / "tracker.db"
    tracker.touch(mode=0o600)
    with other_processes(settings.state_dir / "plainhealth.db", tracker):
        patient = fill_patient(db, settings, secret, ["rest-aging"], MARKER, NOW)
        full = export(db, settings, secret, patient=patient)

        # 29 days on, nothing is old enough.
        assert not any(purge(db, settings, NOW + 29 * DAY).values())

        # 31 days on: all of it, but the open ticket (with its transcript) and the visit that is still to come.
        counts = purge(db, settings, NOW + 31 * DAY)
        left = export(db, settings, secret, patient=patient)
        assert counts["chat_events"] == len(full["chat_history"]) and left["chat_history"] == []
        for kind in (
            "lessons",
            "answers",
            "questions",
            "print_links",
            "telegram_chats",
            "conversation_state",
            "consent",
        ):
            assert counts[kind] == 1, kind
        assert counts["feedback"] == 2 and counts["tickets"] == 1 and counts["ticket_messages"] == 3
        assert [(t["status"], t["priority"]) for t in left["handoff_tickets"]] == [("waiting", "urgent")]
        assert [m["text"] for m in left["handoff_tickets"][0]["messages"]] == [f"chest pain {MARKER}"]
        assert len(left["visits"]) == 1 and len(left["visits"][0]["checklist_ticks"]) == 1
        assert len(left["reminders"]) == 1  # the reminder of that visit still waits
        assert [e.action for e in audit.access_log(db)] == ["open_transcript"]  # the log has its own policy

        # Past the visit's day too: the visit goes with its ticks and reminder. The open ticket still stays.
        counts = purge(db, settings, NOW + 40 * DAY)
        assert (counts["visits"], counts["checklist_ticks"], counts["reminders"], counts["tickets"]) == (1, 1, 1, 0)
        assert purge(db, settings, NOW + 400 * DAY)["tickets"] == 0

        # Closed, the ticket ages from its close like everything else, and leaves no copy in the files.
        ticket = handoff.open_ticket_for(db, patient)
        assert ticket is not None
        handoff.close(db, ticket.id, None, "patient cancelled")
        assert purge(db, settings, NOW + 20 * DAY)["tickets"] == 0
        assert purge(db, settings, NOW + 31 * DAY)["tickets"] == 1
        files = state_files(settings)
    assert all(MARKER.encode() not in content for content in files.values())
    assert Path(f"{settings.state_dir / 'plainhealth.db'}-wal").name in {p.name for p in files}
    db.dispose()


def test_each_row_ages_by_its_own_time(kept_30_days: Settings) -> None:
    settings = kept_30_days
    db = Database(settings.database_url)
    db.migrate()
    secret = privacy.load_or_create_secret(settings)
    patient = privacy.pseudonym("rest-long-time", secret)
    visits.add_question(db, patient, "an old question")
    with db.session() as session:
        session.execute(update(QuestionItem).values(created_at=NOW - 45 * DAY))
    visits.add_question(db, patient, "a new question")
    save_chat(settings, "rest-long-time", ["said long ago"], at=(NOW - 45 * DAY).timestamp())
    save_chat(settings, "rest-lately", ["said this week"], at=(NOW - 2 * DAY).timestamp())

    counts = purge(db, settings, NOW)

    assert counts["questions"] == 1 and visits.questions(db, patient) == ["a new question"]
    assert counts["chat_events"] == 7  # the whole old conversation, none of this week's
    with TrackerEvents(settings) as store:
        assert store.senders() == ["rest-lately"]
    with db.session() as session:
        assert list(session.scalars(select(QuestionItem.text))) == ["a new question"]
    assert summary(counts) == "Deleted questions: 1, chat events: 7."
    assert summary(dict.fromkeys(counts, 0)) == "Nothing was old enough to delete."
    db.dispose()
