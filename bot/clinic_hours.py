"""Is the clinic open now, and when does it open next? From the clinic profile's opening hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class OpeningStatus:
    open_now: bool
    next_opening: str  # in words, e.g. "on Monday at 08:00" or "today at 13:00"; "" when open


def parse_range(value: str) -> tuple[time, time]:
    start, end = (part.strip() for part in value.split("-", 1))
    return time.fromisoformat(start), time.fromisoformat(end)


def opening_status(hours: dict[str, str], timezone: str, now: datetime | None = None) -> OpeningStatus:
    zone = ZoneInfo(timezone)
    local = (now or datetime.now(zone)).astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        name = DAYS[day.weekday()]
        if name not in hours:
            continue
        start, end = parse_range(hours[name])
        if offset == 0 and start <= local.time() < end:
            return OpeningStatus(True, "")
        if offset == 0 and local.time() < start:
            return OpeningStatus(False, f"today at {start:%H:%M}")
        if offset == 1:
            return OpeningStatus(False, f"tomorrow at {start:%H:%M}")
        if offset > 1:
            return OpeningStatus(False, f"on {name.capitalize()} at {start:%H:%M}")
    return OpeningStatus(False, "when the clinic sets its hours")
