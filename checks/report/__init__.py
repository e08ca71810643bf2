"""One small module per output format; each turns the same Report into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..findings import Finding, Severity

if TYPE_CHECKING:  # findings kept from an earlier check are reported without importing a rule
    from ..rules import Rule


@dataclass(frozen=True)
class Report:
    """Everything a formatter may show: the findings and what they were judged against."""

    as_of: date
    root: str
    files: int
    findings: list[Finding]
    rules: dict[str, Rule]  # the catalogue a format describes (SARIF's); the others name only codes
    #: ``brm check --base``: what the findings were compared with (each has its ``baseline``
    #: state, new or unchanged), the base's findings that are gone, and what fails the check.
    base: str | None = None
    fixed: list[Finding] = field(default_factory=list)
    fail_on: str = "any"  # any error, or only new ones

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def waived(self) -> int:
        return self.count(Severity.WAIVED)

    def state(self, baseline: str) -> list[Finding]:
        """The findings that are new, or unchanged (already on the base)."""
        return [f for f in self.findings if f.baseline == baseline]

    @property
    def new_errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR and f.baseline == "new")

    @property
    def failed(self) -> bool:
        """Exit 1: an error, or with ``--fail-on new`` a new error."""
        return bool(self.new_errors if self.fail_on == "new" else self.errors)

    def summary_line(self) -> str:
        line = (
            f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')}, "
            f"{self.waived} waived in {_plural(self.files, 'file')} (as of {self.as_of.isoformat()})"
        )
        if self.base is None:
            return line
        new_warnings = sum(1 for f in self.state("new") if f.severity is Severity.WARNING)
        return (
            f"{line}; against {self.base}: {_plural(self.new_errors, 'new error')}, "
            f"{_plural(new_warnings, 'new warning')}, {len(self.state('unchanged'))} already on the base, "
            f"{len(self.fixed)} fixed"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
