"""One rule for the times privacy code stores and compares: aware, in UTC.

SQLite keeps a datetime as text without its offset, so a time in another zone would be stored as if it
were UTC and compared wrongly; every time that reaches a query goes through `as_utc` first.
"""

from __future__ import annotations

import datetime as dt


def as_utc(moment: dt.datetime | None = None) -> dt.datetime:
    """``moment`` in UTC (naive means UTC already); now when None."""
    if moment is None:
        return dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC, for exports and the API; None stays None."""
    return as_utc(moment).isoformat() if moment is not None else None
