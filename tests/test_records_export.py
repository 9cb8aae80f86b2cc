"""Export for access requests (bot/records/export.py): all of one patient, nobody else's, no secrets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from test_records_tracker import fill_patient

from bot import privacy
from bot.credentials import api_token
from bot.records import audit
from bot.records.export import export
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.models import HandoffTicket, PrintLink, Reminder, TelegramChat

MARKER = "okapi-EXPORT-5150"
OTHER = "narwhal-OTHER-6262"
NOW = dt.datetime.now(dt.UTC)


def test_the_export_holds_everything_about_the_patient_and_nothing_else(settings: Settings, db: Database) -> None:
    settings = settings.with_changes(database_url=db.url)
    secret = privacy.load_or_create_secret(settings)
    sender = "rest-export-me"
    patient = fill_patient(db, settings, secret, [sender], MARKER, NOW)
    other = fill_patient(db, settings, secret, ["rest-someone-else"], OTHER, NOW)

    data = export(db, settings, secret, sender=sender, now=NOW)
    text = json.dumps(data)  # JSON as it is, no custom encoder

    assert data["format"] == "plainhealth-export/1" and data["patient"] == patient
    assert data["conversation_ids"] == [sender] and data["exported_at"] == NOW.isoformat()
    assert [(x["module"], x["section"]) for x in data["lessons"]] == [("asthma", 1)]
    (answer,) = data["lesson_check_answers"]
    assert (answer["question"], answer["chosen"], answer["correct"]) == (
        f"What helps? {MARKER}",
        f"my inhaler {MARKER}",
        True,
    )
    (visit,) = data["visits"]
    assert visit["kind"] == "blood_test" and visit["day"] == (NOW.date() + dt.timedelta(days=3)).isoformat()
    assert [(t["text"], t["done"]) for t in visit["checklist_ticks"]] == [(f"Bring your card {MARKER}", True)]
    assert [q["text"] for q in data["questions"]] == [f"Can I drive after? {MARKER}"]
    assert [(r["visit"], r["status"]) for r in data["reminders"]] == [(visit["id"], "scheduled")]
    assert len(data["print_links"]) == 1 and set(data["print_links"][0]) == {"created_at", "expires_at"}
    assert {(f["text"], f["rating"]) for f in data["feedback"]} == {
        (f"too many long words {MARKER}", None),
        ("", "clear"),
    }
    closed, waiting = data["handoff_tickets"]
    assert closed["call_back"] == f"call 555 0199 {MARKER}" and closed["was_doing"] == f"reading about asthma {MARKER}"
    assert [(m["from"], m["text"]) for m in closed["messages"]] == [
        ("you", f"help me {MARKER}"),
        ("Sam", f"Hello from Sam {MARKER}"),
        ("note", f"Closed: sorted {MARKER}"),
    ]
    assert (waiting["status"], waiting["priority"]) == ("waiting", "urgent")
    assert data["telegram_chats"] == [
        {
            "conversation": sender,
            "chat_id": "987654321",
            "blocked": False,
            "updated_at": data["telegram_chats"][0]["updated_at"],
        }
    ]
    assert data["last_question_asked"]["awaiting"] == "reminder_offer"
    assert [(c["note_version"], c["channel"]) for c in data["privacy_note_accepted"]] == [("2026-12", "telegram")]
    assert [a["action"] for a in data["access_log"]] == ["opened the transcript"]
    said = [(e["type"], e["text"], e["intent"]) for e in data["chat_history"] if e["type"] in ("user", "bot")]
    assert said[0] == ("user", f"my own words {MARKER}", "greet")
    assert ("bot", f"You said: my own words {MARKER}", None) in said
    assert all(e["conversation"] == sender and e["at"] for e in data["chat_history"])

    # Nobody else's data, and none of the server's secrets or sealed values.
    assert OTHER not in text and other not in text and "rest-someone-else" not in text
    with db.session() as session:
        sealed = [
            *session.scalars(select(HandoffTicket.contact).where(HandoffTicket.contact.is_not(None))),
            *session.scalars(select(HandoffTicket.conversation).where(HandoffTicket.conversation != "")),
            *session.scalars(select(Reminder.conversation)),
            *session.scalars(select(TelegramChat.chat)),
            *session.scalars(select(PrintLink.token_hash)),
        ]
    assert sealed and not any(value in text for value in sealed)
    assert secret.decode() not in text and api_token(settings) not in text
    assert (settings.state_dir / "secret.key").read_text().strip() not in text


def test_by_pseudonym_is_the_same_export_and_an_audited_one_lists_itself(settings: Settings, db: Database) -> None:
    settings = settings.with_changes(database_url=db.url)
    secret = privacy.load_or_create_secret(settings)
    patient = fill_patient(db, settings, secret, ["rest-twice"], MARKER, NOW)
    by_sender = export(db, settings, secret, sender="rest-twice", now=NOW)
    by_pseudonym = export(db, settings, secret, patient=patient, now=NOW)
    assert by_sender == by_pseudonym
    audited = export(db, settings, secret, patient=patient, now=NOW, by=audit.CLI)
    assert [a["action"] for a in audited["access_log"]] == ["opened the transcript", "exported the data"]
    assert audited["access_log"][-1]["by"] == "the clinic's command line"
    assert [(e.who, e.action, e.patient) for e in audit.access_log(db)][0] == ("cli", "export", patient)


def test_a_patient_with_nothing_stored_gets_an_empty_export(settings: Settings, db: Database) -> None:
    settings = settings.with_changes(database_url=db.url)
    secret = privacy.load_or_create_secret(settings)
    data = export(db, settings, secret, sender="rest-new", now=NOW)
    assert data["patient"] == privacy.pseudonym("rest-new", secret) and data["conversation_ids"] == ["rest-new"]
    assert data["chat_history"] == [] and data["visits"] == [] and data["last_question_asked"] is None
    assert not Path(settings.tracker_store_url.removeprefix("sqlite:///")).exists()  # reading made no store
