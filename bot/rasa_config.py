"""Write the endpoints and credentials files Rasa reads, from the settings.

Rasa's SQL tracker store takes dialect, host, port and database as separate keys; we keep one URL per store
in the settings (PLAINHEALTH_TRACKER_STORE_URL) and split it here, so switching SQLite for PostgreSQL is one
setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from bot.settings import Settings, SettingsError


def tracker_store_config(url: str) -> dict[str, Any]:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the message kind
        raise SettingsError(
            f"PLAINHEALTH_TRACKER_STORE_URL is not a database URL: {url!r}. "
            "Use sqlite:///path/to/tracker.db or postgresql://user:password@host:5432/name."
        ) from exc
    dialect = parsed.get_backend_name()
    config: dict[str, Any] = {"type": "SQL", "dialect": dialect, "db": parsed.database or ""}
    if dialect == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return config
    if parsed.host:
        config["url"] = parsed.host
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["username"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    return config


def endpoints(settings: Settings) -> dict[str, Any]:
    return {
        "action_endpoint": {"url": settings.action_endpoint_url},
        "tracker_store": tracker_store_config(settings.tracker_store_url),
    }


def allowed_origins(settings: Settings) -> list[str]:
    """Sites that may embed the widget: the clinic profile's list, the extra ones in the settings, and the web
    app itself (its demo page)."""
    origins: list[str] = []
    clinic_file = settings.content_dir / "clinic.yml"
    try:
        listed = (yaml.safe_load(clinic_file.read_text(encoding="utf-8")) or {}).get("allowed_origins") or []
    except (OSError, yaml.YAMLError, AttributeError):
        listed = []  # the content check reports a broken clinic profile; no site is allowed meanwhile
    web = urlsplit(settings.web_url)
    for origin in [*map(str, listed), *settings.allowed_origins, f"{web.scheme}://{web.netloc}"]:
        origin = origin.strip().rstrip("/")
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def credentials(settings: Settings) -> dict[str, Any]:
    return {
        "rest": None,
        # Rasa's socket.io channel with the origin allow-list (bot/channels/socketio.py).
        "bot.channels.socketio.ClinicSocketIOInput": {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
            "allowed_origins": allowed_origins(settings),
        },
    }


def write_rasa_files(settings: Settings) -> tuple[Path, Path]:
    """Write endpoints.yml and credentials.yml into the state folder and return their paths."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    endpoints_file = settings.state_dir / "endpoints.yml"
    credentials_file = settings.state_dir / "credentials.yml"
    endpoints_file.write_text(yaml.safe_dump(endpoints(settings), sort_keys=False), encoding="utf-8")
    credentials_file.write_text(yaml.safe_dump(credentials(settings), sort_keys=False), encoding="utf-8")
    return endpoints_file, credentials_file
