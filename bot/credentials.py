"""The secrets the processes share: the HTTP API token, the REST integrations' token, the widget session key.

Each comes from its setting when one is given, or is made once, at random, into a file of the state folder
that only the server's user can read (0600), the way the pseudonym key is. Every process (Rasa, the action
server, the web app, `plainhealth chat`, the tests) reads the same file, so nothing has to be copied by hand,
and a restart keeps every widget session and integration working.

- API token: Rasa's ``--auth-token``. Guards Rasa's whole HTTP API (``/model``, ``/conversations/...``);
  Rasa expects it as ``?token=``. Only the web app, the CLI and the tests call that API, on loopback.
- REST token: ``Authorization: Bearer`` for the REST channel (``/webhooks/rest/webhook``), which trusts the
  caller's sender ids: a server-to-server integration, never a browser.
- Session key: signs the widget's session ids (bot/channels/sessions.py), so a conversation can be joined
  only by the browser it was given to.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Settings
from bot.state_files import ensure_private_dir

API_TOKEN_FILE = "api.token"
REST_TOKEN_FILE = "rest.token"
SESSION_KEY_FILE = "session.key"


def secret_file(path: Path, configured: str = "") -> str:
    """``configured`` if given; else the file's value, made once at random (0600) if there is none yet."""
    if configured:
        return configured
    if not path.exists():
        ensure_private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32))
        try:
            os.link(tmp, path)  # atomic, and never overwrites a value another process made first
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ValueError(f"{path} is empty: delete it and a new one will be made.")
    return value


def api_token(settings: Settings) -> str:
    """Rasa's ``--auth-token``: PLAINHEALTH_API_TOKEN, or ``<state>/api.token``."""
    return secret_file(settings.state_dir / API_TOKEN_FILE, settings.api_token)


def rest_token(settings: Settings) -> str:
    """The REST channel's bearer token: PLAINHEALTH_REST_TOKEN, or ``<state>/rest.token``."""
    return secret_file(settings.state_dir / REST_TOKEN_FILE, settings.rest_token)


def session_key(settings: Settings) -> bytes:
    """The key that signs widget session ids: PLAINHEALTH_SESSION_KEY, or ``<state>/session.key``."""
    return secret_file(settings.state_dir / SESSION_KEY_FILE, settings.session_key).encode("utf-8")


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison, so the time taken tells nothing about how much of a guess was right."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
