"""The staff console's HTTP side, in-process (aiohttp's test client): sign-in, CSRF, roles, the queue."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.privacy import load_or_create_secret, seal
from bot.storage import handoff as store
from bot.storage import staff
from bot.storage.db import Database
from bot.web.app import make_app

PASSWORD = "correct horse battery"


def prepare(settings) -> tuple[Database, int]:
    db = Database(settings.database_url)
    db.migrate()
    staff.create_staff(db, "sam", "Sam", "staff", PASSWORD)
    staff.create_staff(db, "ada", "Ada", "admin", PASSWORD)
    secret = load_or_create_secret(settings)
    ticket, _ = store.open_ticket(
        db, "p1", seal("rest-1", secret), "rest", "asked", "", True, [(dt.datetime.now(dt.UTC), "patient", "<b>hi</b>")]
    )
    store.set_contact(db, ticket.id, seal("call 555 0100", secret))
    return db, ticket.id


async def sign_in(client: TestClient, username: str) -> str:
    response = await client.post(
        "/staff/login", data={"username": username, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/staff"
    cookie = response.cookies["plainhealth_staff"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    me = await (await client.get("/staff/api/me")).json()
    return str(me["csrf"])


def run(settings, scenario) -> Any:
    async def go() -> Any:
        app = make_app(settings, deliver_reminders=False)
        async with TestClient(TestServer(app)) as client:
            return await scenario(client)

    return asyncio.run(go())


def test_without_a_session_everything_is_refused(settings) -> None:
    prepare(settings)

    async def scenario(client: TestClient) -> None:
        assert (await client.get("/staff/api/tickets")).status == 401
        assert (await client.post("/staff/api/tickets/1/claim", json={})).status == 401
        assert (await client.get("/staff/api/events")).status == 401
        page = await client.get("/staff", allow_redirects=False)
        assert page.status == 303 and page.headers["Location"] == "/staff/login"
        wrong = await client.post("/staff/login", data={"username": "sam", "password": "nope"})
        assert wrong.status == 401 and "did not work" in await wrong.text()
        forged = await client.get("/staff/api/tickets", cookies={"plainhealth_staff": "made-up"})
        assert forged.status == 401

    run(settings, scenario)


def test_the_queue_shows_tickets_with_the_contact_left_and_escaped_text_stays_data(settings) -> None:
    _, ticket_id = prepare(settings)

    async def scenario(client: TestClient) -> None:
        csrf = await sign_in(client, "sam")
        listing = await (await client.get("/staff/api/tickets")).json()
        (ticket,) = listing["tickets"]
        assert ticket["id"] == ticket_id and ticket["out_of_hours"] and ticket["contact"] == "call 555 0100"
        full = await (await client.get(f"/staff/api/tickets/{ticket_id}")).json()
        first = full["messages"][0]
        assert (first["sender"], first["name"], first["text"]) == ("patient", "Patient", "<b>hi</b>")
        # Changes need the CSRF token.
        assert (await client.post(f"/staff/api/tickets/{ticket_id}/claim", json={})).status == 403
        headers = {"X-CSRF-Token": csrf}
        claimed = await client.post(f"/staff/api/tickets/{ticket_id}/claim", json={}, headers=headers)
        assert claimed.status == 200 and (await claimed.json())["ticket"]["claimed_by"] == "Sam"
        reply = f"/staff/api/tickets/{ticket_id}/reply"
        too_long = await client.post(reply, json={"text": "x" * 2001}, headers=headers)
        assert too_long.status == 400 and "2000" in (await too_long.json())["error"]
        # Rasa is not running here: the reply is kept, undelivered, for the catch-up loop.
        sent = await client.post(f"/staff/api/tickets/{ticket_id}/reply", json={"text": "Hello"}, headers=headers)
        assert sent.status == 200 and (await sent.json())["message"]["delivered"] is False
        released = await client.post(f"/staff/api/tickets/{ticket_id}/release", json={}, headers=headers)
        assert (await released.json())["ticket"]["status"] == "waiting"
        assert (await client.get("/staff/api/tickets/999")).status == 404

    run(settings, scenario)


def test_only_admins_manage_accounts(settings) -> None:
    prepare(settings)

    async def scenario(client: TestClient) -> None:
        csrf = await sign_in(client, "sam")
        assert (await client.get("/staff/api/users")).status == 403
        await client.post("/staff/logout", headers={"X-CSRF-Token": csrf})
        assert (await client.get("/staff/api/tickets")).status == 401
        csrf = await sign_in(client, "ada")
        headers = {"X-CSRF-Token": csrf}
        made = await client.post(
            "/staff/api/users",
            headers=headers,
            json={"username": "kim", "display_name": "Kim", "role": "staff", "password": "short"},
        )
        assert made.status == 400 and "10" in (await made.json())["error"]
        made = await client.post(
            "/staff/api/users",
            headers=headers,
            json={"username": "kim", "display_name": "Kim", "role": "staff", "password": PASSWORD},
        )
        kim = (await made.json())["user"]
        users = await (await client.get("/staff/api/users")).json()
        assert sorted(u["username"] for u in users["users"]) == ["ada", "kim", "sam"]
        off = await client.post(f"/staff/api/users/{kim['id']}/disable", json={}, headers=headers)
        assert (await off.json())["user"]["active"] is False

    run(settings, scenario)


def test_live_updates_announce_new_tickets(settings) -> None:
    db, first = prepare(settings)

    async def scenario(client: TestClient) -> list[dict]:
        await sign_in(client, "sam")
        response = await client.get("/staff/api/events")
        assert response.headers["Content-Type"].startswith("text/event-stream")
        seen: list[dict] = []

        async def read() -> None:
            async for raw in response.content:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:]))
                    if len(seen) == 1:
                        store.open_ticket(db, "p2", "", "socketio", "emergency", "", False)
                    if len(seen) == 2:
                        return

        await asyncio.wait_for(read(), timeout=10)
        response.close()
        return seen

    seen = run(settings, scenario)
    assert seen[0]["new_ticket_ids"] == [] and seen[0]["urgent_ticket_ids"] == []
    assert len(seen[1]["new_ticket_ids"]) == 1 and seen[1]["urgent_ticket_ids"] == seen[1]["new_ticket_ids"]
    assert first not in seen[1]["new_ticket_ids"]


def test_the_console_page_and_its_files_are_served_with_a_strict_policy(settings) -> None:
    prepare(settings)

    async def scenario(client: TestClient) -> None:
        await sign_in(client, "sam")
        page = await client.get("/staff")
        assert page.status == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
        html = await page.text()
        assert "/staff/static/console.js" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
        assert not re.search(r"\s(?:on[a-z]+|style)\s*=", html)  # no inline handlers or styles
        for name in ("console.js", "console.css"):
            assert (await client.get(f"/staff/static/{name}")).status == 200
        script = await (await client.get("/staff/static/console.js")).text()
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert risky not in script  # patient text only ever goes on the page as text
        assert (await client.get("/staff/static/../app.py")).status == 404

    run(settings, scenario)


def test_staff_mark_the_safety_call_behind_sign_in_and_csrf(settings) -> None:
    db, normal_id = prepare(settings)
    urgent, _ = store.open_ticket(
        db, "p2", "", "rest", "emergency", "", False, [(dt.datetime.now(dt.UTC), "patient", "I fell and hit my head")]
    )
    review = f"/staff/api/tickets/{urgent.id}/safety-review"

    async def scenario(client: TestClient) -> None:
        assert (await client.post(review, json={"verdict": "not_emergency"})).status == 401
        csrf = await sign_in(client, "sam")
        assert (await client.post(review, json={"verdict": "not_emergency"})).status == 403
        forged = await client.post(review, json={"verdict": "not_emergency"}, headers={"X-CSRF-Token": "made-up"})
        assert forged.status == 403
        headers = {"X-CSRF-Token": csrf}
        for bad in ({"verdict": "maybe"}, {"verdict": ["not_emergency"]}, {}):
            refused = await client.post(review, json=bad, headers=headers)
            assert refused.status == 400 and "Missed emergency" in (await refused.json())["error"]
        on_normal = await client.post(
            f"/staff/api/tickets/{normal_id}/safety-review", json={"verdict": "not_emergency"}, headers=headers
        )
        assert on_normal.status == 400 and "only for urgent" in (await on_normal.json())["error"]
        for missing in ("999", "0", "99999999999999999999999", "2147483648"):
            gone = await client.post(
                f"/staff/api/tickets/{missing}/safety-review", json={"verdict": "missed_emergency"}, headers=headers
            )
            assert gone.status == 404, missing
        assert (await client.get("/staff/api/tickets/99999999999999999999999")).status == 404
        assert (
            await client.post(
                "/staff/api/tickets/abc/safety-review", json={"verdict": "missed_emergency"}, headers=headers
            )
        ).status == 404
        before = await (await client.get(f"/staff/api/tickets/{urgent.id}")).json()
        assert before["ticket"]["safety_review"] is None
        marked = await client.post(review, json={"verdict": "not_emergency"}, headers=headers)
        assert marked.status == 200 and (await marked.json())["ticket"]["safety_review"] == "not_emergency"
        shown = (await (await client.get(f"/staff/api/tickets/{urgent.id}")).json())["ticket"]
        assert (shown["safety_review"], shown["safety_review_text"], shown["safety_review_by"]) == (
            "not_emergency",
            "Not an emergency",
            "sam",
        )
        assert shown["safety_review_at"]
        listed = (await (await client.get("/staff/api/tickets")).json())["tickets"]
        assert {t["id"]: t["safety_review"] for t in listed} == {urgent.id: "not_emergency", normal_id: None}
        missed = await client.post(
            f"/staff/api/tickets/{normal_id}/safety-review", json={"verdict": "missed_emergency"}, headers=headers
        )
        assert missed.status == 200 and (await missed.json())["ticket"]["safety_review"] == "missed_emergency"

    run(settings, scenario)
    assert [(r.ticket_id, r.verdict) for r in store.safety_reviews(db)] == [
        (normal_id, "missed_emergency"),
        (urgent.id, "not_emergency"),
    ]


def test_the_console_page_has_the_safety_buttons(settings) -> None:
    prepare(settings)

    async def scenario(client: TestClient) -> None:
        await sign_in(client, "sam")
        html = await (await client.get("/staff")).text()
        assert 'id="mark-not-emergency"' in html and 'id="mark-missed-emergency"' in html
        assert 'id="safety-verdict"' in html
        script = await (await client.get("/staff/static/console.js")).text()
        assert "/safety-review" in script and 'ticket.priority !== "urgent"' in script

    run(settings, scenario)


def test_the_queue_counts_filters_and_pages_every_ticket_and_refuses_unknown_filters(settings) -> None:
    """Issue 22: 147 urgent tickets hid an ordinary one behind a 50-row queue with no count or filter."""
    db, asked_id = prepare(settings)  # one normal ticket ("asked"), with "<b>hi</b>" from the patient
    for i in range(147):
        store.open_ticket(db, f"urgent-{i}", "", "socketio", "emergency", "", False)
    old = store.open_ticket(db, "p-old", "", "telegram", "medical_advice", "", False)[0]
    with db.session() as session:
        from bot.storage.models import HandoffTicket

        session.get(HandoffTicket, old.id).created_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)

    async def scenario(client: TestClient) -> None:
        await sign_in(client, "sam")

        async def listing(query: str) -> dict[str, Any]:
            response = await client.get("/staff/api/tickets" + query)
            assert response.status == 200, (query, await response.text())
            return dict(await response.json())

        everything = await listing("")
        assert everything["counts"] == {"total": 149, "urgent": 147, "normal": 2}
        assert everything["matching"] == 149 and everything["pages"] == 3 and len(everything["tickets"]) == 50
        last = await listing("?page=3")
        assert [t["id"] for t in last["tickets"]][-2:] == [old.id, asked_id]  # urgent first, then the oldest
        normal = await listing("?priority=normal&per_page=10")
        assert [t["id"] for t in normal["tickets"]] == [old.id, asked_id] and normal["matching"] == 2
        assert normal["counts"]["total"] == 149  # the counts are for the whole status, whatever the filters
        assert [t["id"] for t in (await listing("?reason=medical_advice"))["tickets"]] == [old.id]
        assert [t["id"] for t in (await listing("?age=over-1h"))["tickets"]] == [old.id]
        assert (await listing("?age=under-15m"))["matching"] == 148
        assert [t["id"] for t in (await listing("?patient=p1"))["tickets"]] == [asked_id]
        assert (await listing("?status=waiting&priority=normal"))["matching"] == 2
        assert (await listing("?status=claimed"))["matching"] == 0
        assert (await listing("?view=closed"))["counts"]["total"] == 0
        row = (await listing("?priority=normal"))["tickets"][1]
        assert row["patient_label"] == "p1" and row["last_patient_preview"] == "<b>hi</b>"
        assert row["channel_text"] == "Phone app (REST)" and row["channel"] == "rest"
        for bad in (
            "?priority=high",
            "?reason=bored",
            "?status=lost",
            "?age=2h",
            "?page=0",
            "?page=x",
            "?per_page=1000",
            "?view=closed&status=waiting",
            "?colour=red",
            "?patient=a%20b",
        ):
            refused = await client.get("/staff/api/tickets" + bad)
            assert refused.status == 400, bad
            assert (await refused.json())["error"], bad

    run(settings, scenario)


def test_the_closed_tab_says_who_closed_a_ticket_and_when(settings) -> None:
    _, ticket_id = prepare(settings)

    async def scenario(client: TestClient) -> None:
        headers = {"X-CSRF-Token": await sign_in(client, "sam")}
        await client.post(f"/staff/api/tickets/{ticket_id}/claim", json={}, headers=headers)
        closed = await client.post(f"/staff/api/tickets/{ticket_id}/close", json={"note": "Done."}, headers=headers)
        assert closed.status == 200 and (await closed.json())["ticket"]["closed_by"] == "Sam"
        (row,) = (await (await client.get("/staff/api/tickets?view=closed")).json())["tickets"]
        assert row["closed_by"] == "Sam" and row["closed_at"] and row["close_note"] == "Done."
        full = await (await client.get(f"/staff/api/tickets/{ticket_id}")).json()
        assert full["ticket"]["closed_by"] == "Sam" and full["messages"][-1]["text"] == "Closed by Sam."

    run(settings, scenario)


def test_a_new_ticket_behind_a_long_queue_is_still_announced(settings) -> None:
    """The live stream compared only the first 50 open tickets: a new one behind them was never announced."""
    db, _ = prepare(settings)
    for i in range(60):
        store.open_ticket(db, f"urgent-{i}", "", "socketio", "emergency", "", False)

    async def scenario(client: TestClient) -> list[dict]:
        await sign_in(client, "sam")
        response = await client.get("/staff/api/events")
        seen: list[dict] = []

        async def read() -> None:
            async for raw in response.content:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:]))
                    if len(seen) == 1:
                        store.open_ticket(db, "late", "", "rest", "asked", "", False)
                    if len(seen) == 2:
                        return

        await asyncio.wait_for(read(), timeout=10)
        response.close()
        return seen

    seen = run(settings, scenario)
    assert len(seen[0]["urgent_ticket_ids"]) == 60
    assert len(seen[1]["new_ticket_ids"]) == 1
