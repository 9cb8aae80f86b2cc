"""bot/tracker_store.py against Rasa's own SQL tracker store on the same database: whatever it keeps in
memory, it must hand out exactly what Rasa would read from the table, whoever else writes to it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import SENDER_TIMESTAMP_INDEX, PlainhealthTrackerStore

DOMAIN = Domain.from_dict({"slots": {"topic": {"type": "any", "mappings": [{"type": "custom"}]}}})


def stores(tmp_path: Path) -> tuple[PlainhealthTrackerStore, PlainhealthTrackerStore, SQLTrackerStore]:
    """Two servers' stores and Rasa's own reader, on one database."""
    db = str(tmp_path / "tracker.db")
    ours = PlainhealthTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)
    other = PlainhealthTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)
    return ours, other, SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)


def said(tracker: DialogueStateTracker | None) -> list[tuple[str, str | None]]:
    assert tracker is not None
    return [(e.type_name, getattr(e, "text", None) or getattr(e, "action_name", None)) for e in tracker.events]


def turn(tracker: DialogueStateTracker, text: str, at: float) -> None:
    tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=at))
    tracker.update(BotUttered(f"you said {text}", timestamp=at + 0.1))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 0.2))


def new_conversation(sender: str, at: float) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ):
        tracker.update(event)
    return tracker


def test_what_it_hands_out_is_what_rasa_reads(tmp_path: Path) -> None:
    ours, _, rasa = stores(tmp_path)
    tracker = new_conversation("ann", 1000.0)
    turn(tracker, "hello", 1001.0)
    asyncio.run(ours.save(tracker))
    for n in range(3):  # load, add a turn, save: the memory path after the first load
        loaded = asyncio.run(ours.retrieve("ann"))
        assert loaded is not None and said(loaded) == said(asyncio.run(rasa.retrieve("ann")))
        turn(loaded, f"message {n}", 1002.0 + n)
        loaded.update(SlotSet("topic", f"t{n}", timestamp=1002.5 + n))
        asyncio.run(ours.save(loaded))
    final = asyncio.run(ours.retrieve("ann"))
    assert said(final) == said(asyncio.run(rasa.retrieve("ann")))
    assert final is not None and final.get_slot("topic") == "t2"
    with ours.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'ann'")).scalar()
    assert stored == len(final.events) == 3 + 3 * 4 + 3  # nothing saved twice


def test_another_server_writing_is_seen_at_once(tmp_path: Path) -> None:
    ours, other, rasa = stores(tmp_path)
    tracker = new_conversation("bob", 1000.0)
    asyncio.run(ours.save(tracker))
    mine = asyncio.run(ours.retrieve("bob"))
    assert mine is not None
    theirs = asyncio.run(other.retrieve("bob"))
    assert theirs is not None
    turn(theirs, "from the other server", 1001.0)
    asyncio.run(other.save(theirs))
    again = asyncio.run(ours.retrieve("bob"))
    assert ("user", "from the other server") in said(again)
    assert said(again) == said(asyncio.run(rasa.retrieve("bob")))
    turn(again, "back here", 1002.0)
    asyncio.run(ours.save(again))
    assert said(asyncio.run(other.retrieve("bob")))[-3:] == said(asyncio.run(rasa.retrieve("bob")))[-3:]
    assert said(asyncio.run(rasa.retrieve("bob")))[-3][1] == "back here"


def test_an_erased_conversation_is_not_handed_out_from_memory(tmp_path: Path) -> None:
    ours, _, _ = stores(tmp_path)
    tracker = new_conversation("cy", 1000.0)
    turn(tracker, "please forget me", 1001.0)
    asyncio.run(ours.save(tracker))
    assert asyncio.run(ours.retrieve("cy")) is not None
    with ours.engine.begin() as connection:  # as bot/records/tracker.py erases
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'cy'"))
    assert asyncio.run(ours.retrieve("cy")) is None


def test_a_new_session_is_cut_where_rasa_cuts_it(tmp_path: Path) -> None:
    ours, _, rasa = stores(tmp_path)
    tracker = new_conversation("dee", 1000.0)
    turn(tracker, "first session", 1001.0)
    asyncio.run(ours.save(tracker))
    loaded = asyncio.run(ours.retrieve("dee"))
    assert loaded is not None
    for event in (
        ActionExecuted("action_session_start", timestamp=5000.0),
        SessionStarted(timestamp=5000.0),
        ActionExecuted("action_listen", timestamp=5000.0),
    ):
        loaded.update(event)
    turn(loaded, "second session", 5001.0)
    asyncio.run(ours.save(loaded))
    mine = said(asyncio.run(ours.retrieve("dee")))
    assert mine == said(asyncio.run(rasa.retrieve("dee")))
    assert ("user", "first session") not in mine and ("user", "second session") in mine


def test_the_sender_and_timestamp_index_is_made(tmp_path: Path) -> None:
    ours, _, _ = stores(tmp_path)
    names = {index["name"] for index in sa.inspect(ours.engine).get_indexes("events")}
    assert SENDER_TIMESTAMP_INDEX in names
