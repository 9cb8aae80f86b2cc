"""The safety net under Rasa's reminders.

Rasa schedules reminders in memory: a server restart forgets them. Every reminder is also a row in the app
database, and the web app checks now and then for one that is overdue and still waiting. It asks Rasa to
run it now, through Rasa's documented external-event endpoint, on the channel the patient used last. The
action that sends it marks the row, so a reminder is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import ClientSession

from bot.contracts import Entity, ExternalIntent, ReminderStatus
from bot.privacy import unseal
from bot.rasa_api import trigger
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.visits import finish_reminder, waiting_reminders

logger = logging.getLogger(__name__)

TOO_LATE = dt.timedelta(hours=20)  # a day-before reminder this late would arrive after the visit


async def deliver_due(db: Database, settings: Settings, secret: bytes, http: ClientSession, now: dt.datetime) -> int:
    """Trigger every reminder that is overdue by more than the grace period; returns how many were sent on."""
    sent = 0
    overdue = now - dt.timedelta(seconds=settings.reminder_grace_seconds)
    for reminder in waiting_reminders(db, due_before=overdue):
        conversation = unseal(reminder.conversation, secret)
        if conversation is None or now - reminder.fire_at > TOO_LATE:
            finish_reminder(db, reminder.id, ReminderStatus.MISSED)
            logger.warning("reminder %s could not be delivered in time and was dropped", reminder.id)
            continue
        if await trigger(
            http,
            settings,
            conversation,
            ExternalIntent.APPOINTMENT_REMINDER,
            {Entity.REMINDER: str(reminder.id)},
            f"reminder {reminder.id}",
        ):
            sent += 1
    return sent
