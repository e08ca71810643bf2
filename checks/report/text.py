"""`path:line:col: CODE severity message`, one a line, then a summary; colour on a terminal."""

from __future__ import annotations

from ..findings import Severity
from . import Report

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.WAIVED: "\033[2m"}
_RESET = "\033[0m"


def render(report: Report, colour: bool = False) -> str:
    lines = []
    for finding in report.findings:
        severity = str(finding.severity)
        if colour:
            severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
        line = f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} {severity} {finding.message}"
        if finding.waiver:
            line += f" [waived by {finding.waiver['approved_by']} until {finding.waiver['expires']}]"
        lines.append(line)
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"
