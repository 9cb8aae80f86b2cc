"""The web app's catch-up for reminders, against a real HTTP server standing in for Rasa's API."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import ClientSession, web

from bot.appointments.delivery import deliver_due
from bot.privacy import seal
from bot.processes import free_port
from bot.rasa_api import trigger
from bot.storage import visits

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@asynccontextmanager
async def fake_rasa(fail_for: set[str]) -> AsyncIterator[tuple[int, list[tuple[str, dict]]]]:
    """Rasa's trigger_intent endpoint: 500 for the conversations in ``fail_for``, 200 for the others."""
    calls: list[tuple[str, dict]] = []

    async def handle(request: web.Request) -> web.Response:
        conversation = request.match_info["id"]
        calls.append((conversation, {"token": request.query.get("token"), **(await request.json())}))
        return web.json_response({}, status=500 if conversation in fail_for else 200)

    app = web.Application()
    app.router.add_post("/conversations/{id}/trigger_intent", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port, calls
    finally:
        await runner.cleanup()


def overdue(runtime, conversation: str) -> int:
    patient = runtime.patient_id(conversation)
    visit = visits.save_appointment(runtime.db, patient, "blood_test", None, NOW.date())
    row = visits.schedule_reminder(
        runtime.db, patient, visit.id, seal(conversation, runtime.secret), NOW - dt.timedelta(minutes=10)
    )
    return row.id


def test_one_failing_reminder_does_not_stop_the_round(runtime) -> None:
    first, second = overdue(runtime, "patient-a"), overdue(runtime, "patient-b")

    async def scenario() -> tuple[int, list]:
        async with fake_rasa({"patient-a"}) as (port, calls), ClientSession() as http:
            settings = runtime.settings.with_changes(rasa_port=port)
            sent = await deliver_due(runtime.db, settings, runtime.secret, http, NOW)
            return sent, calls

    sent, calls = asyncio.run(scenario())
    assert sent == 1
    assert [c[0] for c in calls] == ["patient-a", "patient-b"]
    assert calls[1][1]["name"] == "EXTERNAL_appointment_reminder"
    assert calls[1][1]["entities"] == {"reminder": str(second)} and calls[1][1]["token"]
    # Neither row was marked here: the action marks a reminder sent; the failed one waits for the next round.
    assert {r.id for r in visits.waiting_reminders(runtime.db)} == {first, second}


def test_rasa_down_is_a_warning_and_false_never_an_exception(runtime, caplog: pytest.LogCaptureFixture) -> None:
    overdue(runtime, "patient-c")

    async def scenario() -> tuple[int, bool]:
        settings = runtime.settings.with_changes(rasa_port=free_port())  # nothing listens there
        async with ClientSession() as http:
            sent = await deliver_due(runtime.db, settings, runtime.secret, http, NOW)
            took = await trigger(http, settings, "patient-c", "EXTERNAL_staff_reply", {"handoff": "1"}, "ticket 1")
            return sent, took

    with caplog.at_level(logging.WARNING):
        assert asyncio.run(scenario()) == (0, False)
    assert "could not be reached for reminder" in caplog.text and "patient-c" not in caplog.text


def test_a_reminder_too_late_to_help_is_dropped(runtime) -> None:
    patient = runtime.patient_id("patient-d")
    visit = visits.save_appointment(runtime.db, patient, "blood_test", None, NOW.date())
    row = visits.schedule_reminder(
        runtime.db, patient, visit.id, seal("patient-d", runtime.secret), NOW - dt.timedelta(hours=21)
    )

    async def scenario() -> int:
        async with fake_rasa(set()) as (port, calls), ClientSession() as http:
            settings = runtime.settings.with_changes(rasa_port=port)
            sent = await deliver_due(runtime.db, settings, runtime.secret, http, NOW)
            assert calls == []
            return sent

    assert asyncio.run(scenario()) == 0
    assert visits.get_reminder(runtime.db, row.id).status == "missed"
