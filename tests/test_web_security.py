"""The staff console against its security review: lock-outs, timing, the event loop, sessions, origins,
headers and malformed input.

Every test runs the real web app on a real socket with the real SQLite database. Different client addresses
are real too: Linux answers on all of 127.0.0.0/8, so a client bound to 127.0.0.2 is another address to the
server (``request.remote``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import ssl
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar, FormData, TCPConnector, web
from aiohttp.test_utils import TestServer

from bot.cli import main as cli_main
from bot.privacy import load_or_create_secret, seal
from bot.settings import Settings
from bot.storage import handoff as store
from bot.storage import staff
from bot.storage.db import Database
from bot.web import widget
from bot.web.app import make_app

PASSWORD = "correct horse battery"
EVIL = "https://evil.example"


# --- helpers ------------------------------------------------------------------------------------------------


def prepare(settings: Settings) -> tuple[Database, int]:
    """Two accounts (sam: staff, ada: admin) and one waiting ticket in the test's own database."""
    db = Database(settings.database_url)
    db.migrate()
    staff.create_staff(db, "sam", "Sam", "staff", PASSWORD)
    staff.create_staff(db, "ada", "Ada", "admin", PASSWORD)
    secret = load_or_create_secret(settings)
    ticket, _ = store.open_ticket(
        db, "p1", seal("rest-1", secret), "rest", "asked", "", False, [(dt.datetime.now(dt.UTC), "patient", "hello")]
    )
    return db, ticket.id


@contextlib.asynccontextmanager
async def serving(settings: Settings, tls: ssl.SSLContext | None = None) -> AsyncIterator[TestServer]:
    """The whole web app on a free port of 127.0.0.1 (over TLS when given a context)."""
    server = TestServer(make_app(settings, deliver_reminders=False), host="127.0.0.1")
    await server.start_server(ssl=tls)
    try:
        yield server
    finally:
        await server.close()


def browser(address: str = "127.0.0.1") -> ClientSession:
    """A client with its own cookies, connecting from ``address`` (any 127.x.y.z works on Linux)."""
    return ClientSession(connector=TCPConnector(local_addr=(address, 0), ssl=False), cookie_jar=CookieJar(unsafe=True))


async def sign_in(
    client: ClientSession,
    server: TestServer,
    username: str,
    password: str = PASSWORD,
    headers: dict[str, str] | None = None,
) -> ClientResponse:
    response = await client.post(
        server.make_url("/staff/login"),
        data={"username": username, "password": password},
        headers=headers or {},
        allow_redirects=False,
    )
    await response.read()
    return response


async def csrf_of(client: ClientSession, server: TestServer) -> str:
    me = await client.get(server.make_url("/staff/api/me"))
    assert me.status == 200
    return str((await me.json())["csrf"])


def own_origin(server: TestServer) -> str:
    url = server.make_url("/")
    return f"{url.scheme}://{url.host}:{url.port}"


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(scenario())


def hash_seconds() -> float:
    """How long one password check takes on this machine right now (median of three)."""
    stored = staff.hash_password("a password to measure")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        staff.verify_password("not the password", stored)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- 1. lock-out per address, not per account ---------------------------------------------------------------


def test_a_strangers_wrong_passwords_do_not_lock_the_nurse_out_of_her_own_address(settings) -> None:
    prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser("127.0.0.2") as stranger, browser("127.0.0.1") as nurse:
            for _ in range(staff.PAIR_FAILURES + 3):
                assert (await sign_in(stranger, server, "sam", "guess guess guess")).status == 401
            # The stranger's own address is now stopped for this name, even with the right password ...
            assert (await sign_in(stranger, server, "sam")).status == 401
            # ... but Sam at her own desk signs in as usual.
            assert (await sign_in(nurse, server, "sam")).status == 303

    run(scenario)


