"""The Telegram channel's parts, with the real python-telegram-bot against a stand-in Bot API (no servers).

Rasa is not in these tests: ``Assistant`` stands where Rasa's ``on_new_message`` would be, records what the
channel hands it, and answers through the output channel it was given, as Rasa does. Everything of the
channel itself (the PTB Application, the handlers, the gate, the chat book, the sending and its retries) is
the real code. The end-to-end tests (tests/test_e2e_telegram.py) do the same with the real Rasa server.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from sqlalchemy import select
from telegram_standin import TelegramStandIn

from bot.channels.guard import Gate, valid_sender
from bot.channels.telegram import (
    GROUP,
    NOT_TEXT,
    WELCOME,
    TelegramBridge,
    TelegramOutput,
    TelegramSetupError,
    check_secret,
)
from bot.channels.telegram_format import MAX_MESSAGE_UNITS, split_text, to_html, units
from bot.channels.telegram_store import ButtonKeys, ChatBook, conversation_id
from bot.privacy import load_or_create_secret, pseudonym
from bot.settings import Settings
from bot.storage import visits
from bot.storage.db import Database
from bot.storage.models import TelegramChat

TOKEN = "123456:unit-test-token-AAAA"
PATIENT = 881_234_567_123  # a Telegram user id; it must never reach Rasa or the database in the clear


# --------------------------------------------------------------------------------------------- formatting


def test_markdown_becomes_telegram_html_and_everything_else_is_escaped() -> None:
    assert to_html("**Call 911** now") == "<b>Call 911</b> now"
    assert to_html("Take it *slowly* and _calmly_") == "Take it <i>slowly</i> and <i>calmly</i>"
    assert to_html("See [MedlinePlus](https://medlineplus.gov/a?b=1&c=2)") == (
        'See <a href="https://medlineplus.gov/a?b=1&amp;c=2">MedlinePlus</a>'
    )
    # A patient's tags, ampersands and stray symbols are text, not markup.
    assert to_html("<b>hi</b> & <script>x</script>") == "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"
    assert to_html("snake_case_word and 2 * 3 * 4 and * a list item") == (
        "snake_case_word and 2 * 3 * 4 and * a list item"
    )
    assert to_html("[click](javascript:alert(1))") == "[click](javascript:alert(1))"
    assert to_html("**<i>x</i>**") == "<b>&lt;i&gt;x&lt;/i&gt;</b>"


def test_a_long_reply_is_split_at_paragraphs_then_sentences_under_telegrams_limit() -> None:
    paragraph = " ".join(f"Sentence {i} says one plain thing about your visit." for i in range(40))
    text = "\n\n".join([paragraph] * 6)  # about 12,000 characters
    parts = split_text(text)
    assert len(parts) >= 3
    assert all(units(p) <= MAX_MESSAGE_UNITS for p in parts)
    assert all(p.endswith(".") for p in parts)  # never cut inside a sentence
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())  # nothing lost
    # One paragraph longer than the limit is cut between sentences; a run of one "word" is cut hard.
    huge = " ".join(["Drink water."] * 800)
    assert all(units(p) <= MAX_MESSAGE_UNITS and p.endswith("water.") for p in split_text(huge))
    emoji = "😀" * 3000  # two UTF-16 units each, as Telegram counts
    assert [units(p) for p in split_text(emoji)] == [4096, 1904]
    assert split_text("  short  ") == ["short"]


# ------------------------------------------------------------------------------------ identity and store


def test_the_conversation_id_is_a_keyed_hash_that_passes_the_channel_checks() -> None:
    first = conversation_id(PATIENT, b"key one")
    assert first == conversation_id(PATIENT, b"key one")
    assert first.startswith("tg-") and len(first) == 43 and valid_sender(first)
    assert str(PATIENT) not in first
    assert first != conversation_id(PATIENT + 1, b"key one") != conversation_id(PATIENT, b"key two")


def test_button_keys_fit_callback_data_and_belong_to_one_conversation() -> None:
    keys = ButtonKeys(b"secret", max_entries=3)
    payload = '/question_prompts{"prompt_set": "checklist:specialist-visit", "note": "' + "é" * 60 + '"}'
    assert len(payload.encode()) > 64
    key = keys.key_for("tg-a", payload)
    assert len(key.encode()) <= 64 and key.isascii()
    assert keys.payload_for("tg-a", key) == payload
    assert keys.payload_for("tg-b", key) is None  # another patient cannot press it
    for i in range(5):
        keys.key_for("tg-a", f'/choose{{"choice": "{i}"}}')
    assert keys.payload_for("tg-a", key) is None  # bounded: the oldest was forgotten ...
    assert keys.payload_for("tg-a", key, offered=["/help", payload]) == payload  # ... and found from history
    restarted = ButtonKeys(b"secret")
    assert restarted.payload_for("tg-a", key, offered=[payload]) == payload
    assert ButtonKeys(b"other").payload_for("tg-a", key, offered=[payload]) is None


def test_the_chat_is_sealed_in_the_database_and_found_after_a_restart(settings: Settings) -> None:
    db = Database(settings.database_url)
    db.migrate()
    secret = load_or_create_secret(settings)
    conversation = conversation_id(PATIENT, secret)

    async def go() -> tuple[int | None, int | None]:
        await ChatBook(db, secret).remember(conversation, PATIENT)
        later = ChatBook(db, secret)  # a new server: nothing in memory
        return await later.chat_for(conversation), await later.chat_for("tg-" + "0" * 40)

    assert asyncio.run(go()) == (PATIENT, None)
    with db.session() as session:
        row = session.scalar(select(TelegramChat))
        assert row.conversation == conversation and str(PATIENT) not in row.chat and not row.blocked
    db.dispose()
    for path in settings.state_dir.rglob("*"):
        if path.is_file():
            assert str(PATIENT).encode() not in path.read_bytes(), path.name


def test_a_webhook_secret_must_be_one_telegram_accepts() -> None:
    assert check_secret("abc_DEF-123") == "abc_DEF-123"
    for bad in ("", "has space", "x" * 257, "naïve"):
        with pytest.raises(TelegramSetupError):
            check_secret(bad)


# ------------------------------------------------------------------------- the bot, against the stand-in


class Assistant:
    """Where Rasa would be: records each message and answers through the channel's output, as Rasa does."""

    def __init__(self, answer: Callable[[UserMessage], list[dict[str, Any]]] | None = None) -> None:
        self.received: list[tuple[str, str]] = []
        self.answer = answer or (lambda m: [{"text": f"You said: {m.text}"}])

    async def __call__(self, message: UserMessage) -> None:
        self.received.append((message.sender_id, message.text or ""))
        for reply in self.answer(message):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    async def wait(self, count: int, timeout: float = 10.0) -> list[tuple[str, str]]:
        for _ in range(int(timeout / 0.02)):
            if len(self.received) >= count:
                return self.received
            await asyncio.sleep(0.02)
        raise AssertionError(f"the assistant got {self.received}, expected {count} messages")


