"""The widget's channel: Rasa's socket.io events, with the conversation bound to the browser it was given to.

What Rasa 3.6's own ``socketio`` channel left open, and what this one does instead:
- any site could connect (CORS switched off): python-engineio here gets the clinic's origin allow-list and
  refuses every other origin, whatever the transport;
- the browser chose its ``session_id``, so another patient's id read their replies and wrote into their
  chat: here the server makes the id and signs it (bot/channels/sessions.py); the id a message is filed
  under is the one bound to the socket, never one the message names;
- any text reached NLU: here every message passes the gate (bot/channels/guard.py): length, pace per
  conversation and per address, and no internal payloads. Client metadata is dropped;
- engine.io took packets of up to 1 MB: here 64 KB;
- a reply sent while the browser was away (a staff reply, a reminder) was lost: each message now carries
  ``sent_at`` (its time in the conversation), the widget says which it saw last when it comes back, and
  what it missed is sent again from the conversation's history. Staff lines carry ``staff: {name}`` so the
  widget never has to guess who wrote a message from its words.

The channel name stays ``socketio``, so Rasa's "latest channel" for external events still finds it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import rasa.core.channels.socketio as rasa_socketio
import socketio
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import TROUBLE, Gate
from bot.channels.marks import STAFF_NAME_KEY, START_OVER_KEY
from bot.channels.sessions import new_session, session_of

logger = logging.getLogger(__name__)

MAX_PACKET_BYTES = 64 * 1024
MAX_REPLAYED = 50


def _marks(kwargs: dict[str, Any]) -> dict[str, Any]:
    """What the widget needs besides the words: when it was sent, and whether a person wrote it."""
    marks: dict[str, Any] = {}
    sent_at = kwargs.get("timestamp")
    if isinstance(sent_at, int | float):
        marks["sent_at"] = sent_at
    staff = kwargs.get(STAFF_NAME_KEY)
    if isinstance(staff, str) and staff.strip():
        marks["staff"] = {"name": staff.strip()[:80]}
    if kwargs.get(START_OVER_KEY) is True:
        marks["start_over"] = True
    return marks


class ClinicSocketIOOutput(rasa_socketio.SocketIOOutput):
    """Rasa's output with each text message marked (see ``_marks``)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # One message, one bubble: Rasa split at blank lines, so a lesson part came as two or three bubbles
        # and its "Part 2 of 6" was cut off from its text. The widget keeps the blank lines as paragraphs.
        await self._send_message(recipient_id, {"text": text.strip(), **_marks(kwargs)})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await self._send_message(recipient_id, {"text": text.strip(), "quick_replies": replies, **_marks(kwargs)})


async def conversation_events(app: Sanic | None, sender: str) -> list[Any]:
    """A conversation's events from Rasa's tracker store; none when it cannot be read (the chat goes on)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return []
    try:
        tracker = await store.retrieve(sender)
    except Exception as exc:
        logger.warning("Could not read a conversation's history: %s", type(exc).__name__)
        return []
    return list(tracker.events) if tracker is not None else []


class BoundedJson:
    """The JSON codec python-socketio uses for packets, refusing nesting too deep to parse (a 2 KB packet
    nested 1,000 deep raised RecursionError inside the library) as a malformed packet."""

    @staticmethod
    def dumps(*args: Any, **kwargs: Any) -> str:
        return json.dumps(*args, **kwargs)

    @staticmethod
    def loads(*args: Any, **kwargs: Any) -> Any:
        try:
            return json.loads(*args, **kwargs)
        except RecursionError as exc:
            raise ValueError("packet nested too deep") from exc


def offered_payloads(events: Iterable[Any]) -> list[str]:
    """The button payloads of the assistant's latest turn (the bot messages after the last user message)."""
    offered: list[str] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    offered.append(button["payload"])
    return offered


