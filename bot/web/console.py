"""The staff console: sign in, see the hand-off queue, claim a ticket, reply to the patient, hand back.

Served by the web app under /staff. Pages and the JSON API need a signed-in session (an HttpOnly,
SameSite=Strict cookie whose token is stored only as a hash); every change also needs the session's CSRF
token in a header. Replies reach the patient through Rasa: the line is saved undelivered, then the web app
asks Rasa to run `action_staff_reply` on the patient's latest channel (`trigger_intent` with
`output_channel=latest`), so the socket.io widget, REST and Telegram all get it the same way. A reply that
Rasa could not take at once is tried again by the background loop in bot/web/app.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot.privacy import unseal
from bot.settings import Settings
from bot.storage import handoff as tickets
from bot.storage import staff
from bot.storage.db import Database
from bot.storage.handoff import Line, Ticket, TicketConflict
from bot.storage.staff import StaffError, StaffMember

logger = logging.getLogger(__name__)

COOKIE = "plainhealth_staff"
STAFF_REPLY_INTENT = "EXTERNAL_staff_reply"
HANDOFF_ENDED_INTENT = "EXTERNAL_handoff_ended"
MAX_REPLY = 2000
MAX_ID = 2**31 - 1  # ids in the path are small positive integers; anything else is "not found"
CONSOLE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
           "X-Frame-Options": "DENY", "Content-Security-Policy": CONSOLE_CSP}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- helpers ------------------------------------------------------------------------------------------------

def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ticket_json(ticket: Ticket, member: StaffMember, secret: bytes, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": ticket.id, "reason": ticket.reason, "reason_text": ticket.reason_text, "priority": ticket.priority,
        "status": ticket.status, "channel": ticket.channel, "created_at": _iso(ticket.created_at),
        "waiting_seconds": ticket.waiting_seconds(now), "claimed_by": ticket.claimed_by_name,
        "claimed_by_me": ticket.claimed_by == member.id, "activity": ticket.activity,
        "out_of_hours": ticket.out_of_hours,
        "contact": unseal(ticket.contact, secret) if ticket.contact else None,
        "message_count": ticket.message_count, "last_patient_at": _iso(ticket.last_patient_at),
        "close_note": ticket.close_note, "safety_review": ticket.safety_review,
        "safety_review_text": tickets.SAFETY_VERDICTS.get(ticket.safety_review or ""),
        "safety_review_by": ticket.safety_review_by, "safety_review_at": _iso(ticket.safety_review_at),
    }


def line_json(line: Line) -> dict[str, Any]:
    name = {"patient": "Patient", "bot": "Assistant", "system": "Note"}.get(line.sender, line.name or "Staff")
    return {"id": line.id, "at": _iso(line.at), "sender": line.sender, "name": name, "text": line.text,
            "delivered": line.delivered}


def _error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=HEADERS)


def _ok(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, headers=HEADERS)


def _path_id(request: web.Request) -> int | None:
    """The ``{id}`` in the path if it is a small positive integer, else None (the caller answers 404)."""
    raw = request.match_info.get("id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- the relay to Rasa --------------------------------------------------------------------------------------

def trigger_url(settings: Settings, conversation: str) -> str:
    return f"{settings.rasa_url}/conversations/{quote(conversation, safe='')}/trigger_intent?output_channel=latest"


async def notify_patient(settings: Settings, secret: bytes, http: ClientSession, ticket: Ticket, intent: str,
                         conversation: str | None = None) -> bool:
    """Ask Rasa to run the hand-off action for this ticket on the patient's channel; True if Rasa took it."""
    conversation = conversation or (unseal(ticket.conversation, secret) if ticket.conversation else None)
    if not conversation:
        return False
    body = {"name": intent, "entities": {"handoff": str(ticket.id)}}
    try:
        async with http.post(trigger_url(settings, conversation), json=body) as response:
            if response.status == 200:
                return True
            logger.warning("Rasa answered %s for hand-off ticket %s; will try again", response.status, ticket.id)
    except (TimeoutError, ClientError):
        logger.warning("Rasa could not be reached for hand-off ticket %s; will try again", ticket.id)
    return False