@contextlib.asynccontextmanager
async def running(
    settings: Settings, standin: TelegramStandIn, assistant: Assistant, **changes: Any
) -> AsyncIterator[TelegramBridge]:
    server = TestServer(standin.app)
    await server.start_server()
    configured = settings.with_changes(
        telegram_token=TOKEN, telegram_api_url=str(server.make_url("")).rstrip("/"), **changes
    )
    db = Database(configured.database_url)
    db.migrate()
    secret = load_or_create_secret(configured)
    gate = Gate(configured.max_message_chars, configured.sender_messages_per_minute, None, "911")
    bridge = TelegramBridge(configured, gate, "911", secret, ChatBook(db, secret), poll_timeout=1)
    bridge.on_new_message = assistant
    await bridge.start()
    try:
        await asyncio.wait_for(bridge.ready.wait(), 10)
        yield bridge
    finally:
        await bridge.stop()
        await server.close()
        db.dispose()


def test_polling_a_text_in_and_the_reply_out(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant(lambda m: [{"text": "**Hello!** I explain <health> words & more."}])

    async def go() -> None:
        async with running(settings, standin, assistant) as bridge:
            standin.text(PATIENT, "hello")
            sender, text = (await assistant.wait(1))[0]
            assert text == "hello" and sender == bridge.conversation(PATIENT) and str(PATIENT) not in sender
            sent = await standin.await_for("sendMessage", chat_id=PATIENT)
            assert sent.params["text"] == "<b>Hello!</b> I explain &lt;health&gt; words &amp; more."
            assert sent.params["parse_mode"] == "HTML"

    asyncio.run(go())
    methods = [c.method for c in standin.calls]
    # Any old webhook is removed before polling starts; the commands are registered for Telegram's menu.
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    commands = standin.calls_of("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} == {"start", "help", "menu", "questions", "human", "forget", "privacy"}
    assert not standin.calls_of("setWebhook")


def test_a_button_press_is_answered_marked_and_sends_its_long_payload(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    long_payload = '/add_question{"prompt": "checklist:specialist-visit/' + "x" * 80 + '"}'

    def answer(message: UserMessage) -> list[dict[str, Any]]:
        if message.text == "menu":
            return [
                {
                    "text": "Pick one.",
                    "buttons": [
                        {"title": "Add to my list", "payload": long_payload},
                        {"title": "Menu", "payload": "/help"},
                    ],
                }
            ]
        return [{"text": "Added."}]

    assistant = Assistant(answer)

    async def go() -> None:
        async with running(settings, standin, assistant):
            standin.text(PATIENT, "menu")
            sent = await standin.await_for("sendMessage", lambda c: "reply_markup" in c.params)
            buttons = standin.buttons(sent)
            assert [title for title, _ in buttons] == ["Add to my list", "Menu"]
            assert all(0 < len(data.encode()) <= 64 for _, data in buttons)
            assert long_payload not in str(sent.params)
            standin.press(PATIENT, sent, buttons[0][1])
            received = await assistant.wait(2)
            assert received[1][1] == long_payload
            answered = await standin.await_for("answerCallbackQuery")
            assert answered.params["callback_query_id"].startswith("cq")
            marked = await standin.await_for("editMessageReplyMarkup")
            assert marked.params["message_id"] == str(sent.result["message_id"])
            assert [t for t, _ in standin.buttons(marked)] == ["✓ Add to my list"]
            # Pressing the mark does nothing but stop the spinner; a forged key is not a payload.
            marked_data = standin.buttons(marked)[0][1]
            standin.press(PATIENT, sent, marked_data)
            standin.press(PATIENT, sent, "pAAAAAAAAAAAAAAAA")
            await standin.await_for("answerCallbackQuery", after=2)
            await asyncio.sleep(0.3)
            assert len(assistant.received) == 2
            old = standin.calls_of("answerCallbackQuery")[2]
            assert "does not work any more" in old.params.get("text", "")

    asyncio.run(go())


def test_a_long_reply_is_sent_in_parts_with_the_buttons_on_the_last(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    long_text = "\n\n".join(" ".join(["Each part of this lesson is short and plain."] * 30) for _ in range(8))
    assistant = Assistant(lambda m: [{"text": long_text, "buttons": [{"title": "Next", "payload": "/lesson_next"}]}])

    async def go() -> list[Any]:
        async with running(settings, standin, assistant):
            standin.text(PATIENT, "tell me about asthma")
            await standin.await_for("sendMessage", lambda c: "reply_markup" in c.params)
            return standin.calls_of("sendMessage", PATIENT)

    sent = asyncio.run(go())
    assert len(sent) >= 3
    assert all(len(c.params["text"]) <= 4096 for c in sent)
    assert ["reply_markup" in c.params for c in sent] == [False] * (len(sent) - 1) + [True]
    assert " ".join(" ".join(c.params["text"] for c in sent).split()) == " ".join(long_text.split())


def test_what_a_patient_types_arrives_as_text_and_comes_back_escaped(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()

    async def go() -> None:
        async with running(settings, standin, assistant):
            standin.text(PATIENT, "<b>can I drive?</b> & **now**")
            assert (await assistant.wait(1))[0][1] == "<b>can I drive?</b> & **now**"
            sent = await standin.await_for("sendMessage", chat_id=PATIENT)
            assert sent.params["text"] == "You said: &lt;b&gt;can I drive?&lt;/b&gt; &amp; <b>now</b>"

    asyncio.run(go())


def test_edits_groups_stickers_photos_and_voice_notes(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()
    group = -100_555_000_111

    async def go() -> None:
        async with running(settings, standin, assistant):
            first = standin.text(PATIENT, "hello")
            await assistant.wait(1)
            standin.edit(PATIENT, "hello again", first["message"]["message_id"])
            standin.text(PATIENT + 1, "hi all", chat_id=group, chat_type="group")
            standin.text(PATIENT + 2, "anyone?", chat_id=group, chat_type="group")
            standin.sticker(PATIENT)
            standin.voice(PATIENT)
            standin.photo(PATIENT)
            standin.photo(PATIENT, caption="is this rash bad")
            await assistant.wait(2)
            await asyncio.sleep(0.5)

    asyncio.run(go())
    # The edit was not answered again; the group heard one polite reply and nothing else reached Rasa.
    assert [text for _, text in assistant.received] == ["hello", "is this rash bad"]
    assert standin.sent_texts(group) == [GROUP]
    kind = NOT_TEXT.format(emergency_number="911")
    texts = standin.sent_texts(PATIENT)
    assert texts.count(kind) == 4 and texts.count("You said: hello") == 1
    assert "You said: is this rash bad" in texts


def test_commands_are_sent_on_as_the_other_channels_send_them(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant(lambda m: [{"text": "ok"}])

    async def go() -> None:
        async with running(settings, standin, assistant):
            for command in (
                "/start",
                "/help",
                "/menu@clinic_helper_bot",
                "/questions",
                "/human",
                "/forget",
                "/privacy",
                "/EXTERNAL_handoff_ended",
            ):
                standin.text(PATIENT, command)
            await assistant.wait(7)
            await standin.await_for(
                "sendMessage",
                lambda c: (
                    "say it in words" in c.params["text"].lower() or "can't take that command" in c.params["text"]
                ),
            )

    asyncio.run(go())
    assert [text for _, text in assistant.received] == [
        "/help",
        "/help",
        "/help",
        "/show_questions",
        "/request_human",
        "delete my data",
        "who can see what I write here",
    ]
    assert standin.sent_texts(PATIENT)[0] == WELCOME  # /start: the welcome, then the menu


def test_a_429_is_waited_out_and_network_faults_are_retried(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()

    async def go() -> None:
        async with running(settings, standin, assistant):
            standin.fail_next("sendMessage", 429, retry_after=1)
            standin.text(PATIENT, "first")
            await standin.await_for("sendMessage", chat_id=PATIENT)
            standin.fail_next("sendMessage", 502, times=2)
            standin.text(PATIENT, "second")
            await standin.await_for("sendMessage", lambda c: "second" in c.params["text"], timeout=15)

    asyncio.run(go())
    first = [c for c in standin.calls_of("sendMessage", PATIENT) if "first" in c.params["text"]]
    assert [c.status for c in first] == [429, 200]
    assert first[1].at - first[0].at >= 1.0  # Telegram's retry_after was respected
    second = [c for c in standin.calls_of("sendMessage", PATIENT) if "second" in c.params["text"]]
    assert [c.status for c in second] == [502, 502, 200]


def test_a_patient_who_blocked_the_bot_gets_nothing_more_and_their_reminders_stop(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()

    async def go() -> None:
        async with running(settings, standin, assistant) as bridge:
            conversation = bridge.conversation(PATIENT)
            db = bridge.chats.db
            assert db is not None
            patient = pseudonym(conversation, bridge.secret)
            visit = visits.save_appointment(db, patient, "blood_test", None, dt.date.today() + dt.timedelta(days=3))
            visits.schedule_reminder(db, patient, visit.id, "sealed", dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
            standin.fail_next("sendMessage", 403)
            standin.text(PATIENT, "hello")
            await assistant.wait(1)
            await asyncio.sleep(0.3)
            assert visits.waiting_reminders(db, patient) == []
            assert await bridge.chats.is_blocked(conversation)
            calls = len(standin.calls_of("sendMessage"))
            await TelegramOutput(bridge).send_text_message(conversation, "This is your reminder")
            assert len(standin.calls_of("sendMessage")) == calls  # not even tried
            # Writing again unblocks.
            standin.text(PATIENT, "back again")
            await standin.await_for("sendMessage", lambda c: "back again" in c.params["text"])
            assert not await bridge.chats.is_blocked(conversation)

    asyncio.run(go())


def test_staff_words_are_sent_as_written_and_pictures_as_photos(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()

    async def go() -> None:
        async with running(settings, standin, assistant) as bridge:
            standin.text(PATIENT, "hello")
            await standin.await_for("sendMessage", chat_id=PATIENT)
            output = bridge_output = TelegramOutput(bridge)
            assert bridge_output.name() == "telegram"
            conversation = bridge.conversation(PATIENT)
            staff = "Sam (clinic team): I can help. <b>Not bold</b> and **not this** either."
            await output.send_response(conversation, {"text": staff, "staff_name": "Sam"})
            sent = await standin.await_for("sendMessage", lambda c: c.params["text"].startswith("Sam"))
            assert sent.params["text"] == staff and "parse_mode" not in sent.params
            await output.send_response(
                conversation, {"text": "Here is a picture.", "image": "https://clinic.example/inhaler.png"}
            )
            photo = await standin.await_for("sendPhoto", chat_id=PATIENT)
            assert photo.params["photo"] == "https://clinic.example/inhaler.png"
            await output.send_response(conversation, {"custom": {"widget": "only"}})
            await asyncio.sleep(0.2)
            assert not any("widget" in t for t in standin.sent_texts(PATIENT))

    asyncio.run(go())


def test_webhook_mode_registers_the_secret_and_refuses_requests_without_it(settings: Settings) -> None:
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()
    url = "https://chat-api.clinic.example/webhooks/telegram/webhook"

    async def go() -> None:
        async with running(
            settings, standin, assistant, telegram_webhook_url=url, telegram_secret="hook-secret_123"
        ) as bridge:
            assert bridge.application.updater is None
            update = standin.text(PATIENT, "hello over the webhook")
            body = __import__("json").dumps(update).encode()
            assert await bridge.receive_webhook("", body) == 403
            assert await bridge.receive_webhook("wrong-secret", body) == 403
            assert await bridge.receive_webhook("hook-secret_123", b"not json") == 400
            assert await bridge.receive_webhook("hook-secret_123", body) == 200
            assert (await assistant.wait(1))[0][1] == "hello over the webhook"
            await standin.await_for("sendMessage", chat_id=PATIENT)

    asyncio.run(go())
    hook = standin.calls_of("setWebhook")[0].params
    assert hook["url"] == url and hook["secret_token"] == "hook-secret_123"
    assert not standin.calls_of("getUpdates") and not standin.calls_of("deleteWebhook")


def test_nothing_personal_or_secret_is_logged(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    standin = TelegramStandIn(TOKEN)
    assistant = Assistant()

    async def go() -> None:
        async with running(settings, standin, assistant):
            standin.fail_next("sendMessage", 429, retry_after=1)
            standin.fail_next("sendMessage", 400)  # then Telegram refuses the HTML: sent again as plain text
            standin.text(PATIENT, "my secret symptom")
            await standin.await_for("sendMessage", chat_id=PATIENT)
            standin.fail_next("sendMessage", 403)
            standin.text(PATIENT, "another private thing")
            await assistant.wait(2)
            await asyncio.sleep(0.3)

    asyncio.run(go())
    assert "slow down" in caplog.text and "blocked the bot" in caplog.text  # the faults were logged ...
    for secret in (TOKEN, str(PATIENT), "secret symptom", "private thing"):
        assert secret not in caplog.text  # ... but never what or who
    first = [c for c in standin.calls_of("sendMessage", PATIENT) if "secret symptom" in c.params["text"]]
    assert [(c.status, c.params.get("parse_mode")) for c in first] == [(429, "HTML"), (400, "HTML"), (200, None)]


def test_the_bot_keeps_trying_until_telegram_answers_and_stops_on_a_refused_token(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.channels.telegram_limits import FloodControl
    from bot.processes import free_port

    caplog.set_level(logging.WARNING)
    standin = TelegramStandIn(TOKEN)
    port = free_port()

    def bridge_for(token: str) -> TelegramBridge:
        configured = settings.with_changes(telegram_token=token, telegram_api_url=f"http://127.0.0.1:{port}")
        secret = load_or_create_secret(configured)
        gate = Gate(configured.max_message_chars, configured.sender_messages_per_minute, None, "911")
        return TelegramBridge(
            configured, gate, "911", secret, ChatBook(None, secret), poll_timeout=1, flood=FloodControl(max_retries=0)
        )

    async def go() -> tuple[bool, bool]:
        bridge = bridge_for(TOKEN)
        await bridge.start()  # nothing listens on the port yet: Telegram is "down"
        await asyncio.sleep(1.5)
        assert not bridge.ready.is_set()
        server = TestServer(standin.app, port=port)
        await server.start_server()  # Telegram is back
        try:
            await asyncio.wait_for(bridge.ready.wait(), 10)
            came_up = bridge.ready.is_set()
            await bridge.stop()
            refused = bridge_for("999:not-the-token")
            await refused.start()
            await asyncio.sleep(1.0)
            # The token was refused: the channel is off, and a reply for it gives up at once.
            await asyncio.wait_for(TelegramOutput(refused).send_text_message("tg-" + "a" * 40, "hi"), 2)
            off = not refused.ready.is_set()
            await refused.stop()
            return came_up, off
        finally:
            await server.close()

    assert asyncio.run(go()) == (True, True)
    assert "Could not start the Telegram bot (NetworkError)" in caplog.text
    assert "refused the bot token" in caplog.text
    assert TOKEN not in caplog.text and "not-the-token" not in caplog.text
