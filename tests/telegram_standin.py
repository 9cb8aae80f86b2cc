"""A stand-in for Telegram's Bot API on a loopback port, for the real python-telegram-bot library.

It serves what the patient channel uses (getMe, getUpdates with long polling, setWebhook, deleteWebhook,
sendMessage, sendPhoto, answerCallbackQuery, editMessageReplyMarkup, setMyCommands), records every call in
order, and can be told to answer the next calls of a method with an error (a 429 with ``retry_after``, a 403
for a patient who blocked the bot, a 502). Tests put updates in (``push``, or the builders ``text``,
``press``, ...) as Telegram would deliver them. Runs on the test's own event loop (``app`` with aiohttp's
``TestServer``) or on a thread of its own (``start``/``stop``) when the code under test is another process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 700_000_001


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    result: Any = None


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class TelegramStandIn:
    token: str
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.app = web.Application()
        self.app.router.add_post("/bot{token}/{method}", self._handle)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------------------ running on a thread

    def start(self) -> TelegramStandIn:
        """Serve on 127.0.0.1 (a free port) from a thread; ``url`` is what PLAINHEALTH_TELEGRAM_API_URL takes."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._runner = web.AppRunner(self.app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}"
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="telegram-standin", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # ------------------------------------------------------------------------------------ what tests do

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (it gets the next update_id); returns it."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
        return update

    def fail_next(
        self, method: str, status: int, description: str = "", retry_after: int | None = None, times: int = 1
    ) -> None:
        with self._lock:
            self.failures.setdefault(method, []).extend(
                [Failure(status, description or _DESCRIPTIONS.get(status, "Error"), retry_after)] * times
            )

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            found = [c for c in self.calls if c.method == method]
        if chat_id is not None:
            found = [c for c in found if str(c.params.get("chat_id")) == str(chat_id)]
        return found

    def wait_for(
        self,
        method: str,
        match: Callable[[Call], bool] = lambda _: True,
        chat_id: int | None = None,
        timeout: float = 30.0,
        after: int = 0,
    ) -> Call:
        """The first successful call of ``method`` (from the ``after``-th on) that matches; waits for it."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls_of(method, chat_id)[after:]:
                if call.status == 200 and match(call):
                    return call
            if time.monotonic() > deadline:
                seen = [(c.method, c.status, str(c.params.get("text", ""))[:80]) for c in self.calls[-8:]]
                raise AssertionError(f"no matching {method} within {timeout} s; last calls: {seen}")
            time.sleep(0.05)

    async def await_for(
        self,
        method: str,
        match: Callable[[Call], bool] = lambda _: True,
        chat_id: int | None = None,
        timeout: float = 10.0,
        after: int = 0,
    ) -> Call:
        """``wait_for`` for a test running on the same event loop as the stand-in."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls_of(method, chat_id)[after:]:
                if call.status == 200 and match(call):
                    return call
            if time.monotonic() > deadline:
                seen = [(c.method, c.status, str(c.params.get("text", ""))[:80]) for c in self.calls[-8:]]
                raise AssertionError(f"no matching {method} within {timeout} s; last calls: {seen}")
            await asyncio.sleep(0.02)

    def sent_texts(self, chat_id: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.calls_of("sendMessage", chat_id) if c.status == 200]

    # --------------------------------------------------------------------------------- update builders

    @staticmethod
    def user(user_id: int, name: str = "Pat") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name}

    def message(
        self, user_id: int, chat_id: int | None = None, chat_type: str = "private", **content: Any
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id if chat_id is not None else user_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Pat"
        else:
            chat["title"] = "Family group"
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id),
            **content,
        }

    def text(self, user_id: int, text: str, chat_id: int | None = None, chat_type: str = "private") -> dict[str, Any]:
        """A text message (a leading /command gets its bot_command entity, as Telegram adds it)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"message": self.message(user_id, chat_id, chat_type, **content)})

    def edit(self, user_id: int, text: str, message_id: int) -> dict[str, Any]:
        message = self.message(user_id, text=text, edit_date=int(time.time()))
        message["message_id"] = message_id
        return self.push({"edited_message": message})

    def sticker(self, user_id: int) -> dict[str, Any]:
        return self.push(
            {
                "message": self.message(
                    user_id,
                    sticker={
                        "file_id": "st1",
                        "file_unique_id": "st1u",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    },
                )
            }
        )

    def photo(self, user_id: int, caption: str | None = None) -> dict[str, Any]:
        content: dict[str, Any] = {"photo": [{"file_id": "ph1", "file_unique_id": "ph1u", "width": 90, "height": 90}]}
        if caption is not None:
            content["caption"] = caption
        return self.push({"message": self.message(user_id, **content)})

    def voice(self, user_id: int) -> dict[str, Any]:
        return self.push(
            {"message": self.message(user_id, voice={"file_id": "v1", "file_unique_id": "v1u", "duration": 3})}
        )

    def press(self, user_id: int, sent: Call, data: str) -> dict[str, Any]:
        """A press of the button carrying ``data`` on the message ``sent`` (a recorded sendMessage)."""
        result = sent.result
        return self.push(
            {
                "callback_query": {
                    "id": f"cq{next(self._update_ids)}",
                    "from": self.user(user_id),
                    "chat_instance": "ci1",
                    "data": data,
                    "message": result,
                }
            }
        )

    @staticmethod
    def buttons(call: Call) -> list[tuple[str, str]]:
        """(title, callback_data) of a recorded message's inline keyboard."""
        markup = call.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]

    # -------------------------------------------------------------------------------------- the server

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        with self._lock:
            self.calls.append(call)
            queued = self.failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            call.status = failure.status
            body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(body, status=failure.status)
        if method == "getUpdates":
            result: Any = await self._updates(params)
        else:
            answer = getattr(self, f"_{method}", None)
            if answer is None:
                call.status = 404
                return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
            result = answer(params)
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 5.0)
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates[:100])
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Clinic helper",
            "username": "clinic_helper_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _editMessageReplyMarkup(self, params: dict[str, Any]) -> bool:
        return True

    def _sent(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = int(str(params.get("chat_id")))
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "group"},
            "from": self._getMe({}),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._sent(params, text=params.get("text", ""))

    def _sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._sent(params, photo=[{"file_id": "sent", "file_unique_id": "sentu", "width": 1, "height": 1}])


_DESCRIPTIONS = {
    429: "Too Many Requests: retry later",
    403: "Forbidden: bot was blocked by the user",
    400: "Bad Request: can't parse entities",
    502: "Bad Gateway",
}


async def _params(request: web.Request) -> dict[str, Any]:
    """PTB sends form fields, with objects (reply_markup, commands) as JSON text; JSON bodies work too."""
    if request.content_type == "application/json":
        loaded = await request.json()
        return dict(loaded) if isinstance(loaded, dict) else {}
    params: dict[str, Any] = {}
    for key, value in (await request.post()).items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params
