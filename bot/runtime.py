"""What the action server needs while it runs: settings, the database, the content library, the secret.

Built on first use (never at import, so rasa_sdk can import the actions package freely) and shared by all
actions. The content library is reloaded when an educator changes a file, without retraining or restarting.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.privacy import load_or_create_secret, pseudonym
from bot.settings import Settings
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.content import Library

logger = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 2.0


def _content_signature(content_dir: Path) -> tuple[int, float]:
    files = [p for p in content_dir.rglob("*") if p.suffix in {".md", ".yml", ".yaml"}]
    return len(files), max((p.stat().st_mtime for p in files), default=0.0)


@dataclass
class Runtime:
    settings: Settings
    _db: Database | None = None
    _library: Library | None = None
    _signature: tuple[int, float] | None = None
    _checked_at: float = 0.0
    _secret: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def db(self) -> Database:
        with self._lock:
            if self._db is None:
                self._db = Database(self.settings.database_url)
                self._db.migrate()
            return self._db

    @property
    def library(self) -> Library:
        from bot.content import load_library

        with self._lock:
            now = time.monotonic()
            if self._library is not None and now - self._checked_at < RELOAD_CHECK_SECONDS:
                return self._library
            self._checked_at = now
            signature = _content_signature(self.settings.content_dir)
            if self._library is None or signature != self._signature:
                self._library = load_library(self.settings.content_dir)
                self._signature = signature
                for problem in self._library.problems:
                    # File and line only: content is the educators' text, not patients' data.
                    logger.warning("content problem (skipped): %s", problem)
            return self._library

    def patient_id(self, sender_id: str) -> str:
        if self._secret is None:
            self._secret = load_or_create_secret(self.settings)
        return pseudonym(sender_id, self._secret)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def get_runtime() -> Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = Runtime(Settings.from_env())
        return _runtime


def use_runtime(runtime: Runtime | None) -> None:
    """Install a runtime (tests point it at their own folders and database); None resets."""
    global _runtime
    with _runtime_lock:
        if _runtime is not None and _runtime is not runtime:
            _runtime.close()
        _runtime = runtime