def test_one_address_is_stopped_after_five_wrong_passwords_for_one_name(settings) -> None:
    prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser("127.0.0.2") as guesser:
            for _ in range(staff.PAIR_FAILURES):
                assert (await sign_in(guesser, server, "sam", "guess guess guess")).status == 401
            assert (await sign_in(guesser, server, "sam")).status == 401  # the right password waits too
            assert (await sign_in(guesser, server, "ada")).status == 303  # another name is another pair

    run(scenario)


def test_one_address_guessing_across_many_names_is_stopped(settings) -> None:
    prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser("127.0.0.2") as sprayer, browser("127.0.0.1") as nurse:
            for number in range(staff.ADDRESS_FAILURES):
                # Never five on one name: only the per-address count can stop this.
                name = ["sam", "ada", f"nurse{number}"][number % 3] if number < 6 else f"nurse{number}"
                assert (await sign_in(sprayer, server, name, "guess guess guess")).status == 401
            assert (await sign_in(sprayer, server, "sam")).status == 401
            assert (await sign_in(sprayer, server, "ada")).status == 401
            assert (await sign_in(nurse, server, "sam")).status == 303

    run(scenario)


def test_forwarded_for_is_not_believed_unless_a_proxy_is_trusted(settings) -> None:
    prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser("127.0.0.2") as guesser:
            for number in range(staff.PAIR_FAILURES):
                made_up = {"X-Forwarded-For": f"198.51.100.{number}"}
                assert (await sign_in(guesser, server, "sam", "guess guess guess", made_up)).status == 401
            # A made-up header does not make a fresh address.
            fresh = {"X-Forwarded-For": "198.51.100.200"}
            assert (await sign_in(guesser, server, "sam", headers=fresh)).status == 401

    run(scenario)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_clients(settings) -> None:
    prepare(settings)
    behind_proxy = settings.with_changes(trust_proxy=True)

    async def scenario() -> None:
        async with serving(behind_proxy) as server, browser("127.0.0.1") as proxy:
            stranger = {"X-Forwarded-For": "203.0.113.9"}
            for _ in range(staff.PAIR_FAILURES + 1):
                assert (await sign_in(proxy, server, "sam", "guess guess guess", stranger)).status == 401
            assert (await sign_in(proxy, server, "sam", headers=stranger)).status == 401
            # The proxy appends the address it saw; the left-most entries are the client's own claims.
            nurse = {"X-Forwarded-For": "203.0.113.9, 192.0.2.44"}
            assert (await sign_in(proxy, server, "sam", headers=nurse)).status == 303

    run(scenario)


def test_the_counts_forget_old_failures_and_stay_bounded() -> None:
    limiter = staff.LoginLimiter(max_tracked=50)
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    for minute in range(staff.PAIR_FAILURES - 1):
        limiter.failed("192.0.2.1", "sam", start + dt.timedelta(minutes=minute))
    # Four slips, then a quiet quarter of an hour: the next slip starts a new count, not a lock.
    later = start + dt.timedelta(minutes=staff.WINDOW_MINUTES + 5)
    limiter.failed("192.0.2.1", "sam", later)
    assert not limiter.locked("192.0.2.1", "sam", later)
    for _ in range(staff.PAIR_FAILURES):
        limiter.failed("192.0.2.1", "ada", later)
    assert limiter.locked("192.0.2.1", "ada", later)
    assert not limiter.locked("192.0.2.1", "ada", later + dt.timedelta(minutes=staff.LOCK_MINUTES, seconds=1))
    for number in range(500):  # a flood of made-up names from made-up addresses
        limiter.failed(f"198.51.100.{number % 250}", f"name{number}", later)
    assert len(limiter._counts) <= 50


def test_addresses_are_counted_as_one_client_has_them() -> None:
    from bot.web.console import address_key

    assert address_key("192.0.2.7") == "192.0.2.7"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("") == "unknown"


# --- 2. every attempt costs the same ------------------------------------------------------------------------