class ClinicSocketIOInput(rasa_socketio.SocketIOInput):
    """The ``socketio`` channel with origins, signed sessions, the gate and catch-up (module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        from bot.credentials import session_key
        from bot.settings import Settings

        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            session_persistence=True,
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )
        settings = Settings.from_env()
        channel.allowed_origins = [str(o).rstrip("/") for o in credentials.get("allowed_origins") or []]
        channel.key = session_key(settings)
        channel.redis_url = settings.lock_store_url
        channel.gate = Gate(
            settings.max_message_chars,
            settings.sender_messages_per_minute,
            settings.address_messages_per_minute,
            str(credentials.get("emergency_number") or "your local emergency number"),
        )
        return channel

    allowed_origins: list[str]
    key: bytes
    gate: Gate
    redis_url: str = ""

    def get_output_channel(self) -> ClinicSocketIOOutput | None:
        return ClinicSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = rasa_socketio.AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.allowed_origins,
            max_http_buffer_size=MAX_PACKET_BYTES,
            json=BoundedJson,
            # Several Rasa servers: a staff reply or a reminder handled by one server reaches the widget that
            # is connected to another, through Redis (python-socketio's own manager).
            client_manager=(
                socketio.AsyncRedisManager(self.redis_url, channel="plainhealth-socketio") if self.redis_url else None
            ),
        )
        webhook = rasa_socketio.SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        sessions: dict[str, str] = {}  # socket id -> conversation id
        app_holder: dict[str, Sanic] = {}

        @webhook.listener("after_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            app_holder["app"] = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        def address(sid: str) -> str:
            """The client's address, from the connection itself at each message (a client can send an event
            named "disconnect", so nothing it can trigger may drop what the pace is keyed on)."""
            try:
                request = (sio.get_environ(sid) or {}).get("sanic.request")
            except Exception:  # a socket that is gone has no address
                return "unknown"
            return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "unknown")

        @sio.on("connect")
        async def connect(sid: str, *_: Any) -> bool:
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str, *_: Any) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:
            data = data if isinstance(data, dict) else {}
            token = data.get("session_id")
            session = session_of(self.key, token)
            if session is None:
                session, token = new_session(self.key)
            previous = sessions.get(sid)
            if previous and previous != session:
                await _leave(sio, sid, previous)
            await _enter(sio, sid, session)
            sessions[sid] = session
            await sio.emit("session_confirm", token, room=sid)
            since = data.get("since")
            if isinstance(since, int | float) and not isinstance(since, bool):
                await catch_up(sid, session, float(since))

        async def catch_up(sid: str, session: str, since: float) -> None:
            missed = [
                e
                for e in await conversation_events(app_holder.get("app"), session)
                if isinstance(e, BotUttered) and e.timestamp > since
            ]
            output = ClinicSocketIOOutput(sio, self.bot_message_evt)
            for event in missed[-MAX_REPLAYED:]:
                await output.send_response(sid, event.message())

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            session = sessions.get(sid)
            if session is None:
                return  # no session yet: the widget always asks for one first
            raw = data.get("message") if isinstance(data, dict) else None
            offered: list[str] = []
            if isinstance(raw, str) and raw.lstrip().startswith("/") and len(raw) <= self.gate.max_chars:
                offered = offered_payloads(await conversation_events(app_holder.get("app"), session))
            verdict = self.gate.admit(raw, session, address(sid), offered)
            output = ClinicSocketIOOutput(sio, self.bot_message_evt)
            if verdict.text is None:
                await output.send_text_message(session, self.gate.reply(verdict.refusal))
                return
            try:
                await on_new_message(UserMessage(verdict.text, output, session, input_channel=self.name()))
            except Exception as exc:  # a store that is down: say so kindly, the patient sends it again
                logger.error("A widget message failed: %s", type(exc).__name__)
                await output.send_text_message(session, self.gate.reply(TROUBLE))

        return webhook


async def _enter(sio: Any, sid: str, room: str) -> None:
    result = sio.enter_room(sid, room)
    if hasattr(result, "__await__"):
        await result


async def _leave(sio: Any, sid: str, room: str) -> None:
    result = sio.leave_room(sid, room)
    if hasattr(result, "__await__"):
        await result
