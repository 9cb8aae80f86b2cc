"""Who a Telegram patient is to the assistant, where to reach them, and what their buttons mean.

- **Identity.** Telegram gives every user a stable number that points to a person. Rasa, its tracker store
  and the app database never see it: the conversation id is ``tg-`` and 40 hex digits of an HMAC of that
  number with the server's pseudonym key (``bot.privacy``), which passes the channels' id rule
  (``bot.channels.guard.valid_sender``) and cannot be turned back into the number.
- **Where to reach them.** A reply must still go to a chat id, so the chat id is kept where delivery needs
  it: in memory for the running server, and, for a staff reply or a reminder after a restart, in the
  ``telegram_chat`` table, encrypted with ``bot.privacy.seal``. The table also remembers a patient who
  blocked the bot, so nothing more is sent to them (and their reminders are cancelled) until they write.
- **Buttons.** Telegram carries at most 64 bytes of ``callback_data`` per button; our payloads can be longer
  (``/question_prompts{"prompt_set": ...}``, non-ASCII entities). Each button carries a short key instead: a
  keyed hash of the conversation and the payload, remembered in a bounded map. Because the key is derived,
  not random, a press on a keyboard sent before a restart is still understood: the payloads the assistant
  offered in that conversation are hashed again and compared. A key made for one patient means nothing in
  another patient's chat.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.privacy import pseudonym, seal, unseal
from bot.storage.db import Database
from bot.storage.models import TelegramChat, utcnow

logger = logging.getLogger(__name__)

CONVERSATION_PREFIX = "tg-"


def conversation_id(user_id: int, secret: bytes) -> str:
    """The conversation id for a Telegram user: stable, valid for every channel check, not reversible."""
    digest = hmac.new(secret, f"telegram-user:{user_id}".encode(), hashlib.sha256).hexdigest()
    return CONVERSATION_PREFIX + digest[:40]


@dataclass
class _Chat:
    chat_id: int
    blocked: bool = False


class ChatBook:
    """Conversation id -> Telegram chat id: memory first (bounded), the sealed table after a restart."""

    def __init__(self, db: Database | None, secret: bytes, max_cached: int = 100_000) -> None:
        self.db = db
        self.secret = secret
        self.max_cached = max_cached
        self._chats: OrderedDict[str, _Chat] = OrderedDict()

    def _cache(self, conversation: str, entry: _Chat) -> None:
        self._chats[conversation] = entry
        self._chats.move_to_end(conversation)
        while len(self._chats) > self.max_cached:
            self._chats.popitem(last=False)

    async def remember(self, conversation: str, chat_id: int) -> None:
        """The patient just wrote from ``chat_id``: deliver there from now on, and not blocked any more.
        Written to the table only when it is news to this process, so a chat costs one write per start."""
        known = self._chats.get(conversation)
        if known is not None and known.chat_id == chat_id and not known.blocked:
            self._chats.move_to_end(conversation)
            return
        self._cache(conversation, _Chat(chat_id))
        if self.db is not None:
            await asyncio.to_thread(self._save, conversation, seal(str(chat_id), self.secret))

    def _save(self, conversation: str, sealed: str) -> None:
        assert self.db is not None
        try:
            with self.db.session() as session:
                row = session.scalar(select(TelegramChat).where(TelegramChat.conversation == conversation))
                if row is None:
                    session.add(TelegramChat(conversation=conversation, chat=sealed, blocked=False))
                else:
                    row.chat, row.blocked, row.updated_at = sealed, False, utcnow()
        except SQLAlchemyError as exc:
            # This server still delivers from memory; only delivery after a restart would miss this chat.
            logger.warning("Could not save a Telegram chat for later delivery: %s", type(exc).__name__)

    async def chat_for(self, conversation: str) -> int | None:
        """Where to send this conversation's messages; None when no chat is known."""
        entry = await self._entry(conversation)
        return entry.chat_id if entry is not None else None

    async def is_blocked(self, conversation: str) -> bool:
        entry = await self._entry(conversation)
        return entry is not None and entry.blocked

    async def _entry(self, conversation: str) -> _Chat | None:
        entry = self._chats.get(conversation)
        if entry is not None or self.db is None:
            return entry
        loaded = await asyncio.to_thread(self._load, conversation)
        if loaded is not None:
            self._cache(conversation, loaded)
        return loaded

    def _load(self, conversation: str) -> _Chat | None:
        assert self.db is not None
        try:
            with self.db.session() as session:
                row = session.scalar(select(TelegramChat).where(TelegramChat.conversation == conversation))
                if row is None:
                    return None
                sealed, blocked = str(row.chat), bool(row.blocked)
        except SQLAlchemyError as exc:
            logger.warning("Could not read a Telegram chat: %s", type(exc).__name__)
            return None
        raw = unseal(sealed, self.secret)
        if raw is None or not raw.lstrip("-").isdigit():
            logger.warning("A saved Telegram chat could not be read with this server's key.")
            return None
        return _Chat(int(raw), blocked)

    async def mark_blocked(self, conversation: str) -> int:
        """The patient blocked the bot: send them nothing more and cancel their waiting reminders (they
        could not receive them). Returns how many reminders were cancelled."""
        entry = self._chats.get(conversation)
        if entry is not None:
            entry.blocked = True
        if self.db is None:
            return 0
        return await asyncio.to_thread(self._block, conversation)

    def _block(self, conversation: str) -> int:
        assert self.db is not None
        from bot.storage import visits

        try:
            with self.db.session() as session:
                row = session.scalar(select(TelegramChat).where(TelegramChat.conversation == conversation))
                if row is not None:
                    row.blocked, row.updated_at = True, utcnow()
            # The action server keys the patient by the pseudonym of the conversation id (bot/runtime.py).
            patient = pseudonym(conversation, self.secret)
            return sum(
                visits.finish_reminder(self.db, r.id, "cancelled") for r in visits.waiting_reminders(self.db, patient)
            )
        except SQLAlchemyError as exc:
            logger.warning("Could not mark a blocked Telegram chat: %s", type(exc).__name__)
            return 0


class ButtonKeys:
    """Short ``callback_data`` keys for button payloads (module docstring); at most ``max_entries`` kept."""

    def __init__(self, secret: bytes, max_entries: int = 20_000) -> None:
        self.secret = secret
        self.max_entries = max_entries
        self._payloads: OrderedDict[tuple[str, str], str] = OrderedDict()

    def derive(self, conversation: str, payload: str) -> str:
        digest = hmac.new(self.secret, f"telegram-button:{conversation}\n{payload}".encode(), hashlib.sha256)
        return "p" + base64.urlsafe_b64encode(digest.digest()[:12]).decode("ascii")

    def key_for(self, conversation: str, payload: str) -> str:
        """The key to put in the button (17 ASCII characters), remembered for the press."""
        key = self.derive(conversation, payload)
        self._payloads[(conversation, key)] = payload
        self._payloads.move_to_end((conversation, key))
        while len(self._payloads) > self.max_entries:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, conversation: str, key: str, offered: Iterable[str] = ()) -> str | None:
        """The payload behind a pressed key: from memory, else from the payloads this conversation was
        offered (after a restart, or once the map forgot it); None when it is no button of theirs."""
        known = self._payloads.get((conversation, key))
        if known is not None:
            return known
        for payload in offered:
            if hmac.compare_digest(self.derive(conversation, payload), key):
                self.key_for(conversation, payload)  # remembered again for the next press
                return payload
        return None