def test_every_sign_in_attempt_does_one_password_hash_and_says_the_same(settings, monkeypatch) -> None:
    db, _ = prepare(settings)
    staff.create_staff(db, "kim", "Kim", "staff", PASSWORD)
    kim = next(m for m in staff.list_staff(db) if m.username == "kim")
    staff.disable_staff(db, kim.id)
    hashes: list[int] = []
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args: Any, **kwargs: Any) -> bytes:
        hashes.append(int(kwargs["n"]))
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)

    async def scenario() -> None:
        async with serving(settings) as server:
            async with browser("127.0.0.3") as locker:
                for _ in range(staff.PAIR_FAILURES):
                    await sign_in(locker, server, "ada", "guess guess guess")
            answers: dict[str, tuple[int, str]] = {}
            cases = {
                "unknown name": ("nobody", PASSWORD, "127.0.0.2"),
                "wrong password": ("sam", "guess guess guess", "127.0.0.2"),
                "locked": ("ada", PASSWORD, "127.0.0.3"),
                "turned off": ("kim", PASSWORD, "127.0.0.2"),
                "huge name": ("x" * 5000, PASSWORD, "127.0.0.2"),
                "huge password": ("sam", "y" * 100_000, "127.0.0.2"),
                "right": ("sam", PASSWORD, "127.0.0.4"),
            }
            for case, (username, password, address) in cases.items():
                hashes.clear()
                async with browser(address) as client:
                    response = await sign_in(client, server, username, password)
                    answers[case] = (response.status, await response.text())
                assert len(hashes) == 1, case
                assert hashes == [2**14], case
            failures = {case: answer for case, answer in answers.items() if case != "right"}
            assert {status for status, _ in failures.values()} == {401}
            assert len({text for _, text in failures.values()}) == 1, "every failure must read the same"
            assert answers["right"][0] == 303

    run(scenario)


def test_sign_in_takes_as_long_for_unknown_locked_and_turned_off_names(settings) -> None:
    db, _ = prepare(settings)
    staff.create_staff(db, "kim", "Kim", "staff", PASSWORD)
    staff.disable_staff(db, next(m for m in staff.list_staff(db) if m.username == "kim").id)

    async def timed(server: TestServer, address: str, username: str, password: str) -> float:
        async with browser(address) as client:
            start = time.perf_counter()
            response = await sign_in(client, server, username, password)
            took = time.perf_counter() - start
        assert response.status == 401
        return took

    async def scenario() -> dict[str, float]:
        async with serving(settings) as server:
            async with browser("127.0.0.3") as locker:
                for _ in range(staff.PAIR_FAILURES):
                    await sign_in(locker, server, "ada", "guess guess guess")
            samples: dict[str, list[float]] = {"known": [], "unknown": [], "locked": [], "turned off": []}
            for round_ in range(5):
                samples["known"].append(await timed(server, f"127.0.1.{round_ + 1}", "sam", "guess guess guess"))
                samples["unknown"].append(await timed(server, "127.0.0.2", f"nobody{round_}", PASSWORD))
                samples["locked"].append(await timed(server, "127.0.0.3", "ada", PASSWORD))
                samples["turned off"].append(await timed(server, "127.0.0.4", "kim", PASSWORD))
            return {kind: statistics.median(times) for kind, times in samples.items()}

    medians = run(scenario)
    known = medians["known"]
    for kind, median in medians.items():
        assert 0.5 * known <= median <= 2.0 * known, (kind, medians)


# --- 3. hashing off the event loop --------------------------------------------------------------------------


class ThreadedServer:
    """The web app on its own event loop in a thread, so the test's clients do not share (or hide) its loop."""

    def __init__(self, app: web.Application) -> None:
        self.app, self.url = app, ""
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.runner: web.AppRunner | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.runner = web.AppRunner(self.app)
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            host, port = self.runner.addresses[0][:2]
            self.url = f"http://{host}:{port}"
            self.ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def __enter__(self) -> str:
        self.thread.start()
        assert self.ready.wait(10)
        return self.url

    def __exit__(self, *_exc: object) -> None:
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def _post_login(url: str, username: str) -> None:
    body = urllib.parse.urlencode({"username": username, "password": "guess guess guess"}).encode()
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(urllib.request.Request(f"{url}/staff/login", data=body), timeout=60).read()


