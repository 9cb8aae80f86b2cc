"""The printable question list and the educators' reports in a real browser (Debian's Chromium), checked with
axe-core like the widget: no serious or critical accessibility problem (issue 22)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_browser_console import ConsoleApp, browser_for_console  # noqa: F401 (a fixture)
from test_browser_widget import axe_problems
from test_learning_insights import activity

from bot.cli import main
from bot.storage import visits as store
from bot.storage.db import Database

pytestmark = [pytest.mark.browser]

BAD = Path(__file__).resolve().parent / "fixtures" / "content_bad"


def every_axe_problem(page) -> list[str]:
    """axe-core's findings of any weight. These pages are plain documents of our own, so beyond the serious and
    critical problems (``axe_problems``) the moderate ones are held to zero too: all content in a landmark
    (``region``, ``landmark-one-main``), one main heading, and so on."""
    serious = axe_problems(page)  # loads axe into the page
    found = page.evaluate("""async () => {
      const result = await axe.run(document);
      return result.violations.map(v => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map(n => n.target)
        .slice(0, 3))}`);
    }""")
    return sorted(set(serious) | set(found))


@pytest.fixture
def page(browser_for_console):  # noqa: F811 (the fixture imported above)
    context = browser_for_console.new_context(viewport={"width": 1024, "height": 800})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.js_errors = errors  # type: ignore[attr-defined]
    yield opened
    context.close()


def print_link(settings) -> str:
    db = Database(settings.database_url)
    db.migrate()
    store.save_appointment(db, "p1", "blood_test", "blood-test", dt.date.today() + dt.timedelta(days=3))
    store.add_question(db, "p1", "Can I still drive after the blood test?")
    store.add_question(db, "p1", "Will it hurt?")
    token = store.make_print_link(db, "p1", hours=72)
    db.dispose()
    return f"/print/{token}"


def test_the_print_page_has_a_working_print_button_and_no_serious_axe_problem(settings, page) -> None:
    path = print_link(settings)
    with ConsoleApp(settings) as app:
        page.goto(app.url + path)
        button = page.get_by_role("button", name="Print my list")
        button.wait_for(timeout=5000)
        # The script is the page's own file, allowed by its CSP: pressing the button opens the print dialog.
        page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
        button.click()
        assert page.evaluate("() => window.printed") == 1
        assert every_axe_problem(page) == []
        # The clinic's number stays on one line, even on a narrow phone.
        assert page.locator(".phone").evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        # On paper the button is not shown.
        page.emulate_media(media="print")
        assert button.is_hidden()
        page.emulate_media(media="screen")
        assert button.is_visible()
        assert page.js_errors == []
        page.goto(app.url + "/print/not-a-real-token")  # the kind refusal too
        assert every_axe_problem(page) == []


def test_the_content_check_report_has_no_serious_axe_problem(tmp_path: Path, monkeypatch, library, page) -> None:
    """The report with problems in every table and the lesson insights below them, opened from its file."""
    state = tmp_path / "state"
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(state))
    db = Database(f"sqlite:///{state / 'plainhealth.db'}")
    db.migrate()
    activity(library, db)
    db.dispose()
    report = tmp_path / "check.html"
    main(["content", "check", "--content-dir", str(BAD), "--no-domain", "--format", "html", "-o", str(report)])
    assert 'id="insights"' in report.read_text(encoding="utf-8")
    page.goto(report.as_uri())
    for summary in page.locator("summary").all():
        summary.click()  # the folded tables too
    assert every_axe_problem(page) == []
    shipped = tmp_path / "shipped.html"
    assert main(["content", "check", "--format", "html", "-o", str(shipped)]) == 0
    page.goto(shipped.as_uri())
    assert every_axe_problem(page) == []
    assert page.js_errors == []


def test_the_insights_report_has_no_serious_axe_problem(tmp_path: Path, monkeypatch, library, page) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(state))
    db = Database(f"sqlite:///{state / 'plainhealth.db'}")
    db.migrate()
    activity(library, db)
    db.dispose()
    report = tmp_path / "insights.html"
    assert main(["content", "insights", "--format", "html", "-o", str(report)]) == 0
    page.goto(report.as_uri())
    assert page.locator("h1").count() == 1
    assert every_axe_problem(page) == []
    assert page.js_errors == []
