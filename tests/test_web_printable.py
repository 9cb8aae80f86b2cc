"""The printable question list behind a private link, served by the real web app (aiohttp test server)."""

import asyncio
import datetime as dt

from aiohttp.test_utils import TestClient, TestServer

from bot.storage import visits as store
from bot.storage.db import Database
from bot.web.app import make_app
from bot.web.printable import PrintPage, render


def fetch(settings, path: str) -> tuple[int, str, dict]:
    async def go() -> tuple[int, str, dict]:
        async with TestClient(TestServer(make_app(settings, deliver_reminders=False))) as client:
            response = await client.get(path)
            return response.status, await response.text(), dict(response.headers)

    return asyncio.run(go())


def test_the_page_shows_the_list_and_the_visit(settings) -> None:
    db = Database(settings.database_url)
    db.migrate()
    store.save_appointment(db, "p1", "blood_test", "blood-test", dt.date.today() + dt.timedelta(days=3))
    store.add_question(db, "p1", "Can I still drive?")
    store.add_question(db, "p1", "Will it <script>alert(1)</script> hurt?")
    token = store.make_print_link(db, "p1", hours=72)
    status, body, headers = fetch(settings, f"/print/{token}")
    assert status == 200
    assert "<li>Can I still drive?" in body and body.index("Can I still drive?") < body.index("Will it")
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "Blood test, " in body and "Riverside Community Clinic" in body
    assert "Your photo ID and insurance card" in body  # the checklist's things to bring
    assert headers["Cache-Control"] == "no-store" and "default-src 'none'" in headers["Content-Security-Policy"]


def test_a_wrong_link_and_an_expired_link_are_refused_kindly(settings) -> None:
    db = Database(settings.database_url)
    db.migrate()
    store.add_question(db, "p1", "Can I still drive?")
    old = store.make_print_link(db, "p1", hours=1, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    status, body, _ = fetch(settings, "/print/not-a-real-token")
    assert status == 404 and "not right" in body and "Can I still drive?" not in body
    status, body, _ = fetch(settings, f"/print/{old}")
    assert status == 410 and "run out" in body and "Can I still drive?" not in body


def test_an_empty_list_says_so() -> None:
    page = render(PrintPage(clinic_name="C", clinic_phone="1", questions=[]))
    assert "Your list is empty" in page


def test_every_fixed_word_on_the_page_is_plain(scorer, settings) -> None:
    from bot.web.printable import WORDS

    for key, text in WORDS.items():
        grade = scorer.score(text)
        assert grade.short or grade.grade <= settings.max_grade, (key, grade.grade)
