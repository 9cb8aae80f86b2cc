"""The server as an attacker on the network finds it: the probes of the security review, against real servers.

Rasa's HTTP API wants its token; the REST channel wants the integration's token and checked bodies; the
widget's conversations belong to the browser they were given to; input is bounded before NLU; patients
cannot type internal payloads; and none of the patients' words reach the logs.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
import socketio
from test_e2e_handoff import Console

from bot.credentials import rest_token
from bot.rasa_api import api_url

pytestmark = pytest.mark.e2e


def call(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def rest(
    servers, body: Any, token: str | None = "valid", raw: bytes | None = None, content_type: str = "application/json"
) -> tuple[int, str]:
    headers = {"Content-Type": content_type}
    if token == "valid":
        headers["Authorization"] = f"Bearer {rest_token(servers.settings)}"
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else json.dumps(body).encode()
    return call(f"{servers.settings.rasa_url}/webhooks/rest/webhook", "POST", data, headers)


@pytest.fixture(scope="module")
def console(servers) -> Console:
    client = Console(servers.settings.web_url)
    assert client.login("sam", servers.staff_account("sam", "Sam")) == 303
    return client


# --- Rasa's HTTP API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", "/model", None),
        ("PUT", "/model", b'{"model_file": "/tmp/x.tar.gz"}'),
        ("PUT", "/model", b'{"model_server": {"url": "http://127.0.0.1:9/m"}, "model_file": "/tmp/fetched"}'),
        ("POST", "/model/train", b"{}"),
        ("GET", "/domain", None),
        ("GET", "/conversations/someone/tracker", None),
        ("POST", "/conversations/someone/trigger_intent", b'{"name": "emergency"}'),
        ("POST", "/conversations/someone/execute", b'{"name": "action_emergency"}'),
        ("POST", "/conversations/someone/tracker/events", b'{"event": "slot", "name": "x", "value": 1}'),
        ("POST", "/model/parse", b'{"text": "hello"}'),
    ],
)
def test_the_http_api_refuses_callers_without_the_token(servers, method: str, path: str, body: bytes | None) -> None:
    status, _ = call(f"{servers.settings.rasa_url}{path}", method, body, {"Content-Type": "application/json"})
    assert status == 401
    status, _ = call(f"{servers.settings.rasa_url}{path}?token=wrong", method, body, {"Content-Type": "text/plain"})
    assert status == 401


def test_the_assistant_still_answers_after_the_api_was_attacked(servers, new_sender) -> None:
    call(f"{servers.settings.rasa_url}/model", "DELETE")
    assert not (servers.settings.state_dir / "fetched").exists()
    assert servers.send("hello", new_sender())  # the model is still loaded


def test_the_api_works_with_the_token(servers, new_sender) -> None:
    sender = new_sender()
    servers.send("hello", sender)
    status, body = call(api_url(servers.settings, f"/conversations/{sender}/tracker"))
    assert status == 200 and json.loads(body)["sender_id"] == sender


def test_the_token_is_not_on_any_command_line(servers) -> None:
    token = (servers.settings.state_dir / "api.token").read_text().strip()
    for process in servers.processes:
        assert process.pid is not None
        with open(f"/proc/{process.pid}/cmdline", "rb") as handle:
            assert token.encode() not in handle.read()


# --- The REST channel ---------------------------------------------------------------------------------------


def test_rest_without_the_token_is_refused(servers, new_sender) -> None:
    body = {"sender": new_sender(), "message": "hello"}
    assert rest(servers, body, token=None)[0] == 401
    assert rest(servers, body, token="guess")[0] == 401
    # A page on another site can send text/plain without a preflight: still no token, still refused.
    assert rest(servers, body, token=None, content_type="text/plain")[0] == 401


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"hello"',
        b"null",
        b"{",
        b"42",
        b"\xff\xfe",
        b"[" * 5000 + b"]" * 5000,
        b'{"sender": "a", "message": "x", "metadata": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001,
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(servers, raw: bytes) -> None:
    status, body = rest(servers, None, raw=raw)
    assert status == 400 and "JSON" in json.loads(body)["error"]


@pytest.mark.parametrize("sender", [None, "", "x" * 129, "a b", "../../etc", 7])
def test_a_missing_or_malformed_sender_is_refused_not_shared(servers, sender: Any) -> None:
    body: dict[str, Any] = {"message": "my secret question"}
    if sender is not None:
        body["sender"] = sender
    status, answer = rest(servers, body)
    assert status == 400 and "sender" in json.loads(answer)["error"]
    status, _ = call(api_url(servers.settings, "/conversations/default/tracker"))
    events = json.loads(_)["events"] if status == 200 else []
    assert not any(e.get("text") == "my secret question" for e in events)


def test_a_message_that_is_not_text_is_refused(servers, new_sender) -> None:
    assert rest(servers, {"sender": new_sender(), "message": {"text": "hi"}})[0] == 400


def test_a_very_long_message_gets_a_kind_answer_and_never_reaches_nlu(servers, new_sender) -> None:
    sender = new_sender()
    started = time.monotonic()
    status, body = rest(servers, {"sender": sender, "message": "pain " * 2000})
    assert status == 200 and time.monotonic() - started < 5
    [reply] = json.loads(body)
    assert "too long" in reply["text"] and "911" in reply["text"]
    status, tracker = call(api_url(servers.settings, f"/conversations/{sender}/tracker"))
    said = [e.get("text") or "" for e in json.loads(tracker)["events"] if e["event"] == "user"]
    assert not any(text.startswith("pain pain") for text in said)


def test_a_body_over_the_cap_is_refused_and_others_are_still_served(servers, new_sender) -> None:
    huge = json.dumps({"sender": new_sender(), "message": "word " * 200_000}).encode()  # 1 MB
    status, _ = rest(servers, None, raw=huge)
    assert status == 413
    started = time.monotonic()
    assert servers.send("hello", new_sender())
    assert time.monotonic() - started < 5


def test_too_many_messages_from_one_conversation_are_slowed_down(servers, new_sender) -> None:
    sender = new_sender()
    answers = [rest(servers, {"sender": sender, "message": f"ok {i}"})[1] for i in range(32)]
    assert "faster than I can read" not in answers[0]
    assert "faster than I can read" in answers[-1]
    assert servers.send("hello", new_sender())  # another patient is not slowed down


# --- Payloads a patient types ---------------------------------------------------------------------------------


def test_a_patient_cannot_end_a_claimed_hand_off_or_restart_it(servers, console, new_sender) -> None:
    sender = new_sender()
    servers.send("i want to talk to a nurse please", sender)
    ticket_id = console.ticket_for("i want to talk to a nurse please")["ticket"]["id"]
    assert console.request("POST", f"/staff/api/tickets/{ticket_id}/claim")[0] == 200
    for typed in ["/EXTERNAL_handoff_ended", "/restart", '/EXTERNAL_staff_reply{"handoff": "1"}']:
        [reply] = servers.send(typed, sender)
        assert "can't take that command" in reply["text"]
    assert servers.send("are you there?", sender) == []  # a person still has the chat: the assistant is quiet
    _, full = console.request("GET", f"/staff/api/tickets/{ticket_id}")
    assert full["ticket"]["status"] == "claimed"
    assert [m["text"] for m in full["messages"] if m["sender"] == "patient"][-1] == "are you there?"
    console.request("POST", f"/staff/api/tickets/{ticket_id}/close", {"note": "test"})


def test_typing_the_emergency_payload_opens_no_urgent_ticket(servers, console, new_sender) -> None:
    sender = new_sender()
    before = console.request("GET", "/staff/api/tickets")[1]["tickets"]
    [reply] = servers.send("/emergency", sender)
    assert "911" in reply["text"]  # never silence, and the number is there
    time.sleep(1.5)
    after = console.request("GET", "/staff/api/tickets")[1]["tickets"]
    urgent_after = {t["id"] for t in after if t["priority"] == "urgent"}
    assert urgent_after == {t["id"] for t in before if t["priority"] == "urgent"}


def test_the_offered_yes_button_still_raises_the_alarm(servers, console, new_sender) -> None:
    sender = new_sender()
    check = servers.send("i feel like giving up", sender)
    payloads = [b["payload"] for r in check for b in r.get("buttons") or []]
    assert "/emergency" in payloads, check
    servers.send("/emergency", sender)
    assert console.ticket_for("i feel like giving up")["ticket"]["priority"] == "urgent"


# --- The widget's socket.io channel --------------------------------------------------------------------------


class Widget:
    """A browser tab's socket.io client: asks for a session, keeps the token, records what arrives."""

    def __init__(self, servers) -> None:
        self.url = servers.settings.rasa_url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict[str, Any]] = []
        self.token: str | None = None
        self.client.on("bot_uttered", lambda data: self.received.append(data))
        self.client.on("session_confirm", self._confirm)

    def _confirm(self, token: str) -> None:
        self.token = token

    async def open(self, token: Any = None, since: float | None = None) -> str:
        await self.client.connect(self.url, transports=["polling"], wait_timeout=10)
        self.token = None
        request: dict[str, Any] = {"session_id": token}
        if since is not None:
            request["since"] = since
        await self.client.emit("session_request", request)
        for _ in range(100):
            if self.token:
                return self.token
            await asyncio.sleep(0.05)
        raise AssertionError("no session_confirm")

    async def say(self, text: str, session_id: str | None = None) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.token})

    async def until(self, fragment: str, seconds: float = 20) -> list[str]:
        for _ in range(int(seconds / 0.1)):
            if any(fragment in (m.get("text") or "") for m in self.received):
                break
            await asyncio.sleep(0.1)
        return [m.get("text") or "" for m in self.received]

    async def close(self) -> None:
        await self.client.disconnect()


