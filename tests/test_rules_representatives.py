"""REP001-REP005: who speaks for the customer, with what authority, and since when."""

from __future__ import annotations

import json

import pytest

from checks.rules.representatives import _is_role_mailbox, _is_team_name

from .conftest import BASE, brm, check, dedent

CUSTOMERS = "registers/customers.yaml"
SERVICES = "registers/services.yaml"
PROCEDURE = "procedures/business-relationship-management.md"

# Lines 1-7: the customer and the service it consumes; representatives start on line 8.
HEAD = dedent(
    """
    - id: retailco
      name: RetailCo
      tier: standard
      counterpart: alex-morgan
      services:
        - service: cloud-hosting
          user_groups: [Platform Engineering]
    """
)

# Lines 1-9: the customer consumes two services (cloud-hosting on line 6, backup on line 8).
HEAD_TWO = dedent(
    """
    - id: retailco
      name: RetailCo
      tier: standard
      counterpart: alex-morgan
      services:
        - service: cloud-hosting
          user_groups: [Platform Engineering]
        - service: backup
          user_groups: [Finance]
    """
)
TWO_SERVICES = BASE[SERVICES] + "- id: backup\n  name: Backup\n  owner: priya-shah\n  in_scope: true\n"


def representative(
    person: str = "sam-patel",
    name: str = "Sam Patel",
    email: str = "sam.patel@retailco.example",
    authority: str = "[agree-requirements, review-performance]",
    services: str | None = None,
    confirmed: str | None = "2026-09-01",
    since: str | None = "2025-01-10",
) -> str:
    lines = [
        f"    - id: {person}",
        f"      name: {name}",
        "      role: Platform Engineering",
        f"      email: {email}",
        f"      authority: {authority}",
    ]
    if services is not None:
        lines.append(f"      services: {services}")
    if since is not None:
        lines.append(f"      since: {since}")
    if confirmed is not None:
        lines.append(f"      confirmed: {confirmed}")
    return "\n".join(lines) + "\n"


def customers(*representatives: str, head: str = HEAD, interim: str = "") -> str:
    text = head
    if representatives:
        text += "  representatives:\n" + "".join(representatives)
    return text + interim


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def messages(root, code: str) -> list[str]:
    return [f.message for f in check(root, select=(code,))]


def with_severity(setting: str) -> str:
    """The BRM procedure with a `policy.severity` override."""
    text = BASE[PROCEDURE]
    return text.replace("  process_review_interval: P1Y\n", f"  process_review_interval: P1Y\n  severity: {setting}\n")


def test_base_is_clean_for_representatives(repo) -> None:
    assert check(repo(), select=("REP",)) == []


# --- REP001 -------------------------------------------------------------------------------

INTERIM = (
    "  interim:\n"
    "    contact: helpdesk@retailco.example\n"
    "    requested: 2026-03-01\n"
    "    escalation: [alex-morgan, olivia-reid]\n"
)

REP001_CASES = [
    ("named representative passes", customers(representative()), []),
    ("no representative and no interim fails", customers(), [("REP001", "error", CUSTOMERS, 1)]),
    ("complete interim contact passes", customers(interim=INTERIM), []),
    (
        "interim without escalation fails",
        customers(interim=INTERIM.replace("    escalation: [alex-morgan, olivia-reid]\n", "")),
        [("REP001", "error", CUSTOMERS, 8)],
    ),
    (
        "interim with an empty escalation fails",
        customers(interim=INTERIM.replace("[alex-morgan, olivia-reid]", "[]")),
        [("REP001", "error", CUSTOMERS, 8)],
    ),
    (
        "interim without request date fails",
        customers(interim=INTERIM.replace("    requested: 2026-03-01\n", "")),
        [("REP001", "error", CUSTOMERS, 8)],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), REP001_CASES, ids=[c[0] for c in REP001_CASES])
def test_rep001_named_representative_or_complete_interim(repo, name, text, expected) -> None:
    assert only(repo({CUSTOMERS: text}), "REP001") == expected


def test_rep001_empty_interim_names_all_three_parts(repo) -> None:
    [message] = messages(repo({CUSTOMERS: customers(interim="  interim: {}\n")}), "REP001")
    assert "`contact`" in message and "`requested`" in message and "`escalation`" in message


