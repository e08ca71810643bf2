"""Finding and Severity: what every stage after the reader speaks in."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

_LINE_NUMBERS = re.compile(r"\b(lines?) \d+(?:[-–]\d+)?")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    WAIVED = "waived"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Location:
    """Where something stands in the repository: a POSIX path relative to the root."""

    path: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    subject: str
    message: str
    # Filled in for waived findings: the waiver's reason, approver and expiry.
    waiver: dict[str, str] | None = field(default=None, compare=False)

    @property
    def family(self) -> str:
        return self.rule[:3]

    def fingerprint(self) -> str:
        """Stable across runs and line moves: rule, path, subject and message."""
        # A message may cite another line ("first at line 4"); that number moves with the file.
        message = _LINE_NUMBERS.sub(r"\1 N", self.message)
        text = "\x1f".join((self.rule, self.path, self.subject, message))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "subject": self.subject,
            "message": self.message,
        }
        if self.waiver is not None:
            out["waiver"] = self.waiver
        return out
