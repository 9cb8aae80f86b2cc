"""What the action server needs while it runs: settings, the database, the pseudonym secret.

Built on first use (never at import, so rasa_sdk can import the actions package freely) and shared by all
actions.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.models import Library
from bot.privacy import load_or_create_secret, pseudonym
from bot.settings import Settings
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.answers.answerer import Answerer
    from bot.conversation.core import Conversation

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    _db: Database | None = None
    _secret: bytes | None = None
    _library: Library | None = None
    _note_version: str | None = None
    _answerer: Answerer | None = None
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
        """The content, loaded once. Broken files are logged (file, line, what is wrong) and left out."""
        with self._lock:
            return self._load_library()

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = load_or_create_secret(self.settings)
        return self._secret

    def patient_id(self, sender_id: str) -> str:
        return pseudonym(sender_id, self.secret)

    @property
    def answerer(self) -> Answerer:
        """The index of passages patients' questions are answered from, built once from the content."""
        with self._lock:
            if self._answerer is None:
                from bot.answers.answerer import Answerer

                self._answerer = Answerer(self._load_library(), cache_dir=answer_vectors_dir(self.settings))
            return self._answerer

    def _load_library(self) -> Library:
        """Callers hold the lock."""
        if self._library is None:
            from bot.content.loader import load_library

            self._library = load_library(self.settings.content_dir)
        return self._library

    @property
    def privacy_note_version(self) -> str:
        """A short hash of the privacy note's words in the domain: a changed note is a new version, shown
        again to everyone (bot/conversation/core.py)."""
        if self._note_version is None:
            from bot.conversation.privacy import note_version

            self._note_version = note_version(self.settings.domain_path)
        return self._note_version

    def conversation(self, sender_id: str) -> Conversation:
        """The patient's conversation core, for one message (bot/conversation/core.py)."""
        from bot.conversation.core import Conversation

        return Conversation(self, sender_id)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def answer_vectors_dir(settings: Settings) -> Path:
    """Where the answer index keeps its passage vectors: beside the models (bot/answers/answerer.py)."""
    return settings.models_dir / "answer-vectors"


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
