import datetime as dt

import pytest

from bot.storage import handoff as store
from bot.storage import staff


def _open(db, patient="p1", reason="asked"):
    now = dt.datetime.now(dt.UTC)
    return store.open_ticket(
        db,
        patient,
        "sealed",
        "rest",
        reason,
        "Reading a lesson",
        False,
        [(now, "patient", "hello"), (now, "bot", "Hi!")],
    )


def test_a_ticket_keeps_the_chat_so_far_and_is_reused_while_open(db) -> None:
    ticket, created = _open(db)
    assert created and ticket.status == "waiting" and ticket.priority == "normal"
    assert [(line.sender, line.text) for line in store.lines(db, ticket.id)] == [("patient", "hello"), ("bot", "Hi!")]
    again, created = _open(db, reason="crisis")
    assert not created and again.id == ticket.id
    assert again.priority == "urgent" and again.reason == "crisis"  # raised, never lowered
    assert store.lines(db, ticket.id)[-1].sender == "system"
    assert store.open_ticket_for(db, "p1") == store.get_ticket(db, ticket.id)


def test_the_queue_puts_urgent_first_then_the_longest_waiting(db) -> None:
    first, _ = _open(db, "a")
    second, _ = _open(db, "b")
    urgent, _ = _open(db, "c", "emergency")
    assert [t.id for t in store.tickets(db)] == [urgent.id, first.id, second.id]


def test_claim_release_close_and_who_may_do_what(db) -> None:
    sam = staff.create_staff(db, "sam", "Sam", "staff", "correct horse battery")
    kim = staff.create_staff(db, "kim", "Kim", "staff", "correct horse battery")
    ticket, _ = _open(db)
    claimed = store.claim(db, ticket.id, sam.id)
    assert claimed.status == "claimed" and claimed.claimed_by_name == "Sam"
    with pytest.raises(store.TicketConflict, match="Someone else"):
        store.claim(db, ticket.id, kim.id)
    with pytest.raises(store.TicketConflict):
        store.release(db, ticket.id, kim.id)
    assert store.release(db, ticket.id, sam.id).status == "waiting"
    store.claim(db, ticket.id, kim.id)
    with pytest.raises(store.TicketConflict, match="Claim"):
        store.close(db, ticket.id, sam.id, "done")
    closed = store.close(db, ticket.id, kim.id, "Answered the billing question.")
    assert closed.status == "closed" and closed.conversation == "" and closed.close_note
    assert store.open_ticket_for(db, "p1") is None
    with pytest.raises(store.TicketConflict):
        store.close(db, ticket.id, kim.id, "again")


def test_staff_lines_are_delivered_once(db) -> None:
    ticket, _ = _open(db)
    store.add_line(db, ticket.id, "staff", "Hello", name="Sam", delivered=False)
    assert [t.id for t in store.waiting_delivery(db, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))] == [ticket.id]
    assert [line.text for line in store.take_undelivered(db, ticket.id)] == ["Hello"]
    assert store.take_undelivered(db, ticket.id) == []
    assert store.waiting_delivery(db, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == []


def test_the_change_marker_moves_with_every_line(db) -> None:
    ticket, _ = _open(db)
    before = store.change_marker(db)
    store.add_line(db, ticket.id, "patient", "are you there?")
    assert store.change_marker(db) != before
    with pytest.raises(ValueError):
        store.add_line(db, ticket.id, "robot", "x")


def test_staff_mark_the_safety_call_and_a_second_mark_replaces_the_first(db) -> None:
    sam = staff.create_staff(db, "sam", "Sam", "staff", "correct horse battery")
    urgent, _ = _open(db, "a", "emergency")
    assert urgent.safety_review is None and store.safety_reviews(db) == []
    marked = store.mark_safety_review(db, urgent.id, "not_emergency", sam)
    assert (marked.safety_review, marked.safety_review_by) == ("not_emergency", "sam")
    assert marked.safety_review_at is not None
    again = store.mark_safety_review(db, urgent.id, "missed_emergency", "kim")
    assert (again.safety_review, again.safety_review_by) == ("missed_emergency", "kim")
    assert store.get_ticket(db, urgent.id).safety_review == "missed_emergency"
    assert [(r.ticket_id, r.verdict) for r in store.safety_reviews(db)] == [(urgent.id, "missed_emergency")]


def test_not_an_emergency_is_only_for_urgent_tickets_and_verdicts_are_checked(db) -> None:
    normal, _ = _open(db, "a", "asked")
    with pytest.raises(ValueError, match="urgent"):
        store.mark_safety_review(db, normal.id, "not_emergency", "sam")
    with pytest.raises(ValueError, match="verdict"):
        store.mark_safety_review(db, normal.id, "fine", "sam")
    with pytest.raises(LookupError):
        store.mark_safety_review(db, normal.id + 100, "missed_emergency", "sam")
    assert store.get_ticket(db, normal.id).safety_review is None
    assert store.mark_safety_review(db, normal.id, "missed_emergency", "sam").safety_review == "missed_emergency"


def test_safety_reviews_list_the_latest_first_with_only_the_patients_words(db) -> None:
    first, _ = _open(db, "a", "medical_advice")
    store.add_line(db, first.id, "patient", "my chest hurts and my arm is numb")
    store.add_line(db, first.id, "staff", "Please call 911 now.", name="Sam")
    second, _ = _open(db, "b", "crisis")
    unmarked, _ = _open(db, "c", "asked")
    store.mark_safety_review(db, first.id, "missed_emergency", "sam")
    store.mark_safety_review(db, second.id, "not_emergency", "kim")
    reviews = store.safety_reviews(db)
    assert [r.ticket_id for r in reviews] == [second.id, first.id]
    assert unmarked.id not in {r.ticket_id for r in reviews}
    latest, older = reviews
    assert (latest.verdict, latest.priority, latest.reason, latest.marked_by) == (
        "not_emergency",
        "urgent",
        "crisis",
        "kim",
    )
    assert older.patient_messages == ("hello", "my chest hurts and my arm is numb")
    assert older.reason_text == "Medical question" and older.verdict_text == "Missed emergency"
    assert older.opened_at <= older.marked_at <= latest.marked_at


def test_the_safety_review_migration_keeps_existing_tickets_and_goes_back(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from bot.storage.db import Database
    from bot.storage.migrate import alembic_config, upgrade

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(db.engine, "0004")
    assert "safety_review" not in {c["name"] for c in inspect(db.engine).get_columns("handoff_ticket")}
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO handoff_ticket (patient, conversation, channel, reason, priority, status, activity, "
            "out_of_hours, created_at, updated_at) VALUES ('p', '', 'rest', 'emergency', 'urgent', 'closed', '', 0, "
            "'2026-11-23 10:00:00', '2026-11-23 10:00:00')"
        )
    db.migrate()
    (old,) = store.tickets(db, "closed")
    assert old.safety_review is None
    assert store.mark_safety_review(db, old.id, "not_emergency", "sam").safety_review == "not_emergency"
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "safety_review" not in {c["name"] for c in inspect(db.engine).get_columns("handoff_ticket")}
    db.dispose()
