"""SARIF 2.1.0, with every rule's metadata and a stable fingerprint per finding."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from .. import __version__
from ..findings import Severity
from . import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def uri(path: str) -> str:
    """A repository path as the relative URI SARIF asks for (``my review.md`` is ``my%20review.md``).

    A byte of a file name that is not UTF-8 already reads ``%XX`` (:func:`checks.findings.display`),
    which is how a URI writes it: it is kept, and any other ``%`` is escaped.
    """
    return quote(_BARE_PERCENT.sub("%25", path), safe="/%")


_LEVEL = {"error": "error", "warning": "warning", "cadence": "error"}
#: A finding's state against the base (``--base``), as SARIF names it: a fixed one is absent.
_BASELINE_STATE = {"new": "new", "unchanged": "unchanged", "fixed": "absent"}


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
    for finding in [*report.findings, *report.fixed]:
        result: dict[str, object] = {
            "ruleId": finding.rule,
            "level": "note" if finding.severity is Severity.WAIVED else finding.severity.value,
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(finding.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {"brmFinding/v1": finding.fingerprint()},
            "properties": {"subject": finding.subject},
        }
        if finding.rule in report.rules:
            result["ruleIndex"] = codes.index(finding.rule)
        if finding.baseline is not None:  # --base: what code scanning reads to tell new from existing
            result["baselineState"] = _BASELINE_STATE[finding.baseline]
        if finding.waiver:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": finding.waiver["reason"],
                    "location": {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(finding.waiver["path"]), "uriBaseId": "%SRCROOT%"}
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
