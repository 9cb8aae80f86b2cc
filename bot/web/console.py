"""The staff console: sign in, see the hand-off queue, claim a ticket, reply to the patient, hand back.

Served by the web app under /staff. Pages and the JSON API need a signed-in session (an HttpOnly,
SameSite=Strict cookie whose token is stored only as a hash); every change also needs the session's CSRF
token in a header, and the web app refuses any change whose Origin is another site (bot/web/app.py).
Password hashing runs on a small thread pool, never on the event loop: one scrypt takes tens of
milliseconds, and a burst of sign-ins would otherwise hold up every other request. Failed sign-ins are
counted per client address (bot/storage/staff.py), taken from the socket unless the settings say a proxy
is trusted. Replies reach the patient through Rasa: the line is saved undelivered, then the web app
asks Rasa to run `action_staff_reply` on the patient's latest channel (`trigger_intent` with
`output_channel=latest`), so the socket.io widget, REST and Telegram all get it the same way. A reply that
Rasa could not take at once is tried again by the background loop in bot/web/app.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import ipaddress
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import ClientSession, ClientTimeout, web
from aiohttp.http_exceptions import HttpProcessingError

from bot.contracts import Entity, ExternalIntent, TicketStatus
from bot.handoff.transcript import channel_name, shown
from bot.privacy import unseal
from bot.rasa_api import trigger
from bot.records import audit
from bot.records.erase import DELETED_PREFIX, cancel_rasa_reminders, forget, scheduled_reminders
from bot.records.export import export
from bot.settings import Settings
from bot.storage import handoff as tickets
from bot.storage import staff
from bot.storage.db import Database
from bot.storage.handoff import Line, QueueFilter, Ticket, TicketConflict
from bot.storage.staff import StaffError, StaffMember

logger = logging.getLogger(__name__)

COOKIE = "plainhealth_staff"
MAX_REPLY = 2000
MAX_NOTE = 2000
HASH_THREADS = 4  # scrypt needs 16 MB each: a burst of sign-ins queues here instead of eating memory
MAX_ID = 2**31 - 1  # ids in the path are small positive integers; anything else is "not found"
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# "same-origin", not "no-referrer": with no-referrer, Chromium sends "Origin: null" on the console's own form
# posts, and the Origin check (bot/web/app.py) would refuse staff signing in. Nothing leaves for other sites.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONSOLE_CSP,
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T")
SIGN_IN_FAILED = "That user name and password did not work. After 5 tries, wait 5 minutes before you try again."


# --- helpers ------------------------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


PATIENT_LABEL = 6  # characters of the pseudonym: enough to tell rows apart, too few to be an identifier
PREVIEW_WORDS = 8
# The queue's filters (query parameters of GET /staff/api/tickets). Anything else is a 400, never a guess.
AGES: dict[str, tuple[dt.timedelta | None, dt.timedelta | None]] = {  # (at least, under)
    "under-15m": (None, dt.timedelta(minutes=15)),
    "over-15m": (dt.timedelta(minutes=15), None),
    "over-1h": (dt.timedelta(hours=1), None),
    "over-4h": (dt.timedelta(hours=4), None),
    "over-1d": (dt.timedelta(days=1), None),
}
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 100
MAX_PAGE = 100_000


def patient_label(patient: str) -> str:
    """A short label to tell one patient's rows from another's: the first characters of the pseudonym."""
    if patient.startswith(DELETED_PREFIX):
        return "deleted"
    return patient[:PATIENT_LABEL]


def preview(text: str, words: int = PREVIEW_WORDS) -> str:
    """The first few words of the patient's latest line, in the words the console shows."""
    flat = shown("patient", text).split()
    return " ".join(flat[:words]) + (" …" if len(flat) > words else "")


