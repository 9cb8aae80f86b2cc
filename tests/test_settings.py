from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_put_both_databases_in_the_state_folder(tmp_path: Path) -> None:
    s = Settings.from_env({"PLAINHEALTH_STATE_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'plainhealth.db'}"
    assert s.tracker_store_url == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert s.max_grade == 6.0


def test_environment_overrides_each_setting() -> None:
    s = Settings.from_env(
        {
            "PLAINHEALTH_RASA_PORT": "6005",
            "PLAINHEALTH_ACTION_PORT": "6055",
            "PLAINHEALTH_MAX_GRADE": "8",
            "PLAINHEALTH_DATABASE_URL": "postgresql://u:p@localhost/ph",
            "PLAINHEALTH_LOG_LEVEL": "info",
        }
    )
    assert (s.rasa_port, s.action_port, s.max_grade, s.log_level) == (6005, 6055, 8.0, "INFO")
    assert s.database_url == "postgresql://u:p@localhost/ph"
    assert s.action_endpoint_url == "http://127.0.0.1:6055/webhook"


def test_round_trip_through_the_environment(tmp_path: Path) -> None:
    s = Settings(
        state_dir=tmp_path,
        rasa_port=7001,
        action_port=7002,
        max_grade=7,
        reminder_hour=9,
        reminder_delay_seconds=5,
        date_order="dmy",
        print_link_hours=24,
        public_url="https://c.example",
    )
    assert Settings.from_env(s.to_env()) == s


def test_print_links_use_the_public_address_when_there_is_one() -> None:
    assert Settings(web_port=8123).web_url == "http://127.0.0.1:8123"
    assert (
        Settings.from_env({"PLAINHEALTH_PUBLIC_URL": "https://chat.clinic.example/"}).web_url
        == "https://chat.clinic.example"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLAINHEALTH_RASA_PORT", "five"),
        ("PLAINHEALTH_MAX_GRADE", "easy"),
        ("PLAINHEALTH_MAX_GRADE", "40"),
        ("PLAINHEALTH_REMINDER_HOUR", "25"),
        ("PLAINHEALTH_DATE_ORDER", "ymd"),
        ("PLAINHEALTH_PRINT_LINK_HOURS", "0"),
    ],
)
def test_bad_values_give_a_clear_message(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match="PLAINHEALTH_"):
        Settings.from_env({name: value})


def test_each_setting_is_declared_once_and_documented() -> None:
    """One field each: its variable, its parsing and its round trip come from the field; the README says what
    it does."""
    from dataclasses import fields

    from bot.settings import PROJECT_ROOT, variable

    readme = (PROJECT_ROOT / "README.md").read_text()
    values = {"bool": "1", "int": "7", "float": "7.5", "Path": "/tmp/x", "tuple[str, ...]": "https://a.example"}
    for item in fields(Settings):
        name = variable(item.name)
        assert f"`{name}`" in readme, f"{name} is not in the README's settings table"
        raw = values.get(str(item.type), "x")
        if item.name in {"date_order", "handoff_hours", "reminder_hour", "max_grade", "max_message_chars", "log_level"}:
            continue  # checked by their own rules above
        parsed = (
            Settings.from_env({name: raw}) if item.name not in {"staff_telegram_token", "staff_telegram_chat"} else None
        )
        if parsed is not None:
            assert Settings.from_env(parsed.to_env()) == parsed, name


def test_a_switch_takes_on_and_off_words_and_refuses_others() -> None:
    assert Settings.from_env({"PLAINHEALTH_TRUST_PROXY": "yes"}).trust_proxy is True
    assert Settings.from_env({"PLAINHEALTH_TRUST_PROXY": "0"}).trust_proxy is False
    with pytest.raises(SettingsError, match="PLAINHEALTH_TRUST_PROXY"):
        Settings.from_env({"PLAINHEALTH_TRUST_PROXY": "maybe"})
