"""`plainhealth privacy forget|export|purge|audit`, through `bot.cli.main` with a state folder of its own."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import update
from test_records_tracker import fill_patient, save_chat, state_files

from bot import privacy
from bot.cli import main
from bot.records import audit
from bot.records.export import export
from bot.records.tracker import TrackerEvents
from bot.settings import Settings
from bot.storage import visits
from bot.storage.db import Database
from bot.storage.models import QuestionItem

MARKER = "tapir-CLI-9090"
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the command builds from the environment: a temporary state folder, nothing else."""
    for name in (
        "PLAINHEALTH_DATABASE_URL",
        "PLAINHEALTH_TRACKER_STORE_URL",
        "PLAINHEALTH_SECRET_KEY",
        "PLAINHEALTH_RETENTION_DAYS",
        "PLAINHEALTH_RASA_PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("PLAINHEALTH_RASA_PORT", "9")  # nothing listens: Rasa is down while the clinic works
    return Settings.from_env()


def filled(settings: Settings, sender: str) -> tuple[Database, bytes, str]:
    db = Database(settings.database_url)
    db.migrate()
    secret = privacy.load_or_create_secret(settings)
    return db, secret, fill_patient(db, settings, secret, [sender], MARKER, NOW)


def answer(monkeypatch: pytest.MonkeyPatch, reply: str) -> list[str]:
    asked: list[str] = []

    def fake_input(prompt: str = "") -> str:
        asked.append(prompt)
        return reply

    monkeypatch.setattr(builtins, "input", fake_input)
    return asked


def test_forget_asks_first_and_a_no_deletes_nothing(
    cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret, patient = filled(cli, "rest-cli-no")
    asked = answer(monkeypatch, "no")
    assert main(["privacy", "forget", "rest-cli-no"]) == 1
    assert patient in asked[0] and "cannot be undone" in asked[0]
    assert "Nothing was deleted" in capsys.readouterr().out
    assert visits.questions(db, patient) == [f"Can I drive after? {MARKER}"]
    assert [e.action for e in audit.access_log(db)] == ["open_transcript"]


def test_forget_by_conversation_id_after_a_yes(
    cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret, patient = filled(cli, "rest-cli-yes")
    answer(monkeypatch, "yes")
    assert main(["privacy", "forget", "rest-cli-yes"]) == 0
    out = capsys.readouterr().out
    assert f"Patient {patient}: Deleted " in out and "1 question on your list" in out
    assert MARKER.encode() not in b"".join(state_files(cli).values())
    assert [(e.who, e.action) for e in audit.access_log(db)][0] == ("cli", "forget")
    with TrackerEvents(cli) as store:
        assert store.senders() == []


def test_forget_by_pseudonym_with_yes_does_not_ask(cli: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    db, secret, patient = filled(cli, "rest-cli-pseudo")
    asked = answer(monkeypatch, "no")
    assert main(["privacy", "forget", patient, "--yes"]) == 0
    assert asked == [] and visits.questions(db, patient) == []
    with TrackerEvents(cli) as store:
        assert store.senders() == []  # the conversation was found from the pseudonym alone


def test_an_id_that_could_be_either_must_be_named(cli: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    looks_like_a_pseudonym = "0123456789abcdef0123456789abcdef"
    db, secret, patient = filled(cli, looks_like_a_pseudonym)
    assert main(["privacy", "forget", looks_like_a_pseudonym, "--yes"]) == 2
    assert "--sender or --pseudonym" in capsys.readouterr().err
    assert visits.questions(db, patient)
    assert main(["privacy", "forget", looks_like_a_pseudonym, "--sender", "--yes"]) == 0
    assert visits.questions(db, patient) == []
    assert main(["privacy", "export", "not-hex", "--pseudonym"]) == 2


def test_export_to_a_private_file_or_the_screen(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret, patient = filled(cli, "rest-cli-export")
    target = tmp_path / "request.json"
    assert main(["privacy", "export", "rest-cli-export", "--output", str(target)]) == 0
    assert f"Wrote everything held about patient {patient}" in capsys.readouterr().out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["patient"] == patient and [q["text"] for q in written["questions"]] == [
        f"Can I drive after? {MARKER}"
    ]
    assert main(["privacy", "export", patient]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["conversation_ids"] == ["rest-cli-export"]
    assert {k: v for k, v in shown.items() if k not in ("exported_at", "access_log")} == {
        k: v for k, v in export(db, cli, secret, patient=patient).items() if k not in ("exported_at", "access_log")
    }
    assert [(e.who, e.action) for e in audit.access_log(db)][:2] == [("cli", "export"), ("cli", "export")]


def test_purge_and_the_access_log(
    cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAINHEALTH_RETENTION_DAYS", "30")
    db, secret, patient = filled(cli, "rest-cli-purge")
    with db.session() as session:
        session.execute(update(QuestionItem).values(created_at=NOW - dt.timedelta(days=31)))
    save_chat(cli, "rest-cli-old", ["long ago"], at=(NOW - dt.timedelta(days=31)).timestamp())
    assert main(["privacy", "purge"]) == 0
    assert capsys.readouterr().out.strip() == "Kept the last 30 days. Deleted questions: 1, chat events: 7."
    assert visits.questions(db, patient) == []
    with TrackerEvents(cli) as store:
        assert store.senders() == ["rest-cli-purge"]

    assert main(["privacy", "export", "rest-cli-purge", "--output", str(cli.state_dir.parent / "x.json")]) == 0
    capsys.readouterr()
    assert main(["privacy", "audit"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(patient) and "staff account 99" in lines[0] and "opened the transcript" in lines[0]
    assert "the command line" in lines[1] and "exported the data" in lines[1]
    assert MARKER not in "\n".join(lines)


def test_the_retention_setting_is_checked(
    cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAINHEALTH_RETENTION_DAYS", "0")
    assert main(["privacy", "purge"]) == 2
    assert "PLAINHEALTH_RETENTION_DAYS must be 1 or more" in capsys.readouterr().err
