import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import PROJECT_ROOT
from bot.web import widget
from bot.web.app import make_app


def test_the_bundle_wraps_the_socketio_client_and_the_widget_in_one_scope() -> None:
    code = widget.bundle(PROJECT_ROOT)
    assert code.startswith("/*! plainhealth chat widget") and code.rstrip().endswith("}());")
    assert "Socket.IO v4" in code and "var io = module.exports;" in code and "attachShadow" in code
    assert "sourceMappingURL" not in code  # no request for a map file the server does not have


def test_a_missing_client_is_reported_with_the_fix(tmp_path) -> None:
    with pytest.raises(widget.WidgetMissing, match="make install"):
        widget.bundle(tmp_path)


def test_the_demo_page_escapes_the_clinic_and_allows_only_the_chat_server(settings) -> None:
    page = widget.demo_page(settings, "Dr <Who> & Co", "555")
    assert "Dr &lt;Who&gt; &amp; Co" in page and "<Who>" not in page
    assert page.count("/widget/plainhealth-widget.js") == 2  # the tag itself, and the snippet shown as text
    policy = widget.csp(settings)
    assert f"connect-src {settings.rasa_url} ws://" in policy and "script-src 'self'" in policy


def test_the_web_app_serves_the_page_and_the_widget(settings) -> None:
    async def go() -> tuple[int, str, int, str]:
        async with TestClient(TestServer(make_app(settings, deliver_reminders=False))) as client:
            page = await client.get("/")
            script = await client.get("/widget/plainhealth-widget.js")
            return page.status, page.headers["Content-Security-Policy"], script.status, script.content_type

    page_status, policy, script_status, kind = asyncio.run(go())
    assert page_status == 200 and "frame-ancestors 'none'" in policy
    assert script_status == 200 and kind == "application/javascript"


def test_axe_core_is_pinned_for_the_browser_tests_and_never_shipped() -> None:
    """The browser tests' accessibility checks use axe-core from the npm registry, at one exact version."""
    import json

    package = json.loads((PROJECT_ROOT / "widget" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PROJECT_ROOT / "widget" / "package-lock.json").read_text(encoding="utf-8"))
    version = package["devDependencies"]["axe-core"]
    assert version[0].isdigit() and lock["packages"]["node_modules/axe-core"]["version"] == version
    assert "axe-core" not in package["dependencies"]
    assert "axe.run" not in widget.bundle(PROJECT_ROOT)  # only the tests load it
