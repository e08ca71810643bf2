"""PRO001-PRO003 and COM001: the required procedures exist, are controlled and say enough."""

from __future__ import annotations

import json
from datetime import date

import pytest

from checks.rules.procedures import UNJUDGEABLE

from .conftest import BASE, MEDTECH, brm, check, write_repo

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
        "a missing acknowledgement target is PRO003's, not PRO001's",
        edit(COMPLAINTS, "acknowledgement: PT4H\n", ""),
        [],
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


# --- PRO003 -------------------------------------------------------------------------------

TIER = "    standard: {review_interval: P1M, survey_interval: P3M}\n"
TIER_LINE = BASE[BRM].split("\n").index(TIER.rstrip("\n")) + 1
POLICY_LINE = BASE[BRM].split("\n").index("policy:") + 1
TARGETS = "  satisfaction_targets: {csat: 85}\n"
TARGETS_LINE = BASE[BRM].split("\n").index(TARGETS.rstrip("\n")) + 1
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
CUSTOMERS = "registers/customers.yaml"

PRO003_CASES = [
    ("a complete policy passes", {}, []),
    ("a tier without survey interval fails", edit(BRM, TIER, "    standard: {review_interval: P1M}\n"), [TIER_LINE]),
    ("a tier without review interval fails", edit(BRM, TIER, "    standard: {survey_interval: P3M}\n"), [TIER_LINE]),
    ("a tier with neither fails twice", edit(BRM, TIER, "    standard: {}\n"), [TIER_LINE, TIER_LINE]),
    (
        "a second tier without intervals fails",
        edit(BRM, TIER, TIER + "    strategic: {review_interval: P3M}\n"),
        [TIER_LINE + 1],
    ),
    ("no satisfaction targets fails", edit(BRM, TARGETS, ""), [POLICY_LINE]),
    ("empty satisfaction targets fail", edit(BRM, TARGETS, "  satisfaction_targets: {}\n"), [TARGETS_LINE]),
    (
        "a score results declare without a target fails",
        {RESULT: BASE[RESULT].replace("scores: {csat: 88}", "scores: {csat: 88, nps: 12}")},
        [TARGETS_LINE],
    ),
    (
        "a score with its target passes",
        {
            RESULT: BASE[RESULT].replace("scores: {csat: 88}", "scores: {csat: 88, nps: 12}"),
            **edit(BRM, TARGETS, "  satisfaction_targets: {csat: 85, nps: 10}\n"),
        },
        [],
    ),
    ("complaint procedure without acknowledgement fails", edit(COMPLAINTS, "acknowledgement: PT4H\n", ""), [2]),
    ("complaint procedure without resolution target fails", edit(COMPLAINTS, "resolution_target: P10D\n", ""), [2]),
    ("a missing complaint procedure is PRO001's", {COMPLAINTS: None}, []),
    (
        "a missing policy block is PRO001's",
        {BRM: BASE[BRM].split("policy:\n")[0] + "---\n# Business relationship management\n"},
        [],
    ),
    ("missing tiers are PRO001's", edit(BRM, "  tiers:\n" + TIER, ""), []),
    (
        "an interval in the wrong form is BRM002's",
        edit(BRM, TIER, "    standard: {review_interval: fortnightly, survey_interval: P3M}\n"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "files", "lines"), PRO003_CASES, ids=[c[0] for c in PRO003_CASES])
def test_pro003_settings_no_check_can_do_without(repo, name, files, lines) -> None:
    found = only(repo(files), "PRO003")
    assert [(rule, severity, line) for rule, severity, _path, line in found] == [
        ("PRO003", "error", line) for line in lines
    ]


def test_pro003_names_what_is_missing_what_it_disables_and_whom(repo) -> None:
    files = {CUSTOMERS: BASE[CUSTOMERS] + MEDTECH, **edit(BRM, TIER, "    standard: {review_interval: P1M}\n")}
    [finding] = check(repo(files), select=("PRO003",))
    assert finding.subject == "brm-procedure"
    assert "tier standard" in finding.message and "`survey_interval`" in finding.message
    assert "SAT001" in finding.message and "RetailCo, MedTech" in finding.message


def test_pro003_a_customer_with_its_own_review_interval_is_still_judged(repo) -> None:
    own = BASE[CUSTOMERS].replace("tier: standard\n", "tier: standard\n  review_interval: P1M\n")
    files = {CUSTOMERS: own + MEDTECH, **edit(BRM, TIER, "    standard: {survey_interval: P3M}\n")}
    [finding] = check(repo(files), select=("PRO003",))
    assert "REV001" in finding.message and "(today: MedTech)" in finding.message


# The contract between PRO003 and the checks it names: each setting's check judges with
# it and is silent without it, and PRO003 then names that very check. A check that
# skipped silently on a setting PRO003 does not name would be a clean result that is
# "not checked".
LATE_COMPLAINT = (
    "- id: CMP-0001\n  customer: retailco\n  service: cloud-hosting\n  channel: service-portal\n"
    "  received: 2026-11-02T10:00:00+00:00\n  acknowledged: 2026-11-03T10:00:00+00:00\n"
    "  stage: investigation\n  escalations: []\n"
)
LOW_SCORE: dict[str, str | bytes | None] = {RESULT: BASE[RESULT].replace("scores: {csat: 88}", "scores: {csat: 80}")}
# setting -> (evidence on which its check fires, the judging date, the policy without the setting)
DISABLED: dict[str, tuple[dict[str, str | bytes | None], date, dict[str, str | bytes | None]]] = {
    "review_interval": ({}, date(2027, 1, 10), edit(BRM, TIER, "    standard: {survey_interval: P3M}\n")),
    "survey_interval": ({}, date(2027, 1, 16), edit(BRM, TIER, "    standard: {review_interval: P1M}\n")),
    "satisfaction_targets": (LOW_SCORE, date(2026, 11, 23), edit(BRM, TARGETS, "")),
    "acknowledgement": (
        {"registers/complaints.yaml": LATE_COMPLAINT},
        date(2026, 11, 23),
        edit(COMPLAINTS, "acknowledgement: PT4H\n", ""),
    ),
    "resolution_target": (
        {"registers/complaints.yaml": LATE_COMPLAINT},
        date(2026, 11, 23),
        edit(COMPLAINTS, "resolution_target: P10D\n", ""),
    ),
}


def test_pro003_covers_every_setting_it_declares() -> None:
    assert set(DISABLED) == set(UNJUDGEABLE)


@pytest.mark.parametrize("setting", sorted(DISABLED))
def test_pro003_names_the_check_that_goes_silent(tmp_path, setting) -> None:
    evidence, as_of, without = DISABLED[setting]
    code = UNJUDGEABLE[setting][0]
    judged = write_repo(tmp_path / "with", evidence)
    assert code in [f.rule for f in check(judged, as_of)], f"{code} should judge this evidence"
    unjudged = write_repo(tmp_path / "without", {**evidence, **without})
    findings = check(unjudged, as_of)
    assert code not in [f.rule for f in findings]
    [pro003] = [f for f in findings if f.rule == "PRO003"]
    assert code in pro003.message and f"`{setting}`" in pro003.message


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
