"""The one client of Rasa's HTTP API: the web app asks it to run actions on a patient's channel.

The API is locked with Rasa's ``--auth-token``, which Rasa reads from the URL (``?token=``); every URL that
carries it is built here, and none is ever logged (the Rasa server runs without an access log).

One error policy for every caller (`trigger`): Rasa down, slow or refusing is a ``False`` and one warning
that names what it was for, never an exception, so one failing reminder or staff reply never stops the
round of deliveries that follow it; the caller keeps the item and tries again later.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from aiohttp import ClientError, ClientSession

from bot.credentials import api_token
from bot.settings import Settings

logger = logging.getLogger(__name__)


def api_url(settings: Settings, path: str, **query: str) -> str:
    """``path`` on the Rasa server, with the API token."""
    return f"{settings.rasa_url}{path}?{urlencode({**query, 'token': api_token(settings)})}"


def trigger_url(settings: Settings, conversation: str) -> str:
    """Run an intent (a reminder, a staff reply) in ``conversation``, answering on its latest channel."""
    return api_url(settings, f"/conversations/{quote(conversation, safe='')}/trigger_intent", output_channel="latest")


async def trigger(
    http: ClientSession, settings: Settings, conversation: str, intent: str, entities: Mapping[str, str], what: str
) -> bool:
    """Run ``intent`` in ``conversation`` on its latest channel; True when Rasa took it. ``what`` names the
    item in the warning ("reminder 12", "hand-off ticket 3"), never the conversation or any text."""
    body = {"name": intent, "entities": dict(entities)}
    try:
        async with http.post(trigger_url(settings, conversation), json=body) as response:
            if response.status == 200:
                return True
            logger.warning("Rasa answered %s for %s; will try again", response.status, what)
    except (TimeoutError, ClientError, OSError):
        logger.warning("Rasa could not be reached for %s; will try again", what)
    return False
