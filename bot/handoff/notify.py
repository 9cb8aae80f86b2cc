"""Telling staff about a new (or newly urgent) hand-off outside the console: a staff Telegram group.

Optional (PLAINHEALTH_STAFF_TELEGRAM_TOKEN and _CHAT). The message says only what kind of ticket waits and
where to answer it: no patient words and no ids leave the clinic's own systems this way.
"""

from __future__ import annotations

import logging

from bot.settings import Settings
from bot.storage import handoff as tickets
from bot.storage.db import Database

logger = logging.getLogger(__name__)


def staff_message(ticket: tickets.Ticket, console_url: str) -> str:
    head = "URGENT" if ticket.priority == "urgent" else "New"
    hours = " (out of hours)" if ticket.out_of_hours else ""
    return f"{head}: {ticket.reason_text}{hours}. Ticket {ticket.id} is waiting. Answer it here: {console_url}"


async def notify_new_tickets(db: Database, settings: Settings) -> int:
    """Send one Telegram message per ticket nobody was told about yet; returns how many went out."""
    if not (settings.staff_telegram_token and settings.staff_telegram_chat):
        return 0
    waiting = tickets.to_notify(db)
    if not waiting:
        return 0
    from telegram import Bot
    from telegram.error import TelegramError

    sent = 0
    bot = Bot(settings.staff_telegram_token, base_url=f"{settings.telegram_api_url}/bot")
    try:
        for ticket in waiting:
            if not tickets.mark_notified(db, ticket.id):
                continue  # another web app process told them
            try:
                await bot.send_message(
                    chat_id=settings.staff_telegram_chat, text=staff_message(ticket, f"{settings.web_url}/staff")
                )
                sent += 1
            except TelegramError as exc:
                logger.warning("could not tell staff about ticket %s on Telegram: %s", ticket.id, exc)
    finally:
        await bot.shutdown()
    return sent
