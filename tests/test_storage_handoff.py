import datetime as dt

import pytest

from bot.storage import handoff as store
from bot.storage import staff


def _open(db, patient="p1", reason="asked"):
    now = dt.datetime.now(dt.UTC)
    return store.open_ticket(db, patient, "sealed", "rest", reason, "Reading a lesson", False,
                             [(now, "patient", "hello"), (now, "bot", "Hi!")])


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
