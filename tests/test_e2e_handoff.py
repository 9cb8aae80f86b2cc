"""Safety and hand-off through the real Rasa, action and web servers.

A staff member signs in to the console over HTTP (cookie and CSRF token, as a browser would), claims a
ticket, replies, and hands back; the patient talks over REST and, in one test, over socket.io, where staff
replies must arrive live without the patient sending anything.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
import socketio

pytestmark = pytest.mark.e2e


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Console:
    """A staff member's browser: a cookie jar and the CSRF token from /staff/api/me."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def request(
        self, method: str, path: str, payload: dict[str, Any] | None = None, csrf: bool = True
    ) -> tuple[int, Any]:
        data = json.dumps(payload or {}).encode() if method == "POST" else None
        headers = {"Content-Type": "application/json"}
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                body = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode(), error.code
        try:
            return status, json.loads(body) if body else None
        except json.JSONDecodeError:
            return status, body

    def login(self, username: str, password: str) -> int:
        """Post the sign-in form; 303 (to the console) when it worked. Redirects are not followed."""
        form = urllib.parse.urlencode({"username": username, "password": password}).encode()
        request = urllib.request.Request(self.base + "/staff/login", data=form, method="POST")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        try:
            with opener.open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 303:
            return status
        code, me = self.request("GET", "/staff/api/me")
        if code == 200:
            self.csrf = me["csrf"]
        return status

    def ticket_for(self, text: str) -> dict[str, Any]:
        """The open ticket whose transcript holds ``text`` (waits a little for the action server)."""
        for _ in range(30):
            _, listing = self.request("GET", "/staff/api/tickets")
            for ticket in listing["tickets"]:
                _, full = self.request("GET", f"/staff/api/tickets/{ticket['id']}")
                if any(m["text"] == text for m in full["messages"]):
                    return full
            time.sleep(0.3)
        raise AssertionError(f"no ticket holds {text!r}")


@pytest.fixture(scope="module")
def console(servers) -> Console:
    client = Console(servers.settings.web_url)
    assert client.login("sam", servers.staff_account("sam", "Sam")) == 303
    return client


def bot_texts(servers, sender: str) -> list[str]:
    events = servers.get_json(f"/conversations/{sender}/tracker")["events"]
    return [e.get("text") or "" for e in events if e.get("event") == "bot"]


