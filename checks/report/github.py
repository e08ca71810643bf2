"""GitHub Actions workflow commands (annotations on the diff) and a job-summary table."""

from __future__ import annotations

from ..findings import Finding, Severity
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
        level = _LEVEL[finding.severity]
        if finding.waiver:
            message += f" (waived until {finding.waiver['expires']}: {finding.waiver['reason']})"
        if finding.baseline == "unchanged":  # --base: reported, but it is not what this change broke
            message += " (already on base)"
            if level == "error" and report.fail_on == "new":
                level = "warning"
        lines.append(
            f"::{level} file={_property(finding.path)},line={finding.line},"
            f"col={finding.column},title={_property(finding.rule)}::{_data(message)}"
        )
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(report: Report) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: against a base, a "New" table and the rest collapsed."""
    verdict = "failed" if report.failed else "passed"
    out = [
        f"## BRM evidence check {verdict}",
        "",
        f"As of **{report.as_of.isoformat()}**: {report.summary_line()}.",
        "",
    ]
    if report.base is None:
        out += _table(report.findings) if report.findings else ["No findings."]
        return "\n".join(out) + "\n"
    new, unchanged = report.state("new"), report.state("unchanged")
    out += [f"### New ({len(new)})", "", *(_table(new) if new else ["Nothing new."])]
    for title, findings in ((f"Already on {report.base}", unchanged), ("Fixed", report.fixed)):
        if findings:
            out += ["", f"<details><summary>{_cell(title)} ({len(findings)})</summary>", "", *_table(findings)]
            out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _table(findings: list[Finding]) -> list[str]:
    rows = ["| Severity | Rule | Location | Subject | Finding |", "| --- | --- | --- | --- | --- |"]
    for f in findings:
        rows.append(
            f"| {f.severity} | {f.rule} | `{_cell(f.path)}:{f.line}` | {_cell(f.subject)} | {_cell(f.message)} |"
        )
    return rows
