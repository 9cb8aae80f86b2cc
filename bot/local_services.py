"""PostgreSQL and Redis from Debian's packages, started on loopback, and nodes that share them.

For the production-profile tests and the capacity benchmark (a real deployment runs its own, managed
servers: docs/scaling.md). ``scripts/install-services.sh`` installs the packages; when they are missing, or
cannot run here, ``unavailable()`` says why in one sentence so a test can skip with it.

PostgreSQL refuses to run as root, so as root its commands run as the ``postgres`` user the Debian package
made, in a data folder that user owns. Each server listens on 127.0.0.1 only and has a password.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.processes import ManagedProcess, action_server, free_port, rasa_server, web_server
from bot.rasa_api import api_url
from bot.settings import PROJECT_ROOT, Settings


class ServiceUnavailable(RuntimeError):
    """A backing server cannot be started here; the message says why and how to fix it."""


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def unavailable() -> str:
    """Why PostgreSQL and Redis cannot run here ("" when they can)."""
    if _postgres_bin() is None:
        return "PostgreSQL is not installed (scripts/install-services.sh installs Debian's postgresql as root)."
    if shutil.which("redis-server") is None:
        return "Redis is not installed (scripts/install-services.sh installs Debian's redis-server as root)."
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "PostgreSQL cannot run as root and runuser is missing."
    return ""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(f"{what} exited at start:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise ServiceUnavailable(f"{what} did not listen on port {port} within {timeout:.0f} s.")


def _stop(process: subprocess.Popen[bytes] | None, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass
class Postgres:
    """One PostgreSQL cluster in a private folder of its own; ``url(name)`` for a database made with
    ``create_database``. The folder is made directly in the temporary folder: as root the server runs as
    ``postgres``, which cannot enter another user's private folders (pytest's among them)."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="plainhealth-postgres-")))
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    user: str = "plainhealth"
    process: subprocess.Popen[bytes] | None = None

    def _as_owner(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def init(self) -> None:
        bin_dir = _postgres_bin()
        if bin_dir is None:
            raise ServiceUnavailable(unavailable())
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        password_file = self.folder / "pw"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        password_file.chmod(0o600)
        command = [
            str(bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "--encoding=UTF8",
            "--no-sync",
        ]
        done = subprocess.run(self._as_owner(command), capture_output=True, text=True, check=False)
        password_file.unlink()
        if done.returncode != 0:
            raise ServiceUnavailable(f"initdb failed: {done.stderr.strip()[-500:]}")

    def start(self) -> None:
        bin_dir = _postgres_bin()
        assert bin_dir is not None
        if not self.port:
            self.port = free_port()
        log = open(self.log, "ab")  # noqa: SIM115 - the server writes to it until it stops
        if os.geteuid() == 0:
            shutil.chown(self.log, "postgres", "postgres")
        command = [
            str(bin_dir / "postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.folder}",
            "-c",
            "fsync=off",  # a test cluster: speed over surviving a power cut
            "-c",
            "max_connections=200",
        ]
        self.process = subprocess.Popen(self._as_owner(command), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait_for_port(self.port, self.process, "PostgreSQL", self.log)
        self._wait_accepting()

    def _wait_accepting(self, timeout: float = 30) -> None:
        import psycopg2

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """A fast shutdown (open connections are ended, as when the server is restarted for real); a plain
        SIGTERM would wait for every pooled connection to close."""
        if self.process is not None and self.process.poll() is None:
            bin_dir = _postgres_bin()
            assert bin_dir is not None
            command = [str(bin_dir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30"]
            subprocess.run(self._as_owner(command), capture_output=True, check=False)
        _stop(self.process)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"


@dataclass
class Redis:
    folder: Path
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if shutil.which("redis-server") is None:
            raise ServiceUnavailable(unavailable())
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        config = self.folder / "redis.conf"
        # The password in a 0600 file, not on a command line every local user can read.
        config.write_text(
            f'port {self.port}\nbind 127.0.0.1\nprotected-mode yes\nsave ""\nappendonly no\n'
            f"dir {self.folder}\nrequirepass {self.password}\n"
        )
        config.chmod(0o600)
        log_path = self.folder / "redis.log"
        log = open(log_path, "ab")  # noqa: SIM115 - the server writes to it until it stops
        self.process = subprocess.Popen(["redis-server", str(config)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait_for_port(self.port, self.process, "Redis", log_path)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"


# ---------------------------------------------------------------------------------------------------------------
# A deployment on one machine: the shared stores and any number of nodes (a Rasa server, its action server and a
# web app each), sharing the stores and the secrets as separate machines would.


@dataclass
class Backing:
    """The shared stores: one PostgreSQL (an app database and a tracker database) and one Redis."""

    postgres: Postgres
    redis: Redis
    database_url: str
    tracker_store_url: str

    @classmethod
    def start(cls, folder: Path) -> Backing:
        """Raises ServiceUnavailable, with the reason, when they cannot run here."""
        why = unavailable()
        if why:
            raise ServiceUnavailable(why)
        postgres = Postgres()
        try:
            postgres.init()
            postgres.start()
            database_url = postgres.create_database("plainhealth")
            tracker_store_url = postgres.create_database("tracker")
            redis = Redis(folder / "redis")
            redis.start()
        except BaseException:
            postgres.remove()
            raise
        return cls(postgres, redis, database_url, tracker_store_url)

    def stop(self) -> None:
        self.redis.stop()
        self.postgres.remove()

    def settings(self, state_dir: Path, shared: dict[str, str], **changes: Any) -> Settings:
        return Settings(
            project_dir=PROJECT_ROOT,
            state_dir=state_dir,
            models_dir=PROJECT_ROOT / "models",
            database_url=self.database_url,
            tracker_store_url=self.tracker_store_url,
            lock_store_url=self.redis.url,
            **{**shared, **changes},
        )


def shared_secrets() -> dict[str, str]:
    """What every node of one deployment is given alike (in production: the same environment)."""
    return {name: secrets.token_urlsafe(32) for name in ("api_token", "rest_token", "secret_key", "session_key")}


@dataclass
class Node:
    """One machine's share: its Rasa server, action server and web app, on their own ports and folder."""

    settings: Settings
    model: Path
    actions: ManagedProcess = field(init=False)
    web: ManagedProcess = field(init=False)
    rasa: ManagedProcess = field(init=False)

    def __post_init__(self) -> None:
        self.actions = action_server(self.settings)
        self.web = web_server(self.settings)
        self.rasa = rasa_server(self.settings, self.model)

    @property
    def processes(self) -> list[ManagedProcess]:
        return [self.actions, self.web, self.rasa]

    def start_rasa(self) -> None:
        self.rasa = rasa_server(self.settings, self.model)
        self.rasa.start()
        self.rasa.wait_ready()

    def send_raw(self, message: str, sender: str) -> tuple[int, list[dict[str, Any]]]:
        """(status, replies) for one REST message, 503s included."""
        from bot.credentials import rest_token

        request = urllib.request.Request(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {rest_token(self.settings)}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"[]")

    def send(self, message: str, sender: str) -> list[dict[str, Any]]:
        status, replies = self.send_raw(message, sender)
        assert status == 200, (status, replies)
        return replies

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(api_url(self.settings, path), timeout=60) as response:
            return json.loads(response.read())


def start_nodes(backing: Backing | None, folder: Path, model: Path, count: int, **changes: Any) -> list[Node]:
    """``count`` nodes on the shared stores; without ``backing``, one node on the default profile (SQLite,
    Rasa's in-memory lock store)."""
    shared = shared_secrets()

    def settings(n: int) -> Settings:
        ports = {"rasa_port": free_port(), "action_port": free_port(), "web_port": free_port()}
        if backing is None:
            return Settings(
                project_dir=PROJECT_ROOT,
                state_dir=folder / f"node{n}",
                models_dir=PROJECT_ROOT / "models",
                **{**shared, **ports, **changes},
            )
        return backing.settings(folder / f"node{n}", shared, **{**ports, **changes})

    if backing is None and count != 1:
        raise ValueError("several Rasa servers need the shared stores (PostgreSQL and Redis)")
    nodes = [Node(settings(n), model) for n in range(count)]
    every = [process for node in nodes for process in node.processes]
    for process in every:
        process.start()
    try:
        for process in every:
            process.wait_ready()
    except BaseException:
        for process in every:
            process.stop()
        raise
    return nodes
