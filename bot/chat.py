"""A small terminal chat over Rasa's REST channel, for trying a running assistant by hand.

It reads the REST token itself (PLAINHEALTH_REST_TOKEN or the state folder's rest.token), as any
integration on the server would.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from bot.credentials import rest_token
from bot.settings import Settings


def send(settings: Settings, sender: str, message: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """POST one message to the REST channel and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {rest_token(settings)}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return list(json.loads(response.read().decode("utf-8")))
    except urllib.error.HTTPError as error:
        if error.code != 503:
            raise
        # The assistant could not handle it just now (a store was down): its kind "send it again" reply.
        return list(json.loads(error.read().decode("utf-8")))


def render(reply: dict[str, Any]) -> str:
    lines = [str(reply["text"])] if reply.get("text") else []
    for number, button in enumerate(reply.get("buttons") or [], start=1):
        lines.append(f"  [{number}] {button.get('title')}")
    return "\n".join(lines)


def chat_loop(settings: Settings, sender: str | None = None) -> int:
    sender = sender or f"terminal-{uuid.uuid4().hex[:12]}"  # an id the REST channel accepts
    print("Type a message and press Enter. Type a button's number to press it. Ctrl-D to leave.")
    buttons: list[dict[str, Any]] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = str(buttons[int(text) - 1].get("payload", text))
        try:
            replies = send(settings, sender, text)
        except (urllib.error.URLError, OSError):
            print(f"I can't reach the assistant at {settings.rasa_url}. Is `plainhealth run` running?")
            continue
        buttons = []
        for reply in replies:
            print(f"bot> {render(reply)}")
            buttons = list(reply.get("buttons") or buttons)
