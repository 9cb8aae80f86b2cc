"""Privacy through the real servers: the note on first contact, and "delete my data" leaving no trace of the
patient in any database file (app database and Rasa's tracker store)."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.privacy import load_or_create_secret, pseudonym

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def database_files(state) -> list:
    return [p for p in state.rglob("*") if p.is_file() and (".db" in p.name or p.suffix in (".sqlite", ".wal"))]


def stored(settings) -> dict[str, bytes]:
    """Everything the stores hold: the SQLite files' bytes, or on the production profile (PostgreSQL) every
    row of every table of both databases as text (deleted rows' bytes in PostgreSQL's own files are
    overwritten when it reuses the space: docs/privacy.md)."""
    if settings.database_url.startswith("sqlite"):
        return {p.name: p.read_bytes() for p in database_files(settings.state_dir)}
    from sqlalchemy import create_engine, inspect, text

    found: dict[str, bytes] = {}
    for url in (settings.database_url, settings.tracker_store_url):
        engine = create_engine(url)
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                rows = connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
                found[f"{engine.url.database}.{table}"] = "\n".join(rows).encode()
        engine.dispose()
    return found


def test_the_note_comes_on_first_contact_and_ok_is_kept(servers) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:12]}"  # a patient who has never written
    first = servers.send("hello", sender)
    assert "a note about privacy" in texts(first)
    assert [b["payload"] for b in first[-1]["buttons"]] == ["/privacy_ok", "/ask_privacy"]
    assert "a note about privacy" not in texts(servers.send("what does benign mean", sender))
    assert "Thank you" in texts(servers.send("/privacy_ok", sender))
    more = texts(servers.send("who can see what i write here", sender))
    assert "What I keep" in more and "180 days" in more


def test_delete_my_data_leaves_no_trace_in_any_database_file(servers, new_sender) -> None:
    sender = new_sender()
    marker = f"quokka{uuid.uuid4().hex[:6]}"
    servers.send("hello", sender)
    servers.send("tell me about asthma", sender)
    servers.send(f"add a question: can {marker} come with me", sender)
    servers.send("i have a blood test on friday", sender)
    servers.send(f"that lesson about {marker} was confusing", sender)
    patient = pseudonym(sender, load_or_create_secret(servers.settings))
    before = b"".join(stored(servers.settings).values())
    assert marker.encode() in before and sender.encode() in before  # the search can find them

    asked = texts(servers.send("delete my data", sender))
    assert "cannot be undone" in asked
    done = servers.send('/choose{"choice": "forget_data"}', sender)
    assert "I deleted" in texts(done) and "question" in texts(done)

    deadline = time.monotonic() + 40
    found: list[str] = []
    while time.monotonic() < deadline:
        found = [
            f"{name}: {needle!r}"
            for name, content in stored(servers.settings).items()
            for needle in (marker, sender, patient)
            if needle.encode() in content
        ]
        if not found:
            break
        time.sleep(1)
    assert found == []
    # The patient can start again; nothing of the old chat comes back.
    again = texts(servers.send("show my questions", sender))
    assert marker not in again