def test_rep001_names_the_missing_interim_parts(repo) -> None:
    text = customers(interim="  interim:\n    contact: helpdesk@retailco.example\n")
    [message] = messages(repo({CUSTOMERS: text}), "REP001")
    assert "`requested`" in message and "`escalation`" in message and "`contact`" not in message


def test_interim_customer_gets_neither_rep002_nor_rep003(repo) -> None:
    # The interim contact is a mailbox and holds no authority: that is what interim means.
    root = repo({CUSTOMERS: customers(interim=INTERIM)})
    assert only(root, "REP") == []


# --- REP002 -------------------------------------------------------------------------------

REP002_CASES = [
    (
        "one representative with both authorities for all services passes",
        customers(representative(), head=HEAD_TWO),
        [],
    ),
    (
        "representative covering a subset leaves the other service without both",
        customers(representative(services="[cloud-hosting]"), head=HEAD_TWO),
        [("REP002", "error", CUSTOMERS, 8), ("REP002", "error", CUSTOMERS, 8)],
    ),
    (
        "authority split across two representatives passes",
        customers(
            representative(authority="[agree-requirements]"),
            representative("lucy-brennan", "Lucy Brennan", "lucy.brennan@retailco.example", "[review-performance]"),
            head=HEAD_TWO,
        ),
        [],
    ),
    (
        "second representative covers only one service: review missing for the other",
        customers(
            representative(authority="[agree-requirements]"),
            representative(
                "lucy-brennan",
                "Lucy Brennan",
                "lucy.brennan@retailco.example",
                "[review-performance]",
                services="[cloud-hosting]",
            ),
            head=HEAD_TWO,
        ),
        [("REP002", "error", CUSTOMERS, 8)],
    ),
    (
        "nobody may agree requirements: one finding per service",
        customers(representative(authority="[review-performance]"), head=HEAD_TWO),
        [("REP002", "error", CUSTOMERS, 6), ("REP002", "error", CUSTOMERS, 8)],
    ),
    ("no representatives at all is REP001's, not REP002's", customers(head=HEAD_TWO), []),
]


@pytest.mark.parametrize(("name", "text", "expected"), REP002_CASES, ids=[c[0] for c in REP002_CASES])
def test_rep002_authority_per_service(repo, name, text, expected) -> None:
    assert only(repo({CUSTOMERS: text, SERVICES: TWO_SERVICES}), "REP002") == expected


def test_rep002_names_the_missing_authority_and_service(repo) -> None:
    text = customers(representative(authority="[agree-requirements]"))
    [message] = messages(repo({CUSTOMERS: text}), "REP002")
    assert "`review-performance`" in message and "cloud-hosting" in message


# --- REP003 -------------------------------------------------------------------------------

REP003_CASES = [
    ("named person passes", representative(), []),
    ("role mailbox address fails", representative(email="support@retailco.example"), [12]),
    ("mailbox with a plus tag fails", representative(email="helpdesk+retail@retailco.example"), [12]),
    ("team name with a personal-looking address fails", representative(name="IT Team"), [10]),
    ("address as a name fails", representative(name="'servicedesk@retailco.example'"), [10]),
]


@pytest.mark.parametrize(("name", "rep", "lines"), REP003_CASES, ids=[c[0] for c in REP003_CASES])
def test_rep003_role_mailbox(repo, name, rep, lines) -> None:
    expected = [("REP003", "error", CUSTOMERS, line) for line in lines]
    assert only(repo({CUSTOMERS: customers(rep)}), "REP003") == expected


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("support@x.example", True),
        ("IT@x.example", True),
        ("service-desk@x.example", True),
        ("help.desk@x.example", True),
        ("helpdesk-lead@x.example", True),
        ("it-support@x.example", True),
        ("no-reply@x.example", True),
        ("sam.patel@x.example", False),
        ("sam.lead@x.example", False),
        ("itsaso.garcia@x.example", False),
        ("ops.manager.jane@x.example", False),
    ],
)
def test_rep003_mailbox_detection(address, mailbox) -> None:
    assert _is_role_mailbox(address) is mailbox


