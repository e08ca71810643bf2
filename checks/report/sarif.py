"""SARIF 2.1.0, with every rule's metadata and a stable fingerprint per finding."""

from __future__ import annotations

import json

from .. import __version__
from ..findings import Severity
from . import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "cadence": "error"}


def render(report: Report) -> str:
    codes = list(report.rules)
    rules = []
    for code, declared in report.rules.items():
        why, fix = declared.section("why"), declared.section("fix")
        rules.append(
            {
                "id": code,
                "name": declared.check.__name__,
                "shortDescription": {"text": declared.title},
                "fullDescription": {"text": declared.section("what") or declared.title},
                "help": {
                    "text": f"{why}\n\nHow to fix: {fix}",
                    "markdown": f"**Why an auditor cares.** {why}\n\n**How to fix.** {fix}",
                },
                "defaultConfiguration": {"level": _LEVEL[declared.severity]},
                "properties": {
                    "tags": ["iso20000", declared.family],
                    "clause": declared.clause,
                    "defaultSeverity": declared.severity,
                },
            }
        )
    results = []
    for finding in report.findings:
        result: dict[str, object] = {
            "ruleId": finding.rule,
            "level": "note" if finding.severity is Severity.WAIVED else finding.severity.value,
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {"brmFinding/v1": finding.fingerprint()},
            "properties": {"subject": finding.subject},
        }
        if finding.rule in report.rules:
            result["ruleIndex"] = codes.index(finding.rule)
        if finding.waiver:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": finding.waiver["reason"],
                    "location": {
                        "physicalLocation": {
                            "artifactLocation": {"uri": finding.waiver["path"], "uriBaseId": "%SRCROOT%"}
                        }
                    },
                }
            ]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "brm-evidence",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/brm-evidence/brm-evidence",
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True, "properties": {"asOf": report.as_of.isoformat()}}],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
