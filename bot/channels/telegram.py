"""Patients on Telegram: a Rasa input channel built on python-telegram-bot (``telegram`` in Rasa's tracker).

Rasa 3.6's own ``telegram`` connector (on aiogram) took any request to its webhook, never answered button
presses (the spinner kept turning), answered edited messages as new ones, dropped photos, stickers and voice
notes without a word, filed everyone in a group under one conversation, sent no ``parse_mode``, sent replies
over Telegram's 4,096 characters (refused), and put payloads in ``callback_data`` (64 bytes at most). Here:

- **Running the bot.** python-telegram-bot's ``Application`` runs inside the Rasa server, started and stopped
  by the Sanic server's listeners (``initialize``/``start``/``stop``/``shutdown``). By default it long-polls
  ``getUpdates`` (a clinic trying it out needs no public address; PTB removes any old webhook first). With
  ``PLAINHEALTH_TELEGRAM_WEBHOOK_URL`` it registers that URL with a secret token instead (the Application is
  built with ``updater(None)``), and ``POST /webhooks/telegram/webhook`` refuses, with 403, every request
  whose ``X-Telegram-Bot-Api-Secret-Token`` header is not that secret. Start-up runs in the background and
  retries with back-off, so a Telegram outage never holds up the server or the other channels.
- **What comes in.** Private chats only: a group gets one polite reply, then is ignored (one conversation per
  group would mix patients). Edited messages are not answered again. Stickers, photos, voice notes, files and
  places get a kind "I can only read text" with the emergency number (a voice note may be a call for help).
  Commands map to what the other channels send (``COMMANDS``). Every text, command and button press passes
  the same gate as the widget and REST (``bot.channels.guard.Gate``): length, pace, payloads.
- **What goes out** (``TelegramOutput``): Markdown as Telegram HTML, everything else escaped
  (``telegram_format``); replies over 4,096 characters split at paragraphs or sentences; buttons as inline
  keyboards whose ``callback_data`` is a short key (``telegram_store.ButtonKeys``), a press answered at once
  so the spinner stops, and the pressed keyboard replaced by a mark of the choice; images as photos. A
  message a person at the clinic wrote (``staff_name``, ``bot/channels/marks.py``) is sent exactly as
  written. Staff replies and reminders come through ``get_output_channel()`` (Rasa's ``output_channel=latest``)
  and find the chat from the conversation id (``telegram_store.ChatBook``).
- **Who.** The conversation id is a keyed hash of the Telegram user id (``telegram_store``); the raw id is
  kept only where delivery needs it, in memory and sealed in the database.
- **Faults** (``telegram_limits``): flood limits and 429s waited out, network faults retried with back-off, a
  patient who blocked the bot marked so nothing more is sent and their reminders stop. None of it stops the
  server; a message that cannot be handled gets "please send it again".
- **Logs.** Failures are logged by kind only: no message text, no Telegram id, no token. httpx logs every
  request URL (which holds the token) at INFO, so its logger is kept at WARNING even when ours is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.guard import Gate
from bot.channels.marks import STAFF_NAME_KEY
from bot.channels.socketio import conversation_events, offered_payloads
from bot.channels.telegram_format import split_text, to_html
from bot.channels.telegram_limits import FloodControl, PerChatOrder
from bot.channels.telegram_store import ButtonKeys, ChatBook, conversation_id
from bot.credentials import same_secret
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/webhooks/telegram/webhook"  # Rasa mounts channels at /webhooks/<name>/
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POLL_TIMEOUT_SECONDS = 10
CHOSEN = "chosen"  # callback_data of the mark left where a pressed keyboard was
BUTTON_HISTORY_EVENTS = 500  # how far back a press on an old keyboard is looked up after a restart

# What each command sends on, as the widget's buttons or the patient's own words would.
COMMANDS: dict[str, str] = {
    "start": "/help",
    "help": "/help",
    "menu": "/help",
    "questions": "/show_questions",
    "human": "/request_human",
    "forget": "delete my data",
    "privacy": "who can see what I write here",
}
# Shown in Telegram's command menu (set_my_commands), in this order.
COMMAND_MENU: tuple[tuple[str, str], ...] = (
    ("start", "Start and see what I can do"),
    ("menu", "Show what I can do"),
    ("questions", "Show my questions for the doctor"),
    ("human", "Talk to a person at the clinic"),
    ("privacy", "Who can see what I write here"),
    ("forget", "Delete what I keep about me"),
    ("help", "Show what I can do"),
)

# The channel's own words, for what never reaches the assistant. Short and plain; the emergency number
# whenever a message is not read, as in bot/channels/guard.py.
WELCOME = (
    "Welcome! I am a computer helper from your clinic, not a person. I explain health words in plain "
    "language and help you get ready for a visit."
)
NOT_TEXT = (
    "Thank you. I can only read text for now, not pictures, stickers, voice notes, files or places. "
    "Please type your message. If someone is in danger, call {emergency_number} now."
)
GROUP = (
    "Hello! I only talk with one person at a time, in a private chat, so what you write stays private. "
    "Please send me a message in a private chat."
)
SORRY = (
    "Sorry, something went wrong on my side. Please send your message again. "
    "If someone is in danger, call {emergency_number} now."
)
OLD_BUTTON = "That button does not work any more. Please type what you need."


class TelegramSetupError(RasaException):
    """The Telegram settings cannot work; the message says which and how to fix it."""


def check_secret(secret: str) -> str:
    """Telegram takes 1 to 256 of ``A-Z a-z 0-9 _ -`` as a webhook secret token."""
    if WEBHOOK_SECRET.fullmatch(secret) is None:
        raise TelegramSetupError(
            "PLAINHEALTH_TELEGRAM_SECRET must be 1 to 256 letters, digits, '_' or '-' "
            "(Telegram's rule for a webhook secret)."
        )
    return secret


def button_payloads(events: Iterable[Any]) -> list[str]:
    """Every button payload the assistant offered in these events, newest first."""
    payloads: list[str] = []
    for event in reversed(list(events)[-BUTTON_HISTORY_EVENTS:]):
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.append(button["payload"])
    return payloads


class TelegramBridge:
    """python-telegram-bot's Application, wired to Rasa: updates in, replies out (module docstring).

    Kept apart from the Rasa ``InputChannel`` so tests can run it against a stand-in Bot API with the real
    library, and so the channel class stays what Rasa needs and no more.
    """

    def __init__(
        self,
        settings: Settings,
        gate: Gate,
        emergency_number: str,
        secret: bytes,
        chats: ChatBook,
        poll_timeout: int = POLL_TIMEOUT_SECONDS,
        flood: FloodControl | None = None,
    ) -> None:
        self.settings = settings
        self.gate = gate
        self.emergency_number = emergency_number
        self.secret = secret
        self.chats = chats
        self.keys = ButtonKeys(secret)
        self.poll_timeout = poll_timeout
        self.webhook_url = settings.telegram_webhook_url
        self.webhook_secret = settings.telegram_secret
        self.on_new_message: Callable[[UserMessage], Awaitable[Any]] | None = None
        self.sanic_app: Sanic | None = None
        self.ready = asyncio.Event()
        self._groups_told: OrderedDict[str, None] = OrderedDict()
        self._starter: asyncio.Task[None] | None = None
        self._stopping = False
        self._gave_up = False  # the token or the webhook address was refused: nothing can be sent
        api = settings.telegram_api_url
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .rate_limiter(flood or FloodControl())
            .concurrent_updates(PerChatOrder())
            .read_timeout(20)
            .write_timeout(20)
            .job_queue(None)
        )
        if self.webhook_url:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._add_handlers()

    # ----------------------------------------------------------------------------------------- lifecycle

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    async def start(self) -> None:
        """Start in the background (see the module docstring): the server must not wait for Telegram."""
        self._stopping = False
        self._starter = asyncio.create_task(self._start_until_running(), name="telegram-start")

    async def _start_until_running(self) -> None:
        delay = 1.0
        while not self._stopping:
            try:
                await self._start_once()
                self.ready.set()
                return
            except InvalidToken:
                logger.error(
                    "Telegram refused the bot token (PLAINHEALTH_TELEGRAM_TOKEN): the Telegram channel "
                    "is off until the token is fixed and the server restarted."
                )
                self._gave_up = True
                return
            except BadRequest as exc:  # in practice the webhook address: asking again will not change it
                logger.error(
                    "Telegram refused to start the bot (%s). A webhook address "
                    "(PLAINHEALTH_TELEGRAM_WEBHOOK_URL) must be https, on port 443, 80, 88 or 8443. "
                    "The Telegram channel is off until this is fixed and the server restarted.",
                    type(exc).__name__,
                )
                self._gave_up = True
                return
            except TelegramError as exc:
                logger.warning(
                    "Could not start the Telegram bot (%s): trying again in %.0f s.", type(exc).__name__, delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def _start_once(self) -> None:
        app = self.application
        await app.initialize()
        try:
            await app.bot.set_my_commands([BotCommand(name, about) for name, about in COMMAND_MENU])
        except TelegramError as exc:  # the commands still work when typed; only the menu is missing
            logger.warning("Could not set the Telegram command menu: %s", type(exc).__name__)
        if self.webhook_url:
            await app.bot.set_webhook(
                url=self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
        else:
            assert app.updater is not None
            if not app.updater.running:
                # PTB's start-up calls deleteWebhook first: an old webhook would keep getUpdates empty.
                await app.updater.start_polling(
                    timeout=self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                    error_callback=self._polling_failed,
                )
        if not app.running:
            await app.start()

    def _polling_failed(self, error: TelegramError) -> None:
        """PTB keeps polling with back-off; only the kind is logged (never the URL, which holds the token)."""
        logger.warning("Polling Telegram failed (%s); python-telegram-bot tries again.", type(error).__name__)

    async def stop(self) -> None:
        self._stopping = True
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # stopping anyway
                await self._starter
        app = self.application
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        except Exception as exc:  # the server is stopping; say what failed and go on
            logger.warning("Stopping the Telegram bot: %s", type(exc).__name__)
        self.ready.clear()

    async def receive_webhook(self, secret: str, body: bytes) -> int:
        """One webhook request: the HTTP status to answer (403 without the secret, 503 while starting)."""
        if not self.webhook_url or not same_secret(secret, self.webhook_secret):
            return 403
        if not self.ready.is_set():
            return 503  # Telegram sends it again later: nothing is lost while the bot starts
        try:
            data = json.loads(body or b"null")
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, AttributeError):  # not an update: refused, not a 500
            update = None
        if update is None:
            return 400
        await self.application.update_queue.put(update)
        return 200

    # -------------------------------------------------------------------------------------------- in

    def _add_handlers(self) -> None:
        private = filters.ChatType.PRIVATE
        new = filters.UpdateType.MESSAGE
        handlers = [
            # Order matters: the first handler that fits an update takes it.
            MessageHandler(filters.UpdateType.EDITED, self._ignore),
            MessageHandler(filters.UpdateType.CHANNEL_POSTS, self._ignore),
            MessageHandler(filters.ChatType.GROUPS, self._group),
            CommandHandler(list(COMMANDS), self._command, filters=private & new),
            MessageHandler(filters.StatusUpdate.ALL, self._ignore),
            MessageHandler(private & new & filters.TEXT, self._text),
            CallbackQueryHandler(self._press),
            ChatMemberHandler(self._member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(private & new, self._not_text),
        ]
        self.application.add_handlers(handlers)
        self.application.add_error_handler(self._error)

    def conversation(self, user_id: int) -> str:
        return conversation_id(user_id, self.secret)

    async def _ignore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edit of a message already answered, a channel post, a service message: nothing to say."""

    async def _group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """One polite reply per group (while this server runs), then silence: the key is hashed, so even
        this memory holds no group id."""
        chat = update.effective_chat
        if chat is None:
            return
        key = self.conversation(chat.id)
        if key in self._groups_told:
            return
        self._groups_told[key] = None
        while len(self._groups_told) > 10_000:
            self._groups_told.popitem(last=False)
        try:
            await self.application.bot.send_message(chat.id, GROUP)
        except TelegramError as exc:
            logger.warning("Could not answer a Telegram group: %s", type(exc).__name__)

    async def _patient(self, update: Update) -> tuple[str, int] | None:
        """The conversation id and chat of a private update, with the chat remembered for delivery."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != chat.PRIVATE:
            return None
        conversation = self.conversation(user.id)
        await self.chats.remember(conversation, chat.id)
        return conversation, chat.id

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = await self._patient(update)
        message = update.effective_message
        if who is None or message is None or not message.text:
            return
        conversation, _ = who
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        text = COMMANDS.get(name)
        if text is None:
            return
        if name == "start":
            await TelegramOutput(self).send_text_message(conversation, WELCOME)
        await self.deliver(conversation, text, offered=[text] if text.startswith("/") else None)

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = await self._patient(update)
        message = update.effective_message
        if who is None or message is None or message.text is None:
            return
        await self.deliver(who[0], message.text)

    async def _not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = await self._patient(update)
        if who is None:
            return
        await TelegramOutput(self).send_text_message(who[0], NOT_TEXT.format(emergency_number=self.emergency_number))
        message = update.effective_message
        if message is not None and message.caption:
            await self.deliver(who[0], message.caption)  # words written under a photo are still read

    async def _member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram says the patient blocked (``kicked``) the bot: stop sending, as a refused send would."""
        change = update.my_chat_member
        if change is None or change.chat.type != change.chat.PRIVATE:
            return
        if change.new_chat_member.status == change.new_chat_member.BANNED:
            await self.chats.mark_blocked(self.conversation(change.from_user.id))

    async def _press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        message = query.message
        if message is None or message.chat.type != message.chat.PRIVATE:
            await _answer(query)
            return
        conversation = self.conversation(query.from_user.id)
        await self.chats.remember(conversation, message.chat.id)
        data = query.data or ""
        if data == CHOSEN:
            await _answer(query)
            return
        payload = self.keys.payload_for(conversation, data)
        if payload is None:
            events = await conversation_events(self.sanic_app, conversation)
            payload = self.keys.payload_for(conversation, data, button_payloads(events))
        if payload is None:
            await _answer(query, OLD_BUTTON)
            await self._mark(message, None)
            return
        await _answer(query)  # first, so the spinner stops while the assistant thinks
        await self._mark(message, data)
        await self.deliver(conversation, payload, offered=[payload])

    async def _mark(self, message: Any, pressed: str | None) -> None:
        """Replace a pressed keyboard by one mark of the choice (or nothing), so it cannot be pressed twice
        by mistake and the chat shows what was chosen."""
        title = None
        if isinstance(message, Message) and message.reply_markup is not None:
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if button.callback_data == pressed:
                        title = button.text
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {title}", callback_data=CHOSEN)]]) if title else None
        try:
            await self.application.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
            )
        except TelegramError as exc:  # too old to edit, or already edited: the press still counts
            logger.info("Could not mark a pressed Telegram keyboard: %s", type(exc).__name__)

    async def deliver(self, conversation: str, raw: str, offered: list[str] | None = None) -> None:
        """A patient's text (or a command's or button's payload) through the gate, then to Rasa."""
        if offered is None:
            offered = []
            if raw.lstrip().startswith("/") and len(raw) <= self.gate.max_chars:
                offered = offered_payloads(await conversation_events(self.sanic_app, conversation))
        verdict = self.gate.admit(raw, conversation, offered=offered)
        output = TelegramOutput(self)
        if verdict.text is None:
            await output.send_text_message(conversation, self.gate.reply(verdict.refusal))
            return
        if self.on_new_message is None:
            logger.error("A Telegram message arrived before the channel was connected to Rasa.")
            await output.send_text_message(conversation, SORRY.format(emergency_number=self.emergency_number))
            return
        try:
            await self.on_new_message(UserMessage(verdict.text, output, conversation, input_channel=CHANNEL))
        except asyncio.CancelledError:
            logger.warning("A Telegram message was cancelled before the assistant answered.")
            raise
        except Exception as exc:  # the patient is told; the kind is logged, never the text
            logger.error("A Telegram message failed: %s", type(exc).__name__)
            await output.send_text_message(conversation, SORRY.format(emergency_number=self.emergency_number))

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's default logs the whole update (the patient's words); here only the kind of error."""
        logger.error("Handling a Telegram update failed: %s", type(context.error).__name__)

    # ------------------------------------------------------------------------------------------- out

    async def send(
        self, conversation: str, text: str, *, formatted: bool = True, buttons: list[dict[str, Any]] | None = None
    ) -> None:
        """Text (split to fit, keyboard on the last part) to the conversation's chat, unless it blocked us."""
        chat = await self._chat(conversation)
        if chat is None:
            return
        keyboard = self._keyboard(conversation, buttons or [])
        parts = split_text(text) or ["…"]
        for index, part in enumerate(parts):
            markup = keyboard if index == len(parts) - 1 else None
            if not await self._send_part(conversation, chat, part, formatted, markup):
                return

    async def _chat(self, conversation: str) -> int | None:
        if self._gave_up:
            return None
        if not self.ready.is_set():
            try:  # a reminder or staff reply right after a restart: give the bot a moment to start
                await asyncio.wait_for(self.ready.wait(), timeout=30)
            except TimeoutError:
                logger.warning("The Telegram bot is not running: a message was not delivered.")
                return None
        chat = await self.chats.chat_for(conversation)
        if chat is None:
            logger.warning("No Telegram chat is known for a conversation: a message was not delivered.")
            return None
        if await self.chats.is_blocked(conversation):
            logger.info("A patient blocked the bot: a message was not sent.")
            return None
        return chat

    async def _send_part(
        self, conversation: str, chat: int, part: str, formatted: bool, markup: InlineKeyboardMarkup | None
    ) -> bool:
        """One message; False when nothing more should be sent to this chat."""
        bot = self.application.bot
        try:
            if formatted:
                await bot.send_message(chat, to_html(part), parse_mode=ParseMode.HTML, reply_markup=markup)
            else:
                await bot.send_message(chat, part, reply_markup=markup)
            return True
        except Forbidden:
            cancelled = await self.chats.mark_blocked(conversation)
            logger.warning(
                "A patient blocked the bot on Telegram: nothing more is sent to them; %d reminder(s) cancelled.",
                cancelled,
            )
            return False
        except BadRequest as exc:
            if formatted:  # Telegram could not read our HTML: the words matter more than the bold
                logger.warning(
                    "Telegram refused a formatted message (%s): sending it as plain text.", type(exc).__name__
                )
                return await self._send_part(conversation, chat, part, False, markup)
            logger.error("Telegram refused a message: %s", type(exc).__name__)
            return False
        except TelegramError as exc:
            logger.error("A message to Telegram was lost after retrying: %s", type(exc).__name__)
            return False

    def _keyboard(self, conversation: str, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup | None:
        rows: list[list[InlineKeyboardButton]] = []
        for button in buttons:
            title = str(button.get("title") or "").strip()[:120]
            payload = button.get("payload")
            url = button.get("url")
            if not isinstance(url, str) and button.get("type") == "web_url" and isinstance(payload, str):
                url = payload
            if isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
                rows.append([InlineKeyboardButton(title or url, url=url)])
            elif title and isinstance(payload, str) and payload:
                rows.append([InlineKeyboardButton(title, callback_data=self.keys.key_for(conversation, payload))])
        return InlineKeyboardMarkup(rows) if rows else None

    async def send_photo(self, conversation: str, image: str) -> None:
        if urlsplit(image).scheme not in ("http", "https"):
            return
        chat = await self._chat(conversation)
        if chat is None:
            return
        try:
            await self.application.bot.send_photo(chat, photo=image)
        except Forbidden:
            await self.chats.mark_blocked(conversation)
        except TelegramError as exc:  # Telegram could not fetch it: the link still helps
            logger.warning("Telegram could not send a picture (%s): sending its link.", type(exc).__name__)
            await self.send(conversation, image, formatted=False)


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a press (the spinner on the button stops); a press too old to answer is not an error."""
    try:
        await query.answer(text=text)
    except TelegramError as exc:
        logger.info("Could not answer a Telegram button press: %s", type(exc).__name__)


class TelegramOutput(OutputChannel):
    """Rasa's replies (and staff replies and reminders) to the patient's Telegram chat (module docstring)."""

    def __init__(self, bridge: TelegramBridge) -> None:
        self.bridge = bridge

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        staff = kwargs.get(STAFF_NAME_KEY)
        await self.bridge.send(recipient_id, text, formatted=not (isinstance(staff, str) and staff.strip()))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        staff = kwargs.get(STAFF_NAME_KEY)
        await self.bridge.send(
            recipient_id, text, formatted=not (isinstance(staff, str) and staff.strip()), buttons=buttons
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.bridge.send_photo(recipient_id, image)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Custom payloads are for other clients (the widget); a patient must never see raw JSON."""


class TelegramInput(InputChannel):
    """The ``telegram`` channel: python-telegram-bot inside the Rasa server (module docstring)."""

    bridge: TelegramBridge

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = Settings.from_env()
        number = str((credentials or {}).get("emergency_number") or "your local emergency number")
        return cls.from_settings(settings, number)

    @classmethod
    def from_settings(cls, settings: Settings, emergency_number: str) -> TelegramInput:
        from bot.credentials import secret_file
        from bot.privacy import load_or_create_secret
        from bot.storage.db import Database

        if not settings.telegram_token:
            raise TelegramSetupError("Set PLAINHEALTH_TELEGRAM_TOKEN (from BotFather) to talk to patients on Telegram.")
        if settings.telegram_webhook_url:
            # Made once into the state folder when not given, like the other secrets (bot/credentials.py).
            secret = check_secret(secret_file(settings.state_dir / "telegram-webhook.secret", settings.telegram_secret))
            settings = settings.with_changes(telegram_secret=secret)
            if not urlsplit(settings.telegram_webhook_url).path.endswith(WEBHOOK_PATH):
                logger.warning(
                    "PLAINHEALTH_TELEGRAM_WEBHOOK_URL does not end with %s, the path this server "
                    "answers on: make sure your proxy passes it there.",
                    WEBHOOK_PATH,
                )
        db = Database(settings.database_url)
        try:
            db.migrate()
        except Exception:  # another process may be creating the same tables right now
            time.sleep(1.0)
            db.migrate()
        key = load_or_create_secret(settings)
        gate = Gate(settings.max_message_chars, settings.sender_messages_per_minute, None, emergency_number)
        channel = cls()
        channel.bridge = TelegramBridge(settings, gate, emergency_number, key, ChatBook(db, key))
        # httpx logs each request's URL, the bot token in it, at INFO: never, whatever the log level.
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bridge = self.bridge
        bridge.on_new_message = on_new_message
        webhook = Blueprint("plainhealth_telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(app: Sanic, _loop: Any) -> None:
            bridge.sanic_app = app
            await bridge.start()

        @webhook.listener("before_server_stop")
        async def stop(_app: Sanic, _loop: Any) -> None:
            await bridge.stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": bridge.mode, "running": bridge.ready.is_set()})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status = await bridge.receive_webhook(request.headers.get(SECRET_HEADER, ""), request.body)
            return response.json({"ok": status == 200}, status=status)

        return webhook

    def get_output_channel(self) -> OutputChannel | None:
        return TelegramOutput(self.bridge)
