"""Finding and Severity: what every stage after the reader speaks in."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

_LINE_NUMBERS = re.compile(r"\b(lines?) \d+(?:[-–]\d+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")


def display(text: str) -> str:
    """``text`` as it can be written in UTF-8, in every output format.

    A file name that is not UTF-8 reaches Python with each bad byte kept as a lone
    surrogate (``surrogateescape``); it is shown as that byte percent-encoded
    (``reviews/caf%E9.md``), as a URL would. Any other lone surrogate becomes U+FFFD.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"%{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


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
    # Set by `brm check --base`: new, unchanged (already on the base) or fixed (see checks.baseline).
    baseline: str | None = field(default=None, compare=False)
    # For a time-based finding: the date the evidence was due by (a cadence rule's ``Breach.due``).
    due: date | None = field(default=None, compare=False)

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

    def displayable(self) -> Finding:
        """The finding with every text writable as UTF-8 (see :func:`display`)."""
        texts = (self.path, self.subject, self.message)
        if all(t.isascii() for t in texts) and self.waiver is None:
            return self
        waiver = {k: display(v) for k, v in self.waiver.items()} if self.waiver is not None else None
        return replace(
            self, path=display(self.path), subject=display(self.subject), message=display(self.message), waiver=waiver
        )

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
        if self.baseline is not None:
            out["baseline"] = self.baseline
        if self.due is not None:
            out["due"] = self.due.isoformat()
        return out
