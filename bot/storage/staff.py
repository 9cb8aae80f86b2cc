"""Staff accounts and console sessions.

Passwords are kept only as salted scrypt hashes (Python's standard library, no extra package). Session tokens
are kept only as SHA-256 hashes.

Guessing is slowed per client address, not per account: an account lock would let any stranger lock every
nurse out by typing wrong passwords for their names. So five wrong passwords for one name from one address
stop that name from that address for five minutes, and twenty wrong passwords from one address (any names)
stop that address for fifteen. The real user, at her own address, is never stopped by someone else's
failures. The counts live in the web app's memory (`LoginLimiter`): there is no table for them, so each web
app process counts on its own and a restart forgets them.

Every sign-in attempt does exactly one scrypt check, whether the name is unknown, turned off or stopped, so
the time an answer takes does not tell which user names exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import delete, select

from bot.storage.db import Database
from bot.storage.models import StaffSession, StaffUser, utcnow
from bot.storage.visits import aware

ROLES = ("staff", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # longer is no safer, and a megabyte "password" should not cost a hash of a megabyte
MAX_USERNAME = 64  # the column's size
MAX_DISPLAY_NAME = 80  # the column's size
PAIR_FAILURES = 5  # wrong passwords for one name from one address ...
LOCK_MINUTES = 5  # ... stop that name from that address this long
ADDRESS_FAILURES = 20  # wrong passwords from one address, any names ...
ADDRESS_LOCK_MINUTES = 15  # ... stop that address this long
WINDOW_MINUTES = 15  # failures older than this are forgotten
MAX_TRACKED = 10_000  # addresses and pairs kept in memory at most (oldest dropped first)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Checked against when there is no real hash to check (unknown name), so that costs one scrypt like the rest.
# No password matches it, and it is never used to let anyone in.
_DUMMY_HASH = f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${'5a' * 16}${'00' * 32}"


class StaffError(ValueError):
    """A request about accounts that cannot be done; the message is shown to the person as it is."""


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    display_name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    """A fresh salt and scrypt (blocking, about 50 ms: the web app calls it off its event loop)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` gives ``stored``; compared in constant time."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)


def _member(row: StaffUser) -> StaffMember:
    return StaffMember(int(row.id), str(row.username), str(row.display_name), str(row.role), bool(row.active))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise StaffError(f"The password can have at most {MAX_PASSWORD} characters.")


def create_staff(db: Database, username: str, display_name: str, role: str, password: str) -> StaffMember:
    """A new active account. Too long a name is refused rather than cut, so nobody signs in as a name they
    never typed."""
    username = username.strip().lower()
    display_name = display_name.strip() or username
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise StaffError("A user name can use letters, numbers, dots, dashes and underscores.")
    if len(username) > MAX_USERNAME:
        raise StaffError(f"A user name can have at most {MAX_USERNAME} characters.")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise StaffError(f"The name patients see can have at most {MAX_DISPLAY_NAME} characters.")
    if role not in ROLES:
        raise StaffError("The role must be staff or admin.")
    _check_password(password)
    with db.session() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
            raise StaffError("That user name is taken.")
        row = StaffUser(
            username=username,
            display_name=display_name,
            role=role,
            password_hash=hash_password(password),
            active=True,
            failed_logins=0,
        )
        session.add(row)
        session.flush()
        return _member(row)


def set_password(db: Database, username: str, password: str) -> None:
    """A new password, which also turns the account back on and signs out every session it had: whoever
    knew the old password (the reason for a change, often) must not stay signed in."""
    _check_password(password)
    name = username.strip().lower()
    with db.session() as session:
        row = session.scalars(select(StaffUser).where(StaffUser.username == name)).first()
        if row is None:
            raise StaffError("There is no such user.")
        row.password_hash, row.failed_logins, row.locked_until, row.active = hash_password(password), 0, None, True
        session.execute(delete(StaffSession).where(StaffSession.user_id == row.id))
    for limiter in list(_LIMITERS):
        limiter.forget_name(name)


@dataclass
class _Count:
    failures: int
    first: dt.datetime
    locked_until: dt.datetime | None = None


class LoginLimiter:
    """Failed sign-ins counted per client address and per address + user name (see the module's docstring).

    Thread-safe, because sign-ins are checked on worker threads (the scrypt work must not hold up the web
    app's event loop). Keys are bounded in number (``MAX_TRACKED``) so a flood of made-up names or addresses
    cannot grow memory without end.
    """

    def __init__(self, max_tracked: int = MAX_TRACKED) -> None:
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple[str, str | None], _Count] = OrderedDict()
        self._max = max_tracked
        _LIMITERS.add(self)

    def locked(self, address: str, name: str, now: dt.datetime) -> bool:
        """True while this address, or this name from this address, has to wait."""
        with self._lock:
            return any(self._is_locked(key, now) for key in ((address, None), (address, name)))

    def failed(self, address: str, name: str, now: dt.datetime) -> None:
        with self._lock:
            self._count((address, None), now, ADDRESS_FAILURES, ADDRESS_LOCK_MINUTES)
            self._count((address, name), now, PAIR_FAILURES, LOCK_MINUTES)
            self._trim(now)

    def succeeded(self, address: str, name: str) -> None:
        """The right password: this name's count from this address starts again. The address's own count does
        not, so one known account does not buy endless guesses at the others."""
        with self._lock:
            self._counts.pop((address, name), None)

    def forget_name(self, name: str) -> None:
        """A new password was set: the name's waits end everywhere (addresses keep theirs)."""
        with self._lock:
            for key in [k for k in self._counts if k[1] == name]:
                del self._counts[key]

    def _is_locked(self, key: tuple[str, str | None], now: dt.datetime) -> bool:
        count = self._counts.get(key)
        return count is not None and count.locked_until is not None and count.locked_until > now

    def _count(self, key: tuple[str, str | None], now: dt.datetime, limit: int, minutes: int) -> None:
        count = self._counts.pop(key, None)
        if (
            count is None
            or now - count.first > dt.timedelta(minutes=WINDOW_MINUTES)
            or (count.locked_until is not None and count.locked_until <= now)
        ):
            count = _Count(0, now)
        if count.locked_until is None:  # tries while stopped do not make the wait longer
            count.failures += 1
            if count.failures >= limit:
                count.locked_until = now + dt.timedelta(minutes=minutes)
        self._counts[key] = count  # last = most recently used

    def _trim(self, now: dt.datetime) -> None:
        if len(self._counts) <= self._max:
            return
        window = dt.timedelta(minutes=WINDOW_MINUTES)
        for key in [k for k, c in self._counts.items() if now - c.first > window and not self._is_locked(k, now)]:
            del self._counts[key]
        while len(self._counts) > self._max:
            self._counts.popitem(last=False)


_LIMITERS: weakref.WeakSet[LoginLimiter] = weakref.WeakSet()
# For callers that bring no limiter of their own (scripts, the command line, tests); the web app has its own.
LOCAL = LoginLimiter()


def authenticate(
    db: Database,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    *,
    address: str = "local",
    limiter: LoginLimiter | None = None,
) -> StaffMember | None:
    """The member, if the password is right, the account is on, and neither ``address`` nor this name from
    it has to wait after too many wrong passwords.

    Whatever the outcome, exactly one scrypt check is made (against a stand-in hash when the name is unknown),
    so the time taken does not tell unknown, turned-off or stopped names from real ones. The caller shows
    the same answer for every refusal. Blocking: the web app runs it on a worker thread.
    """
    now = now or utcnow()
    limiter = limiter if limiter is not None else LOCAL
    name = username.strip().lower()
    usable = 0 < len(name) <= MAX_USERNAME and len(password) <= MAX_PASSWORD
    key = name[:MAX_USERNAME]
    with db.session() as session:
        row = session.scalars(select(StaffUser).where(StaffUser.username == name)).first() if usable else None
        stored = str(row.password_hash) if row is not None else _DUMMY_HASH
        matches = verify_password(password[:MAX_PASSWORD], stored)
        if limiter.locked(address, key, now):
            return None
        if row is None or not usable or not row.active or not matches:
            limiter.failed(address, key, now)
            return None
        member = _member(row)
    limiter.succeeded(address, key)
    return member


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(db: Database, member: StaffMember, hours: int) -> tuple[str, str]:
    """A new session: (token for the cookie, token the page sends back with every change)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = utcnow()
    with db.session() as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        session.add(
            StaffSession(
                token_hash=_hash(token), user_id=member.id, csrf=csrf, expires_at=now + dt.timedelta(hours=hours)
            )
        )
    return token, csrf


def session_member(db: Database, token: str) -> tuple[StaffMember, str] | None:
    """Who a cookie belongs to, and their CSRF token; None if unknown, expired or the account is disabled."""
    if not token:
        return None
    with db.session() as session:
        row = session.scalars(select(StaffSession).where(StaffSession.token_hash == _hash(token))).first()
        if row is None or (aware(row.expires_at) or utcnow()) <= utcnow():
            return None
        user = session.get(StaffUser, row.user_id)
        if user is None or not user.active:
            return None
        return _member(user), str(row.csrf)


def end_session(db: Database, token: str) -> None:
    with db.session() as session:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))


def list_staff(db: Database) -> list[StaffMember]:
    with db.session() as session:
        return [_member(r) for r in session.scalars(select(StaffUser).order_by(StaffUser.username))]


def disable_staff(db: Database, user_id: int) -> StaffMember:
    """Turn an account off and end its sessions (open event streams notice within a second)."""
    with db.session() as session:
        row = session.get(StaffUser, user_id)
        if row is None:
            raise StaffError("There is no such user.")
        row.active = False
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        return _member(row)
