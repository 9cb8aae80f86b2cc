"""The production profile through real servers: two nodes (Rasa server, action server, web app each) sharing
one PostgreSQL and one Redis, and the faults a deployment meets (docs/scaling.md).

The order matters inside this module: the fault tests come last and the last one kills a Rasa server.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from production import start_backing
from sqlalchemy import text

from bot.local_services import Backing, Node, start_nodes
from bot.storage.db import Database

pytestmark = [pytest.mark.e2e, pytest.mark.production]


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def part_number(replies: list[dict]) -> int:
    found = re.findall(r"\(Part (\d+) of (\d+)\)", texts(replies))
    assert found, texts(replies)
    return int(found[-1][0])


@pytest.fixture(scope="module")
def backing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backing]:
    running = start_backing(tmp_path_factory.mktemp("backing"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def nodes(backing: Backing, tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[list[Node]]:
    running = start_nodes(
        backing,
        tmp_path_factory.mktemp("nodes"),
        trained_model,
        2,
        reminder_delay_seconds=6,
        reminder_grace_seconds=4,
        action_timeout_seconds=6,
        handoff_hours="always",
    )
    yield running
    for node in running:
        for process in node.processes:
            process.stop()


def new_patient(node: Node) -> str:
    sender = f"prod-{uuid.uuid4().hex[:12]}"
    node.send("/privacy_ok", sender)
    return sender


def said_by_bot(node: Node, sender: str) -> list[str]:
    events = node.get_json(f"/conversations/{sender}/tracker")["events"]
    return [e.get("text") or "" for e in events if e["event"] == "bot"]


def said_by_patient(node: Node, sender: str) -> list[str]:
    events = node.get_json(f"/conversations/{sender}/tracker")["events"]
    return [e.get("text") or "" for e in events if e["event"] == "user"]


def test_every_store_is_the_shared_one(nodes: list[Node], backing: Backing) -> None:
    sender = new_patient(nodes[0])
    nodes[0].send("hello", sender)
    tracker = Database(backing.tracker_store_url)
    with tracker.engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
        indexes = connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")).scalars()
        assert "events_sender_id_timestamp" in set(indexes)
    tracker.dispose()
    assert stored and stored > 4
    app = Database(backing.database_url)
    with app.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM consent")).scalar() >= 1
    app.dispose()
    assert not any(node.settings.state_dir.joinpath("tracker.db").exists() for node in nodes)


def test_one_conversation_alternating_between_two_servers_stays_whole(nodes: list[Node]) -> None:
    a, b = nodes
    sender = new_patient(a)
    first = a.send("tell me about asthma", sender)
    assert "Let's learn about Asthma" in texts(first) and part_number(first) == 1
    assert part_number(b.send("next", sender)) == 2
    assert part_number(a.send("next", sender)) == 3
    detour = b.send("what does mucus mean?", sender)
    assert "mucus" in texts(detour).lower() and "Shall we go back to Asthma?" in texts(detour)
    assert part_number(a.send("/continue_lesson", sender)) == 3
    assert "Added" in texts(b.send("add a question: can I swim with asthma?", sender))
    assert "1. Can I swim with asthma?" in texts(a.send("show my questions", sender))
    # Each message once, each reply once, in order, whichever server took it.
    patient = said_by_patient(b, sender)
    assert patient == [
        "/privacy_ok",
        "tell me about asthma",
        "next",
        "next",
        "what does mucus mean?",
        "/continue_lesson",
        "add a question: can I swim with asthma?",
        "show my questions",
    ]
    bot = said_by_bot(a, sender)
    assert len([t for t in bot if "(Part 3 of" in t]) == 2  # once after "next", once after coming back
    assert said_by_bot(b, sender) == bot


def test_two_messages_at_once_on_two_servers_are_handled_one_after_the_other(nodes: list[Node]) -> None:
    a, b = nodes
    sender = new_patient(a)
    a.send("tell me about diabetes", sender)
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda pair: pair[0].send(pair[1], sender), [(a, "next"), (b, "next")]))
    # The lock store in Redis: one waited for the other, so the lesson moved on twice (parts 2 and 3),
    # instead of both reading part 1 and saving over each other.
    assert sorted(part_number(r) for r in replies) == [2, 3]
    assert said_by_patient(a, sender)[-2:] == ["next", "next"]
    assert part_number(b.send("next", sender)) == 4


def test_a_reminder_is_sent_once_with_two_web_apps_and_two_schedulers(nodes: list[Node], backing: Backing) -> None:
    a, b = nodes
    sender = new_patient(a)
    assert "Would you like a reminder" in texts(a.send("i have a checkup tomorrow", sender))
    assert "I will remind you" in texts(b.send("yes", sender))  # set through the other server: due in seconds
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("This is your reminder" in t for t in said_by_bot(a, sender)):
        time.sleep(1)
    time.sleep(8)  # both web apps look for overdue reminders every few seconds: give them time to repeat it
    reminders = [t for t in said_by_bot(b, sender) if "This is your reminder" in t]
    assert len(reminders) == 1, reminders
    app = Database(backing.database_url)
    with app.engine.connect() as connection:
        sent = connection.execute(text("SELECT count(*) FROM reminder WHERE sent_at IS NOT NULL")).scalar()
    app.dispose()
    assert sent >= 1


def test_postgresql_restarted_mid_conversation_loses_nothing_acknowledged(nodes: list[Node], backing: Backing) -> None:
    a, b = nodes
    sender = new_patient(a)
    a.send("tell me about asthma", sender)
    assert part_number(a.send("next", sender)) == 2
    backing.postgres.stop()
    try:
        status, replies = a.send_raw("next", sender)
        # Not answered from an empty memory: a kind "send it again", with the emergency number.
        assert status == 503, (status, replies)
        assert "send it again" in texts(replies) and "If someone is in danger, call" in texts(replies)
    finally:
        backing.postgres.start()
    # Back: the conversation goes on where it was, on either server.
    assert part_number(b.send("next", sender)) == 3
    assert part_number(a.send("next", sender)) == 4
    assert said_by_patient(a, sender) == ["/privacy_ok", "tell me about asthma", "next", "next", "next"]


def test_redis_restarted_gets_a_kind_retry_then_recovers(nodes: list[Node], backing: Backing) -> None:
    a, b = nodes
    sender = new_patient(a)
    a.send("tell me about asthma", sender)
    backing.redis.stop()
    try:
        status, replies = b.send_raw("next", sender)
        assert status == 503 and "send it again" in texts(replies), (status, replies)
    finally:
        backing.redis.start()
    assert part_number(b.send("next", sender)) == 2
    assert part_number(a.send("next", sender)) == 3


def test_one_rasa_server_killed_the_other_carries_the_conversation_on(nodes: list[Node]) -> None:
    a, b = nodes
    sender = new_patient(a)
    a.send("tell me about asthma", sender)
    assert part_number(b.send("next", sender)) == 2
    assert b.rasa.process is not None
    b.rasa.process.kill()  # no clean shutdown: as when a machine dies
    b.rasa.process.wait(timeout=10)
    assert part_number(a.send("next", sender)) == 3
    assert "1. Can I ride a bike?" in texts(
        a.send("add a question: can I ride a bike?", sender) + a.send("show my questions", sender)
    )
    b.start_rasa()  # and it comes back into the same conversation
    assert part_number(b.send("next", sender)) == 4


def test_a_widget_on_one_server_gets_a_message_made_on_the_other(nodes: list[Node]) -> None:
    """A staff reply or a reminder goes through the balancer to any Rasa server; the patient's socket is on
    one of them. Redis carries it across (python-socketio's Redis manager)."""
    import asyncio
    import json
    import urllib.request

    from test_e2e_security import Widget

    from bot.rasa_api import api_url

    a, b = nodes

    async def scenario() -> list[str]:
        widget = Widget(a)
        token = await widget.open()
        await widget.say("hello")
        await widget.until("")
        await asyncio.sleep(1.0)
        widget.received.clear()
        session = token.split(".")[0]
        request = urllib.request.Request(
            api_url(b.settings, f"/conversations/{session}/trigger_intent", output_channel="latest"),
            data=json.dumps({"name": "help"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        arrived = await widget.until("", seconds=15)
        await widget.close()
        return arrived

    arrived = asyncio.run(scenario())
    assert arrived and any(text for text in arrived), arrived
