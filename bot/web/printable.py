"""The printable question list: a clean page a patient opens from a private link and prints or shows.

Plain HTML with print styles, so it works on any phone or old computer and prints on one page. The only
script is the page's own small file (bot/web/static/print.js, served at PRINT_SCRIPT) behind the visible
Print button; without it the button stays hidden and the browser's own Print still works. Everything shown is
escaped: the questions are the patient's own words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

# Where the web app serves bot/web/static/print.js (outside /print/, which holds the private links).
PRINT_SCRIPT = "/print.js"

PAGE_CSS = """
body { font-family: Verdana, Arial, sans-serif; font-size: 20px; line-height: 1.5; color: #111; background: #fff;
       max-width: 42em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.visit { font-size: 1.1em; margin-top: 0; }
ol { padding-left: 1.6em; }
li { margin: 0.6em 0; }
.answer { border-bottom: 1px solid #777; height: 2.2em; margin-bottom: 0.4em; }
.box { display: inline-block; width: 0.9em; height: 0.9em; border: 2px solid #111; margin-right: 0.5em;
       vertical-align: -0.1em; }
.done { text-decoration: line-through; color: #444; }
.note { font-size: 0.85em; color: #333; margin-top: 2em; }
.phone { white-space: nowrap; }
.print-button { font: inherit; font-size: 1em; min-height: 44px; min-width: 44px; padding: 0.3em 1.2em;
                margin: 0.5em 0 1em; color: #fff; background: #1d4f91; border: 2px solid #1d4f91;
                border-radius: 6px; cursor: pointer; }
.print-button:hover { background: #163c6e; }
.print-button:focus-visible { outline: 3px solid #111; outline-offset: 3px; }
.print-button[hidden] { display: none; }
@media print { body { font-size: 14pt; margin: 0; } .note, .print-button { display: none; } }
"""


# Every fixed word on the page; tests/test_web_printable.py holds them to the configured reading grade.
WORDS = {
    "heading": "My questions for my visit",
    "empty": "Your list is empty. Ask the assistant for questions to add.",
    "to_bring": "To bring",
    "print_button": "Print my list",
    "note": "To print, press Print my list, or use the Print button of your browser. Write the answers on "
    "the lines. This page is only for you. The link stops working after a few days.",
    "wrong_title": "This link is not right",
    "wrong_text": "Please check the link, or ask the assistant for a new one.",
    "expired_title": "This link has run out",
    "expired_text": "To keep your list private, links work for a few days only. Ask the assistant for a new "
    'one: say "print my questions".',
}


@dataclass(frozen=True)
class PrintPage:
    clinic_name: str
    clinic_phone: str
    questions: list[str]
    visit: str = ""  # "Blood test, Tuesday 3 March"
    to_bring: list[tuple[str, bool]] | None = None  # (item, ticked)
    expires: dt.datetime | None = None


def render(page: PrintPage) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{WORDS['heading']} - {escape(page.clinic_name)}</title>",
        f"<style>{PAGE_CSS}</style></head><body><main>",
        f"<h1>{WORDS['heading']}</h1>",
        # Shown by print.js, which makes it work; hidden on paper.
        f'<button type="button" id="print-button" class="print-button" hidden>{WORDS["print_button"]}</button>',
    ]
    if page.visit:
        parts.append(f'<p class="visit">{escape(page.visit)}</p>')
    if page.questions:
        parts.append("<ol>")
        for question in page.questions:
            parts.append(f'<li>{escape(question)}<div class="answer" aria-hidden="true"></div></li>')
        parts.append("</ol>")
    else:
        parts.append(f"<p>{WORDS['empty']}</p>")
    if page.to_bring:
        parts.append(f"<h2>{WORDS['to_bring']}</h2><ul>")
        for item, ticked in page.to_bring:
            css = ' class="done"' if ticked else ""
            parts.append(f'<li{css}><span class="box" aria-hidden="true"></span>{escape(item)}</li>')
        parts.append("</ul>")
    phone = f', <span class="phone">{escape(page.clinic_phone)}</span>' if page.clinic_phone else ""
    parts.append(f"<p>{escape(page.clinic_name)}{phone}</p>")
    parts.append(f'<p class="note">{escape(WORDS["note"])}</p>')
    parts.append(f'</main><script src="{PRINT_SCRIPT}"></script></body></html>')
    return "\n".join(parts)


def render_gone(title: str, text: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title><style>{PAGE_CSS}</style></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>"
    )
