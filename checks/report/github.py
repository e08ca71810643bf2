"""GitHub Actions workflow commands (annotations on the diff) and a job-summary table."""

from __future__ import annotations

from ..findings import Severity
from . import Report

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.WAIVED: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        message = finding.message
        if finding.waiver:
            message += f" (waived until {finding.waiver['expires']}: {finding.waiver['reason']})"
        lines.append(
            f"::{_LEVEL[finding.severity]} file={_property(finding.path)},line={finding.line},"
            f"col={finding.column},title={_property(finding.rule)}::{_data(message)}"
        )
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(report: Report) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY."""
    verdict = "failed" if report.errors else "passed"
    out = [
        f"## BRM evidence check {verdict}",
        "",
        f"As of **{report.as_of.isoformat()}**: {report.summary_line()}.",
        "",
    ]
    if report.findings:
        out += ["| Severity | Rule | Location | Subject | Finding |", "| --- | --- | --- | --- | --- |"]
        for f in report.findings:
            out.append(
                f"| {f.severity} | {f.rule} | `{_cell(f.path)}:{f.line}` | {_cell(f.subject)} | {_cell(f.message)} |"
            )
    else:
        out.append("No findings.")
    return "\n".join(out) + "\n"
