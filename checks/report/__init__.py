"""One small module per output format; each turns the same Report into text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..findings import Finding, Severity
from ..rules import Rule


@dataclass(frozen=True)
class Report:
    """Everything a formatter may show: the findings and what they were judged against."""

    as_of: date
    root: str
    files: int
    findings: list[Finding]
    rules: dict[str, Rule]

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

    def summary_line(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}, "
            f"{self.waived} waived in {plural(self.files, 'file')} (as of {self.as_of.isoformat()})"
        )
