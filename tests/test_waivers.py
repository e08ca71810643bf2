"""Waivers: a waived finding is still reported (severity "waived"), but does not fail the check."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE, brm, dedent

ACTIONS = BASE["registers/actions.yaml"]
WAIVERS = "registers/waivers.yaml"
REVIEW = "reviews/2026/2026-11-10-retailco.md"
#: ACT-0001 overdue past grace: an ACT003 error at line 7 of the tracker as of 2026-11-23.
OVERDUE = {"registers/actions.yaml": ACTIONS.replace("due: 2026-12-15", "due: 2026-11-01")}
REASON = "RetailCo paused the capacity report during their data-centre migration; agreed in writing."


def waiver(rule: str = "ACT003", subject: str = "ACT-0001", expires: str = "2026-12-31", approved: str = "2026-11-02"):
    return dedent(
        f"""
        - rule: {rule}
          subject: {subject}
          reason: {REASON}
          approved_by: olivia-reid
          approved: {approved}
          expires: {expires}
        """
    )


def run_json(root, *extra: str):
    # ACT and BRM only: the overdue action, and the waiver register's own schema and references.
    result = brm("check", str(root), "--as-of", "2026-11-23", "--select", "ACT,BRM", *extra)
    return result, (json.loads(result.stdout) if "json" in extra else None)


def test_waived_finding_is_reported_with_its_waiver_and_does_not_fail(repo) -> None:
    root = repo({**OVERDUE, WAIVERS: waiver()})
    result, report = run_json(root, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["summary"] == {"files": 14, "errors": 0, "warnings": 0, "waived": 1}
    [finding] = report["findings"]
    assert {k: finding[k] for k in ("rule", "severity", "path", "line", "subject")} == {
        "rule": "ACT003",
        "severity": "waived",
        "path": "registers/actions.yaml",
        "line": 7,
        "subject": "ACT-0001",
    }
    assert finding["waiver"] == {
        "reason": REASON,
        "approved_by": "olivia-reid",
        "approved": "2026-11-02",
        "expires": "2026-12-31",
        "path": WAIVERS,
    }


def test_without_the_waiver_the_same_finding_fails(repo) -> None:
    result, report = run_json(repo(OVERDUE), "--format", "json")
    assert result.returncode == 1
    assert [(f["rule"], f["severity"], f["subject"]) for f in report["findings"]] == [("ACT003", "error", "ACT-0001")]
    assert "waiver" not in report["findings"][0]


def test_waiver_applies_on_its_expiry_date(repo) -> None:
    result, report = run_json(repo({**OVERDUE, WAIVERS: waiver(expires="2026-11-23")}), "--format", "json")
    assert result.returncode == 0
    assert [f["severity"] for f in report["findings"]] == ["waived"]


def test_expired_waiver_no_longer_applies_and_says_so(repo) -> None:
    result, report = run_json(repo({**OVERDUE, WAIVERS: waiver(expires="2026-11-22")}), "--format", "json")
    assert result.returncode == 1
    [finding] = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("ACT003", "error")
    assert "waiver" not in finding
    assert "the waiver for this finding expired on 2026-11-22" in finding["message"]
    assert f"renew it in {WAIVERS}" in finding["message"]


def test_renewed_waiver_wins_over_the_expired_one(repo) -> None:
    renewed = waiver(expires="2026-11-22") + waiver(expires="2027-01-31", approved="2026-11-20")
    result, report = run_json(repo({**OVERDUE, WAIVERS: renewed}), "--format", "json")
    assert result.returncode == 0, result.stdout
    [finding] = report["findings"]
    assert finding["severity"] == "waived"
    assert finding["waiver"]["expires"] == "2027-01-31"


@pytest.mark.parametrize(
    ("rule", "subject"),
    [("ACT003", "ACT-0002"), ("ACT004", "ACT-0001"), ("ACT003", "registers/complaints.yaml")],
    ids=["another subject", "another rule", "another path"],
)
def test_waiver_for_something_else_does_not_apply(repo, rule, subject) -> None:
    result, report = run_json(repo({**OVERDUE, WAIVERS: waiver(rule=rule, subject=subject)}), "--format", "json")
    assert result.returncode == 1
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("ACT003", "error")]
    assert "expired" not in report["findings"][0]["message"]


def test_waiver_may_name_the_path_of_the_finding(repo) -> None:
    minutes = {REVIEW: BASE[REVIEW] + "- [ ] Send Sam the revised SLA\n"}
    result, report = run_json(repo({**minutes, WAIVERS: waiver(rule="ACT001", subject=REVIEW)}), "--format", "json")
    assert result.returncode == 0, result.stdout
    assert [(f["rule"], f["severity"], f["path"]) for f in report["findings"]] == [("ACT001", "waived", REVIEW)]


def test_sarif_carries_a_suppression(repo) -> None:
    result, _ = run_json(repo({**OVERDUE, WAIVERS: waiver()}), "--format", "sarif")
    assert result.returncode == 0
    [sarif_result] = json.loads(result.stdout)["runs"][0]["results"]
    assert sarif_result["ruleId"] == "ACT003"
    assert sarif_result["level"] == "note"
    assert sarif_result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": REASON,
            "location": {"physicalLocation": {"artifactLocation": {"uri": WAIVERS, "uriBaseId": "%SRCROOT%"}}},
        }
    ]


def test_sarif_expired_waiver_is_not_a_suppression(repo) -> None:
    result, _ = run_json(repo({**OVERDUE, WAIVERS: waiver(expires="2026-11-22")}), "--format", "sarif")
    assert result.returncode == 1
    [sarif_result] = json.loads(result.stdout)["runs"][0]["results"]
    assert sarif_result["level"] == "error"
    assert "suppressions" not in sarif_result


def test_text_output_names_the_waiver(repo) -> None:
    result, _ = run_json(repo({**OVERDUE, WAIVERS: waiver()}))
    assert result.returncode == 0
    assert "registers/actions.yaml:7:3: ACT003 waived" in result.stdout
    assert "[waived by olivia-reid until 2026-12-31]" in result.stdout
    assert result.stdout.strip().endswith("0 errors, 0 warnings, 1 waived in 14 files (as of 2026-11-23)")
