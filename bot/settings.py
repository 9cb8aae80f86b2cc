"""One settings object for every process, built from the environment and the clinic profile.

Nothing here runs at import time: callers build a ``Settings`` with ``Settings.from_env()`` (or by hand in
tests) and pass it down. That keeps tests free to point each part at its own ports, folders and databases.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Where things live and how the processes talk to each other.

    Every field has an environment variable named ``PLAINHEALTH_<FIELD>`` (upper case), parsed by the field's
    type (``_parse``); this class is the one place a setting is declared. The README lists them.
    """

    project_dir: Path = PROJECT_ROOT
    content_dir: Path = field(default=PROJECT_ROOT / "content", metadata={"under_project": "content"})
    domain_path: Path = field(default=PROJECT_ROOT / "domain.yml", metadata={"under_project": "domain.yml"})
    state_dir: Path = field(default=PROJECT_ROOT / ".plainhealth", metadata={"under_project": ".plainhealth"})
    models_dir: Path = field(default=PROJECT_ROOT / "models", metadata={"under_project": "models"})
    database_url: str = ""
    tracker_store_url: str = ""
    # Redis for Rasa's lock store and the widget's messages across several Rasa servers (empty: one server).
    lock_store_url: str = ""
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    # Where the other processes reach Rasa and the action server when they are not on this host's ports (a
    # load balancer, another container): e.g. http://rasa-lb:5005 and http://actions:5055/webhook.
    rasa_server_url: str = field(default="", metadata={"clean": lambda v: v.rstrip("/")})
    action_server_url: str = ""
    action_timeout_seconds: int = 10
    web_port: int = 8000
    max_grade: float = 6.0
    max_sentence_words: int = 20
    log_level: str = field(default="WARNING", metadata={"clean": str.upper})
    public_url: str = field(default="", metadata={"clean": lambda v: v.rstrip("/")})
    reminder_hour: int = 10
    reminder_delay_seconds: int = 0
    reminder_grace_seconds: int = 60
    print_link_hours: int = 72
    retention_days: int = 180  # chats and app data older than this are deleted (bot/records/retention.py)
    date_order: str = field(default="mdy", metadata={"clean": str.lower})
    handoff_hours: str = field(default="clinic", metadata={"clean": str.lower})
    staff_session_hours: int = 12
    staff_telegram_token: str = ""
    staff_telegram_chat: str = ""
    telegram_api_url: str = field(default="https://api.telegram.org", metadata={"clean": lambda v: v.rstrip("/")})
    telegram_token: str = ""
    telegram_webhook_url: str = ""
    telegram_secret: str = ""
    allowed_origins: tuple[str, ...] = ()
    trust_proxy: bool = False  # believe X-Forwarded-For/-Proto: only behind one proxy that sets them
    api_token: str = ""
    rest_token: str = ""
    max_message_chars: int = 2000
    sender_messages_per_minute: int = 30
    address_messages_per_minute: int = 120
    # The pseudonym key (bot/privacy.py); made once in the state folder when unset.
    secret_key: str = ""
    # The key that signs widget sessions (bot/channels/sessions.py); made once in the state folder when unset.
    # Several Rasa servers must share it, as they share the API and REST tokens.
    session_key: str = ""

    def __post_init__(self) -> None:
        # Defaults that depend on other fields: SQLite files inside the state folder.
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.state_dir / 'plainhealth.db'}")
        if not self.tracker_store_url:
            object.__setattr__(self, "tracker_store_url", f"sqlite:///{self.state_dir / 'tracker.db'}")
        if not 0 <= self.reminder_hour <= 23:
            raise SettingsError(f"PLAINHEALTH_REMINDER_HOUR must be an hour from 0 to 23, not {self.reminder_hour}.")
        if self.date_order not in ("mdy", "dmy"):
            raise SettingsError(
                f"PLAINHEALTH_DATE_ORDER must be mdy (3/12 is March 12) or dmy (3/12 is 3 December), "
                f"not {self.date_order!r}."
            )
        if self.print_link_hours < 1:
            raise SettingsError("PLAINHEALTH_PRINT_LINK_HOURS must be 1 or more.")
        if self.retention_days < 1:
            raise SettingsError(
                "PLAINHEALTH_RETENTION_DAYS must be 1 or more (how many days chats and patients' "
                f"data are kept), not {self.retention_days}."
            )
        if self.handoff_hours not in ("clinic", "always", "never"):
            raise SettingsError(
                "PLAINHEALTH_HANDOFF_HOURS must be clinic (the clinic's opening hours), always "
                "(someone answers day and night) or never (always out of hours), "
                f"not {self.handoff_hours!r}."
            )
        if bool(self.staff_telegram_token) != bool(self.staff_telegram_chat):
            raise SettingsError(
                "Set both PLAINHEALTH_STAFF_TELEGRAM_TOKEN and PLAINHEALTH_STAFF_TELEGRAM_CHAT to "
                "tell staff about new hand-offs on Telegram, or neither."
            )
        if not 1 <= self.action_timeout_seconds <= 300:
            raise SettingsError(
                "PLAINHEALTH_ACTION_TIMEOUT_SECONDS must be between 1 and 300 (how long Rasa waits "
                f"for the action server), not {self.action_timeout_seconds}."
            )
        if self.staff_session_hours < 1:
            raise SettingsError("PLAINHEALTH_STAFF_SESSION_HOURS must be 1 or more.")
        if not 100 <= self.max_message_chars <= 10000:
            raise SettingsError(
                "PLAINHEALTH_MAX_MESSAGE_CHARS must be between 100 and 10000 (the longest message a "
                f"patient may send), not {self.max_message_chars}."
            )
        if self.sender_messages_per_minute < 1 or self.address_messages_per_minute < 1:
            raise SettingsError(
                "PLAINHEALTH_SENDER_MESSAGES_PER_MINUTE and PLAINHEALTH_ADDRESS_MESSAGES_PER_MINUTE must be 1 or more."
            )
        if not 1 <= self.max_grade <= 18:
            raise SettingsError(f"PLAINHEALTH_MAX_GRADE must be between 1 and 18, not {self.max_grade}.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Each field from ``PLAINHEALTH_<FIELD>``, parsed by its type; an unset or empty variable keeps the
        default (folders default to places inside the project folder)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        project = Path(env.get(variable("project_dir")) or PROJECT_ROOT)
        for item, kind in _env_fields():
            raw = env.get(variable(item.name), "")
            under = item.metadata.get("under_project")
            if raw.strip() == "":
                if under:
                    values[item.name] = project / under
                continue
            values[item.name] = _parse(item, kind, raw)
        values["project_dir"] = project
        return cls(**values)

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The environment that rebuilds these settings in a child process (action server, web app)."""
        return {variable(item.name): _format(getattr(self, item.name)) for item, _ in _env_fields()}

    @property
    def nltk_data_dir(self) -> Path:
        return self.state_dir / "nltk_data"

    @property
    def action_endpoint_url(self) -> str:
        return self.action_server_url or f"http://{self.host}:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        """Where patients open printable pages: PLAINHEALTH_PUBLIC_URL behind a proxy, else the web app."""
        return self.public_url or f"http://{self.host}:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return self.rasa_server_url or f"http://{self.host}:{self.rasa_port}"


PREFIX = "PLAINHEALTH_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def variable(name: str) -> str:
    """The environment variable of a settings field: ``PLAINHEALTH_`` and the name in capitals."""
    return PREFIX + name.upper()


def _env_fields() -> list[tuple[Field[Any], Any]]:
    hints = get_type_hints(Settings)
    return [(item, hints[item.name]) for item in fields(Settings) if item.metadata.get("env", True)]


def _parse(item: Field[Any], kind: Any, raw: str) -> Any:
    name = variable(item.name)
    text = raw.strip()
    clean = item.metadata.get("clean")
    if kind is bool:
        if text.lower() not in _TRUE | _FALSE:
            raise SettingsError(f"{name} must be 1 or 0 (on or off), not {raw!r}.")
        return text.lower() in _TRUE
    if kind is int:
        try:
            return int(text)
        except ValueError as exc:
            raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from exc
    if kind is float:
        try:
            return float(text)
        except ValueError as exc:
            raise SettingsError(f"{name} must be a number such as 6 or 8, not {raw!r}.") from exc
    if kind is Path:
        return Path(text)
    if kind == tuple[str, ...]:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return clean(text) if clean else text


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)
