"""Problems found in content, phrased for the educator who has to fix them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in one place.

    ``skipped`` is true when the problem is bad enough that the assistant leaves the whole file out at
    run time (a broken header, a missing field): patients never see half a module.
    """

    file: str
    line: int
    rule: str
    message: str
    fix: str
    field: str = ""
    severity: str = ERROR
    text: str = ""
    grade: float | None = None
    skipped: bool = False

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
