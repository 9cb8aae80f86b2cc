"""The widget in a real browser: Debian's headless Chromium driven by Playwright, against the real servers.

Chromium comes from `scripts/install-browser.sh` (run by `make test`); Playwright's own browser download does
not work here, so it is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / ".plainhealth" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `bash scripts/install-browser.sh` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.js_errors = errors  # type: ignore[attr-defined]
    yield opened
    context.close()


def widget(page):
    return page.locator("[data-plainhealth-widget]")


def open_chat(page) -> None:
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_role("dialog").wait_for()


def say(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def bot_count(page) -> int:
    return page.locator(".msg.bot, .msg.staff").count()


def wait_for_bot(page, before: int, timeout: float = 20000) -> None:
    page.wait_for_function(
        "([n]) => document.querySelector('[data-plainhealth-widget]').shadowRoot"
        ".querySelectorAll('.msg.bot, .msg.staff').length > n", arg=[before], timeout=timeout)


def test_the_demo_page_chats_keeps_history_and_offers_quick_replies(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    assert "Welcome to" in page.title() or page.get_by_role("heading", level=1).is_visible()
    open_chat(page)
    assert page.locator(".msg.bot").first.inner_text().find("Hello!") >= 0  # the opening message
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before + 1)
    assert "plainhealth" in page.locator(".msg.bot").nth(before).inner_text()
    choices = page.locator(".choices button:not([disabled])")
    assert choices.count() >= 3
    page.get_by_role("button", name="Questions to ask my doctor").click()
    page.locator(".msg.bot").filter(has_text="What is my main problem?").wait_for(timeout=20000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-demo.png"))
    page.reload()
    page.get_by_role("dialog").wait_for()  # it stays open, with the conversation
    assert "What is my main problem?" in page.locator("ol.log").inner_text()
    assert page.js_errors == []


def test_html_from_the_server_is_shown_as_text_and_never_runs(servers, page) -> None:
    """A staff reply with HTML and a script (the console takes any text) reaches the widget as plain text."""
    from test_e2e_handoff import Console

    console = Console(servers.settings.web_url)
    assert console.login("kim", servers.staff_account("kim", "Kim")) == 303

    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    page.get_by_role("button", name="Talk to a person").last.click()
    wait_for_bot(page, before)
    session = page.evaluate("() => Object.keys(localStorage).find(k => k.endsWith(':session'))")
    assert session
    ticket = console.ticket_for("(pressed a button: request human)")["ticket"]
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/claim")
    attack = ('<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
              "**Hello** see [our page](https://clinic.example/help)")
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/reply", {"text": attack})
    staff_line = page.locator(".msg.staff").filter(has_text="onerror")
    staff_line.wait_for(timeout=20000)
    assert "Kim, clinic team" in staff_line.inner_text()
    assert '<img src=x onerror="window.__pwned=1">' in staff_line.inner_text()  # shown as text
    assert staff_line.locator("img").count() == 0 and staff_line.locator("script").count() == 0
    assert staff_line.locator("strong").inner_text() == "Hello"  # safe Markdown still works
    link = staff_line.get_by_role("link", name="our page")
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/close", {"note": "Browser test."})


def test_keyboard_only_use_and_screen_reader_announcements(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    for _ in range(12):  # Tab through the page until the chat button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement?.hasAttribute('data-plainhealth-widget')"):
            break
    launcher = page.get_by_role("button", name="Chat with us")
    assert launcher.evaluate("b => b.getRootNode().activeElement === b")
    page.keyboard.press("Enter")
    field = page.get_by_label("Your message")
    assert field.evaluate("f => f.getRootNode().activeElement === f")  # the focus goes to the message box
    assert page.locator("ol.log").get_attribute("aria-live") == "polite"
    # "Read aloud" hands the message to the browser's speech synthesis (recorded here, not spoken).
    page.evaluate("() => { window.__spoken = []; speechSynthesis.speak = u => window.__spoken.push(u.text); }")
    before = bot_count(page)
    page.keyboard.type("what does asthma mean")
    page.keyboard.press("Enter")
    assert page.locator("p.typing").is_visible()  # "The assistant is writing..."
    wait_for_bot(page, before)
    reader = page.get_by_role("button", name="Read this message aloud").last
    reader.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.__spoken.length") == 1
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").is_hidden()
    assert launcher.evaluate("b => b.getRootNode().activeElement === b")  # back where it started


def test_large_text_contrast_and_a_320_pixel_screen(servers, browser) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    size = page.locator("ol.log").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 18
    page.get_by_role("button", name="Make the text larger").click()
    assert page.locator("ol.log").evaluate("n => parseFloat(getComputedStyle(n).fontSize)") > size
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    close = page.get_by_role("button", name="Close the chat").bounding_box()
    assert close is not None and close["x"] + close["width"] <= 320  # every control stays on the screen
    ratios = page.evaluate("""() => {
      const root = document.querySelector('[data-plainhealth-widget]').shadowRoot;
      const lum = c => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(v => { v = v / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126*r + 0.7152*g + 0.0722*b; };
      const ratio = el => { const s = getComputedStyle(el); const a = lum(s.color), b = lum(s.backgroundColor);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
      return ['header', 'form button', '.msg.bot', '.person button'].map(q => ratio(root.querySelector(q)));
    }""")
    assert all(r >= 4.5 for r in ratios), ratios  # WCAG 2.1 AA for normal text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-320px.png"))
    context.close()


class HostPage:
    """A plain HTML page on another port that only pastes the snippet."""

    def __init__(self, port: int, html: str) -> None:
        self.port, self.html = port, html
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/", lambda request: web.Response(text=self.html, content_type="text/html"))
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def __enter__(self) -> HostPage:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def host_html(servers) -> str:
    from bot.web.widget import snippet

    return ("<!doctype html><html lang='en'><head><title>Another site</title>"
            "<style>button { background: red !important; font-size: 8px !important; } * { all: revert; }</style>"
            "</head><body><h1>Our practice</h1>"
            f"{snippet(servers.settings, 'Riverside Community Clinic')}</body></html>")


def test_the_snippet_works_on_a_listed_site_on_another_port(servers, page) -> None:
    with HostPage(servers.embed_port, host_html(servers)):
        page.goto(f"http://127.0.0.1:{servers.embed_port}/")
        open_chat(page)
        # The host page's CSS does not reach into the widget.
        send = page.get_by_role("button", name="Send")
        assert send.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(255, 0, 0)"
        before = bot_count(page)
        say(page, "hi")
        wait_for_bot(page, before + 1)
        assert page.evaluate("() => typeof window.io") == "undefined"  # nothing added to the host's globals
        assert page.js_errors == []


def test_a_site_that_is_not_listed_is_refused_kindly(servers, page) -> None:
    from bot.processes import free_port

    with HostPage(free_port(), host_html(servers)) as host:
        page.goto(f"http://127.0.0.1:{host.port}/")
        open_chat(page)
        say(page, "hi")
        status = page.get_by_role("status")
        status.wait_for(timeout=15000)
        assert "can't connect" in status.inner_text() and "emergency" in status.inner_text()
        assert page.locator(".msg.bot").count() == 1  # only the opening message; no reply came


def test_a_message_typed_while_the_network_is_down_is_sent_when_it_comes_back(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before + 1)
    page.context.set_offline(True)
    page.get_by_role("status").wait_for(timeout=30000)  # "The connection was lost. Trying again..."
    before = bot_count(page)
    say(page, "what does asthma mean")
    assert page.locator(".pending").count() == 1  # kept, and marked as waiting
    page.context.set_offline(False)
    wait_for_bot(page, before, timeout=30000)
    assert page.locator(".pending").count() == 0
    page.locator(".msg.bot").filter(has_text=re.compile("asthma", re.IGNORECASE)).first.wait_for(timeout=20000)
    assert page.get_by_role("status").is_hidden()


def test_a_message_missed_while_away_arrives_and_only_the_servers_mark_makes_it_staff(servers, page) -> None:
    """Closed tab, then the clinic writes: it arrives on the next visit. Words alone never look like staff."""
    import json
    import time
    import urllib.request

    from bot.rasa_api import api_url

    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before)
    token = page.evaluate("() => JSON.parse(localStorage.getItem("
                          "Object.keys(localStorage).find(k => k.endsWith(':session'))))")
    session = token.split(".")[0]
    page.goto("about:blank")  # the patient leaves the site

    forged = {"event": "bot", "text": "Sam (clinic team): call 555 0100 now", "timestamp": time.time()}
    request = urllib.request.Request(api_url(servers.settings, f"/conversations/{session}/tracker/events"),
                                     data=json.dumps(forged).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    page.goto(servers.settings.web_url + "/")
    line = widget(page).locator(".msg").filter(has_text="call 555 0100 now")
    line.wait_for(timeout=20000)
    assert "msg bot" in (line.get_attribute("class") or "")  # shown as the assistant's, not as Sam's
    assert "clinic team" not in line.locator(".who").inner_text()
    assert page.js_errors == []
