"""`path:line:col: CODE severity message`, one a line, then a summary; colour on a terminal."""

from __future__ import annotations

from ..findings import Finding, Severity
from . import Report

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.WAIVED: "\033[2m"}
_RESET = "\033[0m"


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """One finding a line. Against a base (``--base``), the new findings, then a count of the
    ones already on the base: ``verbose`` lists them and the fixed ones, and so does
    ``--fail-on any`` (where they fail the check)."""
    if report.base is None:
        lines = [_line(finding, colour) for finding in report.findings]
    else:
        lines = [_line(finding, colour) for finding in report.state("new")]
        unchanged = report.state("unchanged")
        if verbose or report.fail_on == "any":
            lines += [_line(finding, colour) + " (already on the base)" for finding in unchanged]
            lines += [_line(finding, colour, "fixed") for finding in report.fixed]
        elif unchanged:
            errors = sum(1 for finding in unchanged if finding.severity is Severity.ERROR)
            lines.append(
                f"not listed: {len(unchanged)} finding{'' if len(unchanged) == 1 else 's'} already on "
                f"{report.base}, {errors} of them error{'' if errors == 1 else 's'} (-v lists them)"
            )
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def _line(finding: Finding, colour: bool, severity: str | None = None) -> str:
    shown = severity or str(finding.severity)
    if colour and severity is None:
        shown = f"{_COLOURS[finding.severity]}{shown}{_RESET}"
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} {shown} {finding.message}"
    if finding.waiver:
        line += f" [waived by {finding.waiver['approved_by']} until {finding.waiver['expires']}]"
    return line