def test_a_session_belongs_to_the_browser_it_was_given_to(servers) -> None:
    async def scenario() -> None:
        alice, mallory = Widget(servers), Widget(servers)
        token = await alice.open()
        alice_id = token.split(".")[0]
        await alice.say("what does benign mean")
        assert any("benign" in t.lower() for t in await alice.until("enign"))
        # Mallory knows Alice's conversation id (it is what staff tools show) but not her token.
        for attempt in [alice_id, f"{alice_id}.forged0000000000000000000000000", None, 42]:
            got = await mallory.open(attempt) if not mallory.client.connected else None
            if got is None:
                await mallory.client.emit("session_request", {"session_id": attempt})
                await asyncio.sleep(0.5)
                got = mallory.token
            assert got and got.split(".")[0] != alice_id
        await mallory.say("MALLORY WAS HERE", session_id=alice_id)
        await asyncio.sleep(2)
        seen = len(alice.received)
        events = json.loads(call(api_url(servers.settings, f"/conversations/{alice_id}/tracker"))[1])["events"]
        assert not any(e.get("text") == "MALLORY WAS HERE" for e in events)
        assert len(alice.received) == seen  # nothing of Mallory's chat reached Alice
        # Alice comes back with her token: the same conversation.
        await alice.close()
        again = Widget(servers)
        assert (await again.open(token)).split(".")[0] == alice_id
        await again.close()
        await mallory.close()

    asyncio.run(scenario())


