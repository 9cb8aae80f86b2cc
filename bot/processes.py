"""Start, watch and stop the assistant's server processes.

One place for this so that `plainhealth run`, the end-to-end tests and the benchmarks start the servers the
same way: the same commands, the same readiness checks, the same clean stop.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.rasa_config import write_rasa_files
from bot.settings import Settings


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
        self._log = self.log_path.open("ab")
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
            sys.executable, "-m", "rasa_sdk", "--actions", "actions",
            "--port", str(settings.action_port), *_rasa_log_flag(settings),
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


def rasa_server(settings: Settings, model: Path) -> ManagedProcess:
    endpoints_file, credentials_file = write_rasa_files(settings)
    return ManagedProcess(
        name="Rasa server",
        command=[
            sys.executable, "-m", "bot.rasa_launch", "--action-timeout", str(settings.action_timeout_seconds), "run",
            "--enable-api",
            "--model", str(model),
            "--endpoints", str(endpoints_file),
            "--credentials", str(credentials_file),
            "--interface", settings.host,
            "--port", str(settings.rasa_port),
            # No --cors: the socket.io channel checks origins itself (bot/channels/socketio.py), and a second
            # set of CORS headers from Sanic would make browsers refuse every answer.
            *_rasa_log_flag(settings),
        ],
        ready_url=f"{settings.rasa_url}/version",
        log_path=settings.state_dir / "logs" / "rasa.log",
        env={**settings.to_env(), "RASA_TELEMETRY_ENABLED": "false"},
        cwd=settings.project_dir,
    )
