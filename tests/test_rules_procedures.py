"""PRO001-PRO002 and COM001: the required procedures exist, are controlled and say enough."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE, brm, check

BRM = "procedures/business-relationship-management.md"
COMPLAINTS = "procedures/complaint-handling.md"
PLAN = "procedures/communication-plan.md"

# Every BASE procedure: `id` on line 2, `next_review` on line 8. The plan: `channels` on
# line 9, `communications` on line 10, `escalation_path` on line 12. BRM: `policy` on line 9.
TIERS = "  tiers:\n    standard: {review_interval: P1M, survey_interval: P3M}\n"
COMMUNICATION = (
    "  - {what: Monthly status report, audience: customer representatives, frequency: monthly, owner: alex-morgan}\n"
)


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def edit(path: str, old: str, new: str) -> dict[str, str | bytes | None]:
    text = BASE[path]
    assert old in text
    return {path: text.replace(old, new)}


def test_base_is_clean_for_procedures(repo) -> None:
    assert check(repo(), select=("PRO", "COM")) == []


# --- PRO001 -------------------------------------------------------------------------------

PRO001_CASES = [
    ("all three procedures pass", {}, []),
    ("missing complaint procedure fails", {COMPLAINTS: None}, [("PRO001", "error", "procedures", 1)]),
    ("missing communication plan fails", {PLAN: None}, [("PRO001", "error", "procedures", 1)]),
    (
        "a procedure with another id does not count",
        edit(BRM, "id: brm-procedure", "id: relationship-procedure"),
        [("PRO001", "error", "procedures", 1)],
    ),
    (
        "BRM procedure without policy fails",
        {BRM: BASE[BRM].split("policy:\n")[0] + "---\n# Business relationship management\n"},
        [("PRO001", "error", BRM, 2)],
    ),
    ("BRM policy without tiers fails", edit(BRM, TIERS, ""), [("PRO001", "error", BRM, 9)]),
    (
        "complaint procedure without escalation path fails",
        edit(COMPLAINTS, "escalation_path: [jordan-lee, alex-morgan, olivia-reid]\n", ""),
        [("PRO001", "error", COMPLAINTS, 2)],
    ),
    (
        "complaint procedure without acknowledgement target fails",
        edit(COMPLAINTS, "acknowledgement: PT4H\n", ""),
        [("PRO001", "error", COMPLAINTS, 2)],
    ),
    ("communication plan content is COM001's", edit(PLAN, "channels: [Service portal, Email]\n", ""), []),
]


@pytest.mark.parametrize(("name", "files", "expected"), PRO001_CASES, ids=[c[0] for c in PRO001_CASES])
def test_pro001_required_procedures_and_their_policy(repo, name, files, expected) -> None:
    assert only(repo(files), "PRO001") == expected


def test_pro001_missing_procedure_names_it_and_its_file(repo) -> None:
    [finding] = check(repo({COMPLAINTS: None}), select=("PRO001",))
    assert finding.subject == "complaint-handling"
    assert "procedures/complaint-handling.md" in finding.message


def test_pro001_names_every_missing_policy_field_once(repo) -> None:
    text = BASE[COMPLAINTS].replace("stages: [receipt, logging, investigation, resolution, feedback]\n", "")
    text = text.replace("escalation_path: [jordan-lee, alex-morgan, olivia-reid]\n", "")
    [finding] = check(repo({COMPLAINTS: text}), select=("PRO001",))
    assert "`stages`" in finding.message and "`escalation_path`" in finding.message
    assert "`business_hours`" not in finding.message


# --- PRO002 -------------------------------------------------------------------------------
# As of 2026-11-23, grace P14D.

PRO002_CASES = [
    ("controlled and in date passes", {}, []),
    (
        "missing approver is an error",
        edit(COMPLAINTS, "approved_by: olivia-reid\n", ""),
        [("PRO002", "error", COMPLAINTS, 2)],
    ),
    ("next_review on the as-of date is not late", edit(PLAN, "next_review: 2027-01-15", "next_review: 2026-11-23"), []),
    (
        "next_review passed yesterday is a warning",
        edit(PLAN, "next_review: 2027-01-15", "next_review: 2026-11-22"),
        [("PRO002", "warning", PLAN, 8)],
    ),
    (
        "next_review passed beyond grace is an error",
        edit(PLAN, "next_review: 2027-01-15", "next_review: 2026-11-08"),
        [("PRO002", "error", PLAN, 8)],
    ),
    (
        "a procedure beyond the three is controlled too",
        {"procedures/escalation.md": "---\nid: escalation\ntitle: Escalation\n---\n# Escalation\n"},
        [("PRO002", "error", "procedures/escalation.md", 2)],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), PRO002_CASES, ids=[c[0] for c in PRO002_CASES])
def test_pro002_document_control_and_review(repo, name, files, expected) -> None:
    assert only(repo(files), "PRO002") == expected


def test_pro002_names_the_missing_fields(repo) -> None:
    files = {"procedures/escalation.md": "---\nid: escalation\ntitle: Escalation\n---\n# Escalation\n"}
    [finding] = check(repo(files), select=("PRO002",))
    for name in ("`version`", "`owner`", "`approved_by`", "`approved`", "`next_review`"):
        assert name in finding.message
    assert "`title`" not in finding.message


# --- COM001 -------------------------------------------------------------------------------

COM001_CASES = [
    ("complete plan passes", {}, []),
    ("no channels fails", edit(PLAN, "channels: [Service portal, Email]", "channels: []"), [9]),
    ("channels missing fails", edit(PLAN, "channels: [Service portal, Email]\n", ""), [2]),
    (
        "communication without audience and frequency fails",
        edit(PLAN, COMMUNICATION, "  - {what: Monthly status report, owner: alex-morgan}\n"),
        [10],
    ),
    (
        "one complete communication among incomplete ones passes",
        edit(PLAN, COMMUNICATION, COMMUNICATION + "  - {what: Newsletter, owner: alex-morgan}\n"),
        [],
    ),
    ("empty communications fails", edit(PLAN, "communications:\n" + COMMUNICATION, "communications: []\n"), [10]),
    ("no escalation path fails", edit(PLAN, "escalation_path: [jordan-lee, alex-morgan, olivia-reid]\n", ""), [2]),
    (
        "one finding per gap",
        {PLAN: "---\nid: communication-plan\n---\n# Communication plan\n"},
        [2, 2, 2],
    ),
    ("missing plan is PRO001's, not COM001's", {PLAN: None}, []),
]


@pytest.mark.parametrize(("name", "files", "lines"), COM001_CASES, ids=[c[0] for c in COM001_CASES])
def test_com001_communication_plan(repo, name, files, lines) -> None:
    assert only(repo(files), "COM001") == [("COM001", "error", PLAN, line) for line in lines]


# --- documentation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "clause"), [("PRO001", "8.3.2, 7.5.3"), ("PRO002", "8.3.2, 7.5.3"), ("COM001", "8.3.2")]
)
def test_rule_documentation_has_four_sections(code, clause) -> None:
    result = brm("rules", code)
    assert result.returncode == 0, result.stderr
    for heading in ("Why an auditor cares:", "How to fix:", "Example:", "Fails:", "Passes:"):
        assert heading in result.stdout
    assert f"clause {clause})" in result.stdout
    sections = json.loads(brm("rules", code, "--format", "json").stdout)
    assert all(sections[part].strip() for part in ("title", "what", "why", "fix", "example"))