def test_a_message_before_any_session_is_ignored(servers) -> None:
    async def scenario() -> list[dict[str, Any]]:
        widget = Widget(servers)
        await widget.client.connect(widget.url, transports=["polling"], wait_timeout=10)
        victim = f"e2e-{uuid.uuid4().hex[:12]}"
        await widget.client.emit("user_uttered", {"message": "hello", "session_id": victim})
        await asyncio.sleep(2)
        await widget.close()
        status, body = call(api_url(servers.settings, f"/conversations/{victim}/tracker"))
        assert not any(e["event"] == "user" for e in json.loads(body)["events"])
        return widget.received

    assert asyncio.run(scenario()) == []


def test_a_reply_sent_while_the_widget_was_away_arrives_when_it_comes_back(servers) -> None:
    async def scenario() -> list[str]:
        widget = Widget(servers)
        token = await widget.open()
        await widget.say("hello")
        await widget.until("")
        await asyncio.sleep(1.5)
        stamps = [m["sent_at"] for m in widget.received if isinstance(m.get("sent_at"), float | int)]
        assert stamps, widget.received
        await widget.close()
        # While the tab is closed the clinic sends something (a reminder, a staff reply): an external event.
        session = token.split(".")[0]
        body = json.dumps({"name": "help"}).encode()
        status, _ = call(
            api_url(servers.settings, f"/conversations/{session}/trigger_intent", output_channel="latest"),
            "POST",
            body,
            {"Content-Type": "application/json"},
        )
        assert status == 200
        back = Widget(servers)
        await back.open(token, since=max(stamps))
        await back.until("", seconds=5)
        await asyncio.sleep(1)
        await back.close()
        return [m.get("text") or "" for m in back.received]

    missed = asyncio.run(scenario())
    assert missed and not any(t.lower() == "hello" for t in missed)


