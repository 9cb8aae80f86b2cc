"""Pseudonymous patient ids.

Channels give us ids that can point to a person (a Telegram user id, a phone). We never store or log those:
every row in the app database is keyed by an HMAC of the channel's id with a secret that stays on the server,
so the same person maps to the same pseudonym, and the pseudonym cannot be turned back into the id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from bot.credentials import secret_file
from bot.settings import Settings


def load_or_create_secret(settings: Settings) -> bytes:
    """PLAINHEALTH_SECRET_KEY if set; otherwise a random key created once in the state folder (0600)."""
    return secret_file(settings.state_dir / "secret.key", settings.secret_key).encode("utf-8")


def pseudonym(channel_id: str, secret: bytes) -> str:
    return hmac.new(secret, channel_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _fernet(secret: bytes) -> Fernet:
    key = base64.urlsafe_b64encode(hashlib.sha256(b"plainhealth-conversation:" + secret).digest())
    return Fernet(key)


def seal(conversation_id: str, secret: bytes) -> str:
    """Encrypt a conversation id that must be kept for a while (to deliver a reminder), so the database
    alone never shows who a patient is on their channel."""
    return _fernet(secret).encrypt(conversation_id.encode("utf-8")).decode("ascii")


def unseal(sealed: str, secret: bytes) -> str | None:
    try:
        return _fernet(secret).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
