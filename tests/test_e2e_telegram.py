"""Patients on Telegram through the real Rasa, action and web servers, with the real python-telegram-bot.

Two Rasa servers run the channel: one long-polls a stand-in Bot API (the default, as a clinic trying it out
runs it), the other is in webhook mode with a secret (tests post Telegram's updates to it as Telegram would).
The stand-ins (tests/telegram_standin.py) record every call the library makes, so the tests see exactly what
a patient's Telegram would show. A staff member uses the console over HTTP (tests/test_e2e_handoff.py).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram_standin import Call, TelegramStandIn
from test_e2e_handoff import Console

from bot.channels.telegram import GROUP, NOT_TEXT, SECRET_HEADER
from bot.channels.telegram_store import conversation_id
from bot.processes import ManagedProcess, action_server, free_port, rasa_server, web_server
from bot.rasa_api import api_url
from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e

POLL_TOKEN = "700000001:e2e-polling-token-AAAA"
HOOK_TOKEN = "700000002:e2e-webhook-token-BBBB"
HOOK_SECRET = "e2e-hook-secret_7f3a"
SECRET_KEY = "e2e-pseudonym-key-for-both-rasa-servers"
# Telegram user ids (in a private chat, also the chat id). None may reach a database or a log in the clear.
ALICE, BOB, CAROL, DAN, ERIN, FRANK, GRACE = (810_000_000_001 + i * 7_919 for i in range(7))
GROUP_CHAT = -1_001_234_567_890
TYPED = [
    "hello",
    "add a question: <b>can I still drive?</b>",
    "i have a blood test tomorrow",
    "can i talk to a real person",
    "is my bill paid",
    "hello over the webhook",
]


class Telegram:
    """The servers of this module: both stand-ins, both Rasa servers, the action server and the web app."""

    def __init__(
        self,
        polling: TelegramStandIn,
        hooked: TelegramStandIn,
        settings: Settings,
        hook_settings: Settings,
        processes: list[ManagedProcess],
    ) -> None:
        self.polling = polling
        self.hooked = hooked
        self.settings = settings
        self.hook_settings = hook_settings
        self.processes = processes

    def conversation(self, user: int) -> str:
        return conversation_id(user, SECRET_KEY.encode())

    def events(self, user: int, settings: Settings | None = None) -> list[dict[str, Any]]:
        path = f"/conversations/{self.conversation(user)}/tracker"
        with urllib.request.urlopen(api_url(settings or self.settings, path), timeout=30) as response:
            return list(json.loads(response.read())["events"])

    def user_texts(self, user: int, settings: Settings | None = None) -> list[str]:
        return [e.get("text") or "" for e in self.events(user, settings) if e["event"] == "user"]

    def reply(self, user: int, match: str, after: int = 0, timeout: float = 30) -> Call:
        """The next message to ``user``'s chat whose text holds ``match``."""
        return self.polling.wait_for(
            "sendMessage", lambda c: match in str(c.params.get("text", "")), chat_id=user, after=after, timeout=timeout
        )

    def sent(self, user: int) -> int:
        return len(self.polling.calls_of("sendMessage", user))

    def restart_polling_rasa(self, model: Path) -> None:
        old = self.processes[2]
        old.stop()
        new = rasa_server(self.settings, model)
        new.start()
        new.wait_ready()
        self.processes[2] = new


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Telegram]:
    polling = TelegramStandIn(POLL_TOKEN).start()
    hooked = TelegramStandIn(HOOK_TOKEN).start()
    state = tmp_path_factory.mktemp("telegram")
    settings = Settings(
        project_dir=PROJECT_ROOT,
        state_dir=state / "polling",
        models_dir=PROJECT_ROOT / "models",
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        reminder_delay_seconds=8,
        reminder_grace_seconds=6,
        action_timeout_seconds=4,
        handoff_hours="always",
        secret_key=SECRET_KEY,
        database_url=f"sqlite:///{state / 'polling' / 'plainhealth.db'}",
        telegram_token=POLL_TOKEN,
        telegram_api_url=polling.url,
    )
    hook_port = free_port()
    # A second Rasa server in its own state folder (its own tracker store and Rasa files), sharing the app
    # database, the pseudonym key and the action server.
    hook_settings = settings.with_changes(
        state_dir=state / "webhook",
        rasa_port=hook_port,
        telegram_token=HOOK_TOKEN,
        telegram_api_url=hooked.url,
        telegram_webhook_url=f"http://127.0.0.1:{hook_port}/webhooks/telegram/webhook",
        telegram_secret=HOOK_SECRET,
        tracker_store_url=f"sqlite:///{state / 'webhook' / 'tracker.db'}",
    )
    processes = [
        action_server(settings),
        web_server(settings),
        rasa_server(settings, trained_model),
        rasa_server(hook_settings, trained_model),
    ]
    for process in processes:
        process.start()
    running = Telegram(polling, hooked, settings, hook_settings, processes)
    try:
        for process in processes:
            process.wait_ready()
        # The bots start in the background once the servers are up.
        polling.wait_for("getUpdates", timeout=60)
        hooked.wait_for("setWebhook", timeout=60)
        yield running
    finally:
        for process in running.processes:
            process.stop()
        polling.stop()
        hooked.stop()


