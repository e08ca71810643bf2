"""The JSON output contract of RULES.md."""

from __future__ import annotations

import json

from . import Report


def render(report: Report) -> str:
    document = {
        "as_of": report.as_of.isoformat(),
        "root": report.root,
        "summary": {
            "files": report.files,
            "errors": report.errors,
            "warnings": report.warnings,
            "waived": report.waived,
        },
        "findings": [finding.as_json() for finding in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
