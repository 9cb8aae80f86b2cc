"""The access log and the console's privacy endpoints (admins only), against the real web app and database."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from test_records_tracker import fill_patient, save_chat

from bot import privacy
from bot.credentials import api_token
from bot.processes import free_port
from bot.records import audit
from bot.records.erase import request_erasure
from bot.records.tracker import TrackerEvents
from bot.settings import Settings
from bot.storage import handoff, staff
from bot.storage.db import Database
from bot.web.app import make_app

PASSWORD = "correct horse battery"
MARKER = "pangolin-CONSOLE-3131"
SENDER = "rest-console-patient"


@pytest.fixture
def console_settings(settings: Settings) -> Settings:
    # Nothing listens on this Rasa port: reminders are "cancelled" into the void, as when Rasa is down.
    return settings.with_changes(rasa_port=free_port())


def prepare(settings: Settings) -> tuple[Database, str, dict[str, int], int]:
    """Sam (staff) and Ada (admin), and a patient with every kind of data and two tickets."""
    db = Database(settings.database_url)
    db.migrate()
    ids = {
        "sam": staff.create_staff(db, "sam", "Sam", "staff", PASSWORD).id,
        "ada": staff.create_staff(db, "ada", "Ada", "admin", PASSWORD).id,
    }
    secret = privacy.load_or_create_secret(settings)
    patient = fill_patient(db, settings, secret, [SENDER], MARKER, dt.datetime.now(dt.UTC))
    ticket = handoff.open_ticket_for(db, patient)
    assert ticket is not None
    return db, patient, ids, ticket.id


async def sign_in(client: TestClient, username: str) -> dict[str, str]:
    response = await client.post(
        "/staff/login", data={"username": username, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 303
    me = await (await client.get("/staff/api/me")).json()
    return {"X-CSRF-Token": str(me["csrf"])}


def run(settings: Settings, scenario: Any, rasa_calls: list[tuple[str, str, Any]] | None = None) -> Any:
    """The scenario against the real web app; with ``rasa_calls``, a stand-in Rasa server on the settings' port
    records what the app posts to its events endpoint (conversation, query token, body)."""

    async def go() -> Any:
        runner = None
        if rasa_calls is not None:

            async def events(request: web.Request) -> web.Response:
                rasa_calls.append(
                    (
                        request.match_info["conversation"],
                        request.query.get("token", ""),
                        {**await request.json(), "side_effects": request.query.get("execute_side_effects")},
                    )
                )
                return web.json_response({})

            rasa = web.Application()
            rasa.router.add_post("/conversations/{conversation}/tracker/events", events)
            runner = web.AppRunner(rasa)
            await runner.setup()
            await web.TCPSite(runner, settings.host, settings.rasa_port).start()
        try:
            async with TestClient(TestServer(make_app(settings, deliver_reminders=False))) as client:
                return await scenario(client)
        finally:
            if runner is not None:
                await runner.cleanup()

    return asyncio.run(go())


def test_opening_a_transcript_is_logged_once_per_person_and_ten_minutes(console_settings: Settings) -> None:
    db, patient, ids, ticket_id = prepare(console_settings)

    async def scenario(client: TestClient) -> None:
        headers = await sign_in(client, "sam")
        for _ in range(3):  # the page re-reads an open ticket every few seconds
            assert (await client.get(f"/staff/api/tickets/{ticket_id}")).status == 200
        assert (await client.get("/staff/api/tickets")).status == 200  # the queue shows no transcript
        assert (await client.post("/staff/logout", headers=headers)).status == 204
        await sign_in(client, "ada")
        assert (await client.get(f"/staff/api/tickets/{ticket_id}")).status == 200

    run(console_settings, scenario)
    entries = [(e.who, e.action, e.patient) for e in audit.access_log(db)]
    assert entries[:2] == [(str(ids["ada"]), "open_transcript", patient), (str(ids["sam"]), "open_transcript", patient)]
    assert len(entries) == 3  # and fill_patient's own row
    later = dt.datetime.now(dt.UTC) + audit.REPEAT_WINDOW + dt.timedelta(seconds=1)
    assert audit.record_access(
        db, str(ids["sam"]), audit.OPEN_TRANSCRIPT, patient, later, repeat_window=audit.REPEAT_WINDOW
    )
    assert not audit.record_access(
        db, str(ids["sam"]), audit.OPEN_TRANSCRIPT, patient, later, repeat_window=audit.REPEAT_WINDOW
    )


def test_staff_who_are_not_admins_cannot_export_forget_or_read_the_log(console_settings: Settings) -> None:
    db, patient, _ids, ticket_id = prepare(console_settings)

    async def scenario(client: TestClient) -> None:
        assert (await client.get("/staff/api/audit")).status == 401
        headers = await sign_in(client, "sam")
        assert (await client.get("/staff/api/audit")).status == 403
        assert (await client.get(f"/staff/api/tickets/{ticket_id}/export")).status == 403
        refused = await client.post(f"/staff/api/tickets/{ticket_id}/forget", json={}, headers=headers)
        assert refused.status == 403 and "admin" in (await refused.json())["error"]

    run(console_settings, scenario)
    assert handoff.open_ticket_for(db, patient) is not None
    assert all(e.action == "open_transcript" for e in audit.access_log(db))


def test_an_admin_exports_then_forgets_the_patient_of_a_ticket(console_settings: Settings) -> None:
    db, patient, ids, ticket_id = prepare(console_settings)
    forget_path = f"/staff/api/tickets/{ticket_id}/forget"

    async def scenario(client: TestClient) -> None:
        headers = await sign_in(client, "ada")
        exported = await client.get(f"/staff/api/tickets/{ticket_id}/export")
        assert exported.status == 200 and "attachment" in exported.headers["Content-Disposition"]
        data = json.loads(await exported.text())
        assert data["patient"] == patient and data["conversation_ids"] == [SENDER]
        assert any(MARKER in (e["text"] or "") for e in data["chat_history"])

        # The same CSRF and Origin rules as every other change.
        assert (await client.post(forget_path, json={})).status == 403
        cross = await client.post(forget_path, json={}, headers={**headers, "Origin": "https://evil.example"})
        assert cross.status == 403
        assert handoff.open_ticket_for(db, patient) is not None
        assert (await client.post(forget_path, data="[]", headers=headers)).status == 400

        done = await client.post(forget_path, json={}, headers=headers)
        assert done.status == 200
        body = await done.json()
        assert body["erased"]["counts"]["questions"] == 1 and body["erased"]["counts"]["tickets"] == 2
        assert body["erased"]["summary"].startswith("Deleted ") and body["erased"]["scrubbed"] is True
        stub = body["ticket"]
        assert (stub["status"], stub["close_note"]) == ("closed", "Deleted at the patient's request")
        assert stub["contact"] is None and stub["activity"] == ""
        shown = await (await client.get(f"/staff/api/tickets/{ticket_id}")).json()
        assert shown["messages"] == []
        again = await client.post(forget_path, json={}, headers=headers)
        assert again.status == 409

        log = await (await client.get("/staff/api/audit")).json()
        return log["entries"]

    rasa_calls: list[tuple[str, str, Any]] = []
    entries = run(console_settings, scenario, rasa_calls)
    # The reminder Rasa held in memory was cancelled in the patient's conversation before the deletion.
    (visit_id,) = {int(call[2]["name"].removeprefix("appointment_")) for call in rasa_calls}
    assert rasa_calls == [
        (
            SENDER,
            api_token(console_settings),
            {"event": "cancel_reminder", "name": f"appointment_{visit_id}", "side_effects": "true"},
        )
    ]
    code = audit.erased_reference(patient, privacy.load_or_create_secret(console_settings))
    ada = str(ids["ada"])
    # Latest first. fill_patient's own row (an account since removed) and Ada's export now carry the one-way
    # code, not the pseudonym; her look at the stub afterwards is about the stub's random id.
    assert [(e["who_text"], e["action"], e["patient"]) for e in entries[1:]] == [
        ("ada", "forget", code),
        ("ada", "export", code),
        ("staff account 99", "open_transcript", code),
    ]
    assert (entries[0]["who"], entries[0]["action"]) == (ada, "open_transcript")
    assert entries[0]["patient"].startswith("deleted-")
    assert all(e["patient"] != patient for e in entries)
    with TrackerEvents(console_settings) as store:
        assert store.senders() == []


def test_the_console_page_has_the_admin_privacy_buttons(console_settings: Settings) -> None:
    prepare(console_settings)

    async def scenario(client: TestClient) -> None:
        await sign_in(client, "ada")
        html = await (await client.get("/staff")).text()
        for element in (
            'id="privacy"',
            'id="export-patient"',
            'id="forget-patient"',
            'id="audit-load"',
            'id="audit-log"',
        ):
            assert element in html, element
        script = await (await client.get("/staff/static/console.js")).text()
        assert "/forget" in script and "/export" in script and "/staff/api/audit" in script
        assert "window.confirm" in script and 'state.me.role === "admin"' in script
        assert "innerHTML" not in script

    run(console_settings, scenario)


def test_the_web_app_erases_queued_chats_and_purges_old_data_by_itself(console_settings: Settings) -> None:
    settings = console_settings.with_changes(retention_days=30)
    db = Database(settings.database_url)
    db.migrate()
    secret = privacy.load_or_create_secret(settings)
    now = dt.datetime.now(dt.UTC)
    save_chat(settings, "rest-asked-to-go", ["delete my data"])
    request_erasure(db, secret, "rest-asked-to-go", now - dt.timedelta(seconds=10))
    save_chat(settings, "rest-long-ago", ["old words"], at=(now - dt.timedelta(days=40)).timestamp())
    save_chat(settings, "rest-today", ["hello"])

    async def go() -> list[str]:
        async with TestClient(TestServer(make_app(settings))):  # with its background loops
            for _ in range(100):
                with TrackerEvents(settings) as store:
                    left = store.senders()
                if left == ["rest-today"]:
                    break
                await asyncio.sleep(0.1)
            return left

    assert asyncio.run(go()) == ["rest-today"]
