"""One settings object for every process, built from the environment and the clinic profile.

Nothing here runs at import time: callers build a ``Settings`` with ``Settings.from_env()`` (or by hand in
tests) and pass it down. That keeps tests free to point each part at its own ports, folders and databases.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from exc


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Where things live and how the processes talk to each other.

    Every field has an environment variable named ``PLAINHEALTH_<FIELD>`` (upper case); the README lists them.
    """

    project_dir: Path = PROJECT_ROOT
    content_dir: Path = PROJECT_ROOT / "content"
    domain_path: Path = PROJECT_ROOT / "domain.yml"
    state_dir: Path = PROJECT_ROOT / ".plainhealth"
    models_dir: Path = PROJECT_ROOT / "models"
    database_url: str = ""
    tracker_store_url: str = ""
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    action_timeout_seconds: int = 10
    web_port: int = 8000
    max_grade: float = 6.0
    max_sentence_words: int = 20
    log_level: str = "WARNING"
    public_url: str = ""
    reminder_hour: int = 10
    reminder_delay_seconds: int = 0
    reminder_grace_seconds: int = 60
    print_link_hours: int = 72
    date_order: str = "mdy"
    handoff_hours: str = "clinic"
    staff_session_hours: int = 12
    staff_telegram_token: str = ""
    staff_telegram_chat: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    allowed_origins: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Defaults that depend on other fields: SQLite files inside the state folder.
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.state_dir / 'plainhealth.db'}")
        if not self.tracker_store_url:
            object.__setattr__(self, "tracker_store_url", f"sqlite:///{self.state_dir / 'tracker.db'}")
        if not 0 <= self.reminder_hour <= 23:
            raise SettingsError(f"PLAINHEALTH_REMINDER_HOUR must be an hour from 0 to 23, not {self.reminder_hour}.")
        if self.date_order not in ("mdy", "dmy"):
            raise SettingsError(f"PLAINHEALTH_DATE_ORDER must be mdy (3/12 is March 12) or dmy (3/12 is 3 December), "
                                f"not {self.date_order!r}.")
        if self.print_link_hours < 1:
            raise SettingsError("PLAINHEALTH_PRINT_LINK_HOURS must be 1 or more.")
        if self.handoff_hours not in ("clinic", "always", "never"):
            raise SettingsError("PLAINHEALTH_HANDOFF_HOURS must be clinic (the clinic's opening hours), always "
                                "(someone answers day and night) or never (always out of hours), "
                                f"not {self.handoff_hours!r}.")
        if bool(self.staff_telegram_token) != bool(self.staff_telegram_chat):
            raise SettingsError("Set both PLAINHEALTH_STAFF_TELEGRAM_TOKEN and PLAINHEALTH_STAFF_TELEGRAM_CHAT to "
                                "tell staff about new hand-offs on Telegram, or neither.")
        if not 1 <= self.action_timeout_seconds <= 300:
            raise SettingsError("PLAINHEALTH_ACTION_TIMEOUT_SECONDS must be between 1 and 300 (how long Rasa waits "
                                f"for the action server), not {self.action_timeout_seconds}.")
        if self.staff_session_hours < 1:
            raise SettingsError("PLAINHEALTH_STAFF_SESSION_HOURS must be 1 or more.")
        if not 1 <= self.max_grade <= 18:
            raise SettingsError(f"PLAINHEALTH_MAX_GRADE must be between 1 and 18, not {self.max_grade}.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = cls()
        project = Path(env.get("PLAINHEALTH_PROJECT_DIR", str(base.project_dir)))
        state = Path(env.get("PLAINHEALTH_STATE_DIR", str(project / ".plainhealth")))
        try:
            max_grade = float(env.get("PLAINHEALTH_MAX_GRADE", base.max_grade))
        except ValueError as exc:
            raise SettingsError("PLAINHEALTH_MAX_GRADE must be a number such as 6 or 8.") from exc
        return cls(
            project_dir=project,
            content_dir=Path(env.get("PLAINHEALTH_CONTENT_DIR", str(project / "content"))),
            domain_path=Path(env.get("PLAINHEALTH_DOMAIN_PATH", str(project / "domain.yml"))),
            state_dir=state,
            models_dir=Path(env.get("PLAINHEALTH_MODELS_DIR", str(project / "models"))),
            database_url=env.get("PLAINHEALTH_DATABASE_URL", ""),
            tracker_store_url=env.get("PLAINHEALTH_TRACKER_STORE_URL", ""),
            host=env.get("PLAINHEALTH_HOST", base.host),
            rasa_port=_int(env, "PLAINHEALTH_RASA_PORT", base.rasa_port),
            action_port=_int(env, "PLAINHEALTH_ACTION_PORT", base.action_port),
            action_timeout_seconds=_int(env, "PLAINHEALTH_ACTION_TIMEOUT_SECONDS", base.action_timeout_seconds),
            web_port=_int(env, "PLAINHEALTH_WEB_PORT", base.web_port),
            max_grade=max_grade,
            max_sentence_words=_int(env, "PLAINHEALTH_MAX_SENTENCE_WORDS", base.max_sentence_words),
            log_level=env.get("PLAINHEALTH_LOG_LEVEL", base.log_level).upper(),
            public_url=env.get("PLAINHEALTH_PUBLIC_URL", "").rstrip("/"),
            reminder_hour=_int(env, "PLAINHEALTH_REMINDER_HOUR", base.reminder_hour),
            reminder_delay_seconds=_int(env, "PLAINHEALTH_REMINDER_DELAY_SECONDS", base.reminder_delay_seconds),
            reminder_grace_seconds=_int(env, "PLAINHEALTH_REMINDER_GRACE_SECONDS", base.reminder_grace_seconds),
            print_link_hours=_int(env, "PLAINHEALTH_PRINT_LINK_HOURS", base.print_link_hours),
            date_order=env.get("PLAINHEALTH_DATE_ORDER", base.date_order).strip().lower(),
            handoff_hours=env.get("PLAINHEALTH_HANDOFF_HOURS", base.handoff_hours).strip().lower(),
            staff_session_hours=_int(env, "PLAINHEALTH_STAFF_SESSION_HOURS", base.staff_session_hours),
            staff_telegram_token=env.get("PLAINHEALTH_STAFF_TELEGRAM_TOKEN", "").strip(),
            staff_telegram_chat=env.get("PLAINHEALTH_STAFF_TELEGRAM_CHAT", "").strip(),
            telegram_api_url=env.get("PLAINHEALTH_TELEGRAM_API_URL", base.telegram_api_url).rstrip("/"),
            allowed_origins=tuple(o.strip() for o in env.get("PLAINHEALTH_ALLOWED_ORIGINS", "").split(",")
                                  if o.strip()),
        )

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The environment that rebuilds these settings in a child process (action server, web app)."""
        return {
            "PLAINHEALTH_PROJECT_DIR": str(self.project_dir),
            "PLAINHEALTH_CONTENT_DIR": str(self.content_dir),
            "PLAINHEALTH_DOMAIN_PATH": str(self.domain_path),
            "PLAINHEALTH_STATE_DIR": str(self.state_dir),
            "PLAINHEALTH_MODELS_DIR": str(self.models_dir),
            "PLAINHEALTH_DATABASE_URL": self.database_url,
            "PLAINHEALTH_TRACKER_STORE_URL": self.tracker_store_url,
            "PLAINHEALTH_HOST": self.host,
            "PLAINHEALTH_RASA_PORT": str(self.rasa_port),
            "PLAINHEALTH_ACTION_PORT": str(self.action_port),
            "PLAINHEALTH_ACTION_TIMEOUT_SECONDS": str(self.action_timeout_seconds),
            "PLAINHEALTH_WEB_PORT": str(self.web_port),
            "PLAINHEALTH_MAX_GRADE": str(self.max_grade),
            "PLAINHEALTH_MAX_SENTENCE_WORDS": str(self.max_sentence_words),
            "PLAINHEALTH_LOG_LEVEL": self.log_level,
            "PLAINHEALTH_PUBLIC_URL": self.public_url,
            "PLAINHEALTH_REMINDER_HOUR": str(self.reminder_hour),
            "PLAINHEALTH_REMINDER_DELAY_SECONDS": str(self.reminder_delay_seconds),
            "PLAINHEALTH_REMINDER_GRACE_SECONDS": str(self.reminder_grace_seconds),
            "PLAINHEALTH_PRINT_LINK_HOURS": str(self.print_link_hours),
            "PLAINHEALTH_DATE_ORDER": self.date_order,
            "PLAINHEALTH_HANDOFF_HOURS": self.handoff_hours,
            "PLAINHEALTH_STAFF_SESSION_HOURS": str(self.staff_session_hours),
            "PLAINHEALTH_STAFF_TELEGRAM_TOKEN": self.staff_telegram_token,
            "PLAINHEALTH_STAFF_TELEGRAM_CHAT": self.staff_telegram_chat,
            "PLAINHEALTH_TELEGRAM_API_URL": self.telegram_api_url,
            "PLAINHEALTH_ALLOWED_ORIGINS": ",".join(self.allowed_origins),
        }

    @property
    def nltk_data_dir(self) -> Path:
        return self.state_dir / "nltk_data"

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        """Where patients open printable pages: PLAINHEALTH_PUBLIC_URL behind a proxy, else the web app."""
        return self.public_url or f"http://{self.host}:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"
