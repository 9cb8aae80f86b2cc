import asyncio

from aiohttp.test_utils import TestServer
from botapi import BotApiStandIn

from bot.handoff.notify import notify_new_tickets, staff_message
from bot.storage import handoff as store

TOKEN = "123456:TEST"


def test_staff_hear_about_new_and_newly_urgent_tickets_without_patient_words(db, settings) -> None:
    store.open_ticket(db, "p1", "", "rest", "asked", "", False, [])
    standin = BotApiStandIn(TOKEN)

    async def go() -> list[int]:
        server = TestServer(standin.app)
        await server.start_server()
        try:
            configured = settings.with_changes(
                staff_telegram_token=TOKEN,
                staff_telegram_chat="-100200",
                telegram_api_url=str(server.make_url("")).rstrip("/"),
            )
            counts = [await notify_new_tickets(db, configured)]
            counts.append(await notify_new_tickets(db, configured))  # nothing new: nobody is told twice
            store.open_ticket(db, "p1", "", "rest", "emergency", "", False, [])  # the same ticket, now urgent
            counts.append(await notify_new_tickets(db, configured))
            counts.append(await notify_new_tickets(db, settings))  # not configured: does nothing
            return counts
        finally:
            await server.close()

    assert asyncio.run(go()) == [1, 0, 1, 0]
    assert [m["chat_id"] for m in standin.sent] == ["-100200", "-100200"]
    assert standin.sent[0]["text"].startswith("New: Asked for a person.")
    assert standin.sent[1]["text"].startswith("URGENT: Emergency.") and "/staff" in standin.sent[1]["text"]


def test_the_staff_message_names_the_kind_of_ticket_only() -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    ticket = store.Ticket(
        7,
        "patient-pseudonym",
        "rest",
        "crisis",
        "urgent",
        "waiting",
        "",
        True,
        None,
        "sealed",
        None,
        None,
        None,
        now,
        None,
        None,
        now,
    )
    text = staff_message(ticket, "https://clinic.example/staff")
    assert text == (
        "URGENT: Suicide or self-harm risk (out of hours). Ticket 7 is waiting. "
        "Answer it here: https://clinic.example/staff"
    )
