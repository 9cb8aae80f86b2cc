import os
import stat
from pathlib import Path

import pytest
import yaml

from bot.rasa_config import tracker_store_config, write_rasa_files
from bot.settings import Settings, SettingsError


def test_sqlite_url_becomes_rasa_sql_tracker_store(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "tracker.db"
    assert tracker_store_config(f"sqlite:///{db}") == {
        "type": "bot.tracker_store.PlainhealthTrackerStore",
        "dialect": "sqlite",
        "db": str(db),
    }
    assert db.parent.is_dir()


def test_postgresql_url_is_split_into_rasa_keys() -> None:
    config = tracker_store_config("postgresql://rasa:secret@127.0.0.1:5433/tracker")
    assert config == {
        "type": "bot.tracker_store.PlainhealthTrackerStore",
        "dialect": "postgresql",
        "db": "tracker",
        "url": "127.0.0.1",
        "port": 5433,
        "username": "rasa",
        "password": "secret",
    }


def test_not_a_url_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="TRACKER_STORE_URL"):
        tracker_store_config("not a url")


def test_written_files_point_at_the_configured_ports(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, action_port=5999)
    endpoints, credentials = write_rasa_files(settings)
    data = yaml.safe_load(endpoints.read_text())
    assert data["action_endpoint"]["url"] == "http://127.0.0.1:5999/webhook"
    assert data["tracker_store"]["db"] == str(tmp_path / "tracker.db")
    channels = yaml.safe_load(credentials.read_text())
    socketio = channels["bot.channels.socketio.ClinicSocketIOInput"]
    assert socketio["allowed_origins"] and socketio["emergency_number"]
    # Rasa's own open channels are gone: only the ones that check tokens, sessions and input.
    assert set(channels) == {"bot.channels.rest.IntegrationRestInput", "bot.channels.socketio.ClinicSocketIOInput"}
    assert "rest" not in channels and "socketio" not in channels


def test_shipped_pipeline_is_the_measured_winner() -> None:
    """docs/nlu.md reports the candidates' figures; the shipped pipeline must be the one chosen there."""
    root = Path(__file__).resolve().parents[1]
    shipped = yaml.safe_load((root / "config.yml").read_text())["pipeline"]
    winner = yaml.safe_load((root / "bench" / "pipelines" / "diet-light-crf-spelling.yml").read_text())["pipeline"]
    assert shipped == winner
    assert "diet-light-crf-spelling" in (root / "docs" / "nlu.md").read_text()


def test_widget_origins_come_from_the_clinic_the_settings_and_the_web_app(tmp_path) -> None:
    from bot.rasa_config import allowed_origins
    from bot.settings import Settings

    (tmp_path / "clinic.yml").write_text("allowed_origins: ['https://clinic.example/', 'https://clinic.example']\n")
    settings = Settings(
        content_dir=tmp_path, state_dir=tmp_path / "state", web_port=8123, allowed_origins=("http://localhost:9000",)
    )
    assert allowed_origins(settings) == ["https://clinic.example", "http://localhost:9000", "http://127.0.0.1:8123"]
    (tmp_path / "clinic.yml").write_text("allowed_origins: [unclosed\n")
    assert allowed_origins(settings) == ["http://localhost:9000", "http://127.0.0.1:8123"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_rasa_files_and_the_tracker_database_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        state = tmp_path / ".plainhealth"
        endpoints, credentials = write_rasa_files(Settings(state_dir=state))
        assert _mode(state) == 0o700 and _mode(endpoints) == 0o600 and _mode(credentials) == 0o600
        # Made empty and private before Rasa opens it, so SQLite gives its journal the same mode.
        assert _mode(state / "tracker.db") == 0o600
    finally:
        os.umask(old)


def test_an_open_state_folder_and_rasas_old_files_are_tightened(tmp_path: Path) -> None:
    state = tmp_path / ".plainhealth"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    for name in ("tracker.db", "tracker.db-journal", "endpoints.yml", "credentials.yml"):
        (state / name).write_bytes(b"")
        (state / name).chmod(0o644)
    write_rasa_files(Settings(state_dir=state))
    assert _mode(state) == 0o700
    assert [_mode(state / n) for n in ("tracker.db", "tracker.db-journal", "endpoints.yml", "credentials.yml")] == [
        0o600
    ] * 4
