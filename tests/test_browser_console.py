"""The staff console in a real browser (Debian's Chromium via Playwright): sign in, see the queue, answer."""

from __future__ import annotations

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
