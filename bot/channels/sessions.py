"""Widget sessions the server hands out and signs, so a conversation is reachable only by its own browser.

Rasa's socket.io channel takes whatever ``session_id`` the browser sends: with another patient's id, a page
could read their replies and write into their chat. Here the server makes the id (random, 24 characters of
``[A-Za-z0-9_-]``) and gives the browser ``<id>.<signature>``, an HMAC of the id with a key only the server
has (bot/credentials.py). A browser that comes back with a valid token gets its conversation again; any
other value gets a new conversation. The id alone, which is what Rasa stores and staff tools see, opens
nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.channels.guard import valid_sender

SIGNATURE_CHARS = 32


def _signature(key: bytes, session_id: str) -> str:
    digest = hmac.new(key, b"widget-session:" + session_id.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:SIGNATURE_CHARS]


def new_session(key: bytes) -> tuple[str, str]:
    """A fresh conversation id and the token the browser keeps for it."""
    session_id = secrets.token_urlsafe(18)
    return session_id, f"{session_id}.{_signature(key, session_id)}"


def session_of(key: bytes, token: object) -> str | None:
    """The conversation id a token was signed for, or None for anything forged, altered or malformed."""
    if not isinstance(token, str) or len(token) > 200 or token.count(".") != 1:
        return None
    session_id, signature = token.split(".")
    if not valid_sender(session_id) or len(signature) != SIGNATURE_CHARS:
        return None
    expected = _signature(key, session_id)
    return session_id if hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")) else None
