"""Shared fixtures: settings in a temporary folder, a runtime for action tests, real servers for e2e tests."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.processes import ManagedProcess, action_server, free_port, rasa_server, web_server
from bot.rasa_api import api_url
from bot.runtime import Runtime, use_runtime
from bot.settings import PROJECT_ROOT, Settings
from bot.training import ensure_model

ROOT = PROJECT_ROOT


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Project content and domain, but a private state folder and database for this test."""
    return Settings(project_dir=ROOT, state_dir=tmp_path / "state", models_dir=ROOT / "models")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(settings)
    use_runtime(rt)
    yield rt
    use_runtime(None)


class NoteAsideDispatcher(CollectingDispatcher):
    """rasa_sdk's dispatcher, with the privacy note a patient gets on first contact kept aside in
    ``privacy_notes``, so a test about something else sees exactly that something (the note has its own
    tests: tests/test_actions_privacy.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.privacy_notes: list[dict[str, Any]] = []

    def utter_message(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("response") == "utter_privacy_note":
            self.privacy_notes.append(kwargs)
            return
        super().utter_message(*args, **kwargs)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return NoteAsideDispatcher()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's model, trained once if the training data changed (fingerprint), else reused."""
    return ensure_model(Settings(project_dir=ROOT), quiet=True).model


class Servers:
    """Real Rasa and action servers on free ports, and a helper to chat with them over REST."""

    def __init__(self, settings: Settings, processes: list[ManagedProcess]) -> None:
        self.settings = settings
        self.processes = processes
        self.embed_port = 0

    def send(self, message: str, sender: str) -> list[dict[str, Any]]:
        """One message over the REST channel, as an integration with the REST token sends it."""
        from bot.chat import send

        return send(self.settings, sender, message, timeout=60)

    def web_get(self, path: str) -> tuple[int, str]:
        """GET from the web app; (status, body) also for 4xx answers."""
        try:
            with urllib.request.urlopen(f"{self.settings.web_url}{path}", timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get_json(self, path: str) -> Any:
        """Rasa's HTTP API, with its token."""
        with urllib.request.urlopen(api_url(self.settings, path), timeout=60) as response:
            return json.loads(response.read())

    def post_json(self, path: str, payload: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            api_url(self.settings, path),
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def staff_account(
        self, username: str, display_name: str, role: str = "staff", password: str = "correct horse battery"
    ) -> str:
        """A console account in the servers' database (made once); returns the password."""
        from bot.storage import staff
        from bot.storage.db import Database

        db = Database(self.settings.database_url)
        db.migrate()
        if not any(m.username == username for m in staff.list_staff(db)):
            staff.create_staff(db, username, display_name, role, password)
        db.dispose()
        return password

    def restart_actions(self) -> None:
        """Start the action server again on its port (after a test stopped or paused it)."""
        old = self.processes[0]
        old.stop()
        new = action_server(self.settings)
        new.start()
        new.wait_ready()
        self.processes[0] = new

    def restart_rasa(self, model: Path) -> None:
        """Stop and start the Rasa server on the same ports and stores (to prove nothing is lost)."""
        old = self.processes[-1]
        old.stop()
        new = rasa_server(self.settings, model)
        new.start()
        new.wait_ready()
        self.processes[-1] = new


def start_servers(tmp: Path, model: Path, **stores: str) -> Servers:
    # Reminders fire a few seconds after they are set, so a test can see one arrive.
    embed_port = free_port()
    settings = Settings(
        project_dir=ROOT,
        state_dir=tmp,
        models_dir=ROOT / "models",
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        reminder_delay_seconds=8,
        reminder_grace_seconds=6,
        # Rasa gives up on a hung action server after this long (the emergency guidance never waits for it).
        action_timeout_seconds=4,
        # Someone "answers" hand-offs at any hour, so the tests do not depend on the clock; the
        # out-of-hours path is tested on its own (tests/test_handoff_desk.py).
        handoff_hours="always",
        # A plain page on this port embeds the widget in the browser tests: the clinic allows it.
        allowed_origins=(f"http://127.0.0.1:{embed_port}",),
        **stores,  # type: ignore[arg-type]
    )
    processes = [action_server(settings), web_server(settings), rasa_server(settings, model)]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.wait_ready()
    except BaseException:
        for process in processes:
            process.stop()
        raise
    servers = Servers(settings, processes)
    servers.embed_port = embed_port
    return servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Servers]:
    """The default profile (SQLite, one Rasa server); with PLAINHEALTH_TEST_PROFILE=production (`make
    test-production`), the same servers on PostgreSQL and Redis started on loopback."""
    backing = None
    stores: dict[str, str] = {}
    if os.environ.get("PLAINHEALTH_TEST_PROFILE", "default") == "production":
        from production import start_backing

        backing = start_backing(tmp_path_factory.mktemp("backing"))
        stores = {
            "database_url": backing.database_url,
            "tracker_store_url": backing.tracker_store_url,
            "lock_store_url": backing.redis.url,
        }
    running = start_servers(tmp_path_factory.mktemp("servers"), trained_model, **stores)
    yield running
    for process in running.processes:
        process.stop()
    if backing is not None:
        backing.stop()


@pytest.fixture
def new_sender(servers: Servers) -> Callable[[], str]:
    """A new patient who has already said OK to the privacy note, so a test about something else sees exactly
    that something (the note on first contact has its own tests: tests/test_e2e_privacy.py)."""

    def make() -> str:
        sender = f"e2e-{uuid.uuid4().hex[:12]}"
        servers.send("/privacy_ok", sender)
        return sender

    return make


@pytest.fixture(scope="session")
def nltk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One offline CMUdict corpus for the whole test session (building it takes a second)."""
    return tmp_path_factory.mktemp("nltk_data")


@pytest.fixture(scope="session")
def scorer(nltk_dir: Path):  # type: ignore[no-untyped-def]
    from bot.readability.scoring import Scorer

    return Scorer(nltk_dir)


@pytest.fixture(scope="session")
def library() -> Any:
    """The shipped content library, loaded once (tests must not change it)."""
    from bot.content.loader import load_library

    return load_library(ROOT / "content")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    """A fresh, migrated SQLite app database for one test."""
    from bot.storage.db import Database

    database = Database(f"sqlite:///{tmp_path / 'app.db'}")
    database.migrate()
    yield database
    database.dispose()
