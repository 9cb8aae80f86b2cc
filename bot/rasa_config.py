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
from bot.state_files import ensure_private_database, ensure_private_dir, write_private_text

# Rasa's SQL tracker store with a cheaper save, an index and checked connections (bot/tracker_store.py).
TRACKER_STORE_CLASS = "bot.tracker_store.PlainhealthTrackerStore"


def tracker_store_config(url: str) -> dict[str, Any]:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the message kind
        raise SettingsError(
            f"PLAINHEALTH_TRACKER_STORE_URL is not a database URL: {url!r}. "
            "Use sqlite:///path/to/tracker.db or postgresql://user:password@host:5432/name."
        ) from exc
    dialect = parsed.get_backend_name()
    config: dict[str, Any] = {"type": TRACKER_STORE_CLASS, "dialect": dialect, "db": parsed.database or ""}
    if dialect == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            database = Path(parsed.database)
            if not database.parent.exists():
                ensure_private_dir(database.parent)
            # Rasa would create it 0644; made empty and 0600 first, SQLite keeps its journal 0600 as well. (A
            # relative path is Rasa's, from its own working folder: the state folder's 0700 covers it.)
            if database.is_absolute():
                ensure_private_database(database)
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


def lock_store_config(url: str) -> dict[str, Any] | None:
    """Rasa's Redis lock store from one ``redis://[:password@]host:port/db`` URL; None keeps Rasa's in-memory
    lock store, which is right for one Rasa server and wrong for several (two servers would handle one
    patient's messages at once and save over each other's events)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise SettingsError(
            f"PLAINHEALTH_LOCK_STORE_URL must look like redis://host:6379/0 (or rediss:// for TLS), not {url!r}."
        )
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise SettingsError(f"PLAINHEALTH_LOCK_STORE_URL names Redis database {database!r}: use a number such as 0.")
    config: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname,
        "port": parts.port or 6379,
        "db": int(database),
        "key_prefix": "plainhealth",
    }
    if parts.password:
        config["password"] = parts.password
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    return config


def endpoints(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "action_endpoint": {"url": settings.action_endpoint_url},
        "tracker_store": tracker_store_config(settings.tracker_store_url),
    }
    lock_store = lock_store_config(settings.lock_store_url)
    if lock_store:
        config["lock_store"] = lock_store
    return config


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


def emergency_number(settings: Settings) -> str:
    """The clinic profile's emergency number, for the channels' own kind replies (too long, too fast)."""
    try:
        profile = yaml.safe_load((settings.content_dir / "clinic.yml").read_text(encoding="utf-8")) or {}
        number = profile.get("emergency_number") if isinstance(profile, dict) else None
    except (OSError, yaml.YAMLError):
        number = None
    return str(number) if number else "your local emergency number"


def credentials(settings: Settings) -> dict[str, Any]:
    """The patient channels, each guarding itself (bot/channels/): no secrets here, they are read from the
    settings or the state folder by the channel. Telegram only when a bot token is set: without one there is
    no bot to run, and a channel that cannot start would only fill the log."""
    number = emergency_number(settings)
    channels: dict[str, Any] = {
        "bot.channels.rest.IntegrationRestInput": {"emergency_number": number},
        "bot.channels.socketio.ClinicSocketIOInput": {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "allowed_origins": allowed_origins(settings),
            "emergency_number": number,
        },
    }
    if settings.telegram_token:
        channels["bot.channels.telegram.TelegramInput"] = {"emergency_number": number}
    return channels


def write_rasa_files(settings: Settings) -> tuple[Path, Path]:
    """Write endpoints.yml and credentials.yml into the state folder and return their paths."""
    # Every start passes here, so this is where an old, open state folder (and the tracker database Rasa
    # made in it) is made private again.
    ensure_private_dir(settings.state_dir)
    endpoints_file = settings.state_dir / "endpoints.yml"
    credentials_file = settings.state_dir / "credentials.yml"
    write_private_text(endpoints_file, yaml.safe_dump(endpoints(settings), sort_keys=False))
    write_private_text(credentials_file, yaml.safe_dump(credentials(settings), sort_keys=False))
    return endpoints_file, credentials_file
