"""The widget in a real browser: Debian's headless Chromium driven by Playwright, against the real servers.

Chromium comes from `scripts/install-browser.sh` (run by `make test`); Playwright's own browser download does
not work here, so it is pointed at /usr/bin/chromium. Accessibility is checked with axe-core, installed from
the npm registry into widget/node_modules with the socket.io client (widget/package.json).
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
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[1] / ".plainhealth" / "screenshots"
# axe-core, from the npm registry like the socket.io client (widget/package.json, `npm ci` in make install).
AXE = Path(__file__).resolve().parents[1] / "widget" / "node_modules" / "axe-core" / "axe.min.js"


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
        ".querySelectorAll('.msg.bot, .msg.staff').length > n",
        arg=[before],
        timeout=timeout,
    )


def in_widget(page, script: str, arg=None):
    """Run ``script`` (a function of the widget's shadow root and ``arg``) in the page."""
    return page.evaluate(
        f"([arg]) => ({script})(document.querySelector('[data-plainhealth-widget]').shadowRoot, arg)", [arg]
    )


def person_buttons(page):
    """Every "Talk to a person" button a patient can see and press."""
    return page.get_by_role("button", name="Talk to a person", exact=True).filter(visible=True)


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page, the widget's inside its Shadow DOM. "Accessible
    name holds the visible label" (WCAG 2.5.3) is still experimental in axe, so it is turned on here."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver: the page's CSP allows it
    found = page.evaluate("""async () => {
      const result = await axe.run(document, {rules: {'label-content-name-mismatch': {enabled: true}}});
      return result.violations.map(v => ({id: v.id, impact: v.impact,
        where: v.nodes.map(n => JSON.stringify(n.target)).slice(0, 3)}));
    }""")
    # A second `header` would be a second banner on the clinic's page: moderate for axe, wrong all the same.
    return [
        f"{v['id']} ({v['impact']}): {v['where']}"
        for v in found
        if v["impact"] in ("serious", "critical") or v["id"] == "landmark-no-duplicate-banner"
    ]


def deliver_while_away(page, servers, text: str) -> None:
    """The page leaves, the conversation gets a message from the assistant, and the page comes back to it
    (the server sends what was missed): a way to show the widget any text the assistant could send."""
    import json
    import time
    import urllib.request

    from bot.rasa_api import api_url

    token = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.endsWith(':session'))))"
    )
    session = token.split(".")[0]
    url = page.url
    page.goto("about:blank")
    event = {"event": "bot", "text": text, "timestamp": time.time()}
    request = urllib.request.Request(
        api_url(servers.settings, f"/conversations/{session}/tracker/events"),
        data=json.dumps(event).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    page.goto(url)


def test_the_demo_page_chats_keeps_history_and_offers_quick_replies(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    assert "Welcome to" in page.title() or page.get_by_role("heading", level=1).is_visible()
    open_chat(page)
    assert page.locator(".msg.bot").first.inner_text().find("Hello!") >= 0  # the opening message
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before + 1)
    assert "computer helper from" in page.locator(".msg.bot").nth(before).inner_text()  # the clinic names it
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
    person_buttons(page).click()
    wait_for_bot(page, before)
    session = page.evaluate("() => Object.keys(sessionStorage).find(k => k.endsWith(':session'))")
    assert session
    before = bot_count(page)
    say(page, "hello from the widget's HTML test")
    wait_for_bot(page, before)
    ticket = console.ticket_for("hello from the widget's HTML test")["ticket"]
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/claim")
    attack = (
        '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
        "**Hello** see [our page](https://clinic.example/help)"
    )
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
    reader = page.get_by_role("button", name="Read aloud", exact=True).last
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
    page.get_by_role("button", name="Bigger text").click()
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
      return ['.head', 'form button', '.msg.bot', '.person button'].map(q => ratio(root.querySelector(q)));
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


def host_html(servers, language: str = "en", more: str = "") -> str:
    """A clinic's page with the snippet, and CSS that would spoil the widget if it could reach it (a `div`
    rule too: a site's boxes must not be drawn around the widget)."""
    from bot.web.widget import snippet

    tag = snippet(servers.settings, "Riverside Community Clinic")
    tag = tag.replace('data-language="en"', f'data-language="{language}" {more}')
    return (
        "<!doctype html><html lang='en'><head><title>Another site</title>"
        "<style>button { background: red !important; font-size: 8px !important; } * { all: revert; }"
        " div { border: 6px solid red; margin: 20px; padding: 20px; }</style>"
        f"</head><body><h1>Our practice</h1>{tag}</body></html>"
    )


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
        # The widget's own element is no `div`: the site's `div { border; margin }` draws no empty box.
        box = page.evaluate("""() => { const host = document.querySelector('[data-plainhealth-widget]');
          const r = host.getBoundingClientRect(); return [host.tagName, r.width, r.height]; }""")
        assert box == ["PLAINHEALTH-CHAT", 0, 0], box
        assert page.js_errors == []


def test_a_site_that_is_not_listed_is_refused_kindly(servers, page) -> None:
    """The patient is told, and after about 10 tries the widget stops and gives the clinic's phone; whoever
    put it on the site gets one console warning that says what to add where."""
    from bot.processes import free_port

    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/socket.io/" in r.url else None)
    page.clock.install()  # the waits between tries pass at once here
    with HostPage(free_port(), host_html(servers, more='data-phone="+1 555 0100"')) as host:
        origin = f"http://127.0.0.1:{host.port}"
        page.goto(origin + "/")
        open_chat(page)
        say(page, "hi")
        status = page.get_by_role("status")
        status.wait_for(timeout=15000)
        assert "can't connect" in status.inner_text() and "emergency" in status.inner_text()
        for _ in range(60):
            if "stopped trying" in status.inner_text():
                break
            page.clock.run_for(5000)
            page.wait_for_timeout(250)
        text = status.inner_text()
        assert "stopped trying" in text and "+1 555 0100" in text and "emergency" in text, text
        tries = len(polls)
        assert 8 <= tries <= 14, polls  # about 10 tries, then no more
        page.clock.run_for(60000)
        page.wait_for_timeout(500)
        assert len(polls) == tries
        assert page.locator(".msg.bot").count() == 1  # only the opening message; no reply came
    mine = [w for w in warnings if "plainhealth" in w]
    assert len(mine) == 1, warnings
    assert origin in mine[0] and "allowed_origins" in mine[0] and "content/clinic.yml" in mine[0]
    assert "PLAINHEALTH_ALLOWED_ORIGINS" in mine[0] and "restart" in mine[0]


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
    page.wait_for_timeout(300)
    assert page.locator("p.typing").is_hidden()  # nothing was sent, so nobody is writing
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
    token = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.endsWith(':session'))))"
    )
    session = token.split(".")[0]
    page.goto("about:blank")  # the patient leaves the site

    forged = {"event": "bot", "text": "Sam (clinic team): call 555 0100 now", "timestamp": time.time()}
    request = urllib.request.Request(
        api_url(servers.settings, f"/conversations/{session}/tracker/events"),
        data=json.dumps(forged).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    page.goto(servers.settings.web_url + "/")
    line = widget(page).locator(".msg").filter(has_text="call 555 0100 now")
    line.wait_for(timeout=20000)
    assert "msg bot" in (line.get_attribute("class") or "")  # shown as the assistant's, not as Sam's
    assert "clinic team" not in line.locator(".who").inner_text()
    assert page.js_errors == []


def test_a_shared_computer_keeps_nothing_after_the_session_and_start_over_clears_it(servers, browser) -> None:
    """By default the chat is kept for the browser session only, never in localStorage; "Start over" clears
    the screen and the stored chat and starts a new conversation."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "what does benign mean")
    wait_for_bot(page, before)
    kept_local = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('plainhealth:'))")
    assert [k for k in kept_local if not k.endswith(":size")] == []
    token = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.endsWith(':session'))))"
    )
    assert token
    other = context.new_page()  # another tab, like the next person on a library computer opening the site
    other.goto(servers.settings.web_url + "/")
    assert "benign" not in (other.locator("[data-plainhealth-widget]").inner_text() or "")
    other.close()

    page.get_by_role("button", name="Start over").click()
    log = page.locator("ol.log")
    assert "benign" not in log.inner_text() and "Hello!" in log.inner_text()
    assert (
        page.evaluate(
            "() => Object.keys(sessionStorage).filter(k => k.endsWith(':history') && "
            "JSON.parse(sessionStorage.getItem(k)).some(m => /benign/.test(m.text)))"
        )
        == []
    )
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before)
    fresh = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.endsWith(':session'))))"
    )
    assert fresh and fresh != token  # a new conversation
    context.close()


def test_a_new_reply_shows_from_its_first_line(servers, page) -> None:
    """A lesson part is longer than the chat: the reply is shown from its start (the part's heading), not
    scrolled to its end."""
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "tell me about blood pressure")
    page.locator(".msg.bot").filter(has_text="Part 1 of").wait_for(timeout=20000)
    page.wait_for_timeout(300)
    seen = in_widget(
        page,
        """(root, n) => {
          const log = root.querySelector('ol.log').getBoundingClientRect();
          const first = root.querySelectorAll('.msg.bot')[n].getBoundingClientRect();
          const heading = [...root.querySelectorAll('.msg.bot strong')].pop().getBoundingClientRect();
          return {first: first.top >= log.top - 1 && first.top < log.bottom - 20,
                  heading: heading.top >= log.top - 1 && heading.bottom <= log.bottom + 1,
                  longer: root.querySelector('ol.log').scrollHeight > log.height};
        }""",
        before,
    )
    assert seen == {"first": True, "heading": True, "longer": True}, seen


def start_a_lesson(page) -> None:
    """Hello (the first contact's privacy note comes with it), then the first part of a lesson."""
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before + 1)
    say(page, "tell me about blood pressure")
    page.locator(".msg.bot").filter(has_text="Part 1 of").wait_for(timeout=20000)


def test_buttons_that_no_longer_work_look_used_also_after_a_reload(servers, page) -> None:
    """Part 1's buttons are used once Next was pressed; only part 2's work, and it shows, after a reload too."""
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    start_a_lesson(page)
    page.locator(".msg.bot").filter(has_text="Part 1 of").get_by_role("button", name="Next").click()
    page.locator(".msg.bot").filter(has_text="Part 2 of").wait_for(timeout=20000)

    def looks() -> dict[str, list]:
        return in_widget(
            page,
            """root => {
              const look = b => { const s = getComputedStyle(b); return [s.borderStyle, s.backgroundColor, s.color]; };
              const all = [...root.querySelectorAll('.choices button')];
              const used = all.filter(b => b.getAttribute('aria-disabled') === 'true');
              const live = all.filter(b => b.getAttribute('aria-disabled') !== 'true' && !b.disabled);
              return {used: used.map(b => b.textContent), live: live.map(b => b.textContent),
                      usedLook: [...new Set(used.map(b => JSON.stringify(look(b))))],
                      liveLook: [...new Set(live.map(b => JSON.stringify(look(b))))],
                      chosen: all.filter(b => b.classList.contains('chosen')).map(b => b.textContent)};
            }""",
        )

    for moment in ("now", "after a reload"):
        seen = looks()
        assert "Say it simpler" in seen["used"], (moment, seen)  # part 1's
        assert "Next" in seen["live"] and "Say it simpler" in seen["live"], (moment, seen)  # part 2's still work
        assert not set(seen["usedLook"]) & set(seen["liveLook"]), (moment, seen)  # and they look different
        assert seen["chosen"] and seen["chosen"][0].startswith("Next"), (moment, seen)  # the one pressed
        page.reload()
        page.get_by_role("dialog").wait_for()
    # A used button does nothing.
    count = page.locator(".msg.user").count()
    page.locator(".choices button[aria-disabled='true']").first.click(force=True)
    assert page.locator(".msg.user").count() == count


def test_a_quick_reply_pressed_with_the_keyboard_moves_the_focus_to_the_reply(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    start_a_lesson(page)
    before = bot_count(page)
    page.locator(".msg.bot").filter(has_text="Part 1 of").get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    page.locator(".msg.bot").filter(has_text="Part 2 of").wait_for(timeout=20000)
    page.wait_for_timeout(300)
    focus = in_widget(
        page,
        """(root, n) => {
          const active = root.activeElement;
          const reply = root.querySelectorAll('.msg.bot, .msg.staff')[n];
          return {inWidget: document.activeElement !== document.body && !!active,
                  onReply: !!active && (active === reply || (reply.contains(active) && active.tagName === 'BUTTON')),
                  text: active ? active.textContent.slice(0, 60) : null};
        }""",
        before,
    )
    assert focus["inWidget"] and focus["onReply"], focus
    # From there, Tab goes on to the reply's buttons.
    page.keyboard.press("Tab")
    assert in_widget(page, "root => root.activeElement && root.activeElement.tagName") == "BUTTON"


def test_read_aloud_reads_words_not_marks_can_stop_and_says_when_it_cannot(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before)
    deliver_while_away(
        page,
        servers,
        "**Bold words** and _these_: see [our page](https://clinic.example/help) or https://clinic.example/x",
    )
    line = page.locator(".msg.bot").filter(has_text="Bold words")
    line.wait_for(timeout=20000)
    page.evaluate("""() => { window.__spoken = []; window.__cancelled = 0;
      speechSynthesis.speak = u => { window.__spoken.push(u.text); u.onstart && u.onstart({}); };
      speechSynthesis.cancel = () => { window.__cancelled += 1; }; }""")
    reader = line.locator("button.read")
    reader.click()
    spoken = page.evaluate("() => window.__spoken")
    assert spoken == ["Bold words and these: see our page (a link) or a link"], spoken
    stop = line.get_by_role("button", name="Stop reading")
    assert stop.is_visible()
    cancelled = page.evaluate("() => window.__cancelled")
    stop.click()
    assert page.evaluate("() => window.__cancelled") > cancelled
    assert reader.inner_text() == "Read aloud"

    # A browser with the speech API but no voice (it neither starts nor fails): said, not silence.
    page.evaluate("() => { speechSynthesis.speak = () => {}; speechSynthesis.getVoices = () => []; }")
    reader.click()
    note = line.locator(".note")
    note.wait_for(timeout=5000)
    assert "can't read aloud" in note.inner_text()
    # A browser with no speech at all.
    page.evaluate("() => Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true})")
    other = page.locator(".msg.bot").first
    other.locator("button.read").click()
    assert "can't read aloud" in other.locator(".note").inner_text()
    assert page.js_errors == []


def test_the_print_link_is_a_labelled_button(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before)
    address = f"{servers.settings.web_url}/print/AbC123-xyz_0987654321abcdef"
    deliver_while_away(page, servers, f"To print your list, open this page: {address}\nThe link is only for you.")
    line = page.locator(".msg.bot").filter(has_text="To print your list")
    line.wait_for(timeout=20000)
    button = line.get_by_role("link", name="Open my printable list")
    assert button.get_attribute("href") == address and button.get_attribute("target") == "_blank"
    assert address not in line.inner_text()  # the long address is not shown
    height = button.evaluate("a => a.getBoundingClientRect().height")
    assert height >= 44  # a real target, like the other buttons


def test_the_largest_text_grows_the_panel_and_the_size_button_says_what_it_does(servers, browser) -> None:
    def placeholder_fits(page) -> bool:
        return page.get_by_label("Your message").evaluate("""i => {
          const s = getComputedStyle(i); const c = document.createElement('canvas').getContext('2d');
          c.font = s.font;
          const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
          return c.measureText(i.placeholder).width <= room;
        }""")

    def lines_shown(page) -> float:
        return page.locator("ol.log").evaluate("n => n.clientHeight / parseFloat(getComputedStyle(n).lineHeight)")

    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    normal = page.locator("ol.log").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    page.get_by_role("button", name="Bigger text").click()
    page.get_by_role("button", name="Bigger text").click()
    size = page.get_by_role("dialog").bounding_box()
    assert size is not None and size["height"] > 700 and size["width"] > 600  # the panel grew with the text
    assert lines_shown(page) >= 10
    assert placeholder_fits(page)
    back = page.get_by_role("button", name="Normal text")  # says what it will do now
    assert page.get_by_role("button", name="Bigger text").count() == 0
    assert axe_problems(page) == []  # at the largest text size
    back.click()
    assert page.locator("ol.log").evaluate("n => parseFloat(getComputedStyle(n).fontSize)") == normal
    assert page.get_by_role("button", name="Bigger text").is_visible()
    context.close()

    # A phone: the chat takes the whole screen, at every size.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    assert page.get_by_role("dialog").bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    assert axe_problems(page) == []  # at phone size
    page.get_by_role("button", name="Bigger text").click()
    page.get_by_role("button", name="Bigger text").click()
    assert page.get_by_role("dialog").bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    assert placeholder_fits(page) and lines_shown(page) >= 8
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-phone-largest.png"))
    assert axe_problems(page) == []
    context.close()


def test_axe_finds_no_serious_problem_in_the_open_chat(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    assert axe_problems(page) == []
    before = bot_count(page)
    say(page, "hello")  # messages with "Read aloud" and quick replies
    wait_for_bot(page, before + 1)
    assert axe_problems(page) == []
    assert in_widget(page, "root => root.querySelectorAll('header, [role=banner]').length") == 0


def test_one_person_button_and_a_hand_off_that_waits_with_cancel(servers, page) -> None:
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    assert person_buttons(page).count() == 1
    before = bot_count(page)
    say(page, "hello")
    wait_for_bot(page, before + 1)
    assert person_buttons(page).count() == 1  # the menu offers it: not a second one below
    before = bot_count(page)
    person_buttons(page).click()
    page.locator(".msg.bot").filter(has_text='say "stop"').wait_for(timeout=20000)
    waiting = page.locator(".waiting")
    assert waiting.is_visible() and "Waiting for a person" in waiting.inner_text()
    assert person_buttons(page).count() == 0  # no second request while waiting
    before = bot_count(page)
    say(page, "are you there?")
    page.wait_for_timeout(300)
    assert page.locator("p.typing").is_hidden()  # the assistant is not the one who will answer
    wait_for_bot(page, before)
    before = bot_count(page)
    page.get_by_role("button", name="Cancel").click()
    assert page.locator(".msg.user").last.inner_text().endswith("stop")
    page.locator(".msg.bot").filter(has_text="You are back with me").wait_for(timeout=20000)
    assert waiting.is_hidden() and person_buttons(page).count() == 1
    # Kept across a reload: not waiting any more.
    page.reload()
    page.get_by_role("dialog").wait_for()
    assert waiting.is_hidden() and person_buttons(page).count() == 1
    assert page.js_errors == []


def test_while_a_person_has_the_chat_there_is_no_person_button_and_no_typing_note(servers, page) -> None:
    from test_e2e_handoff import Console

    console = Console(servers.settings.web_url)
    assert console.login("kim", servers.staff_account("kim", "Kim")) == 303
    page.goto(servers.settings.web_url + "/")
    open_chat(page)
    person_buttons(page).click()
    page.locator(".msg.bot").filter(has_text='say "stop"').wait_for(timeout=20000)
    before = bot_count(page)
    say(page, "hello from the widget's person test")
    wait_for_bot(page, before)  # "I passed that on to the team."
    ticket = console.ticket_for("hello from the widget's person test")["ticket"]
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/claim")
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/reply", {"text": "Hi, this is Kim."})
    page.locator(".msg.staff").filter(has_text="Hi, this is Kim.").wait_for(timeout=20000)
    assert person_buttons(page).count() == 0 and page.locator(".waiting").is_hidden()
    assert "has this chat" in page.locator(".with-person").inner_text()
    say(page, "thank you Kim")
    page.wait_for_timeout(500)
    assert page.locator("p.typing").is_hidden()  # a person writes when they write
    page.reload()  # still with the person after a reload
    page.get_by_role("dialog").wait_for()
    assert person_buttons(page).count() == 0 and page.locator(".with-person").is_visible()
    console.request("POST", f"/staff/api/tickets/{ticket['id']}/close", {"note": "Browser test."})
    page.locator(".msg.bot").filter(has_text="You are back with me").wait_for(timeout=20000)
    assert person_buttons(page).count() == 1 and page.locator(".with-person").is_hidden()


def test_data_language_es_puts_the_widgets_own_words_in_spanish(servers, page) -> None:
    html = re.sub(r'\s*data-greeting="[^"]*"', "", host_html(servers, language="es"))  # the widget's own one
    with HostPage(servers.embed_port, html):
        page.goto(f"http://127.0.0.1:{servers.embed_port}/")
        page.get_by_role("button", name="Chatee con nosotros").click()
        dialog = page.get_by_role("dialog", name="Chat con Riverside Community Clinic")
        dialog.wait_for()
        for name in ("Empezar de nuevo", "Letra más grande", "Cerrar", "Hablar con una persona", "Enviar"):
            assert page.get_by_role("button", name=name).count() == 1, name
        assert page.get_by_label("Su mensaje").get_attribute("placeholder") == "Escriba su mensaje"
        assert "Hola" in page.locator(".msg.bot").first.inner_text()
        assert "Asistente" in page.locator(".msg.bot .who").first.inner_text()
        assert page.get_by_role("button", name="Leer en voz alta").count() == 1
        assert in_widget(page, "root => root.querySelector('.root').lang") == "es"
        assert "Chat with us" not in widget(page).inner_text()