def test_polling_removes_any_webhook_first_and_registers_the_commands(telegram: Telegram) -> None:
    methods = [c.method for c in telegram.polling.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert "setWebhook" not in methods
    commands = telegram.polling.calls_of("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands][:2] == ["start", "menu"]


def test_a_text_in_the_reply_out_and_a_button_press_answered(telegram: Telegram) -> None:
    standin = telegram.polling
    standin.text(ALICE, "hello")
    greeting = telegram.reply(ALICE, "I am a computer helper from")
    assert greeting.params["parse_mode"] == "HTML"
    menu = telegram.reply(ALICE, "What would you like to do?")
    buttons = standin.buttons(menu)
    assert [t for t, _ in buttons][:2] == ["Learn about a health topic", "What does a word mean?"]
    assert all(len(data.encode()) <= 64 for _, data in buttons)
    assert all(not data.startswith("/") for _, data in buttons)  # keys, not payloads

    before = telegram.sent(ALICE)
    standin.press(ALICE, menu, dict(buttons)["Learn about a health topic"])
    answered = standin.wait_for("answerCallbackQuery")
    marked = standin.wait_for("editMessageReplyMarkup", chat_id=ALICE)
    assert marked.params["message_id"] == str(menu.result["message_id"])
    assert standin.buttons(marked) == [("✓ Learn about a health topic", "chosen")]
    topics = telegram.reply(ALICE, "", after=before)
    assert len(standin.buttons(topics)) >= 10  # one button per topic
    assert answered.at < topics.at  # the spinner stopped before the assistant answered

    # Rasa saw the payload (not the key) under the hashed id, from the telegram channel.
    events = telegram.events(ALICE)
    user = [e for e in events if e["event"] == "user"]
    assert [u["text"] for u in user] == ["hello", "/learn_topic"]
    assert {u["input_channel"] for u in user} == {"telegram"}
    # A topic's own button works too (a payload with entities, looked up from its key).
    asthma = dict(standin.buttons(topics)).get("Asthma") or standin.buttons(topics)[0][1]
    before = telegram.sent(ALICE)
    standin.press(ALICE, topics, asthma)
    telegram.reply(ALICE, "Part 1 of", after=before)


def test_what_a_patient_types_arrives_as_text_and_tags_come_back_escaped(telegram: Telegram) -> None:
    telegram.polling.text(BOB, "add a question: <b>can I still drive?</b>")
    added = telegram.reply(BOB, "You have 1 on your list")
    assert "&lt;b&gt;" in added.params["text"] and "<b>" not in added.params["text"]
    assert telegram.user_texts(BOB) == ["add a question: <b>can I still drive?</b>"]


def test_edits_stickers_photos_voice_notes_and_groups(telegram: Telegram) -> None:
    standin = telegram.polling
    first = standin.text(CAROL, "hello")
    telegram.reply(CAROL, "What would you like to do?")
    standin.edit(CAROL, "tell me about asthma", first["message"]["message_id"])
    standin.sticker(CAROL)
    standin.photo(CAROL)
    standin.voice(CAROL)
    kind = NOT_TEXT.format(emergency_number="911")
    standin.wait_for("sendMessage", lambda c: standin.sent_texts(CAROL).count(kind) == 3, chat_id=CAROL)
    standin.text(DAN, "hello everyone", chat_id=GROUP_CHAT, chat_type="group")
    standin.text(DAN, "hello again", chat_id=GROUP_CHAT, chat_type="supergroup")
    standin.wait_for("sendMessage", chat_id=GROUP_CHAT)
    time.sleep(2)
    assert telegram.user_texts(CAROL) == ["hello"]  # the edit was not answered as a new message
    assert standin.sent_texts(GROUP_CHAT) == [GROUP]  # one polite reply, then silence
    assert telegram.events(DAN) == [] or telegram.user_texts(DAN) == []
    assert not any("asthma" in t.lower() for t in standin.sent_texts(CAROL))


def test_a_429_from_telegram_is_waited_out(telegram: Telegram) -> None:
    telegram.polling.fail_next("sendMessage", 429, retry_after=1)
    telegram.polling.text(ERIN, "hello")
    telegram.reply(ERIN, "What would you like to do?")
    calls = telegram.polling.calls_of("sendMessage", ERIN)
    assert calls[0].status == 429 and calls[1].status == 200 and calls[1].at - calls[0].at >= 1.0
    assert calls[1].params["text"] == calls[0].params["text"]  # the same message, not lost


def test_a_reminder_reaches_the_telegram_chat(telegram: Telegram) -> None:
    standin = telegram.polling
    standin.text(FRANK, "i have a blood test tomorrow")
    offer = telegram.reply(FRANK, "Would you like a reminder")
    before = telegram.sent(FRANK)
    standin.press(FRANK, offer, dict(standin.buttons(offer))["Yes, remind me"])
    telegram.reply(FRANK, "I will remind you", after=before)
    reminder = telegram.reply(FRANK, "This is your reminder", timeout=40)  # fires 8 s after it is set
    assert reminder.params["parse_mode"] == "HTML"


def test_staff_replies_reach_telegram_also_after_a_restart(telegram: Telegram, trained_model: Path) -> None:
    from bot.storage import staff
    from bot.storage.db import Database

    db = Database(telegram.settings.database_url)
    db.migrate()
    staff.create_staff(db, "sam", "Sam", "staff", "correct horse battery")
    db.dispose()
    console = Console(telegram.settings.web_url)
    assert console.login("sam", "correct horse battery") == 303

    telegram.polling.text(GRACE, "can i talk to a real person")
    telegram.reply(GRACE, "will reply here soon")
    telegram.polling.text(GRACE, "is my bill paid")
    telegram.reply(GRACE, "I passed that on")
    ticket = console.ticket_for("is my bill paid")["ticket"]
    assert ticket["channel"] == "telegram"
    assert console.request("POST", f"/staff/api/tickets/{ticket['id']}/claim")[0] == 200
    hello = telegram.reply(GRACE, "Sam (clinic team): Hello, this is Sam.")
    assert "parse_mode" not in hello.params
    words = "Yes, it is paid. <b>Bring</b> your **card** & receipt."
    assert console.request("POST", f"/staff/api/tickets/{ticket['id']}/reply", {"text": words})[0] == 200
    staff_line = telegram.reply(GRACE, "Yes, it is paid.")
    assert staff_line.params["text"] == f"Sam (clinic team): {words}"  # as written, nothing rendered
    assert "parse_mode" not in staff_line.params

    # After a restart the chat is found again from the sealed table (nothing is in memory any more).
    telegram.restart_polling_rasa(trained_model)
    before = telegram.sent(GRACE)
    code, _ = console.request("POST", f"/staff/api/tickets/{ticket['id']}/close", {"note": "Bill explained."})
    assert code == 200
    telegram.reply(GRACE, "You are back with me", after=before, timeout=60)
    assert [c.method for c in telegram.polling.calls].count("deleteWebhook") >= 2  # polling started again


def test_the_webhook_is_registered_with_a_secret_and_refuses_requests_without_it(telegram: Telegram) -> None:
    hooked = telegram.hooked
    registered = hooked.calls_of("setWebhook")[0].params
    assert registered["url"] == telegram.hook_settings.telegram_webhook_url
    assert registered["secret_token"] == HOOK_SECRET
    assert not hooked.calls_of("getUpdates")

    update = hooked.text(ALICE, "hello over the webhook")  # built by the stand-in, posted by us as Telegram would
    body = json.dumps(update).encode()

    def post(headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            telegram.hook_settings.telegram_webhook_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    assert post({}) == 403
    assert post({SECRET_HEADER: "not-the-secret"}) == 403
    assert hooked.calls_of("sendMessage") == []  # nothing refused reached the assistant
    assert post({SECRET_HEADER: HOOK_SECRET}) == 200
    hooked.wait_for("sendMessage", lambda c: "What would you like to do?" in c.params["text"], chat_id=ALICE)
    assert telegram.user_texts(ALICE, telegram.hook_settings) == ["hello over the webhook"]


def test_no_raw_telegram_id_token_or_message_text_is_stored_or_logged(telegram: Telegram) -> None:
    for process in telegram.processes:  # stop, so every database's write-ahead log is in its file
        process.stop()
    users = (ALICE, BOB, CAROL, DAN, ERIN, FRANK, GRACE, GROUP_CHAT)
    checked = 0
    for state in (telegram.settings.state_dir, telegram.hook_settings.state_dir):
        for path in state.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            checked += 1
            for user in users:
                assert str(user).encode() not in data, f"a raw Telegram id is in {path.name}"
            assert POLL_TOKEN.encode() not in data and HOOK_TOKEN.encode() not in data, path.name
            if path.suffix == ".log":
                for typed in TYPED:
                    assert typed.encode() not in data, f"a patient's words are in {path.name}"
    assert checked >= 6
    assert any(p.name == "tracker.db" for p in telegram.settings.state_dir.rglob("tracker.db"))
