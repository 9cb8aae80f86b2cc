"""Sending to Telegram within its limits, and reading updates in order per chat but not one chat at a time.

``FloodControl`` is python-telegram-bot's hook for every Bot API call but ``getUpdates`` (a
``BaseRateLimiter``), so each send, answer and edit passes it, whoever makes it:
- at most 30 requests a second to chats overall (Telegram's flood limit for a bot), and a short burst then
  about one a second per chat (its limit per private chat);
- ``RetryAfter`` (HTTP 429): Telegram says how long to wait. Every request waits that long (the limit is
  the bot's, not one chat's), then the request is sent again. A wait of more than ``max_wait`` seconds is not
  waited out: the error goes up and the caller logs it;
- network faults (``NetworkError``, ``TimedOut``; not ``BadRequest``, which is a ``NetworkError`` in PTB but
  will fail the same way again) are retried with back-off: 0.5 s, 1 s, 2 s ... A timed-out send may have
  reached Telegram, so a patient may rarely get a message twice; that is better than losing it;
- ``Forbidden`` (the patient blocked the bot), ``BadRequest`` and ``InvalidToken`` go straight up: waiting
  does not change them.
python-telegram-bot's own ``AIORateLimiter`` needs the ``aiolimiter`` package and retries only 429s; this
needs nothing new.

``PerChatOrder`` is the Application's update processor: updates of one chat are handled one after the other
(a patient's second message must not overtake the first), while other patients' chats go on at the same
time, so one slow answer (Rasa waits up to the action timeout) holds up nobody else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

logger = logging.getLogger(__name__)

OVERALL_PER_SECOND = 30
CHAT_BURST = 3
CHAT_PER_SECOND = 1.0


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (the attribute is an int or a timedelta, by PTB version)."""
    value: Any = getattr(error, "_retry_after", None)
    if value is None:
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class _ChatBucket:
    """A token bucket: ``CHAT_BURST`` messages at once, then ``CHAT_PER_SECOND``."""

    __slots__ = ("tokens", "updated")

    def __init__(self, now: float) -> None:
        self.tokens = float(CHAT_BURST)
        self.updated = now


class FloodControl(BaseRateLimiter[int]):
    """Flood limits, ``RetryAfter`` and network faults for every Bot API call (module docstring)."""

    def __init__(
        self,
        max_retries: int = 5,
        max_wait: float = 300.0,
        backoff: float = 0.5,
        overall_per_second: int = OVERALL_PER_SECOND,
        max_chats: int = 10_000,
    ) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.backoff = backoff
        self.overall_per_second = overall_per_second
        self.max_chats = max_chats
        self._sent: deque[float] = deque()
        self._chats: dict[str, _ChatBucket] = {}
        self._lock = asyncio.Lock()
        self._resume_at = 0.0  # nothing is sent before this (monotonic) time: Telegram said to wait

    async def initialize(self) -> None:
        """Nothing to set up; the limits start empty."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def _slot(self, chat: str | None) -> None:
        """Wait until a request may go: after any ``RetryAfter`` pause, within the overall and chat limits."""
        while True:
            async with self._lock:
                now = time.monotonic()
                wait = self._resume_at - now
                if wait <= 0 and chat is not None:
                    while self._sent and now - self._sent[0] >= 1.0:
                        self._sent.popleft()
                    if len(self._sent) >= self.overall_per_second:
                        wait = 1.0 - (now - self._sent[0])
                    else:
                        bucket = self._bucket(chat, now)
                        if bucket.tokens < 1.0:
                            wait = (1.0 - bucket.tokens) / CHAT_PER_SECOND
                        else:
                            bucket.tokens -= 1.0
                            self._sent.append(now)
                            return
                elif wait <= 0:
                    return
            await asyncio.sleep(max(wait, 0.01))

    def _bucket(self, chat: str, now: float) -> _ChatBucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self.max_chats:  # forget chats that are full again (idle a while)
                full = [k for k, b in self._chats.items() if b.tokens + (now - b.updated) >= CHAT_BURST]
                for key in full:
                    del self._chats[key]
            bucket = self._chats[chat] = _ChatBucket(now)
        bucket.tokens = min(float(CHAT_BURST), bucket.tokens + (now - bucket.updated) * CHAT_PER_SECOND)
        bucket.updated = now
        return bucket

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        chat_key = str(chat) if chat is not None else None
        attempt = 0
        while True:
            await self._slot(chat_key)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                if attempt >= self.max_retries or seconds > self.max_wait:
                    raise
                logger.warning(
                    "Telegram asked us to slow down (%s): waiting %.0f s, then sending again.", endpoint, seconds
                )
                async with self._lock:
                    self._resume_at = max(self._resume_at, time.monotonic() + seconds + 0.1)
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt >= self.max_retries:
                    raise
                delay = self.backoff * 2**attempt
                logger.warning(
                    "Telegram could not be reached (%s, %s): trying again in %.1f s.",
                    endpoint,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
            attempt += 1


def chat_of(update: object) -> int | None:
    """The chat an update belongs to, if any (what must stay in order)."""
    if isinstance(update, Update):
        chat = update.effective_chat
        if chat is not None:
            return int(chat.id)
        if update.effective_user is not None:
            return int(update.effective_user.id)
    return None


class PerChatOrder(BaseUpdateProcessor):
    """One chat's updates in order, different chats at the same time (module docstring)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[chat]
            if users <= 1:
                del self._locks[chat]  # nobody waits: the map holds only chats being handled
            else:
                self._locks[chat] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Forget the locks: the Application has stopped handling updates."""
        self._locks.clear()
