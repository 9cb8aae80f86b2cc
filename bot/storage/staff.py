"""Staff accounts and console sessions.

Passwords are kept only as salted scrypt hashes (Python's standard library, no extra package). Five wrong
passwords in a row lock the account for a few minutes, which makes guessing slow. Session tokens are kept
only as SHA-256 hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from bot.storage.db import Database
from bot.storage.models import StaffSession, StaffUser, utcnow
from bot.storage.visits import aware

ROLES = ("staff", "admin")
MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCK_MINUTES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


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
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)


def _member(row: StaffUser) -> StaffMember:
    return StaffMember(int(row.id), str(row.username), str(row.display_name), str(row.role), bool(row.active))


def create_staff(db: Database, username: str, display_name: str, role: str, password: str) -> StaffMember:
    username = username.strip().lower()
    display_name = display_name.strip() or username
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise StaffError("A user name can use letters, numbers, dots, dashes and underscores.")
    if role not in ROLES:
        raise StaffError("The role must be staff or admin.")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"The password must have at least {MIN_PASSWORD} characters.")
    with db.session() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
            raise StaffError("That user name is taken.")
        row = StaffUser(username=username, display_name=display_name[:80], role=role,
                        password_hash=hash_password(password), active=True, failed_logins=0)
        session.add(row)
        session.flush()
        return _member(row)


def set_password(db: Database, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"The password must have at least {MIN_PASSWORD} characters.")
    with db.session() as session:
        row = session.scalars(select(StaffUser).where(StaffUser.username == username.strip().lower())).first()
        if row is None:
            raise StaffError("There is no such user.")
        row.password_hash, row.failed_logins, row.locked_until, row.active = hash_password(password), 0, None, True


def authenticate(db: Database, username: str, password: str, now: dt.datetime | None = None) -> StaffMember | None:
    """The member, if the password is right and the account is active and not locked."""
    now = now or utcnow()
    with db.session() as session:
        row = session.scalars(select(StaffUser).where(StaffUser.username == username.strip().lower())).first()
        if row is None:
            verify_password(password, hash_password("not a real account"))  # same time as a real check
            return None
        locked = aware(row.locked_until)
        if not row.active or (locked is not None and locked > now):
            return None
        if not verify_password(password, str(row.password_hash)):
            row.failed_logins = int(row.failed_logins or 0) + 1
            if row.failed_logins >= MAX_FAILURES:
                row.locked_until, row.failed_logins = now + dt.timedelta(minutes=LOCK_MINUTES), 0
            return None
        row.failed_logins, row.locked_until = 0, None
        return _member(row)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(db: Database, member: StaffMember, hours: int) -> tuple[str, str]:
    """A new session: (token for the cookie, token the page sends back with every change)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = utcnow()
    with db.session() as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        session.add(StaffSession(token_hash=_hash(token), user_id=member.id, csrf=csrf,
                                 expires_at=now + dt.timedelta(hours=hours)))
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
    with db.session() as session:
        row = session.get(StaffUser, user_id)
        if row is None:
            raise StaffError("There is no such user.")
        row.active = False
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        return _member(row)
