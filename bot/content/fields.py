"""Reading one header's fields, turning each mistake into a problem an educator can fix.

A ``FieldReader`` never raises for bad content: it records a ``ContentProblem`` and returns a safe value,
so one pass reports every problem in a file instead of stopping at the first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.content.problems import ERROR, WARNING, ContentProblem
from bot.content.yaml_lines import Located

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FieldReader:
    def __init__(self, file: str, located: Located, guide: str, base: str = "") -> None:
        self.file = file
        self.located = located
        self.guide = guide  # which part of content/README.md explains this kind of file
        self.base = base  # path prefix inside the YAML ("teach_back[0]") for nested readers
        self.problems: list[ContentProblem] = []
        data = located.data
        for part in filter(None, re.split(r"\.|(?=\[)", base)):
            if isinstance(data, dict):
                data = data.get(part)
            elif isinstance(data, list) and part.startswith("["):
                index = int(part.strip("[]"))
                data = data[index] if index < len(data) else None
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}

    # -- problems ---------------------------------------------------------------------------------
    def path(self, name: str) -> str:
        return f"{self.base}.{name}" if self.base else name

    def line(self, name: str = "") -> int:
        return self.located.line(self.path(name) if name else self.base, default=1)

    def problem(
        self, name: str, message: str, fix: str, *, skip: bool = False, severity: str = ERROR, text: str = ""
    ) -> None:
        self.problems.append(
            ContentProblem(
                file=self.file,
                line=self.line(name),
                rule="format",
                field=self.path(name) if name else self.base,
                message=message,
                fix=f"{fix} See '{self.guide}' in content/README.md." if self.guide else fix,
                severity=severity,
                text=text,
                skipped=skip,
            )
        )

    def missing(self, name: str, what: str) -> None:
        self.problem(name, f"The field '{name}' is missing.", f"Add '{name}:' with {what}.", skip=True)

    # -- readers ----------------------------------------------------------------------------------
    def block(self, name: str, shape: type, what: str, how: str) -> Any:
        """A list or set of fields read as a whole; None (and a problem) when it is missing or the wrong shape."""
        value = self.data.get(name)
        if value is None:
            self.missing(name, what)
            return None
        if not isinstance(value, shape):
            noun = "list" if shape is list else "set of fields"
            self.problem(name, f"'{name}' must be a {noun}, not a {_kind(value)}.", how, skip=True)
            return None
        return value

    def text(self, name: str, what: str, *, required: bool = True, max_words: int | None = None) -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.missing(name, what)
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(name, f"'{name}' must be a piece of text, not a {_kind(value)}.", f"Write {what}.", skip=True)
            return ""
        value = value.strip()
        if max_words is not None and len(value.split()) > max_words:
            self.problem(
                name,
                f"'{name}' has {len(value.split())} words; the most is {max_words}.",
                "Make it shorter.",
                text=value,
            )
        return value

    def texts(
        self,
        name: str,
        what: str,
        *,
        required: bool = True,
        least: int = 0,
        most: int | None = None,
        skip_if_short: bool = False,
    ) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.missing(name, what)
            return ()
        if isinstance(value, str):
            value = [value] if value.strip() else []
        if not isinstance(value, list):
            self.problem(
                name, f"'{name}' must be a list, not a {_kind(value)}.", f"Write {what}, one per '- ' line.", skip=True
            )
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problem(
                    f"{name}[{index}]",
                    f"Item {index + 1} of '{name}' is not a piece of text.",
                    "Write each item as text after '- ' on its own line. Put text with a colon in quotes.",
                    skip=True,
                )
                continue
            items.append(item.strip())
        if len(items) < least:
            self.problem(
                name,
                f"'{name}' has {len(items)} item(s); it needs at least {least}.",
                f"Add {what}.",
                skip=skip_if_short,
            )
        if most is not None and len(items) > most:
            self.problem(name, f"'{name}' has {len(items)} items; the most is {most}.", "Keep the most useful ones.")
        return tuple(items)

    def date(self, name: str, today: dt.date | None) -> dt.date:
        value = self.data.get(name)
        if value is None:
            self.missing(name, "the date an educator must look at this again, like 2027-11-01")
            return dt.date.min
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if not isinstance(value, dt.date):
            self.problem(
                name,
                f"'{name}' is not a date: {value!r}.",
                "Write the date as year-month-day, like 2027-11-01.",
                skip=True,
            )
            return dt.date.min
        if today is not None and value < today:
            self.problem(
                name,
                f"The review date {value.isoformat()} has passed.",
                "Read the file again, check it against its sources, and set a new review date.",
                severity=WARNING,
            )
        return value

    def choice(self, name: str, choices: Sequence[str], what: str) -> str:
        value = self.text(name, what)
        if value and value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            self.problem(
                name,
                f"'{value}' is not a known {name.replace('_', ' ')}.{hint}",
                f"Use one of: {', '.join(choices)}.",
                skip=True,
            )
            return ""
        return value

    def identifier(self, expected: str) -> str:
        value = self.text("id", f"the file name without .md ({expected})")
        if not value:
            return ""
        if not ID_PATTERN.match(value):
            self.problem(
                "id",
                f"The id '{value}' has characters an id cannot have.",
                "Use lower-case letters, digits and dashes only, like type-2-diabetes.",
                skip=True,
            )
            return ""
        if value != expected:
            self.problem(
                "id",
                f"The id '{value}' does not match the file name '{expected}'.",
                f"Change the id to '{expected}', or rename the file to '{value}.md'.",
                skip=True,
            )
            return ""
        return value

    def unknown_fields(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.data:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"Did you mean '{close[0]}'?" if close else f"Known fields: {', '.join(known)}."
            self.problem(
                str(key), f"'{key}' is not a field this file can have.", f"{hint} Fix the name or remove the line."
            )
        if self.base:
            return  # repeated keys are reported once, by the reader of the whole header
        for path, line in self.located.duplicates:
            if True:
                self.problems.append(
                    ContentProblem(
                        file=self.file,
                        line=line,
                        rule="format",
                        field=path,
                        message=f"'{path}' appears twice; only the second one would be used.",
                        fix="Keep one of them and delete the other.",
                    )
                )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "set of fields"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__
