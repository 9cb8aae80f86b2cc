"""Emergencies through the real servers: guidance that never waits for the action server, possible danger
asked about, and other languages answered in their own words."""

from __future__ import annotations

import os
import signal
import time

import pytest

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


def test_danger_gets_the_guidance_then_a_ticket_and_the_team_told(servers, new_sender) -> None:
    replies = servers.send("my husband collapsed 5 minutes ago and won't wake up", new_sender())
    assert "911" in replies[0]["text"] and "Do not wait" in replies[0]["text"]
    assert "told the team" in texts(replies)


def test_crisis_wording_gets_the_crisis_line_first(servers, new_sender) -> None:
    replies = servers.send("my son says he wants to kill himself", new_sender())
    assert "988" in replies[0]["text"]


def test_the_guidance_arrives_when_the_action_server_is_down(servers, new_sender) -> None:
    servers.processes[0].stop()
    try:
        started = time.monotonic()
        replies = servers.send("my dad collapsed and isnt breathing", new_sender())  # a new conversation too
        assert replies and "911" in replies[0]["text"]
        assert time.monotonic() - started < 30
    finally:
        servers.restart_actions()


def test_the_guidance_arrives_when_the_action_server_hangs(servers, new_sender) -> None:
    pid = servers.processes[0].pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        replies = servers.send("i think my wife is having a stroke, her face is drooping", new_sender())
        waited = time.monotonic() - started
        assert replies and "911" in replies[0]["text"]
        assert waited < 40, waited  # Rasa gives up on each action after PLAINHEALTH_ACTION_TIMEOUT_SECONDS (4 here)
    finally:
        os.kill(pid, signal.SIGCONT)
        servers.restart_actions()


def test_possible_danger_gets_the_number_and_one_question(servers, new_sender) -> None:
    sender = new_sender()
    replies = servers.send("i think my baby is having a seizure, her eyes keep rolling back and she is so hot", sender)
    assert "911" in replies[0]["text"]
    # Either the full guidance (sure) or "are you in danger?" with Yes and No (possible): never the menu.
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "Learn about a health topic" not in titles


def test_a_message_in_spanish_gets_the_numbers_in_spanish(servers, new_sender) -> None:
    replies = servers.send("mi papá no respira, ayuda por favor", new_sender())
    assert "911" in replies[0]["text"] and "llame" in replies[0]["text"]
    replies = servers.send("hola, tengo una cita el martes con el doctor", new_sender())
    assert "Por ahora solo entiendo inglés" in texts(replies) and "988" in texts(replies)


def test_a_message_in_chinese_or_arabic_gets_a_reply_in_that_language(servers, new_sender) -> None:
    assert "911" in texts(servers.send("我胸口很痛，喘不过气", new_sender()))
    assert "الإنجليزية" in texts(servers.send("أريد أن أنهي حياتي", new_sender()))


def test_a_mention_gets_no_alarm(servers, new_sender) -> None:
    replies = servers.send("i got my flu shot today, can i take a shower", new_sender())
    assert "911" not in texts(replies)