@pytest.mark.parametrize(
    ("name", "team"),
    [("IT Team", True), ("Helpdesk", True), ("Service Desk", True), ("IT Operations", True), ("Sam Patel", False)],
)
def test_rep003_team_name_detection(name, team) -> None:
    assert _is_team_name(name) is team


def test_rep003_severity_off_silences_it(repo) -> None:
    root = repo(
        {
            CUSTOMERS: customers(representative(email="support@retailco.example")),
            PROCEDURE: with_severity('{REP003: "off"}'),
        }
    )
    assert only(root, "REP003") == []


# --- REP004 -------------------------------------------------------------------------------
# As of 2026-11-23, representative_confirmation P1Y, grace P14D; `confirmed` is on line 15.

REP004_CASES = [
    ("confirmed within the interval passes", representative(confirmed="2026-09-01"), []),
    ("due exactly on the as-of date is not late", representative(confirmed="2025-11-23"), []),
    (
        "one day after due is a warning within grace",
        representative(confirmed="2025-11-22"),
        [("REP004", "warning", CUSTOMERS, 15)],
    ),
    (
        "last day of grace is still a warning",
        representative(confirmed="2025-11-09"),
        [("REP004", "warning", CUSTOMERS, 15)],
    ),
    (
        "after grace is an error",
        representative(confirmed="2025-11-08"),
        [("REP004", "error", CUSTOMERS, 15)],
    ),
    (
        "never confirmed: judged from since",
        representative(confirmed=None, since="2025-10-01"),
        [("REP004", "error", CUSTOMERS, 14)],
    ),
    ("never confirmed but recent since passes", representative(confirmed=None, since="2026-06-01"), []),
    (
        "no confirmed and no since date is an error",
        representative(confirmed=None, since=None),
        [("REP004", "error", CUSTOMERS, 9)],
    ),
]


@pytest.mark.parametrize(("name", "rep", "expected"), REP004_CASES, ids=[c[0] for c in REP004_CASES])
def test_rep004_confirmation_cadence(repo, name, rep, expected) -> None:
    assert only(repo({CUSTOMERS: customers(rep)}), "REP004") == expected


def test_rep004_message_says_when_it_was_due_and_how_to_fix(repo) -> None:
    [finding] = check(repo({CUSTOMERS: customers(representative(confirmed="2025-11-08"))}), select=("REP004",))
    assert finding.subject == "sam-patel"
    assert "2025-11-08" in finding.message and "due by 2026-11-08" in finding.message
    assert "`confirmed`" in finding.message


def test_rep004_severity_warning_override_stays_a_warning_after_grace(repo) -> None:
    root = repo(
        {
            CUSTOMERS: customers(representative(confirmed="2024-01-01")),
            PROCEDURE: with_severity("{REP004: warning}"),
        }
    )
    assert only(root, "REP004") == [("REP004", "warning", CUSTOMERS, 15)]


# --- REP005 -------------------------------------------------------------------------------

REP005_CASES = [
    ("counterpart passes", customers(representative()), []),
    (
        "no counterpart fails",
        customers(representative()).replace("  counterpart: alex-morgan\n", ""),
        [("REP005", "error", CUSTOMERS, 1)],
    ),
    (
        "an empty counterpart is BRM002's, not REP005's",
        customers(representative()).replace("counterpart: alex-morgan", "counterpart:"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), REP005_CASES, ids=[c[0] for c in REP005_CASES])
def test_rep005_counterpart(repo, name, text, expected) -> None:
    assert only(repo({CUSTOMERS: text}), "REP005") == expected


# --- documentation ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["REP001", "REP002", "REP003", "REP004", "REP005"])
def test_rule_documentation_has_four_sections(code) -> None:
    result = brm("rules", code)
    assert result.returncode == 0, result.stderr
    for heading in ("Why an auditor cares:", "How to fix:", "Example:", "Fails:", "Passes:"):
        assert heading in result.stdout
    assert "clause 8.3.2" in result.stdout
    sections = json.loads(brm("rules", code, "--format", "json").stdout)
    assert all(sections[part].strip() for part in ("title", "what", "why", "fix", "example"))