def test_password_hashing_does_not_hold_up_other_requests(settings) -> None:
    prepare(settings)
    one_hash = hash_seconds()
    with ThreadedServer(make_app(settings, deliver_reminders=False)) as url:
        urllib.request.urlopen(f"{url}/health", timeout=10).read()  # warm up
        logins = [threading.Thread(target=_post_login, args=(url, f"nobody{n}")) for n in range(16)]
        for login in logins:
            login.start()
        time.sleep(0.05)  # let them reach the server
        waits = []
        for _ in range(5):
            start = time.perf_counter()
            with urllib.request.urlopen(f"{url}/health", timeout=60) as health:
                assert health.status == 200
            waits.append(time.perf_counter() - start)
        busy = sum(login.is_alive() for login in logins)
        for login in logins:
            login.join(60)
    # Sixteen hashes on the loop would hold /health for many hash times; off the loop it answers at once.
    assert max(waits) < 2 * one_hash, (waits, one_hash)
    assert busy > 0, "the sign-ins should still have been running while /health was asked"


# --- 4. sessions end with a new password or a turned-off account -------------------------------------------


def test_a_new_password_from_the_command_line_signs_out_every_session(settings, monkeypatch) -> None:
    prepare(settings)
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(settings.state_dir))

    async def scenario() -> None:
        async with serving(settings) as server, browser() as desk, browser("127.0.0.2") as laptop:
            assert (await sign_in(desk, server, "sam")).status == 303
            assert (await sign_in(laptop, server, "sam")).status == 303
            monkeypatch.setattr("sys.stdin", io.StringIO("a brand new password\n"))
            assert cli_main(["staff", "password", "sam", "--password-stdin"]) == 0
            for client in (desk, laptop):
                assert (await client.get(server.make_url("/staff/api/me"))).status == 401
            assert (await sign_in(desk, server, "sam", "a brand new password")).status == 303

    run(scenario)


@pytest.mark.parametrize("how", ["turned off", "new password"])
def test_the_live_stream_ends_when_the_session_is_no_longer_valid(settings, how: str) -> None:
    db, _ = prepare(settings)
    sam = next(m for m in staff.list_staff(db) if m.username == "sam")

    async def scenario() -> list[bytes]:
        async with serving(settings) as server, browser() as client:
            assert (await sign_in(client, server, "sam")).status == 303
            stream = await client.get(server.make_url("/staff/api/events"))
            assert stream.status == 200
            assert (await asyncio.wait_for(stream.content.readline(), 5)).startswith(b"event: change")
            if how == "turned off":
                staff.disable_staff(db, sam.id)
            else:
                staff.set_password(db, "sam", "a brand new password")

            async def rest() -> list[bytes]:
                return [line async for line in stream.content]

            lines = await asyncio.wait_for(rest(), 5)  # the server ends the stream
            script = await (await client.get(server.make_url("/staff/static/console.js"))).text()
            assert '"signed-out"' in script  # and the page goes to the sign-in form when told
            return lines

    lines = run(scenario)
    assert b"event: signed-out\n" in lines


# --- 5. changes from another site ---------------------------------------------------------------------------