def wait_for_bot_text(servers, sender: str, fragment: str, timeout: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = bot_texts(servers, sender)
        if any(fragment in t for t in texts):
            return texts
        time.sleep(0.3)
    raise AssertionError(f"{fragment!r} never reached the conversation: {bot_texts(servers, sender)[-4:]}")


def test_an_emergency_gets_the_clinic_guidance_first_and_an_urgent_ticket(servers, console, new_sender, library):
    sender = new_sender()
    message = "my grandad colapsed and wont wake up"  # typo on purpose
    replies = servers.send(message, sender)
    first = replies[0]["text"]
    assert first == library.clinic.fill(library.clinic.messages["emergency"])
    assert "911" in first and "told the team" in replies[1]["text"]
    ticket = console.ticket_for(message)["ticket"]
    assert ticket["priority"] == "urgent" and ticket["reason"] == "emergency" and ticket["status"] == "waiting"
    _, listing = console.request("GET", "/staff/api/tickets")
    assert listing["tickets"][0]["priority"] == "urgent"  # urgent first

    # Self-harm gets the crisis line; a word only mentioned does not raise the alarm.
    other = new_sender()
    crisis = servers.send("i dont want to be here anymore", other)
    assert "988" in crisis[0]["text"]
    calm = servers.send("what does overdose mean on the leaflet", new_sender())
    assert all("911" not in r.get("text", "") for r in calm)


def test_a_person_takes_over_and_hands_back(servers, console, new_sender):
    sender = new_sender()
    servers.send("hello", sender)
    waiting = servers.send("can i talk to a real person", sender)
    assert any("will reply here soon" in r["text"] for r in waiting)
    noted = servers.send("i have a question about my bill", sender)
    assert [r["text"] for r in noted] == ["Thank you. I passed that on to the team."]

    full = console.ticket_for("i have a question about my bill")
    ticket_id = full["ticket"]["id"]
    assert full["ticket"]["reason"] == "asked" and full["ticket"]["priority"] == "normal"
    assert [m["sender"] for m in full["messages"][:2]] == ["patient", "bot"]  # the chat before the hand-off

    # Replying before claiming is refused; claiming greets the patient by name.
    code, body = console.request("POST", f"/staff/api/tickets/{ticket_id}/reply", {"text": "hi"})
    assert code == 409 and "Claim" in body["error"]
    code, body = console.request("POST", f"/staff/api/tickets/{ticket_id}/claim")
    assert code == 200 and body["ticket"]["claimed_by_me"]
    wait_for_bot_text(servers, sender, "Sam (clinic team): Hello, this is Sam.")

    code, body = console.request(
        "POST", f"/staff/api/tickets/{ticket_id}/reply", {"text": "I can help with your bill. What is the question?"}
    )
    assert code == 200
    wait_for_bot_text(servers, sender, "Sam (clinic team): I can help with your bill.")

    # While Sam has the chat, the assistant stays quiet, even for things it would normally answer.
    assert servers.send("hi, why was i charged twice?", sender) == []
    assert servers.send("menu", sender) == []
    _, full = console.request("GET", f"/staff/api/tickets/{ticket_id}")
    assert [m["text"] for m in full["messages"] if m["sender"] == "patient"][-2:] == [
        "hi, why was i charged twice?",
        "menu",
    ]

    code, body = console.request("POST", f"/staff/api/tickets/{ticket_id}/close", {"note": ""})
    assert code == 400  # a note is required
    code, body = console.request("POST", f"/staff/api/tickets/{ticket_id}/close", {"note": "Billing sorted."})
    assert code == 200 and body["ticket"]["status"] == "closed"
    wait_for_bot_text(servers, sender, "You are back with me")
    assert servers.send("hello", sender)  # the assistant answers again


def test_saying_stop_while_waiting_cancels_the_request(servers, console, new_sender):
    sender = new_sender()
    servers.send("talk to a person please", sender)
    replies = servers.send("stop", sender)
    assert "don't need them now" in replies[0]["text"]
    assert servers.send("hello", sender)


def test_the_console_refuses_requests_without_a_login(servers, console):
    stranger = Console(servers.settings.web_url)
    assert stranger.request("GET", "/staff/api/tickets")[0] == 401
    assert stranger.request("POST", "/staff/api/tickets/1/claim")[0] == 401
    assert stranger.login("sam", "wrong password") == 401
    # A signed-in browser still needs the CSRF token for any change.
    assert console.request("POST", "/staff/api/tickets/1/claim", csrf=False)[0] == 403
    # Staff are not admins.
    assert console.request("GET", "/staff/api/users")[0] == 403
    code, page = Console(servers.settings.web_url).request("GET", "/staff")
    assert code == 200 and "Sign in" in page  # redirected to the login page


def test_staff_replies_reach_a_socketio_patient_live(servers, console, new_sender):
    sender = new_sender()

    async def chat() -> list[str]:
        received: list[str] = []

        async def until(fragment: str) -> None:
            for _ in range(80):
                if any(fragment in t for t in received):
                    return
                await asyncio.sleep(0.25)

        client = socketio.AsyncClient()
        client.on("bot_uttered", lambda data: received.append(data.get("text", "")))
        await client.connect(servers.settings.rasa_url, transports=["polling"])
        await client.emit("session_request", {"session_id": sender})
        await asyncio.sleep(0.5)
        await client.emit("user_uttered", {"message": "i want to speak to someone at the clinic", "session_id": sender})
        await until("will reply here soon")
        full = await asyncio.to_thread(console.ticket_for, "i want to speak to someone at the clinic")
        ticket_id = full["ticket"]["id"]
        await asyncio.to_thread(console.request, "POST", f"/staff/api/tickets/{ticket_id}/claim")
        await asyncio.to_thread(
            console.request, "POST", f"/staff/api/tickets/{ticket_id}/reply", {"text": "Hi, I am here."}
        )
        await until("Hi, I am here.")
        await asyncio.to_thread(
            console.request, "POST", f"/staff/api/tickets/{ticket_id}/close", {"note": "Test chat."}
        )
        await until("You are back with me")
        await client.disconnect()
        return received

    received = asyncio.run(chat())
    assert any("will reply here soon" in t for t in received)
    assert "Sam (clinic team): Hi, I am here." in received  # pushed, without the patient writing
    assert any("You are back with me" in t for t in received)


def test_nothing_is_lost_when_the_rasa_server_restarts(servers, console, new_sender, trained_model):
    sender = new_sender()
    servers.send("i need to speak with a nurse please", sender)
    ticket_id = console.ticket_for("i need to speak with a nurse please")["ticket"]["id"]
    console.request("POST", f"/staff/api/tickets/{ticket_id}/claim")
    servers.restart_rasa(trained_model)
    # The hand-off is still on after the restart: the patient's words reach the ticket, the bot stays quiet.
    assert servers.send("are you still there?", sender) == []
    _, full = console.request("GET", f"/staff/api/tickets/{ticket_id}")
    assert full["messages"][-1]["text"] == "are you still there?"
    code, _ = console.request("POST", f"/staff/api/tickets/{ticket_id}/reply", {"text": "Yes, still here."})
    assert code == 200
    wait_for_bot_text(servers, sender, "Sam (clinic team): Yes, still here.")
    console.request("POST", f"/staff/api/tickets/{ticket_id}/close", {"note": "Restart test."})
    wait_for_bot_text(servers, sender, "You are back with me")