def ticket_json(
    ticket: Ticket,
    member: StaffMember,
    secret: bytes,
    now: dt.datetime,
    last_patient_text: str | None = None,
    closed_by: str | None = None,
) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "reason": ticket.reason,
        "reason_text": ticket.reason_text,
        "priority": ticket.priority,
        "status": ticket.status,
        "channel": ticket.channel,
        "channel_text": channel_name(ticket.channel),
        "patient_label": patient_label(ticket.patient),
        "last_patient_preview": preview(last_patient_text) if last_patient_text else None,
        "closed_at": _iso(ticket.closed_at),
        "closed_by": closed_by,
        "created_at": _iso(ticket.created_at),
        "waiting_seconds": ticket.waiting_seconds(now),
        "claimed_by": ticket.claimed_by_name,
        "claimed_by_me": ticket.claimed_by == member.id,
        "activity": ticket.activity,
        "out_of_hours": ticket.out_of_hours,
        "contact": unseal(ticket.contact, secret) if ticket.contact else None,
        "message_count": ticket.message_count,
        "last_patient_at": _iso(ticket.last_patient_at),
        "close_note": ticket.close_note,
        "safety_review": ticket.safety_review,
        "safety_review_text": tickets.SAFETY_VERDICTS.get(ticket.safety_review or ""),
        "safety_review_by": ticket.safety_review_by,
        "safety_review_at": _iso(ticket.safety_review_at),
    }


def line_json(line: Line) -> dict[str, Any]:
    name = {"patient": "Patient", "bot": "Assistant", "system": "Note"}.get(line.sender, line.name or "Staff")
    return {
        "id": line.id,
        "at": _iso(line.at),
        "sender": line.sender,
        "name": name,
        "text": shown(line.sender, line.text),
        "delivered": line.delivered,
    }


def _error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=HEADERS)


def _ok(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, headers=HEADERS)


# --- where a request comes from -------------------------------------------------------------------------


def _last_forwarded(request: web.Request, header: str) -> str:
    """The last value of a proxy header: the one our own proxy added (earlier ones are the client's claims)."""
    values = ",".join(request.headers.getall(header, []))
    hops = [hop.strip() for hop in values.split(",") if hop.strip()]
    return hops[-1] if hops else ""


def address_key(address: str) -> str:
    """The address failed sign-ins are counted against. An IPv6 client usually has a whole /64 to pick
    addresses from, so that is what is counted; an IPv4 address mapped into IPv6 counts as itself."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(request: web.Request, settings: Settings) -> str:
    """Who is signing in: the socket's peer, or with ``trust_proxy`` the address our proxy appended to
    X-Forwarded-For. Without that setting the header is anyone's to make up, so it is ignored."""
    address = request.remote or ""
    if settings.trust_proxy:
        forwarded = _last_forwarded(request, "X-Forwarded-For")
        try:
            ipaddress.ip_address(forwarded.split("%", 1)[0])
            address = forwarded
        except ValueError:
            pass  # not an address: keep the socket's
    return address_key(address)


def came_over_tls(request: web.Request, settings: Settings) -> bool:
    """The browser's connection was encrypted: to us directly, or (with ``trust_proxy``) to our proxy."""
    if request.secure:
        return True
    return settings.trust_proxy and _last_forwarded(request, "X-Forwarded-Proto").lower() == "https"


def _origin(scheme: str, netloc: str) -> str:
    scheme, netloc = scheme.lower(), netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return f"{scheme}://{netloc}"


def own_origins(request: web.Request, settings: Settings) -> set[str]:
    """The origins of our own pages: the address this request was sent to, and PLAINHEALTH_PUBLIC_URL."""
    found = {_origin("https" if came_over_tls(request, settings) else "http", request.host)}
    if settings.public_url:
        public = urlsplit(settings.public_url)
        found.add(_origin(public.scheme, public.netloc))
    return found


def is_own_origin(origin: str, request: web.Request, settings: Settings) -> bool:
    parts = urlsplit(origin.strip())
    if not parts.scheme or not parts.netloc:
        return False  # "null" (sandboxed pages, some redirects) and anything odd
    return _origin(parts.scheme, parts.netloc) in own_origins(request, settings)


# --- input --------------------------------------------------------------------------------------------------


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json", headers=HEADERS)


