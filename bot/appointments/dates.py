"""Reading the day of a visit from what a patient types: "tomorrow", "next Tuesday", "3 March", "12/5".

Rasa's own date extractor needs a Duckling server, which this machine cannot download or run offline, so
the common ways people name a day are read here. The answer is always echoed back as a full date ("Tuesday
3 March"), so a patient can correct a misreading; anything unclear is asked again, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.text import CARDINALS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _name in enumerate(WEEKDAYS):
    for _short in {_name, _name[:3], _name[:4], _name + "s"}:
        _WEEKDAY_WORDS[_short] = _index
_WEEKDAY_WORDS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_WORDS: dict[str, int] = {}
for _index, _name in enumerate(MONTHS, start=1):
    _MONTH_WORDS[_name] = _index
    _MONTH_WORDS[_name[:3]] = _index
_MONTH_WORDS.update({"sept": 9})

_NUMBER_WORDS = {"a": 1, "an": 1, **CARDINALS, "couple of": 2, "few": 3}

_SKIP = re.compile(
    r"^(skip|no|nope|not sure|unsure|don'?t know|dont know|i don'?t know( yet)?|no date|no idea|"
    r"not yet|i'?m not sure|later|dunno|idk|none)\b"
)

MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class DateAnswer:
    """What a patient's words said about the day: a date, or why there is none.

    status: "ok" (date set), "skip" (they do not know or do not want to say), "past", "too_far", "vague"
    (a week or month but no day), or "none" (no day found in the words).
    """

    status: str
    date: dt.date | None = None


def _clean(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[,.!?;]", " ", text)
    return " ".join(text.split())


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _build(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _day_month(day: int, month: int, year: int | None, today: dt.date) -> dt.date | None:
    """A day and month with no year means the next one to come (3 March said in November is next March)."""
    if year is not None:
        if year < 100:
            year += 2000
        return _build(year, month, day)
    found = _build(today.year, month, day)
    if found is None:
        found = _build(today.year + 1, month, day)  # 29 February
        return found
    if found < today:
        found = _build(today.year + 1, month, day)
    return found


def _find(text: str, today: dt.date, day_first: bool) -> dt.date | str | None:
    """The day the words name, "vague"/"past" markers, or None."""
    if re.search(r"\b(yesterday|last (week|month|year|mon|tue|wed|thu|fri|sat|sun)\w*|ago)\b", text):
        return "past"
    if re.search(r"\b(day after (tomorrow|tmrw|tomorow|tommorow|tmr)|overmorrow)\b", text):
        return today + dt.timedelta(days=2)
    if re.search(r"\b(tomorrow|tmrw|tomorow|tommorow|tomorrw|tmr|tomoro|2moro|2morrow)\b", text):
        return today + dt.timedelta(days=1)
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return today
    match = re.search(
        r"\bin (\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"couple of|few) (day|week|month)s?\b",
        text,
    )
    if match:
        count = _number(match.group(1)) or 0
        unit = match.group(2)
        if unit == "day":
            return today + dt.timedelta(days=count)
        if unit == "week":
            return today + dt.timedelta(weeks=count) if count else None
        return "vague"
    # ISO: 2026-12-03
    match = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if match:
        return _build(int(match.group(1)), int(match.group(2)), int(match.group(3))) or "bad"
    # Numbers with slashes: 3/12 or 3/12/2027, read in the clinic's order.
    match = re.search(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b", text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        day, month = (first, second) if day_first else (second, first)
        year = int(match.group(3)) if match.group(3) else None
        return _day_month(day, month, year, today) or "bad"
    month_names = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
    ordinal = r"(\d{1,2})(?:st|nd|rd|th)?"
    # 3 March, 3rd of March, 3 March 2027
    match = re.search(rf"\b{ordinal}(?: of)? ({month_names})\b(?: (\d{{4}}))?", text)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        return _day_month(int(match.group(1)), _MONTH_WORDS[match.group(2)], year, today) or "bad"
    # March 3, March 3rd, March 3 2027
    match = re.search(rf"\b({month_names}) (?:the )?{ordinal}\b(?: (\d{{4}}))?", text)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        return _day_month(int(match.group(2)), _MONTH_WORDS[match.group(1)], year, today) or "bad"
    # Weekdays: "friday", "on fri", "this tuesday", "next tuesday" (the next one to come; echoed back).
    # Short forms ("sat", "sun", "wed") count only after "on", "this", "next" or alone: they are words too.
    for word in re.findall(r"[a-z]+", text):
        if word in _WEEKDAY_WORDS and (
            len(word) > 3 or re.search(rf"\b(on|this|next|coming) {word}\b", text) or text == word
        ):
            ahead = (_WEEKDAY_WORDS[word] - today.weekday()) % 7 or 7
            return today + dt.timedelta(days=ahead)
    # "the 15th", "on the 3rd": the next time that day of the month comes round.
    match = re.search(r"\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b", text)
    if match:
        day = int(match.group(1))
        for offset in range(0, 3):
            month = (today.month - 1 + offset) % 12 + 1
            year = today.year + (today.month - 1 + offset) // 12
            candidate = _build(year, month, day)
            if candidate and candidate >= today:
                return candidate
        return "bad"
    if re.search(r"\b(next|this|coming) (week|month|year)\b|\b(soon|later this|end of the)\b", text):
        return "vague"
    if any(month in text.split() for month in MONTHS if month != "may"):
        return "vague"
    return None


def parse_date(text: str, today: dt.date, day_first: bool = False) -> DateAnswer:
    """Read a visit day from free text, relative to the clinic's today."""
    cleaned = _clean(text)
    if not cleaned:
        return DateAnswer("none")
    found = _find(cleaned, today, day_first)
    if found is None:
        return DateAnswer("skip") if _SKIP.match(cleaned) else DateAnswer("none")
    if found == "past":
        return DateAnswer("past")
    if found == "vague":
        return DateAnswer("vague")
    if found == "bad" or not isinstance(found, dt.date):
        return DateAnswer("none")
    if found < today:
        return DateAnswer("past", found)
    if (found - today).days > MAX_DAYS_AHEAD:
        return DateAnswer("too_far", found)
    return DateAnswer("ok", found)


def say_date(day: dt.date, today: dt.date) -> str:
    """A date the way people say it: "Tuesday 3 March", with the year only when it is not this year."""
    text = f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {MONTHS[day.month - 1].capitalize()}"
    if day.year != today.year:
        text += f" {day.year}"
    if day == today:
        return f"today, {text}"
    if day == today + dt.timedelta(days=1):
        return f"tomorrow, {text}"
    return text
