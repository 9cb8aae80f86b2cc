import io

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError
from bot.storage import staff
from bot.storage.db import Database


def test_staff_accounts_from_the_command_line(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["staff", "add", "Sam", "--name", "Sam R", "--role", "admin", "--password-stdin"]) == 0
    assert "Added sam (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["staff", "password", "sam", "--password-stdin"]) == 2
    assert "at least 10" in capsys.readouterr().err
    assert main(["staff", "list"]) == 0
    assert "Sam R" in capsys.readouterr().out
    assert main(["staff", "disable", "sam"]) == 0
    db = Database(f"sqlite:///{tmp_path / 'plainhealth.db'}")
    assert staff.authenticate(db, "sam", "correct horse battery") is None
    db.dispose()


def test_hand_off_settings_are_checked() -> None:
    assert Settings.from_env({"PLAINHEALTH_HANDOFF_HOURS": "Always"}).handoff_hours == "always"
    with pytest.raises(SettingsError, match="HANDOFF_HOURS"):
        Settings.from_env({"PLAINHEALTH_HANDOFF_HOURS": "weekends"})
    with pytest.raises(SettingsError, match="STAFF_SESSION_HOURS"):
        Settings.from_env({"PLAINHEALTH_STAFF_SESSION_HOURS": "0"})
