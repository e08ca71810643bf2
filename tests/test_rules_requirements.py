"""SVC001-SVC002 and REQ001-REQ004: services have customers and owners; requirements are agreed before they apply."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE, brm, check

CUSTOMERS = "registers/customers.yaml"
SERVICES = "registers/services.yaml"
REQUIREMENTS = "registers/requirements/retailco--cloud-hosting.yaml"
PROCEDURE = "procedures/business-relationship-management.md"

# BASE requirements: approvals on line 6, sam-patel's `by` on line 7, priya-shah's on line 9,
# `effective` on line 4, `confirm_by` on line 11. BASE customers: sam-patel `since` on line 15.
APPROVALS = "approvals:\n  - by: sam-patel\n    on: 2026-03-20\n  - by: priya-shah\n    on: 2026-03-18\n"
BACKUP = "- id: backup\n  name: Backup\n  owner: priya-shah\n  in_scope: true\n"


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def requirements(old: str, new: str) -> dict[str, str | bytes | None]:
    text = BASE[REQUIREMENTS]
    assert old in text
    return {REQUIREMENTS: text.replace(old, new)}


def customers(old: str, new: str) -> str:
    text = BASE[CUSTOMERS]
    assert old in text
    return text.replace(old, new)


def test_base_is_clean_for_services_and_requirements(repo) -> None:
    assert check(repo(), select=("SVC", "REQ")) == []


# --- SVC001 -------------------------------------------------------------------------------

SVC001_CASES = [
    ("consumed service passes", {}, []),
    ("in-scope service nobody consumes fails", {SERVICES: BASE[SERVICES] + BACKUP}, [("SVC001", "error", SERVICES, 5)]),
    (
        "in_scope omitted means in scope",
        {SERVICES: BASE[SERVICES] + BACKUP.replace("  in_scope: true\n", "")},
        [("SVC001", "error", SERVICES, 5)],
    ),
    (
        "out-of-scope service without customers passes",
        {SERVICES: BASE[SERVICES] + BACKUP.replace("in_scope: true", "in_scope: false")},
        [],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), SVC001_CASES, ids=[c[0] for c in SVC001_CASES])
def test_svc001_in_scope_service_has_a_customer(repo, name, files, expected) -> None:
    assert only(repo(files), "SVC001") == expected


# --- SVC002 -------------------------------------------------------------------------------

SVC002_CASES = [
    ("owned service passes", BASE[SERVICES], []),
    (
        "service without owner fails",
        BASE[SERVICES].replace("  owner: priya-shah\n", ""),
        [("SVC002", "error", SERVICES, 1)],
    ),
    (
        "out-of-scope service still needs an owner",
        BASE[SERVICES] + BACKUP.replace("  owner: priya-shah\n", "").replace("true", "false"),
        [("SVC002", "error", SERVICES, 5)],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), SVC002_CASES, ids=[c[0] for c in SVC002_CASES])
def test_svc002_service_has_an_owner(repo, name, text, expected) -> None:
    assert only(repo({SERVICES: text}), "SVC002") == expected


def test_svc002_missing_owner_is_not_also_reported_as_missing_owner_approval(repo) -> None:
    root = repo({SERVICES: BASE[SERVICES].replace("  owner: priya-shah\n", "")})
    assert only(root, "REQ002") == []


# --- REQ001 -------------------------------------------------------------------------------

CONSUMES_BACKUP = customers(
    "      user_groups: [Platform Engineering]\n",
    "      user_groups: [Platform Engineering]\n    - service: backup\n      user_groups: [Finance]\n",
)
BACKUP_REQUIREMENTS = (
    BASE[REQUIREMENTS].replace("service: cloud-hosting", "service: backup").replace("ch-v2.1", "backup-v1")
)

REQ001_CASES = [
    ("requirements for every consumed service pass", {}, []),
    (
        "consumed service without requirements fails",
        {SERVICES: BASE[SERVICES] + BACKUP, CUSTOMERS: CONSUMES_BACKUP},
        [("REQ001", "error", CUSTOMERS, 8)],
    ),
    (
        "requirements record added passes",
        {
            SERVICES: BASE[SERVICES] + BACKUP,
            CUSTOMERS: CONSUMES_BACKUP,
            "registers/requirements/retailco--backup.yaml": BACKUP_REQUIREMENTS,
        },
        [],
    ),
    (
        "requirements file removed fails",
        {REQUIREMENTS: None},
        [("REQ001", "error", CUSTOMERS, 6)],
    ),
    (
        "unknown service is BRM003's, not REQ001's",
        {CUSTOMERS: CONSUMES_BACKUP},
        [],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), REQ001_CASES, ids=[c[0] for c in REQ001_CASES])
def test_req001_consumed_service_has_requirements(repo, name, files, expected) -> None:
    assert only(repo(files), "REQ001") == expected


def test_req001_message_names_the_file_to_add(repo) -> None:
    [finding] = check(repo({REQUIREMENTS: None}), select=("REQ001",))
    assert finding.subject == "retailco"
    assert "registers/requirements/retailco--cloud-hosting.yaml" in finding.message


# --- REQ002 -------------------------------------------------------------------------------

LUCY = (
    "    - id: lucy-brennan\n"
    "      name: Lucy Brennan\n"
    "      email: lucy.brennan@retailco.example\n"
    "      authority: [agree-requirements]\n"
    "      since: 2025-01-10\n"
)
SAM_REVIEWS_ONLY = customers("[agree-requirements, review-performance]", "[review-performance]")

REQ002_CASES = [
    ("representative with authority and the owner pass", {}, []),
    (
        "approval before the representative's since date fails",
        {CUSTOMERS: customers("since: 2025-01-10", "since: 2026-04-01")},
        [("REQ002", "error", REQUIREMENTS, 7)],
    ),
    (
        "approval on the since date passes",
        {CUSTOMERS: customers("since: 2025-01-10", "since: 2026-03-20")},
        [],
    ),
    (
        "approval by a representative without agree-requirements fails",
        {CUSTOMERS: SAM_REVIEWS_ONLY},
        [("REQ002", "error", REQUIREMENTS, 7)],
    ),
    (
        "authority split: approval by the representative who holds it passes",
        {
            CUSTOMERS: SAM_REVIEWS_ONLY + LUCY,
            **requirements("by: sam-patel", "by: lucy-brennan"),
        },
        [],
    ),
    (
        "approval by a representative who covers another service fails",
        {
            SERVICES: BASE[SERVICES] + BACKUP,
            CUSTOMERS: customers("      since: 2025-01-10\n", "      services: [backup]\n      since: 2025-01-10\n"),
        },
        [("REQ002", "error", REQUIREMENTS, 7)],
    ),
    (
        "no service owner approval fails",
        requirements("  - by: priya-shah\n    on: 2026-03-18\n", ""),
        [("REQ002", "error", REQUIREMENTS, 6)],
    ),
    (
        "approval by other staff is not the owner's",
        requirements("by: priya-shah", "by: alex-morgan"),
        [("REQ002", "error", REQUIREMENTS, 6)],
    ),
    (
        "no customer approval fails",
        requirements("  - by: sam-patel\n    on: 2026-03-20\n", ""),
        [("REQ002", "error", REQUIREMENTS, 6)],
    ),
    (
        "one finding per missing approval",
        requirements(APPROVALS, "approvals:\n  - by: alex-morgan\n    on: 2026-03-20\n"),
        [("REQ002", "error", REQUIREMENTS, 6), ("REQ002", "error", REQUIREMENTS, 6)],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), REQ002_CASES, ids=[c[0] for c in REQ002_CASES])
def test_req002_requirements_approved_by_both_sides(repo, name, files, expected) -> None:
    assert only(repo(files), "REQ002") == expected


@pytest.mark.parametrize(
    ("files", "phrases"),
    [
        ({CUSTOMERS: customers("since: 2025-01-10", "since: 2026-04-01")}, ["2026-03-20", "since 2026-04-01"]),
        ({CUSTOMERS: SAM_REVIEWS_ONLY}, ["sam-patel does not hold `agree-requirements`"]),
        (requirements("by: priya-shah", "by: alex-morgan"), ["service owner priya-shah"]),
    ],
    ids=["before since", "without authority", "owner"],
)
def test_req002_message_says_why_the_approval_does_not_count(repo, files, phrases) -> None:
    [finding] = check(repo(files), select=("REQ002",))
    assert finding.subject == REQUIREMENTS
    for phrase in phrases:
        assert phrase in finding.message


# --- REQ003 -------------------------------------------------------------------------------
# As of 2026-11-23, requirements_confirmation P1Y, grace P14D.

REQ003_CASES = [
    ("confirm_by in the future passes", {}, []),
    ("confirm_by on the as-of date is not late", requirements("2027-03-31", "2026-11-23"), []),
    (
        "confirm_by passed yesterday is a warning",
        requirements("2027-03-31", "2026-11-22"),
        [("REQ003", "warning", REQUIREMENTS, 11)],
    ),
    (
        "confirm_by passed beyond grace is an error",
        requirements("2027-03-31", "2026-11-08"),
        [("REQ003", "error", REQUIREMENTS, 11)],
    ),
    (
        "without confirm_by: effective within the interval passes",
        requirements("confirm_by: 2027-03-31\n", ""),
        [],
    ),
    (
        "without confirm_by: effective exactly one interval ago is not late",
        {REQUIREMENTS: BASE[REQUIREMENTS].replace("confirm_by: 2027-03-31\n", "").replace("2026-04-01", "2025-11-23")},
        [],
    ),
    (
        "without confirm_by: effective older than the interval is a warning",
        {REQUIREMENTS: BASE[REQUIREMENTS].replace("confirm_by: 2027-03-31\n", "").replace("2026-04-01", "2025-11-22")},
        [("REQ003", "warning", REQUIREMENTS, 4)],
    ),
    (
        "without confirm_by: effective far older is an error",
        {REQUIREMENTS: BASE[REQUIREMENTS].replace("confirm_by: 2027-03-31\n", "").replace("2026-04-01", "2024-04-01")},
        [("REQ003", "error", REQUIREMENTS, 4)],
    ),
    (
        "a future confirm_by governs even when effective is old",
        requirements("effective: 2026-04-01", "effective: 2024-04-01"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), REQ003_CASES, ids=[c[0] for c in REQ003_CASES])
def test_req003_requirements_confirmation_cadence(repo, name, files, expected) -> None:
    assert only(repo(files), "REQ003") == expected


def test_req003_message_says_when_it_was_due(repo) -> None:
    [finding] = check(repo(requirements("2027-03-31", "2026-11-08")), select=("REQ003",))
    assert "2026-11-08" in finding.message and "`confirm_by`" in finding.message


def test_req003_severity_override_keeps_a_warning(repo) -> None:
    procedure = BASE[PROCEDURE].replace(
        "  process_review_interval: P1Y\n", "  process_review_interval: P1Y\n  severity: {REQ003: warning}\n"
    )
    root = repo({**requirements("2027-03-31", "2025-01-01"), PROCEDURE: procedure})
    assert only(root, "REQ003") == [("REQ003", "warning", REQUIREMENTS, 11)]


# --- REQ004 -------------------------------------------------------------------------------
# BASE: effective 2026-04-01; sam-patel (representative) approved 2026-03-20 on line 8,
# priya-shah (owner) 2026-03-18 on line 10.

REQ004_CASES = [
    ("both sides approved before it took effect passes", {}, []),
    ("an approval on the effective date passes", requirements("on: 2026-03-20", "on: 2026-04-01"), []),
    (
        "the representative approved after it took effect",
        requirements("on: 2026-03-20", "on: 2026-04-03"),
        [("REQ004", "warning", REQUIREMENTS, 8)],
    ),
    (
        "the owner approved after it took effect",
        requirements("on: 2026-03-18", "on: 2026-04-02"),
        [("REQ004", "warning", REQUIREMENTS, 10)],
    ),
    (
        "both sides approved after it took effect",
        requirements("effective: 2026-04-01", "effective: 2026-03-01"),
        [("REQ004", "warning", REQUIREMENTS, 8), ("REQ004", "warning", REQUIREMENTS, 10)],
    ),
    (
        "a later re-confirmation beside the original approval passes",
        requirements(APPROVALS, APPROVALS + "  - by: sam-patel\n    on: 2027-03-25\n"),
        [],
    ),
    (
        "the earliest late approval of a side is the one reported",
        requirements(
            APPROVALS,
            "approvals:\n  - by: sam-patel\n    on: 2026-05-02\n  - by: priya-shah\n    on: 2026-03-18\n"
            "  - by: sam-patel\n    on: 2026-04-20\n",
        ),
        [("REQ004", "warning", REQUIREMENTS, 12)],
    ),
    (
        "an approver who is neither side is REQ002's",
        requirements(APPROVALS, APPROVALS + "  - by: jordan-lee\n    on: 2026-05-01\n"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), REQ004_CASES, ids=[c[0] for c in REQ004_CASES])
def test_req004_approved_before_effective(repo, name, files, expected) -> None:
    assert only(repo(files), "REQ004") == expected


def test_req004_message(repo) -> None:
    [finding] = check(repo(requirements("on: 2026-03-20", "on: 2026-04-03")), select=("REQ004",))
    assert finding.subject == REQUIREMENTS
    assert finding.message.startswith(
        "RetailCo / cloud-hosting requirements v2.1 took effect on 2026-04-01, but RetailCo's approval "
        "(sam-patel) is dated 2026-04-03: "
    )


# --- documentation ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SVC001", "SVC002", "REQ001", "REQ002", "REQ003", "REQ004"])
def test_rule_documentation_has_four_sections(code) -> None:
    result = brm("rules", code)
    assert result.returncode == 0, result.stderr
    for heading in ("Why an auditor cares:", "How to fix:", "Example:", "Fails:", "Passes:"):
        assert heading in result.stdout
    assert "clause 8.3.2" in result.stdout
    sections = json.loads(brm("rules", code, "--format", "json").stdout)
    assert all(sections[part].strip() for part in ("title", "what", "why", "fix", "example"))
