"""The chat widget clinics embed, and the demo clinic page that shows it working.

`/widget/plainhealth-widget.js` is one file: the socket.io client (installed from the npm registry into
`widget/node_modules` by `make install`, never loaded from a CDN) and `static/widget/widget.js`, wrapped in
one function scope so neither adds anything to the host page's globals. It is built once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path

from bot.settings import Settings

SOCKET_IO = Path("widget") / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


class WidgetMissing(RuntimeError):
    """The socket.io client is not installed (run `make install`)."""


@lru_cache(maxsize=4)
def bundle(project_dir: Path) -> str:
    client_file = project_dir / SOCKET_IO
    try:
        client = client_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise WidgetMissing(f"{client_file} is missing: run `make install` (it runs `npm ci` in widget/).") from exc
    client = re.sub(r"//# sourceMappingURL=\S+\s*$", "", client)
    own = resources.files("bot.web").joinpath("static", "widget", "widget.js").read_text(encoding="utf-8")
    return (
        "/*! plainhealth chat widget. Includes Socket.IO v4 (MIT License). */\n"
        '(function () {\n"use strict";\n'
        "var module = { exports: {} }, exports = module.exports, define;\n"
        f"{client}\nvar io = module.exports;\n{own}\n}}());\n"
    )


def snippet(settings: Settings, clinic_name: str) -> str:
    """What a clinic pastes into its pages."""
    return (
        f'<script src="{settings.web_url}/widget/plainhealth-widget.js" defer\n'
        f'        data-server="{settings.rasa_url}"\n'
        f'        data-clinic="{escape(clinic_name)}"\n'
        '        data-color="#0b5cad"\n'
        '        data-language="en"\n'
        '        data-greeting="Hello! I can explain health words and help you get ready for a visit."></script>'
    )


def demo_page(settings: Settings, clinic_name: str, clinic_phone: str) -> str:
    code = snippet(settings, clinic_name)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(clinic_name)} (demo)</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<header><p class="brand">{escape(clinic_name)}</p><p>Call us: {escape(clinic_phone)}</p></header>
<main>
<h1>Welcome to {escape(clinic_name)}</h1>
<p>This is a demo clinic page. The chat button in the corner is plainhealth: it explains health words in
plain language, helps you get ready for a visit, and passes you to a person at the clinic when you ask.</p>
<p>It does not give medical advice. In an emergency, call your local emergency number.</p>
<h2>Put the chat on your own site</h2>
<p>Paste this before the end of your page's body. Add your site to <code>allowed_origins</code> in
<code>content/clinic.yml</code>: the chat refuses every site that is not listed.</p>
<pre><code>{escape(code)}</code></pre>
</main>
{code}
</body>
</html>
"""


DEMO_CSS = """
body { margin: 0; font: 20px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111;
       background: #fff; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; padding: 0.5em 1em; background: #0b5cad;
         color: #fff; }
header p { margin: 0; }
.brand { font-weight: 700; }
main { max-width: 44em; margin: 0 auto; padding: 1em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f5f7; padding: 0.8em; border: 1px solid #888; }
"""


def csp(settings: Settings) -> str:
    chat = settings.rasa_url
    sockets = chat.replace("http://", "ws://").replace("https://", "wss://")
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        f"connect-src {chat} {sockets}; base-uri 'none'; frame-ancestors 'none'"
    )
