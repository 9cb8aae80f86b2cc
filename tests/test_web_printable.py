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


def test_the_page_has_its_own_print_button_run_by_its_own_script_file(settings) -> None:
    """Issue 22: a visible Print button; the page's CSP allows this server's script file and nothing inline."""
    import re

    db = Database(settings.database_url)
    db.migrate()
    store.add_question(db, "p1", "Can I still drive?")
    token = store.make_print_link(db, "p1", hours=72)
    status, body, headers = fetch(settings, f"/print/{token}")
    assert status == 200
    assert re.search(r'<button type="button" id="print-button"[^>]*>Print my list</button>', body)
    assert '<script src="/print.js"></script>' in body
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) is None  # no inline script
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp.split("script-src")[1]
    assert "@media print" in body and ".print-button" in body.split("@media print")[1]  # not on paper
    status, script, script_headers = fetch(settings, "/print.js")
    assert status == 200 and "javascript" in script_headers["Content-Type"]
    assert "window.print()" in script and "print-button" in script
    # The pages that only say the link is wrong or old run no script at all.
    status, body, headers = fetch(settings, "/print/not-a-real-token")
    assert status == 404 and "<script" not in body and "script-src" not in headers["Content-Security-Policy"]


def test_the_clinics_phone_number_does_not_break_across_lines() -> None:
    page = render(PrintPage(clinic_name="Riverside Clinic", clinic_phone="+1 555 0100", questions=["Why?"]))
    assert 'Riverside Clinic, <span class="phone">+1 555 0100</span>' in page
    assert ".phone { white-space: nowrap; }" in page
    assert '<span class="phone">' not in render(PrintPage(clinic_name="C", clinic_phone="", questions=[]))
