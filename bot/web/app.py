"""The web app (port 8000 by default): printable question lists, the staff console, and the catch-up that
delivers reminders and staff replies Rasa missed.

Started by `plainhealth run` beside the Rasa and action servers (`python -m bot.web`). It holds no state of
its own: everything comes from the app database, so several can run behind a proxy. (The one exception is the
count of failed staff sign-ins, kept per process: see bot/storage/staff.py.)

Two app-wide guards sit in front of every route, so a route added later cannot forget them:
`same_origin_changes` refuses any change (POST and the like) that a browser says came from another site,
and `security_headers` gives every response, errors and redirects included, the headers that stop
sniffing, framing and leaking the URL, plus HSTS when the request came over TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources

from aiohttp import ClientSession, ClientTimeout, web

from bot.appointments.dates import say_date
from bot.appointments.delivery import deliver_due
from bot.appointments.visits import checklist_items, local_today, visit_name
from bot.content.loader import load_library
from bot.content.models import Library
from bot.handoff.notify import notify_new_tickets
from bot.privacy import load_or_create_secret
from bot.records.erase import run_erasures
from bot.records.retention import purge, summary
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.visits import current_visit, print_link_patient, questions
from bot.web import widget
from bot.web.console import Console, came_over_tls, deliver_waiting, is_own_origin
from bot.web.printable import PRINT_SCRIPT, WORDS, PrintPage, render, render_gone

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
LIBRARY = web.AppKey("library", Library)
SECRET = web.AppKey("secret", bytes)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
}
# The question list itself runs one script, its Print button's, from this server's own file (never inline).
PRINT_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
}
# What every response gets unless its route set its own (the console, the demo page and the printable page
# have policies of their own, which are kept).
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}
HSTS = "max-age=31536000"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def same_origin_changes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a change whose Origin header names another site (or "null") with 403.

    Browsers send Origin with every POST, so a form or script on another site cannot sign someone in to an
    attacker's account, sign them out, or act with their session; the CSRF token and SameSite cookie are
    the other two locks. Requests without Origin (scripts, old browsers) go on to those checks.
    """
    if request.method not in SAFE_METHODS:
        origin = request.headers.get("Origin")
        if origin is not None and not is_own_origin(origin, request, request.app[SETTINGS]):
            logger.warning("Refused a %s to %r sent from another site", request.method, request.path[:100])
            return web.json_response({"error": "This request came from another site, so it was refused."}, status=403)
    return await handler(request)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the shared security headers to every response just before it is sent.

    A response-prepare hook rather than a middleware: it also reaches streamed responses (the console's
    event stream is sent from inside its handler) and the answers aiohttp makes itself (404, 405, 500), which
    a middleware's return path never sees. ``setdefault`` keeps a route's own stricter or different policy.
    """
    for name, value in BASE_HEADERS.items():
        response.headers.setdefault(name, value)
    if came_over_tls(request, request.app[SETTINGS]):
        response.headers.setdefault("Strict-Transport-Security", HSTS)


def _html(body: str, status: int = 200, headers: dict[str, str] = SECURITY_HEADERS) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", headers=headers)


async def print_page(request: web.Request) -> web.Response:
    db, library = request.app[DB], request.app[LIBRARY]
    patient, expired = print_link_patient(db, request.match_info["token"])
    if patient is None:
        return _html(render_gone(WORDS["wrong_title"], WORDS["wrong_text"]), 404)
    if expired:
        return _html(render_gone(WORDS["expired_title"], WORDS["expired_text"]), 410)
    clinic = library.clinic
    timezone = clinic.timezone if clinic else "UTC"
    today = local_today(timezone)
    visit = current_visit(db, patient, today)
    heading, to_bring = "", None
    if visit is not None:
        heading = visit_name(library, visit.appointment_type).capitalize()
        if visit.day:
            heading += f", {say_date(visit.day, today)}"
        checklist = library.checklists.get(visit.checklist_id or "")
        if checklist:
            to_bring = [
                (item.text, index in visit.ticked)
                for index, item in enumerate(checklist_items(checklist, ""))
                if item.kind == "bring"
            ]
    page = PrintPage(
        clinic_name=clinic.name if clinic else "Your clinic",
        clinic_phone=clinic.phone if clinic else "",
        questions=questions(db, patient),
        visit=heading,
        to_bring=to_bring,
    )
    return _html(render(page), headers=PRINT_HEADERS)


async def print_script(request: web.Request) -> web.Response:
    """The print page's Print button (bot/web/static/print.js): the one script its CSP allows."""
    text = resources.files("bot.web").joinpath("static", "print.js").read_text(encoding="utf-8")
    return web.Response(
        text=text,
        content_type="application/javascript",
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


async def demo(request: web.Request) -> web.Response:
    """The demo clinic page, with the widget on it: what a new user sees at once."""
    settings, clinic = request.app[SETTINGS], request.app[LIBRARY].clinic
    page = widget.demo_page(settings, clinic.name if clinic else "Demo Clinic", clinic.phone if clinic else "")
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": widget.csp(settings)}
    return web.Response(text=page, content_type="text/html", headers=headers)


async def demo_css(request: web.Request) -> web.Response:
    return web.Response(text=widget.DEMO_CSS, content_type="text/css", headers={"Cache-Control": "no-cache"})


async def widget_script(request: web.Request) -> web.Response:
    try:
        body = widget.bundle(request.app[SETTINGS].project_dir)
    except widget.WidgetMissing as exc:
        logger.error("%s", exc)
        return web.Response(
            text="/* The chat widget is not installed on this server. */",
            status=503,
            content_type="application/javascript",
        )
    return web.Response(
        text=body,
        content_type="application/javascript",
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _reminder_loop(app: web.Application) -> None:
    """Deliver what Rasa did not: reminders (its scheduler forgets them when the server restarts) and staff
    replies typed while Rasa could not be reached."""
    settings = app[SETTINGS]
    timeout = ClientTimeout(total=30)
    pause = max(5, min(30, settings.reminder_grace_seconds // 2))
    async with ClientSession(timeout=timeout) as http:
        while True:
            now = dt.datetime.now(dt.UTC)
            try:
                await deliver_due(app[DB], settings, app[SECRET], http, now)
            except Exception:
                logger.exception("reminder catch-up failed; trying again soon")
            try:
                await deliver_waiting(app[DB], settings, app[SECRET], http, now)
            except Exception:
                logger.exception("staff reply catch-up failed; trying again soon")
            await asyncio.sleep(pause)


async def _notify_loop(app: web.Application) -> None:
    """Tell staff on Telegram about new or newly urgent hand-offs, within a couple of seconds."""
    while True:
        try:
            await notify_new_tickets(app[DB], app[SETTINGS])
        except Exception:
            logger.exception("telling staff about new hand-offs failed; trying again soon")
        await asyncio.sleep(2)


PURGE_EVERY = dt.timedelta(days=1)
PURGE_RETRY = dt.timedelta(hours=1)
ERASURE_PAUSE_SECONDS = 2


async def _privacy_loop(app: web.Application) -> None:
    """Patients' "delete my data" (their chat is erased once Rasa has finished writing it, a few seconds on)
    and the retention purge, at start and then once a day (bot/records/). The database work blocks (a
    rebuild of the SQLite files), so it runs on a thread and the web app keeps answering."""
    settings, db, secret = app[SETTINGS], app[DB], app[SECRET]
    next_purge = dt.datetime.now(dt.UTC)
    while True:
        now = dt.datetime.now(dt.UTC)
        try:
            await asyncio.to_thread(run_erasures, db, settings, secret, now)
        except Exception:
            logger.exception("erasing a patient's chat failed; trying again soon")
        if now >= next_purge:
            try:
                counts = await asyncio.to_thread(purge, db, settings, now)
                next_purge = now + PURGE_EVERY
                logger.info("Retention (%s days): %s", settings.retention_days, summary(counts))
            except Exception:
                next_purge = now + PURGE_RETRY
                logger.exception("deleting data past the retention period failed; trying again in an hour")
        await asyncio.sleep(ERASURE_PAUSE_SECONDS)


async def _background(app: web.Application) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(_reminder_loop(app)), asyncio.create_task(_privacy_loop(app))]
    if app[SETTINGS].staff_telegram_token:
        tasks.append(asyncio.create_task(_notify_loop(app)))
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def make_app(settings: Settings, deliver_reminders: bool = True) -> web.Application:
    db = Database(settings.database_url)
    db.migrate()
    app = web.Application(middlewares=[same_origin_changes])
    # aiosignal's stubs wrap the handler type once too often (aiohttp 3.9); the call itself is the documented one.
    app.on_response_prepare.append(security_headers)  # type: ignore[arg-type]
    app[SETTINGS] = settings
    app[DB] = db
    app[LIBRARY] = load_library(settings.content_dir)
    app[SECRET] = load_or_create_secret(settings)
    app.router.add_get("/print/{token}", print_page)
    app.router.add_get(PRINT_SCRIPT, print_script)
    app.router.add_get("/health", health)
    app.router.add_get("/", demo)
    app.router.add_get("/demo.css", demo_css)
    app.router.add_get("/widget/plainhealth-widget.js", widget_script)
    Console(settings, db, app[SECRET]).install(app)
    if deliver_reminders:
        app.cleanup_ctx.append(_background)
    return app


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # URLs hold print tokens
    web.run_app(make_app(settings), host=settings.host, port=settings.web_port, print=None, access_log=None)