def _path_id(request: web.Request) -> int | None:
    """The ``{id}`` in the path if it is a small positive integer, else None (the caller answers 404)."""
    raw = request.match_info.get("id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON object a change sends ({} for an empty body). Anything else is the caller's mistake and gets
    400 with a plain reason, never a guess: a list or a string must not be read as "no fields"."""
    raw = await request.read()  # over the app's size limit: aiohttp answers 413
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, or nested deeper than the parser goes
        raise _bad("The request body is not valid JSON. Send a JSON object, such as {}.") from None
    if not isinstance(data, dict):
        raise _bad('The request body must be a JSON object, such as {"text": "..."}.')
    return data


def _text(body: dict[str, Any], key: str, default: str = "") -> str:
    """A text field of the body; a number, list or object there is a 400, not its Python spelling."""
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise _bad(f'"{key}" must be text.')
    return value


def _choice(request: web.Request, key: str, allowed: Any) -> str | None:
    """A query parameter that must be one of ``allowed`` (absent or empty: None)."""
    value = request.query.get(key, "")
    if not value:
        return None
    if value not in allowed:
        raise _bad(f'"{key}" must be one of: {", ".join(allowed)}.')
    return value


def _number(request: web.Request, key: str, default: int, most: int) -> int:
    value = request.query.get(key, "")
    if not value:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 7 and 1 <= int(value) <= most):
        raise _bad(f'"{key}" must be a whole number from 1 to {most}.')
    return int(value)


def _queue_query(request: web.Request) -> tuple[QueueFilter, int, int]:
    """The queue's filters from the query string, each checked: an unknown name or value is a 400."""
    known = {"view", "status", "priority", "reason", "age", "patient", "page", "per_page"}
    unknown = sorted(set(request.query) - known)
    if unknown:
        raise _bad(f'Unknown filter "{unknown[0]}". The queue takes: {", ".join(sorted(known))}.')
    view = _choice(request, "view", ("open", "closed"))
    status = _choice(request, "status", tickets.QUEUE_STATUSES)
    if view and status and (view == "closed") != (status == "closed"):
        raise _bad(f'"view={view}" and "status={status}" ask for different tickets. Send one of them.')
    age = _choice(request, "age", tuple(AGES))
    older, newer = AGES[age] if age else (None, None)
    patient = request.query.get("patient", "").strip().lower()
    if patient and not (len(patient) <= 32 and patient.isascii() and patient.isalnum()):
        raise _bad('"patient" must be the start of a patient label: letters and digits, at most 32.')
    wanted = QueueFilter(
        status=status or view or "open",
        priority=_choice(request, "priority", tickets.PRIORITIES),
        reason=_choice(request, "reason", tuple(tickets.REASONS)),
        older_than=older,
        newer_than=newer,
        patient=patient or None,
    )
    return wanted, _number(request, "page", 1, MAX_PAGE), _number(request, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX)


async def _form_fields(request: web.Request, *names: str) -> list[str]:
    """Text fields of a posted form. A form that cannot be read, or a file where text belongs, reads as
    empty, so the sign-in fails the ordinary way instead of with a 500."""
    try:
        form = await request.post()  # over the app's size limit: aiohttp answers 413
    except (ValueError, LookupError, AssertionError, RuntimeError, HttpProcessingError):  # broken or odd encoding
        return ["" for _ in names]
    return [value if isinstance(value := form.get(name), str) else "" for name in names]


# --- the relay to Rasa --------------------------------------------------------------------------------------


async def notify_patient(
    settings: Settings, secret: bytes, http: ClientSession, ticket: Ticket, intent: str, conversation: str | None = None
) -> bool:
    """Ask Rasa to run the hand-off action for this ticket on the patient's channel; True if Rasa took it."""
    conversation = conversation or (unseal(ticket.conversation, secret) if ticket.conversation else None)
    if not conversation:
        return False
    return await trigger(
        http, settings, conversation, intent, {Entity.HANDOFF: str(ticket.id)}, f"hand-off ticket {ticket.id}"
    )


async def deliver_waiting(
    db: Database, settings: Settings, secret: bytes, http: ClientSession, now: dt.datetime
) -> int:
    """Staff lines Rasa has not delivered yet (it was down, or restarting): ask again."""
    sent = 0
    for ticket in tickets.waiting_delivery(db, older_than=now - dt.timedelta(seconds=5)):
        if ticket.status == TicketStatus.CLOSED:
            continue
        if await notify_patient(settings, secret, http, ticket, ExternalIntent.STAFF_REPLY):
            sent += 1
    return sent


# --- the console --------------------------------------------------------------------------------------------


class Console:
    """Routes and their shared state; ``install`` adds them to the web app."""

    def __init__(self, settings: Settings, db: Database, secret: bytes) -> None:
        self.settings, self.db, self.secret = settings, db, secret
        self.http: ClientSession | None = None
        self.limiter = staff.LoginLimiter()
        self.hashing = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="plainhealth-hash")

    def install(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/staff", self.page)
        r.add_get("/staff/", self.page)
        r.add_get("/staff/login", self.login_page)
        r.add_post("/staff/login", self.login)
        r.add_post("/staff/logout", self.signed_in(self.logout))
        r.add_get("/staff/static/{name}", self.static)
        r.add_get("/staff/api/me", self.signed_in(self.me))
        r.add_get("/staff/api/tickets", self.signed_in(self.list_tickets))
        r.add_get("/staff/api/tickets/{id:\\d+}", self.signed_in(self.show_ticket))
        r.add_post("/staff/api/tickets/{id:\\d+}/claim", self.signed_in(self.claim))
        r.add_post("/staff/api/tickets/{id:\\d+}/release", self.signed_in(self.release))
        r.add_post("/staff/api/tickets/{id:\\d+}/reply", self.signed_in(self.reply))
        r.add_post("/staff/api/tickets/{id:\\d+}/close", self.signed_in(self.close))
        r.add_post("/staff/api/tickets/{id:\\d+}/safety-review", self.signed_in(self.safety_review))
        r.add_get("/staff/api/events", self.signed_in(self.events))
        r.add_get("/staff/api/users", self.signed_in(self.users, admin=True))
        r.add_post("/staff/api/users", self.signed_in(self.add_user, admin=True))
        r.add_post("/staff/api/users/{id:\\d+}/disable", self.signed_in(self.disable_user, admin=True))
        r.add_get("/staff/api/tickets/{id:\\d+}/export", self.signed_in(self.export_patient, admin=True))
        r.add_post("/staff/api/tickets/{id:\\d+}/forget", self.signed_in(self.forget_patient, admin=True))
        r.add_get("/staff/api/audit", self.signed_in(self.access_log, admin=True))
        app.cleanup_ctx.append(self._client)

    async def _client(self, app: web.Application) -> AsyncIterator[None]:
        self.http = ClientSession(timeout=ClientTimeout(total=20))
        yield
        await self.http.close()
        self.hashing.shutdown(wait=False, cancel_futures=True)

    async def _off_loop(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking password work on the hashing threads, so the event loop keeps answering."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.hashing, functools.partial(work, *args, **kwargs))

    # sessions

    def _member(self, request: web.Request) -> tuple[StaffMember, str] | None:
        return staff.session_member(self.db, request.cookies.get(COOKIE, ""))

    def signed_in(
        self, handler: Callable[[web.Request, StaffMember], Awaitable[web.StreamResponse]], admin: bool = False
    ) -> Handler:
        """Wrap a handler: no session is 401; a change without the CSRF header is 403; staff-only is 403."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            found = self._member(request)
            if found is None:
                return _error("Please sign in again.", 401)
            member, csrf = found
            if request.method == "POST" and request.headers.get("X-CSRF-Token") != csrf:
                return _error("This page is out of date. Please reload it.", 403)
            if admin and not member.is_admin:
                return _error("Only an admin can do this.", 403)
            return await handler(request, member)

        return wrapped

    async def login_page(self, request: web.Request, message: str = "", status: int = 200) -> web.Response:
        return web.Response(text=_login_html(message), status=status, content_type="text/html", headers=HEADERS)

    async def login(self, request: web.Request) -> web.Response:
        """Every refusal (unknown name, wrong password, turned off, too many tries) reads the same and costs
        the same hash, so neither the answer nor its timing tells which names exist."""
        username, password = await _form_fields(request, "username", "password")
        member = await self._off_loop(
            staff.authenticate,
            self.db,
            username,
            password,
            address=client_address(request, self.settings),
            limiter=self.limiter,
        )
        if member is None:
            return await self.login_page(request, SIGN_IN_FAILED, 401)
        token, _csrf = staff.start_session(self.db, member, self.settings.staff_session_hours)
        response = web.HTTPSeeOther("/staff")
        secure = self.settings.public_url.startswith("https://") or came_over_tls(request, self.settings)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            path="/staff",
            max_age=self.settings.staff_session_hours * 3600,
            secure=secure,
        )
        raise response

    async def logout(self, request: web.Request, member: StaffMember) -> web.Response:
        staff.end_session(self.db, request.cookies.get(COOKIE, ""))
        response = web.Response(status=204, headers=HEADERS)
        response.del_cookie(COOKIE, path="/staff")
        return response

    async def page(self, request: web.Request) -> web.StreamResponse:
        if self._member(request) is None:
            raise web.HTTPSeeOther("/staff/login")
        return await self._file("console.html", "text/html")

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        kinds = {"console.js": "application/javascript", "console.css": "text/css"}
        if name not in kinds:
            raise web.HTTPNotFound()
        return await self._file(name, kinds[name])

    async def _file(self, name: str, content_type: str) -> web.Response:
        text = resources.files("bot.web").joinpath("static", name).read_text(encoding="utf-8")
        return web.Response(text=text, content_type=content_type, charset="utf-8", headers=HEADERS)

    # tickets

    async def me(self, request: web.Request, member: StaffMember) -> web.Response:
        found = self._member(request)
        csrf = found[1] if found else ""
        return _ok(
            {"username": member.username, "display_name": member.display_name, "role": member.role, "csrf": csrf}
        )

    def _ticket(self, request: web.Request) -> Ticket:
        ticket_id = _path_id(request)
        ticket = tickets.get_ticket(self.db, ticket_id) if ticket_id is not None else None
        if ticket is None:
            raise web.HTTPNotFound(
                text=json.dumps({"error": "There is no such ticket."}), content_type="application/json", headers=HEADERS
            )
        return ticket

    def _now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def list_tickets(self, request: web.Request, member: StaffMember) -> web.Response:
        """One page of the queue, filtered, with counts: ``status`` (open, waiting, claimed, closed; ``view``
        open or closed says the same), ``priority``, ``reason``, ``age``, ``patient`` (the start of a
        patient label), ``page`` and ``per_page``. An unknown value is a 400 that says what is allowed."""
        wanted, page, per_page = _queue_query(request)
        now = self._now()
        found = tickets.queue(self.db, wanted, now, page, per_page)
        return _ok(
            {
                "tickets": [
                    ticket_json(row.ticket, member, self.secret, now, row.last_patient_text, row.closed_by)
                    for row in found.rows
                ],
                "counts": found.counts,
                "matching": found.matching,
                "page": found.page,
                "pages": found.pages,
                "per_page": found.per_page,
                "status": wanted.status,
                "reasons": [{"value": k, "text": v} for k, v in tickets.REASONS.items()],
            }
        )

    async def show_ticket(self, request: web.Request, member: StaffMember) -> web.Response:
        """The ticket and its transcript. Opening it is written to the access log (bot/records/audit.py),
        once per person and patient in ten minutes: the page re-reads an open ticket every few seconds."""
        ticket = self._ticket(request)
        audit.record_access(
            self.db,
            str(member.id),
            audit.OPEN_TRANSCRIPT,
            ticket.patient,
            self._now(),
            repeat_window=audit.REPEAT_WINDOW,
        )
        return _ok(
            {
                "ticket": ticket_json(
                    ticket, member, self.secret, self._now(), closed_by=tickets.closed_by(self.db, ticket.id)
                ),
                "messages": [line_json(line) for line in tickets.lines(self.db, ticket.id)],
            }
        )

    async def claim(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        await _body(request)  # no fields, but a body that is there must still be a JSON object
        try:
            ticket = tickets.claim(self.db, ticket.id, member.id)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        if not any(line.sender == "staff" for line in tickets.lines(self.db, ticket.id)):
            await self._say(ticket, member, f"Hello, this is {member.display_name}. I am reading your messages now.")
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now())})

    async def release(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket_id = self._ticket(request).id
        await _body(request)
        try:
            ticket = tickets.release(self.db, ticket_id, member.id, member.is_admin)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now())})

    async def reply(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        text = _text(await _body(request), "text").strip()
        if not text:
            return _error("Write a reply first.", 400)
        if len(text) > MAX_REPLY:
            return _error(f"Please keep a reply under {MAX_REPLY} characters.", 400)
        if ticket.status != "claimed" or ticket.claimed_by != member.id:
            return _error("Claim the ticket before you reply.", 409)
        line = await self._say(ticket, member, text)
        ticket = tickets.get_ticket(self.db, ticket.id) or ticket
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now()), "message": line_json(line)})

    async def _say(self, ticket: Ticket, member: StaffMember, text: str) -> Line:
        line = tickets.add_line(
            self.db, ticket.id, "staff", text, name=member.display_name, staff_id=member.id, delivered=False
        )
        if self.http is not None:
            await notify_patient(self.settings, self.secret, self.http, ticket, ExternalIntent.STAFF_REPLY)
        return line

    async def close(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        note = _text(await _body(request), "note").strip()
        if not note:
            return _error("Write a short note for the record before you close.", 400)
        if len(note) > MAX_NOTE:
            return _error(f"Please keep the note under {MAX_NOTE} characters.", 400)
        conversation = unseal(ticket.conversation, self.secret) if ticket.conversation else None
        try:
            closed = tickets.close(self.db, ticket.id, member.id, note, member.is_admin)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        # Who closed it, for the Closed tab: a note in the transcript that carries the staff member's id.
        tickets.add_line(
            self.db,
            closed.id,
            "system",
            f"Closed by {member.display_name}.",
            name=member.display_name,
            staff_id=member.id,
        )
        if self.http is not None:
            # If Rasa cannot be reached, the patient's next message finds the ticket closed and says so.
            await notify_patient(
                self.settings, self.secret, self.http, closed, ExternalIntent.HANDOFF_ENDED, conversation
            )
        return _ok({"ticket": ticket_json(closed, member, self.secret, self._now(), closed_by=member.display_name)})

    async def safety_review(self, request: web.Request, member: StaffMember) -> web.Response:
        """Staff's verdict on the assistant's safety call, for the people who improve the safety net."""
        ticket = self._ticket(request)
        verdict = (await _body(request)).get("verdict")
        if not isinstance(verdict, str) or verdict not in tickets.SAFETY_VERDICTS:
            return _error('Please choose "Not an emergency" or "Missed emergency".', 400)
        if verdict == "not_emergency" and ticket.priority != "urgent":
            return _error(
                '"Not an emergency" is only for urgent tickets. If the assistant missed an emergency '
                'here, choose "Missed emergency".',
                400,
            )
        try:
            marked = tickets.mark_safety_review(self.db, ticket.id, verdict, member)
        except ValueError as exc:  # the ticket changed in between
            return _error(str(exc), 400)
        logger.info("Ticket %s safety call marked %s by staff %s", marked.id, verdict, member.id)
        return _ok({"ticket": ticket_json(marked, member, self.secret, self._now())})

    async def events(self, request: web.Request, member: StaffMember) -> web.StreamResponse:
        """Server-sent events: "change" whenever a ticket or a line changes, checked every second.

        The session is checked on every tick too: a stream outlives its first request by hours, and signing
        out, a new password, an expired session or a turned-off account must end it. The last event,
        "signed-out", tells the page to go to the sign-in form.
        """
        token = request.cookies.get(COOKIE, "")
        response = web.StreamResponse(
            headers={**HEADERS, "Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        seen: set[int] = {ticket_id for ticket_id, _ in tickets.open_priorities(self.db)}
        marker = None
        try:
            while True:
                if staff.session_member(self.db, token) is None:
                    await response.write(b"event: signed-out\ndata: {}\n\n")
                    break
                now_marker = tickets.change_marker(self.db)
                if now_marker != marker:
                    open_now = tickets.open_priorities(self.db)  # all of them: a long queue hides none
                    new: list[int] = [i for i, _ in open_now if i not in seen] if marker is not None else []
                    seen |= {i for i, _ in open_now}
                    data = {
                        "version": now_marker,
                        "new_ticket_ids": new,
                        "urgent_ticket_ids": [i for i, priority in open_now if priority == "urgent"],
                    }
                    await response.write(f"event: change\ndata: {json.dumps(data)}\n\n".encode())
                    marker = now_marker
                else:
                    await response.write(b": still here\n\n")
                await asyncio.sleep(1.0)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    # patients' privacy rights (admins only; bot/records/)

    async def export_patient(self, request: web.Request, member: StaffMember) -> web.Response:
        """Everything held about the patient of this ticket, as a JSON file to hand over (an access request)."""
        ticket = self._ticket(request)
        data = await asyncio.to_thread(
            export, self.db, self.settings, self.secret, patient=ticket.patient, now=self._now(), by=str(member.id)
        )
        headers = {**HEADERS, "Content-Disposition": f'attachment; filename="plainhealth-ticket-{ticket.id}.json"'}
        return web.json_response(data, headers=headers, dumps=functools.partial(json.dumps, indent=2))

    async def forget_patient(self, request: web.Request, member: StaffMember) -> web.Response:
        """Delete everything held about the patient of this ticket (bot/records/erase.py). Reminders Rasa
        holds in memory are cancelled first; the ticket itself stays as a stub closed "at the patient's
        request". The deletion rebuilds the database files, so it runs off the event loop."""
        ticket = self._ticket(request)
        await _body(request)
        if ticket.patient.startswith(DELETED_PREFIX):
            return _error("This patient's data was already deleted.", 409)
        targets = scheduled_reminders(self.db, self.secret, ticket.patient)
        if targets and self.http is not None:
            await cancel_rasa_reminders(self.http, self.settings, targets)
        erased = await asyncio.to_thread(
            forget, self.db, self.settings, self.secret, patient=ticket.patient, now=self._now(), by=str(member.id)
        )
        logger.info("A patient's data was deleted by staff %s from ticket %s", member.id, ticket.id)
        stub = tickets.get_ticket(self.db, ticket.id) or ticket
        return _ok({"erased": erased.as_dict(), "ticket": ticket_json(stub, member, self.secret, self._now())})

    async def access_log(self, request: web.Request, member: StaffMember) -> web.Response:
        """Who opened, exported or deleted which patient's data, latest first (no content)."""
        names = audit.staff_names(self.db)
        entries = audit.access_log(self.db, limit=500)
        return _ok(
            {
                "entries": [
                    {
                        "id": e.id,
                        "at": _iso(e.at),
                        "who": e.who,
                        "who_text": e.who_text(names),
                        "action": e.action,
                        "action_text": audit.ACTION_WORDS.get(e.action, e.action),
                        "patient": e.patient,
                    }
                    for e in entries
                ]
            }
        )

    # accounts

    async def users(self, request: web.Request, member: StaffMember) -> web.Response:
        return _ok({"users": [_user_json(m) for m in staff.list_staff(self.db)]})

    async def add_user(self, request: web.Request, member: StaffMember) -> web.Response:
        body = await _body(request)
        fields = (
            _text(body, "username"),
            _text(body, "display_name"),
            _text(body, "role", "staff") or "staff",
            _text(body, "password"),
        )
        try:
            created = await self._off_loop(staff.create_staff, self.db, *fields)  # hashes the password
        except StaffError as exc:
            return _error(str(exc), 400)
        return _ok({"user": _user_json(created)}, 201)

    async def disable_user(self, request: web.Request, member: StaffMember) -> web.Response:
        user_id = _path_id(request)
        if user_id is None:
            return _error("There is no such user.", 404)
        await _body(request)
        if user_id == member.id:
            return _error("You can't turn off your own account.", 400)
        try:
            return _ok({"user": _user_json(staff.disable_staff(self.db, user_id))})
        except StaffError as exc:
            return _error(str(exc), 404)


def _user_json(member: StaffMember) -> dict[str, Any]:
    return {
        "id": member.id,
        "username": member.username,
        "display_name": member.display_name,
        "role": member.role,
        "active": member.active,
    }


def _login_html(message: str) -> str:
    from html import escape

    alert = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - plainhealth staff console</title><link rel="stylesheet" href="/staff/static/console.css"></head>
<body class="login"><main><h1>Staff console</h1>{alert}
<form method="post" action="/staff/login">
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></main></body></html>"""
