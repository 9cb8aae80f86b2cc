"""Consent to the privacy note (bot/records/consent.py), and migration 0008 against the models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.records.consent import consent_of, record_consent
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import Base

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_the_latest_acceptance_is_the_one_that_counts(db: Database) -> None:
    assert consent_of(db, "p1") is None
    record_consent(db, "p1", "2026-11", "socketio", NOW)
    record_consent(db, "p1", "2026-12", "telegram", NOW + dt.timedelta(days=3))
    record_consent(db, "p2", "2026-11", "rest", NOW)
    assert consent_of(db, "p1") == ("2026-12", NOW + dt.timedelta(days=3))
    assert consent_of(db, "p2") == ("2026-11", NOW)


def test_times_in_other_zones_are_kept_as_the_same_moment(db: Database) -> None:
    new_york = dt.timezone(dt.timedelta(hours=-5))
    record_consent(db, "p1", "v1", "rest", NOW.astimezone(new_york))
    assert consent_of(db, "p1") == ("v1", NOW)


def test_a_version_is_needed(db: Database) -> None:
    with pytest.raises(ValueError):
        record_consent(db, "p1", "  ", "rest", NOW)


def test_migration_0008_makes_the_tables_the_models_describe(tmp_path: Path) -> None:
    mine = {"access_audit", "consent", "erasure_request"}

    def only_mine(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        return (name if kind == "table" else getattr(getattr(item, "table", None), "name", None)) in mine

    def differences(db: Database) -> list[object]:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": only_mine})
            return list(compare_metadata(context, Base.metadata))

    db = Database(f"sqlite:///{tmp_path / 'app.db'}")
    upgrade(db.engine, "0007")
    missing = [d[1].name for d in differences(db) if isinstance(d, tuple) and d[0] == "add_table"]  # type: ignore[attr-defined]
    assert sorted(missing) == sorted(mine)  # the check does see the tables missing before 0008
    db.migrate()
    assert differences(db) == []
    db.dispose()