def test_changes_from_another_site_are_refused(settings) -> None:
    db, ticket_id = prepare(settings)
    sam = next(m for m in staff.list_staff(db) if m.username == "sam")

    async def scenario() -> None:
        async with serving(settings) as server, browser() as client:
            for origin in (EVIL, "null", own_origin(server).replace("http://", "https://")):
                refused = await sign_in(client, server, "sam", headers={"Origin": origin})
                assert refused.status == 403, origin
                assert "plainhealth_staff" not in {c.key for c in client.cookie_jar}
            assert (await sign_in(client, server, "ada", headers={"Origin": own_origin(server)})).status == 303
            csrf = await csrf_of(client, server)
            changes = [
                ("/staff/logout", {}),
                (f"/staff/api/tickets/{ticket_id}/claim", {}),
                (f"/staff/api/tickets/{ticket_id}/reply", {"text": "hello"}),
                (f"/staff/api/tickets/{ticket_id}/release", {}),
                (f"/staff/api/tickets/{ticket_id}/close", {"note": "done"}),
                (f"/staff/api/tickets/{ticket_id}/safety-review", {"verdict": "missed_emergency"}),
                ("/staff/api/users", {"username": "eve", "display_name": "Eve", "role": "admin", "password": PASSWORD}),
                (f"/staff/api/users/{sam.id}/disable", {}),
            ]
            for path, body in changes:
                answer = await client.post(
                    server.make_url(path), json=body, headers={"X-CSRF-Token": csrf, "Origin": EVIL}
                )
                assert answer.status == 403, path
            assert (await client.get(server.make_url("/staff/api/me"))).status == 200  # still signed in
        ticket = store.get_ticket(db, ticket_id)
        assert ticket is not None and ticket.status == "waiting" and ticket.safety_review is None
        assert sorted(m.username for m in staff.list_staff(db) if m.active) == ["ada", "sam"]

    run(scenario)


def test_the_apps_own_origin_and_no_origin_are_let_through(settings) -> None:
    prepare(settings)
    public = settings.with_changes(public_url="http://console.example.org:8080")

    async def scenario() -> None:
        async with serving(public) as server:
            for headers in ({}, {"Origin": own_origin(server)}, {"Origin": "http://console.example.org:8080"}):
                async with browser() as client:
                    signed = await sign_in(client, server, "sam", headers=headers)
                    assert signed.status == 303, headers
                    csrf = await csrf_of(client, server)
                    out = await client.post(
                        server.make_url("/staff/logout"), json={}, headers={**headers, "X-CSRF-Token": csrf}
                    )
                    assert out.status == 204, headers

    run(scenario)


# --- 6. security headers on every response ------------------------------------------------------------------

BASE_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}
# The console's pages send their referrer to themselves only ("same-origin"): with "no-referrer" Chromium
# sends "Origin: null" on their own form posts. No page sends it to another site.
NO_REFERRER_ELSEWHERE = {"no-referrer", "same-origin"}


def _assert_hardened(response: ClientResponse, what: str) -> None:
    for name, value in BASE_HEADERS.items():
        assert response.headers.get(name) == value, (what, name, dict(response.headers))
    assert response.headers.get("Referrer-Policy") in NO_REFERRER_ELSEWHERE, (what, dict(response.headers))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" in policy, (what, policy)
    assert "frame-ancestors 'none'" in policy or response.headers.get("X-Frame-Options") == "DENY", what


def test_every_response_carries_the_security_headers(settings) -> None:
    prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser() as client:
            gets = [
                "/health",
                "/demo.css",
                "/",
                "/widget/plainhealth-widget.js",
                "/staff/static/console.css",
                "/staff/static/console.js",
                "/staff/static/nothing.js",
                "/no/such/page",
                "/print/not-a-token",
                "/staff",
                "/staff/login",
                "/staff/api/tickets",
                "/staff/api/events",
            ]
            for path in gets:
                response = await client.get(server.make_url(path), allow_redirects=False)
                _assert_hardened(response, path)
                assert "Strict-Transport-Security" not in response.headers, path  # plain HTTP here
            _assert_hardened(await client.post(server.make_url("/health")), "405")
            _assert_hardened(await sign_in(client, server, "sam", "wrong"), "failed sign-in")
            signed = await sign_in(client, server, "sam")
            _assert_hardened(signed, "sign-in redirect")
            for path in ("/staff", "/staff/api/me", "/staff/api/tickets/99999"):
                _assert_hardened(await client.get(server.make_url(path)), path)
            stream = await client.get(server.make_url("/staff/api/events"))
            _assert_hardened(stream, "event stream")
            stream.close()
            # Route policies that differ are kept, not overwritten by the default.
            demo = await client.get(server.make_url("/"))
            assert demo.headers["Content-Security-Policy"] == widget.csp(settings)
            console = await client.get(server.make_url("/staff"))
            assert "script-src 'self'" in console.headers["Content-Security-Policy"]
            printed = await client.get(server.make_url("/print/not-a-token"))
            assert "style-src 'unsafe-inline'" in printed.headers["Content-Security-Policy"]

    run(scenario)


