"""The REST channel for server-to-server integrations (``POST /webhooks/rest/webhook``), behind a token.

Rasa's own ``rest`` channel had no credentials and took the conversation id from the body, so anyone could
read or write any patient's chat by naming their id; a missing id became one ``default`` conversation that
every caller shared; a body that was a JSON array, a string or null gave a 500; any text, of any size,
reached NLU; and a timeout logged the patient's words. This one:
- wants ``Authorization: Bearer <token>`` (PLAINHEALTH_REST_TOKEN, or ``<state>/rest.token``), else 401.
  With it the caller chooses sender ids, as an integration that serves many patients must;
- wants a JSON object with ``sender`` (1 to 128 of ``[A-Za-z0-9_-]``) and ``message`` (text), else 400
  with a message that says which;
- passes the text through the same gate as the widget (bot/channels/guard.py): a message that is too long
  or too fast is answered with a kind message, and payloads the assistant did not offer are read as words;
- takes ``metadata`` only when it is a small JSON object, and never lets the body pick the channel name;
- logs failures by kind only, never the text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import TROUBLE, Gate, valid_sender
from bot.channels.socketio import conversation_events, offered_payloads
from bot.credentials import same_secret

logger = logging.getLogger(__name__)

MAX_METADATA_BYTES = 4096


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


class IntegrationRestInput(RestInput):
    """``rest``, with a token, checked bodies and the gate (module docstring)."""

    token: str
    gate: Gate

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        from bot.credentials import rest_token
        from bot.settings import Settings

        credentials = credentials or {}
        settings = Settings.from_env()
        channel = cls()
        channel.token = rest_token(settings)
        # No per-address pace: one integration speaks for many patients from one address.
        channel.gate = Gate(
            settings.max_message_chars,
            settings.sender_messages_per_minute,
            None,
            str(credentials.get("emergency_number") or "your local emergency number"),
        )
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("plainhealth_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not same_secret(bearer(request), self.token):
                return _error(
                    401,
                    "This channel needs 'Authorization: Bearer <token>' (PLAINHEALTH_REST_TOKEN, "
                    "or the state folder's rest.token).",
                )
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested 1,000 deep
                return _error(400, 'The body must be JSON: {"sender": "...", "message": "..."}.')
            if not isinstance(body, dict):
                return _error(400, 'The body must be a JSON object: {"sender": "...", "message": "..."}.')
            sender = body.get("sender")
            if not valid_sender(sender):
                return _error(400, "'sender' is required: 1 to 128 letters, digits, '-' or '_'.")
            raw = body.get("message")
            if not isinstance(raw, str):
                return _error(400, "'message' is required and must be text.")
            metadata = body.get("metadata")
            if not isinstance(metadata, dict) or len(json.dumps(metadata)) > MAX_METADATA_BYTES:
                metadata = None
            offered: list[str] = []
            if raw.lstrip().startswith("/") and len(raw) <= self.gate.max_chars:
                offered = offered_payloads(await conversation_events(request.app, str(sender)))
            verdict = self.gate.admit(raw, str(sender), offered=offered)
            if verdict.text is None:
                return response.json([{"recipient_id": sender, "text": self.gate.reply(verdict.refusal)}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(verdict.text, collector, str(sender), input_channel=self.name(), metadata=metadata)
                )
            except asyncio.CancelledError:
                logger.warning("A REST message was cancelled before the assistant answered.")
            except Exception as exc:
                # A store that is down (bot/rasa_launch.py lets the error through rather than answer from an
                # empty memory): the patient is told to send it again, and the integration gets a 503 to retry.
                # Anything already said (an emergency's guidance) is still given.
                logger.error("A REST message failed: %s", type(exc).__name__)
                trouble = {"recipient_id": sender, "text": self.gate.reply(TROUBLE)}
                return response.json([*collector.messages, trouble], status=503)
            return response.json(collector.messages)

        return webhook
