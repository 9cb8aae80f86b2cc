"""The deployment files (deploy/) name only settings that exist, and agree with each other."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT, Settings, variable

DEPLOY = PROJECT_ROOT / "deploy"
KNOWN = {variable(name) for name in Settings.__dataclass_fields__}


def settings_named(text: str) -> set[str]:
    return set(re.findall(r"PLAINHEALTH_[A-Z_]+", text))


def test_every_setting_the_deploy_files_name_exists() -> None:
    for path in DEPLOY.iterdir():
        unknown = settings_named(path.read_text()) - KNOWN
        assert not unknown, f"{path.name} names settings that do not exist: {sorted(unknown)}"


def test_the_compose_file_runs_two_rasa_servers_each_with_its_action_server_on_shared_stores() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    rasa = [name for name, s in services.items() if s.get("command") == ["--only", "rasa"]]
    actions = {name for name, s in services.items() if s.get("command") == ["--only", "actions"]}
    assert len(rasa) == 2
    for name in rasa:
        target = services[name]["environment"]["PLAINHEALTH_ACTION_SERVER_URL"]
        assert re.match(r"http://([\w-]+):5055/webhook", target).group(1) in actions
    env = dict(
        line.split("=", 1) for line in (DEPLOY / "production.env.example").read_text().splitlines() if "=" in line
    )
    assert env["PLAINHEALTH_LOCK_STORE_URL"].startswith("redis://")
    assert env["PLAINHEALTH_TRACKER_STORE_URL"].startswith("postgresql://")
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert all(f"server {name}:5005" in nginx for name in rasa)


def test_the_image_runs_plainhealth_with_telemetry_off() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "RASA_TELEMETRY_ENABLED=false" in dockerfile
    assert 'ENTRYPOINT ["/app/.venv/bin/plainhealth", "run"]' in dockerfile
    assert Path(PROJECT_ROOT / "scripts" / "install.sh").exists()
