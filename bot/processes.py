"""Start, watch and stop the assistant's server processes.

One place for this so that `plainhealth run`, the end-to-end tests and the benchmarks start the servers the
same way: the same commands, the same readiness checks, the same clean stop. `Supervisor` (at the end) keeps
them up under `plainhealth run`: one server crashing is restarted alone, with back-off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO

from bot.rasa_config import write_rasa_files
from bot.settings import Settings
from bot.state_files import append_private


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ServerFailed(RuntimeError):
    """A server exited or did not become ready; the message ends with its log so the cause is visible."""


@dataclass
class ManagedProcess:
    name: str
    command: list[str]
    ready_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_after: float = 0.0
    _log: IO[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = append_private(self.log_path)  # 0600: a log can hold what patients wrote
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: Ctrl-C reaches us once, we stop it cleanly
        )

    def wait_ready(self, timeout: float = 240.0) -> float:
        """Block until ``ready_url`` answers 200; returns seconds from process start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited early.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as response:
                    if response.status == 200:
                        self.ready_after = time.monotonic() - self.started_at
                        return self.ready_after
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        raise ServerFailed(f"{self.name} was not ready after {timeout:.0f} s.\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


def _rasa_log_flag(settings: Settings) -> list[str]:
    # Rasa logs user text at DEBUG only; at our default (WARNING) nothing personal reaches the log.
    level = settings.log_level
    if level == "DEBUG":
        return ["--debug"]
    if level == "INFO":
        return ["--verbose"]
    return ["--quiet"]


def action_server(settings: Settings) -> ManagedProcess:
    return ManagedProcess(
        name="action server",
        command=[
            sys.executable,
            "-m",
            "bot.action_launch",  # rasa_sdk, with the answer index built first
            "--actions",
            "actions",
            "--port",
            str(settings.action_port),
            *_rasa_log_flag(settings),
        ],
        ready_url=f"http://{settings.host}:{settings.action_port}/health",
        log_path=settings.state_dir / "logs" / "actions.log",
        env={**settings.to_env(), "SANIC_HOST": settings.host},
        cwd=settings.project_dir,
    )


def web_server(settings: Settings) -> ManagedProcess:
    """Printable question lists and the reminder catch-up (bot/web)."""
    return ManagedProcess(
        name="web app",
        command=[sys.executable, "-m", "bot.web"],
        ready_url=f"http://{settings.host}:{settings.web_port}/health",
        log_path=settings.state_dir / "logs" / "web.log",
        env=settings.to_env(),
        cwd=settings.project_dir,
    )


# The largest request body the Rasa server reads (Sanic's default is 100 MB): a message is at most
# `max_message_chars` characters, so 64 KB leaves room for any JSON around it.
REQUEST_MAX_BYTES = 64 * 1024


def rasa_server(settings: Settings, model: Path) -> ManagedProcess:
    endpoints_file, credentials_file = write_rasa_files(settings)
    return ManagedProcess(
        name="Rasa server",
        command=[
            sys.executable,
            "-m",
            "bot.rasa_launch",
            "--action-timeout",
            str(settings.action_timeout_seconds),
            "run",
            # The HTTP API only with the token: bot.rasa_launch adds Rasa's --auth-token itself, so the token
            # is never on a command line other local users can list (bot/credentials.py). The channels under
            # /webhooks/ and /socket.io/ guard themselves (bot/channels/).
            "--enable-api",
            "--model",
            str(model),
            "--endpoints",
            str(endpoints_file),
            "--credentials",
            str(credentials_file),
            "--interface",
            settings.host,
            "--port",
            str(settings.rasa_port),
            # No --cors: the socket.io channel checks origins itself (bot/channels/socketio.py), and a second
            # set of CORS headers from Sanic would make browsers refuse every answer.
            *_rasa_log_flag(settings),
        ],
        ready_url=f"http://{settings.host}:{settings.rasa_port}/version",  # this one, not a load balancer
        log_path=settings.state_dir / "logs" / "rasa.log",
        env={
            **settings.to_env(),
            "RASA_TELEMETRY_ENABLED": "false",
            # Bodies capped; no access log (it records URLs, and Rasa's API takes its token in the URL).
            "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES),
            "SANIC_ACCESS_LOG": "false",
        },
        cwd=settings.project_dir,
    )


# ---------------------------------------------------------------------------------------------------------------
# Keeping the servers up

logger = logging.getLogger(__name__)


def answers(url: str, timeout: float = 1.0) -> bool:
    """One quick readiness probe: the supervisor must not block on a loading server (Rasa takes tens of
    seconds to load its model) while the others need watching."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def describe_exit(code: int) -> str:
    """The exit code, with the signal's name when a signal ended it: "-9" alone sends people to look it up."""
    if code < 0:
        try:
            return f"exit code {code}, {signal.Signals(-code).name}"
        except ValueError:
            return f"exit code {code}"
    return f"exit code {code}"


def _logging_writes_to(log: logging.Logger, stream: TextIO) -> bool:
    """Whether a WARNING from ``log`` already reaches ``stream``: `plainhealth run` logs to stderr, and the
    supervisor's line must reach stderr exactly once, whatever logging is configured to do."""
    if not log.isEnabledFor(logging.WARNING):
        return False
    found_handler = False
    current: logging.Logger | None = log
    while current is not None:
        for handler in current.handlers:
            found_handler = True
            if (
                isinstance(handler, logging.StreamHandler)
                and handler.stream is stream
                and handler.level <= logging.WARNING
            ):
                return True
        if not current.propagate:
            break
        current = current.parent
    last_resort = logging.lastResort  # what logging uses when no handler is configured at all: stderr
    return (
        not found_handler and last_resort is not None and stream is sys.stderr and last_resort.level <= logging.WARNING
    )


UP, WAITING, STARTING, STOPPED = "up", "waiting", "starting", "stopped"


@dataclass
class Child:
    """What the supervisor remembers about one server between its steps."""

    server: ManagedProcess
    state: str = UP
    failures: int = 0  # crashes in a row without staying up for `stable_after`: the back-off grows with it
    restarts: int = 0
    up_since: float | None = None  # when it last answered its ready_url; None while it is down or starting
    starting_since: float = 0.0
    restart_at: float | None = None
    last_delay: float | None = None
    last_exit: int | None = None


class Supervisor:
    """Restarts a server that exits, alone and with exponential back-off, while the others keep serving.

    Before it, one crashed server brought `plainhealth run` down with all the others, so an action-server bug
    also silenced the emergency guidance Rasa serves on its own. The back-off (``first_delay`` doubling up to
    ``max_delay``) keeps a server that dies at once from spinning; it resets once the server has stayed up for
    ``stable_after`` seconds, so a crash next week is retried quickly again. A restarted server counts as up
    only when its ready_url answers: "started" is not "serving", and the reset must not count the loading time.

    Each step (`supervise_once`) probes without blocking, so a restart that takes a minute never delays
    noticing another crash. The clock and sleep are injectable so tests can drive minutes of back-off in
    milliseconds. Crash and restart lines carry the server's name, exit code and timing only: never a log
    tail, which could hold a patient's words at DEBUG, nor the environment, which holds tokens.
    """

    def __init__(
        self,
        servers: Sequence[ManagedProcess],
        *,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        stable_after: float = 300.0,
        ready_timeout: float = 240.0,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        out: TextIO | None = None,
    ) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.stable_after = stable_after
        self.ready_timeout = ready_timeout
        self.poll_interval = poll_interval
        self._clock = clock
        self._sleep = sleep
        self._out = out
        self._lock = threading.Lock()  # stop() from another thread must not race a restart in progress
        self._stopped = False
        now = clock()
        # The servers come in started and ready (the first launch fails fast, in the caller).
        self.children = [Child(server, up_since=now) for server in servers]

    @property
    def stopped(self) -> bool:
        return self._stopped

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.server.name == name)

    def delay_for(self, failures: int) -> float:
        """Seconds to wait before restart number ``failures`` in a row: 1, 2, 4 ... up to ``max_delay``."""
        return float(min(self.first_delay * 2 ** max(failures - 1, 0), self.max_delay))

    def run(self) -> None:
        """Watch until `stop()`. Ctrl-C and SIGTERM leave it as exceptions; the caller's `finally` stops."""
        while not self._stopped:
            self.supervise_once()
            self._sleep(self.poll_interval)

    def supervise_once(self) -> None:
        """One look at every server: notice crashes, restart those whose wait is over, see who is ready."""
        with self._lock:
            if self._stopped:
                return
            for child in self.children:
                self._step(child, self._clock())

    def stop(self) -> None:
        """Stop every server, and restart none of them afterwards; safe to call twice."""
        with self._lock:
            self._stopped = True
            for child in self.children:
                child.state = STOPPED
                try:
                    child.server.stop()
                except (KeyboardInterrupt, SystemExit):
                    # A second Ctrl-C while stopping: the servers run in their own sessions and would be left
                    # behind, so this one is stopped again and the loop goes on to the rest.
                    child.server.stop()

    def _step(self, child: Child, now: float) -> None:
        server = child.server
        if child.state == UP:
            if child.failures and child.up_since is not None and now - child.up_since >= self.stable_after:
                child.failures = 0
            if server.process is None or server.process.poll() is not None:
                self._crashed(child, now, "exited")
        elif child.state == WAITING:
            if child.restart_at is not None and now >= child.restart_at:
                self._restart(child, now)
        elif child.state == STARTING:
            if server.process is None or server.process.poll() is not None:
                self._crashed(child, now, "exited before it was ready")
            elif answers(server.ready_url):
                child.state, child.up_since = UP, now
                self._report(f"plainhealth: the {server.name} is back up (pid {server.pid}, restart {child.restarts}).")
            elif now - child.starting_since >= self.ready_timeout:
                self._crashed(
                    child, now, f"did not answer within {self.ready_timeout:g} s, so it was stopped", exited=False
                )

    def _crashed(self, child: Child, now: float, what: str, exited: bool = True) -> None:
        server = child.server
        code = server.process.poll() if exited and server.process is not None else None
        if code is not None:
            what += f" ({describe_exit(code)})"
        self._clear(server)
        child.failures += 1
        delay = self.delay_for(child.failures)
        child.state, child.up_since = WAITING, None
        child.restart_at, child.last_delay, child.last_exit = now + delay, delay, code
        at = (dt.datetime.now() + dt.timedelta(seconds=delay)).strftime("%H:%M:%S")
        self._report(
            f"plainhealth: the {server.name} {what}; restarting it in "
            f"{delay:g} s, at {at} (crash {child.failures} in a row; its log: {server.log_path})."
        )

    def _restart(self, child: Child, now: float) -> None:
        server = child.server
        child.restarts += 1
        child.state, child.starting_since, child.restart_at = STARTING, now, None
        self._report(f"plainhealth: restarting the {server.name} (restart {child.restarts}).")
        try:
            server.start()
        except OSError as exc:  # e.g. the interpreter vanished in an upgrade: retried with back-off
            self._crashed(child, now, f"could not be started ({exc.strerror or type(exc).__name__})", exited=False)

    @staticmethod
    def _clear(server: ManagedProcess) -> None:
        """Stop what is left of a crashed server: its process if it still runs, anything else in its process
        group (a worker could still hold the port), and its log file handle (start() opens a new one)."""
        server.stop()
        if server.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):  # usually: it ended with its leader
                os.killpg(server.process.pid, signal.SIGKILL)

    def _report(self, line: str) -> None:
        logger.warning(line)
        out = self._out if self._out is not None else sys.stderr
        if not _logging_writes_to(logger, out):
            print(line, file=out, flush=True)
