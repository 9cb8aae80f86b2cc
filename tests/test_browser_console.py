"""The staff console in a real browser (Debian's Chromium via Playwright): sign in, see the queue, answer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_browser_widget import CHROMIUM, FLAGS
from test_e2e_handoff import wait_for_bot_text

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_staff_sign_in_claim_and_reply_from_the_console_page(servers, new_sender) -> None:
    from playwright.sync_api import sync_playwright

    password = servers.staff_account("lee", "Lee", role="admin")
    sender = new_sender()
    servers.send("please put me through to a nurse", sender)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(servers.settings.web_url + "/staff")
        page.get_by_label("User name").fill("lee")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        row = page.locator("#queue li").filter(has_text="Asked for a person").last
        row.wait_for(timeout=15000)
        row.get_by_role("button").click()
        page.locator("#transcript").filter(has_text="please put me through to a nurse").wait_for()
        page.get_by_role("button", name="Claim").click()
        page.locator("#reply-text").wait_for(state="visible")
        page.locator("#reply-text").fill("Hello from the nurse desk.")
        page.locator("#reply-text").press("Enter")
        wait_for_bot_text(servers, sender, "Lee (clinic team): Hello from the nurse desk.")
        page.locator("#transcript").filter(has_text="Hello from the nurse desk.").wait_for()
        # A new message from the patient shows up without a reload.
        servers.send("thank you, that helps", sender)
        page.locator("#transcript").filter(has_text="thank you, that helps").wait_for(timeout=15000)
        page.locator("#close-note").fill("Answered by Lee.")
        page.get_by_role("button", name="Close and hand back to the assistant").click()
        wait_for_bot_text(servers, sender, "You are back with me")
        assert page.locator("#users li").count() >= 1  # admins see the accounts panel
        page.screenshot(path=str(servers.settings.state_dir / "console.png"))
        assert errors == []
        browser.close()


# --- the console alone: the web app in this process, tickets written straight to its database ---------------
# (issue 22: a long queue, rows that look alike, the transcript's raw marks, errors off-screen)

PASSWORD = "correct horse battery"


class ConsoleApp:
    """The web app (console included) on a free port, in a thread of this process; no Rasa, so a reply or a
    hand-back is kept for the catch-up loop, which this app does not run."""

    def __init__(self, settings) -> None:
        import asyncio
        import threading

        from bot.processes import free_port

        self.settings = replace(settings, web_port=free_port(), rasa_port=free_port())
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _start(self) -> None:
        from aiohttp import web

        from bot.web.app import make_app

        self.runner = web.AppRunner(make_app(self.settings, deliver_reminders=False))
        await self.runner.setup()
        # The page's live stream stays open until the browser goes: wait for it only briefly when stopping.
        await web.TCPSite(self.runner, "127.0.0.1", self.settings.web_port, shutdown_timeout=1).start()

    def __enter__(self) -> ConsoleApp:
        import asyncio

        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    def __exit__(self, *exc: object) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"


@pytest.fixture
def console_db(settings):
    from bot.storage import staff
    from bot.storage.db import Database

    db = Database(settings.database_url)
    db.migrate()
    staff.create_staff(db, "lee", "Lee", "staff", PASSWORD)
    yield db
    db.dispose()


def add_ticket(db, settings, patient: str, reason: str, lines, channel: str = "socketio", minutes_ago: int = 0):
    import datetime as dt

    from bot.privacy import load_or_create_secret, seal
    from bot.storage import handoff as store

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    transcript = [(now + dt.timedelta(seconds=i), sender, text) for i, (sender, text) in enumerate(lines)]
    secret = load_or_create_secret(settings)
    ticket, _ = store.open_ticket(db, patient, seal(f"c-{patient}", secret), channel, reason, "", False, transcript)
    return ticket


@pytest.fixture
def console_page(browser_for_console):
    context = browser_for_console.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture(scope="module")
def browser_for_console():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `bash scripts/install-browser.sh` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def sign_in(page, app: ConsoleApp) -> None:
    page.goto(app.url + "/staff")
    page.get_by_label("User name").fill("lee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#queue li").first.wait_for(timeout=15000)


def test_an_ordinary_ticket_behind_147_urgent_ones_is_counted_and_reachable(settings, console_db, console_page):
    """Issue 22: with 147 urgent tickets waiting, the 50-row queue hid the ordinary one and gave no count."""
    for i in range(147):
        add_ticket(console_db, settings, f"{i:032x}", "emergency", [("patient", f"help number {i}")])
    add_ticket(console_db, settings, "abcdef" + "0" * 26, "asked", [("patient", "can someone call me about my bill")])
    page = console_page
    with ConsoleApp(settings) as app:
        sign_in(page, app)
        counts = page.locator("#queue-counts")
        counts.filter(has_text="148 open tickets").wait_for()
        assert "147 urgent, 1 not urgent" in counts.inner_text()
        page.locator("#page-info").filter(has_text="Page 1 of 3").wait_for()  # the list renders after the count
        page.wait_for_function("() => document.querySelectorAll('#queue li').length === 50")
        assert page.locator("#queue li").filter(has_text="about my bill").count() == 0
        # The queue scrolls in its own column: the page itself stays one screen high.
        box = page.evaluate(
            "() => { const q = document.getElementById('queue'); const r = q.getBoundingClientRect();"
            " return {scrolls: q.scrollHeight > q.clientHeight, overflow: getComputedStyle(q).overflowY,"
            " bottom: r.bottom, page: document.documentElement.scrollHeight}; }"
        )
        assert box["scrolls"] and box["overflow"] == "auto" and box["bottom"] <= 800 and box["page"] <= 900, box
        # Paging reaches the end of the queue ...
        for page_number in (2, 3):
            page.get_by_role("button", name="Next page").click()
            page.locator("#page-info").filter(has_text=f"Page {page_number} of 3").wait_for()
        page.locator("#queue li").filter(has_text="about my bill").wait_for()
        # ... and so does a filter, from the first page.
        page.get_by_label("Priority").select_option("normal")
        counts.filter(has_text="Showing 1 to 1 of 1 that match").wait_for()
        page.locator("#page-info").filter(has_text="Page 1 of 1").wait_for()
        page.wait_for_function("() => document.querySelectorAll('#queue li').length === 1")
        assert "about my bill" in page.locator("#queue li").inner_text()
        page.get_by_label("Priority").select_option("")
        page.get_by_label("Reason").select_option(label="Asked for a person")
        counts.filter(has_text="Showing 1 to 1 of 1 that match").wait_for()
        assert "about my bill" in page.locator("#queue li").inner_text()
        page.get_by_label("Reason").select_option("")
        page.get_by_label("Opened").select_option("over-1h")
        page.locator("#queue-counts").filter(has_text="None match").wait_for()
        page.wait_for_timeout(1500)  # an answer to an earlier filter, arriving late, must not come back
        assert page.locator("#queue li").count() == 0
        assert "None match" in page.locator("#queue-counts").inner_text()
        assert page.js_errors == []


def test_rows_tell_patients_apart_and_the_transcript_reads_in_plain_words(settings, console_db, console_page):
    """Issue 22: rows looked alike; the transcript showed **, "(pressed a button: ...)", /request_human and
    "socketio"; it could not be scrolled with the keyboard."""
    chat = [("bot", "**Part 1 of 3**\nAsthma makes the airways _narrow_. See [our page](https://clinic.example).")]
    chat += [("patient", "(pressed a button: lesson next)"), ("patient", "/request_human")]
    chat += [("bot", f"Line {i} of a long chat.") for i in range(40)]
    chat += [("patient", "my inhaler is empty and I need a new one before the weekend please")]
    add_ticket(console_db, settings, "3f9a2c" + "1" * 26, "asked", chat, channel="socketio", minutes_ago=5)
    add_ticket(console_db, settings, "77be01" + "2" * 26, "asked", [("patient", "when is the clinic open")], "rest")
    page = console_page
    with ConsoleApp(settings) as app:
        sign_in(page, app)
        first = page.locator("#queue li").filter(has_text="Patient 3f9a2c")
        first.wait_for()
        text = first.inner_text()
        assert "\u201cmy inhaler is empty and I need a …\u201d" in text  # the first 8 words of the last message
        assert "the weekend" not in text
        assert page.locator("#queue li").filter(has_text="Patient 77be01").filter(has_text="when is the clinic open")
        assert first.locator("time").inner_text().strip()  # the time of the last patient message
        first.get_by_role("button").click()
        transcript = page.locator("#transcript")
        transcript.filter(has_text="Tapped: Next").wait_for()
        shown = transcript.inner_text()
        assert "Tapped: Talk to a person" in shown and "Part 1 of 3" in shown
        assert "our page (https://clinic.example)" in shown
        for raw in ("**", "_narrow_", "pressed a button", "/request_human", "]("):
            assert raw not in shown, raw
        assert page.locator("#fact-channel").inner_text() == "Website chat"
        assert page.locator("#fact-patient").inner_text() == "3f9a2c"
        # The transcript box is reached with Tab, has a name, and scrolls with the keyboard.
        assert transcript.get_attribute("tabindex") == "0"
        assert transcript.get_attribute("aria-label") == "Conversation so far"
        page.locator("#fact-contact").click()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == "transcript":
                break
        assert page.evaluate("() => document.activeElement.id") == "transcript"
        bottom = transcript.evaluate("e => e.scrollTop")
        assert bottom > 0  # opened at the latest line
        page.keyboard.press("Home")
        page.wait_for_function("() => document.getElementById('transcript').scrollTop === 0")
        page.keyboard.press("PageDown")
        page.wait_for_function("() => document.getElementById('transcript').scrollTop > 0")
        assert page.js_errors == []


def test_a_failed_close_says_why_beside_the_button_and_the_closed_tab_says_who_and_when(
    settings, console_db, console_page
):
    """Issue 22: closing without a note put its error at the top of the page, off-screen; the Closed tab did
    not say who closed a ticket or when."""
    chat = [("bot", f"Line {i} of a long chat.") for i in range(40)] + [("patient", "please call me back")]
    add_ticket(console_db, settings, "c105ed" + "3" * 26, "asked", chat)
    page = console_page
    with ConsoleApp(settings) as app:
        sign_in(page, app)
        page.locator("#queue li").filter(has_text="Patient c105ed").get_by_role("button").click()
        page.get_by_role("button", name="Claim").click()
        close = page.get_by_role("button", name="Close and hand back to the assistant")
        close.wait_for()
        close.click()
        alert = page.locator("#close + [role=alert]")
        alert.wait_for()
        assert "Write a short note" in alert.inner_text()
        assert page.locator("#error").is_hidden()
        button_box, alert_box = close.bounding_box(), alert.bounding_box()
        assert button_box and alert_box and 0 <= alert_box["y"] - (button_box["y"] + button_box["height"]) < 40
        assert alert_box["y"] >= 0 and alert_box["y"] + alert_box["height"] <= 800  # on screen, where the eyes are
        # A refusal from the server lands in the same place.
        page.evaluate("() => { document.getElementById('close-note').value = 'x'.repeat(2001); }")
        close.click()
        page.locator("#close + [role=alert]").filter(has_text="2000").wait_for()
        page.locator("#close-note").fill("Called back about the bill.")
        close.click()
        page.locator("#fact-status").filter(has_text="Closed by Lee").wait_for()
        page.get_by_role("button", name="Closed", exact=True).click()
        row = page.locator("#queue li").filter(has_text="Patient c105ed")
        row.wait_for()
        text = row.inner_text()
        assert "Closed by Lee" in text and "Called back about the bill." in text
        assert row.locator("time").inner_text().strip()
        import re

        assert re.search(r"Closed by Lee, .*\d", text), text  # and when
        assert page.js_errors == []


def test_axe_finds_no_serious_problem_in_the_console_with_a_ticket_open(settings, console_db, console_page):
    """Issue 22: the console, signed in with a claimed ticket open, checked with axe-core like the widget."""
    from test_browser_widget import axe_problems

    chat = [("bot", "**Part 1 of 3**\nAsthma makes the airways _narrow_.")]
    chat += [("patient", "(pressed a button: lesson next)"), ("patient", "please call me about my inhaler")]
    add_ticket(console_db, settings, "a11e00" + "4" * 26, "asked", chat, minutes_ago=3)
    add_ticket(console_db, settings, "a11e01" + "5" * 26, "emergency", [("patient", "chest pain")])
    page = console_page
    with ConsoleApp(settings) as app:
        page.goto(app.url + "/staff")
        assert axe_problems(page) == []  # the sign-in form
        sign_in(page, app)
        assert axe_problems(page) == []  # the queue, nothing open
        page.locator("#queue li").filter(has_text="Patient a11e00").get_by_role("button").click()
        page.locator("#transcript").filter(has_text="please call me about my inhaler").wait_for()
        assert axe_problems(page) == []  # a ticket open
        page.get_by_role("button", name="Claim").click()
        page.locator("#reply-text").wait_for(state="visible")
        assert axe_problems(page) == []  # claimed: the reply and close forms
        page.get_by_role("button", name="Close and hand back to the assistant").click()
        page.locator("#close + [role=alert]").wait_for()
        assert axe_problems(page) == []  # with an error showing
        assert page.js_errors == []