def _self_signed(folder: Path) -> ssl.SSLContext:
    """A throw-away certificate for 127.0.0.1, so the app can be served over real TLS."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_strict_transport_security_only_when_the_request_came_over_tls(settings, tmp_path: Path) -> None:
    prepare(settings)
    https = {"X-Forwarded-Proto": "https"}

    async def scenario() -> None:
        async with serving(settings) as server, browser() as client:
            for path in ("/health", "/no/such/page"):
                plain = await client.get(server.make_url(path), headers=https)
                assert "Strict-Transport-Security" not in plain.headers, path  # the header alone is not believed
        async with serving(settings.with_changes(trust_proxy=True)) as server, browser() as client:
            for path in ("/health", "/no/such/page", "/staff"):
                proxied = await client.get(server.make_url(path), headers=https, allow_redirects=False)
                assert proxied.headers.get("Strict-Transport-Security", "").startswith("max-age="), path
            plain = await client.get(server.make_url("/health"))
            assert "Strict-Transport-Security" not in plain.headers
        async with serving(settings, tls=_self_signed(tmp_path / "tls")) as server, browser() as client:
            assert server.make_url("/").scheme == "https"
            for path in ("/health", "/demo.css", "/no/such/page"):
                secure = await client.get(server.make_url(path))
                assert secure.headers.get("Strict-Transport-Security", "").startswith("max-age="), path
                _assert_hardened(secure, path)
            signed = await sign_in(client, server, "sam")
            assert signed.status == 303 and signed.cookies["plainhealth_staff"]["secure"]

    run(scenario)


# --- 7. malformed input gets 4xx, never 500 -----------------------------------------------------------------


def test_json_bodies_that_are_not_objects_get_a_clear_400(settings) -> None:
    db, ticket_id = prepare(settings)
    sam = next(m for m in staff.list_staff(db) if m.username == "sam")

    async def scenario() -> None:
        async with serving(settings) as server, browser() as client:
            await sign_in(client, server, "ada")
            headers = {"X-CSRF-Token": await csrf_of(client, server), "Content-Type": "application/json"}
            paths = [
                f"/staff/api/tickets/{ticket_id}/{action}"
                for action in ("claim", "reply", "release", "close", "safety-review")
            ]
            paths += ["/staff/api/users", f"/staff/api/users/{sam.id}/disable"]
            for path in paths:
                for body in ("[]", '["text"]', '"text"', "null", "42", "true"):
                    answer = await client.post(server.make_url(path), data=body, headers=headers)
                    assert answer.status == 400, (path, body)
                    assert "JSON object" in (await answer.json())["error"], (path, body)
                for body in ("{", "not json", "[" * 100_000, b"\xff\xfe{"):
                    answer = await client.post(server.make_url(path), data=body, headers=headers)
                    assert answer.status == 400, (path, body[:10])
                    assert "JSON" in (await answer.json())["error"], (path, body[:10])
        ticket = store.get_ticket(db, ticket_id)
        assert ticket is not None and ticket.status == "waiting"
        assert all(m.active for m in staff.list_staff(db))

    run(scenario)


def test_malformed_input_gets_a_4xx_never_a_500(settings) -> None:
    db, ticket_id = prepare(settings)

    async def scenario() -> None:
        async with serving(settings) as server, browser() as client:
            # Sign-in forms that are not what the page sends.
            login = server.make_url("/staff/login")
            odd_forms: list[Any] = [
                {"json": ["sam", PASSWORD]},
                {
                    "data": "username=sam&password=" + "%ff" * 10,
                    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                },
                {"data": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data"}},
                {"data": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
                {
                    "data": "username=sam",
                    "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=no-such-charset"},
                },
                {"data": "x" * (3 * 1024 * 1024), "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            ]
            files = FormData()
            files.add_field("username", b"sam", filename="name.txt")
            files.add_field("password", PASSWORD.encode(), filename="secret.txt")
            odd_forms.append({"data": files})
            for options in odd_forms:
                answer = await client.post(login, allow_redirects=False, **options)
                assert 400 <= answer.status < 500, (options.keys(), answer.status)

            await sign_in(client, server, "ada")
            headers = {"X-CSRF-Token": await csrf_of(client, server)}
            base = f"/staff/api/tickets/{ticket_id}"
            assert (await client.post(server.make_url(f"{base}/claim"), json={}, headers=headers)).status == 200
            bad: list[tuple[str, str, Any, int]] = [
                ("GET", "/staff/api/tickets/99999999999999999999999999", None, 404),
                ("GET", "/staff/api/tickets/-1", None, 404),
                ("GET", "/staff/api/tickets/1e5", None, 404),
                ("GET", "/staff/api/tickets/%F0%9F%98%80", None, 404),
                ("GET", "/staff/api/tickets/%D9%A1", None, 404),  # an Arabic-Indic one: a digit to regex
                ("GET", "/staff/api/tickets/" + "9" * 5000, None, 404),
                ("POST", "/staff/api/users/99999999999999999999/disable", {}, 404),
                ("POST", "/staff/api/users/abc/disable", {}, 404),
                ("POST", "/staff/api/tickets/0/claim", {}, 404),
                ("POST", f"{base}/reply", {"text": ["hello"]}, 400),
                ("POST", f"{base}/reply", {"text": {"a": 1}}, 400),
                ("POST", f"{base}/reply", {"text": 12}, 400),
                ("POST", f"{base}/reply", {"text": "x" * 2001}, 400),
                ("POST", f"{base}/reply", {"text": "x" * 2_000_000}, 413),
                ("POST", f"{base}/close", {"note": "x" * 2001}, 400),
                ("POST", f"{base}/close", {"note": ["done"]}, 400),
                ("POST", f"{base}/safety-review", {"verdict": None}, 400),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": "u" * 65, "display_name": "U", "role": "staff", "password": PASSWORD},
                    400,
                ),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": "kim", "display_name": "K" * 81, "role": "staff", "password": PASSWORD},
                    400,
                ),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": "kim", "display_name": "Kim", "role": "staff", "password": "p" * 5000},
                    400,
                ),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": ["kim"], "display_name": "Kim", "role": "staff", "password": PASSWORD},
                    400,
                ),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": "kim", "display_name": "Kim", "role": ["admin"], "password": PASSWORD},
                    400,
                ),
                (
                    "POST",
                    "/staff/api/users",
                    {"username": "kim", "display_name": "Kim", "role": "staff", "password": 12345678901},
                    400,
                ),
            ]
            for method, path, body, status in bad:
                answer = await client.request(method, server.make_url(path), json=body, headers=headers)
                assert answer.status == status, (method, path[:60], str(body)[:60], answer.status)
            closed = await client.post(server.make_url(f"{base}/close"), json={"note": "x" * 2000}, headers=headers)
            assert closed.status == 200
        lines = store.lines(db, ticket_id)
        assert not any(line.text.startswith("[") or line.text == "12" for line in lines)
        assert [m.username for m in staff.list_staff(db)] == ["ada", "sam"]

    run(scenario)


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """Each test's app shuts its hashing threads down; none should outlive the test."""
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [t for t in threading.enumerate() if t.ident not in before and t.name.startswith("plainhealth-hash")]
        if not left:
            return
        time.sleep(0.05)
    raise AssertionError(f"hashing threads left running: {left}")
