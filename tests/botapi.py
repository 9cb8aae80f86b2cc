"""A stand-in for Telegram's Bot API on a loopback port: records what the real python-telegram-bot library
sends (imported by tests; pytest puts tests/ on the path)."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web


class BotApiStandIn:
    def __init__(self, token: str) -> None:
        self.token = token
        self.sent: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/bot{token}/{method}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        body: dict[str, Any]
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = {k: v for k, v in (await request.post()).items()}
        if method == "getMe":
            return web.json_response(
                {
                    "ok": True,
                    "result": {"id": 42, "is_bot": True, "first_name": "Staff alerts", "username": "staff_alerts_bot"},
                }
            )
        if method == "sendMessage":
            self.sent.append(body)
            chat = str(body.get("chat_id"))
            chat_id = int(chat) if chat.lstrip("-").isdigit() else 1
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "message_id": len(self.sent),
                        "date": int(time.time()),
                        "text": body.get("text", ""),
                        "chat": {"id": chat_id, "type": "group", "title": "Staff"},
                    },
                }
            )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": f"no {json.dumps(method)}"}, status=404
        )