async def deliver_waiting(db: Database, settings: Settings, secret: bytes, http: ClientSession,
                          now: dt.datetime) -> int:
    """Staff lines Rasa has not delivered yet (it was down, or restarting): ask again."""
    sent = 0
    for ticket in tickets.waiting_delivery(db, older_than=now - dt.timedelta(seconds=5)):
        if ticket.status == "closed":
            continue
        if await notify_patient(settings, secret, http, ticket, STAFF_REPLY_INTENT):
            sent += 1
    return sent


# --- the console --------------------------------------------------------------------------------------------

class Console:
    """Routes and their shared state; ``install`` adds them to the web app."""

    def __init__(self, settings: Settings, db: Database, secret: bytes) -> None:
        self.settings, self.db, self.secret = settings, db, secret
        self.http: ClientSession | None = None

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
        app.cleanup_ctx.append(self._client)

    async def _client(self, app: web.Application):
        self.http = ClientSession(timeout=ClientTimeout(total=20))
        yield
        await self.http.close()

    # sessions

    def _member(self, request: web.Request) -> tuple[StaffMember, str] | None:
        return staff.session_member(self.db, request.cookies.get(COOKIE, ""))

    def signed_in(self, handler: Callable[[web.Request, StaffMember], Awaitable[web.StreamResponse]],
                  admin: bool = False) -> Handler:
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
        form = await request.post()
        member = staff.authenticate(self.db, str(form.get("username", "")), str(form.get("password", "")))
        if member is None:
            return await self.login_page(request, "That user name and password did not work. "
                                                  "After 5 tries the account waits 5 minutes.", 401)
        token, _csrf = staff.start_session(self.db, member, self.settings.staff_session_hours)
        response = web.HTTPSeeOther("/staff")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/staff",
                            max_age=self.settings.staff_session_hours * 3600,
                            secure=self.settings.public_url.startswith("https://"))
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
        return _ok({"username": member.username, "display_name": member.display_name, "role": member.role,
                    "csrf": csrf})

    def _ticket(self, request: web.Request) -> Ticket:
        ticket_id = _path_id(request)
        ticket = tickets.get_ticket(self.db, ticket_id) if ticket_id is not None else None
        if ticket is None:
            raise web.HTTPNotFound(text=json.dumps({"error": "There is no such ticket."}),
                                   content_type="application/json", headers=HEADERS)
        return ticket

    def _now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def list_tickets(self, request: web.Request, member: StaffMember) -> web.Response:
        view = "closed" if request.query.get("view") == "closed" else "open"
        now = self._now()
        return _ok({"tickets": [ticket_json(t, member, self.secret, now) for t in tickets.tickets(self.db, view)]})

    async def show_ticket(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now()),
                    "messages": [line_json(line) for line in tickets.lines(self.db, ticket.id)]})

    async def claim(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        try:
            ticket = tickets.claim(self.db, ticket.id, member.id)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        if not any(line.sender == "staff" for line in tickets.lines(self.db, ticket.id)):
            await self._say(ticket, member, f"Hello, this is {member.display_name}. I am reading your messages now.")
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now())})

    async def release(self, request: web.Request, member: StaffMember) -> web.Response:
        try:
            ticket = tickets.release(self.db, self._ticket(request).id, member.id, member.is_admin)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        return _ok({"ticket": ticket_json(ticket, member, self.secret, self._now())})

    async def reply(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        text = str((await _body(request)).get("text") or "").strip()
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
        line = tickets.add_line(self.db, ticket.id, "staff", text, name=member.display_name, staff_id=member.id,
                                delivered=False)
        if self.http is not None:
            await notify_patient(self.settings, self.secret, self.http, ticket, STAFF_REPLY_INTENT)
        return line

    async def close(self, request: web.Request, member: StaffMember) -> web.Response:
        ticket = self._ticket(request)
        note = str((await _body(request)).get("note") or "").strip()
        if not note:
            return _error("Write a short note for the record before you close.", 400)
        conversation = unseal(ticket.conversation, self.secret) if ticket.conversation else None
        try:
            closed = tickets.close(self.db, ticket.id, member.id, note[:2000], member.is_admin)
        except TicketConflict as exc:
            return _error(str(exc), 409)
        if self.http is not None:
            # If Rasa cannot be reached, the patient's next message finds the ticket closed and says so.
            await notify_patient(self.settings, self.secret, self.http, closed, HANDOFF_ENDED_INTENT, conversation)
        return _ok({"ticket": ticket_json(closed, member, self.secret, self._now())})

    async def safety_review(self, request: web.Request, member: StaffMember) -> web.Response:
        """Staff's verdict on the assistant's safety call, for the people who improve the safety net."""
        ticket = self._ticket(request)
        verdict = (await _body(request)).get("verdict")
        if not isinstance(verdict, str) or verdict not in tickets.SAFETY_VERDICTS:
            return _error('Please choose "Not an emergency" or "Missed emergency".', 400)
        if verdict == "not_emergency" and ticket.priority != "urgent":
            return _error('"Not an emergency" is only for urgent tickets. If the assistant missed an emergency '
                          'here, choose "Missed emergency".', 400)
        try:
            marked = tickets.mark_safety_review(self.db, ticket.id, verdict, member)
        except ValueError as exc:  # the ticket changed in between
            return _error(str(exc), 400)
        logger.info("Ticket %s safety call marked %s by staff %s", marked.id, verdict, member.id)
        return _ok({"ticket": ticket_json(marked, member, self.secret, self._now())})

    async def events(self, request: web.Request, member: StaffMember) -> web.StreamResponse:
        """Server-sent events: "change" whenever a ticket or a line changes, checked every second."""
        response = web.StreamResponse(headers={**HEADERS, "Content-Type": "text/event-stream",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        seen: set[int] = {t.id for t in tickets.tickets(self.db)}
        marker = None
        try:
            while True:
                now_marker = tickets.change_marker(self.db)
                if now_marker != marker:
                    open_now = tickets.tickets(self.db)
                    new: list[int] = [t.id for t in open_now if t.id not in seen] if marker is not None else []
                    seen |= {t.id for t in open_now}
                    data = {"version": now_marker, "new_ticket_ids": new,
                            "urgent_ticket_ids": [t.id for t in open_now if t.priority == "urgent"]}
                    await response.write(f"event: change\ndata: {json.dumps(data)}\n\n".encode())
                    marker = now_marker
                else:
                    await response.write(b": still here\n\n")
                await asyncio.sleep(1.0)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    # accounts

    async def users(self, request: web.Request, member: StaffMember) -> web.Response:
        return _ok({"users": [_user_json(m) for m in staff.list_staff(self.db)]})

    async def add_user(self, request: web.Request, member: StaffMember) -> web.Response:
        body = await _body(request)
        try:
            created = staff.create_staff(self.db, str(body.get("username") or ""), str(body.get("display_name") or ""),
                                         str(body.get("role") or "staff"), str(body.get("password") or ""))
        except StaffError as exc:
            return _error(str(exc), 400)
        return _ok({"user": _user_json(created)}, 201)

    async def disable_user(self, request: web.Request, member: StaffMember) -> web.Response:
        user_id = _path_id(request)
        if user_id is None:
            return _error("There is no such user.", 404)
        if user_id == member.id:
            return _error("You can't turn off your own account.", 400)
        try:
            return _ok({"user": _user_json(staff.disable_staff(self.db, user_id))})
        except StaffError as exc:
            return _error(str(exc), 404)


def _user_json(member: StaffMember) -> dict[str, Any]:
    return {"id": member.id, "username": member.username, "display_name": member.display_name,
            "role": member.role, "active": member.active}


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
