"""The production profile for tests: bot/local_services.py's stores and nodes, skipped with the reason when
PostgreSQL or Redis cannot run here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.local_services import Backing, ServiceUnavailable


def start_backing(folder: Path) -> Backing:
    try:
        return Backing.start(folder)
    except ServiceUnavailable as error:
        pytest.skip(f"production profile not tested: {error}")
