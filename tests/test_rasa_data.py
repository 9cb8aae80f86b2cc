"""`rasa data validate` must pass on the project's domain, data and config, with warnings as failures."""

import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings
from bot.training import rasa_domain


def test_rasa_data_validate_is_clean(tmp_path: Path) -> None:
    domain = rasa_domain(Settings(state_dir=tmp_path))  # domain.yml and the clinic's emergency responses
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            str(domain),
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
