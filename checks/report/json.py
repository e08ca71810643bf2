"""The JSON output contract of RULES.md."""

from __future__ import annotations

import json

from . import Report


def render(report: Report) -> str:
    summary: dict[str, object] = {
        "files": report.files,
        "errors": report.errors,
        "warnings": report.warnings,
        "waived": report.waived,
    }
    document: dict[str, object] = {
        "as_of": report.as_of.isoformat(),
        "root": report.root,
        "summary": summary,
        "findings": [finding.as_json() for finding in report.findings],
    }
    if report.base is not None:  # --base: each finding has its `baseline`; the base's fixed ones are listed
        summary["baseline"] = {
            "base": report.base,
            "new": len(report.state("new")),
            "new_errors": report.new_errors,
            "unchanged": len(report.state("unchanged")),
            "fixed": len(report.fixed),
            "fail_on": report.fail_on,
        }
        document["fixed"] = [finding.as_json() for finding in report.fixed]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