def test_a_huge_socket_packet_is_refused_and_the_server_keeps_serving(servers, new_sender) -> None:
    async def scenario() -> None:
        widget = Widget(servers)
        await widget.open()
        await widget.say("x" * 3000)
        texts = await widget.until("too long")
        assert any("too long" in t for t in texts)
        try:
            await widget.client.emit("user_uttered", {"message": "word " * 40_000})  # 200 KB: over 64 KB
            await asyncio.sleep(1)
        except Exception:
            pass
        await widget.client.disconnect()

    asyncio.run(scenario())
    assert servers.send("hello", new_sender())


# --- Logs -------------------------------------------------------------------------------------------------


def test_no_patient_words_reach_the_logs(servers, new_sender) -> None:
    marker = f"zebra{uuid.uuid4().hex[:8]}"
    sender = new_sender()
    for text in [
        f"/help{{{marker}",
        f"/{marker}",
        f"my {marker} hurts",
        f"{marker} " * 600,
        f'/learn_topic{{"module": "{marker}"}}',
    ]:
        rest(servers, {"sender": sender, "message": text})
    time.sleep(1)
    for process in servers.processes:
        log = process.log_path.read_text(encoding="utf-8", errors="replace")
        assert marker not in log, process.name
        assert sender not in log, process.name


def test_rasa_logs_withhold_slot_values_payloads_and_tracebacks(servers, new_sender) -> None:
    """Rasa's response filler logs every button payload at ERROR with the slots in a traceback's locals."""
    sender = new_sender()
    servers.send("add a question: zebrafinch can I drive after", sender)
    servers.send("i have a blood test on friday", sender)  # the reminder offer: buttons with JSON payloads
    time.sleep(1)
    log = next(p for p in servers.processes if p.name == "Rasa server").log_path.read_text(errors="replace")
    assert '"locals"' not in log and "no_reminder" not in log and "ebrafinch" not in log


def test_half_an_emoji_still_gets_an_answer(servers, new_sender) -> None:
    """A lone surrogate (half of an emoji's encoding) made NLU fail: the patient got silence."""
    status, body = rest(
        servers, None, raw=b'{"sender": "%s", "message": "hello \\ud83d there"}' % new_sender().encode()
    )
    assert status == 200 and json.loads(body)


def test_socket_events_without_data_break_nothing(servers) -> None:
    async def scenario() -> None:
        widget = Widget(servers)
        await widget.client.connect(widget.url, transports=["polling"], wait_timeout=10)
        await widget.client.emit("session_request")
        await widget.client.emit("user_uttered")
        await widget.client.emit("connect")
        await widget.client.emit("disconnect")
        await asyncio.sleep(1)
        await widget.close()
        again = Widget(servers)
        await again.open()
        await again.say("hello")
        assert await again.until("")
        await again.close()

    asyncio.run(scenario())
    log = next(p for p in servers.processes if p.name == "Rasa server").log_path.read_text(errors="replace")
    assert "Task exception was never retrieved" not in log and "TypeError" not in log
