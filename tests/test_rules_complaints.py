"""CMP001-CMP003: acknowledged within business hours, escalated when late, closed with feedback."""

from __future__ import annotations

import pytest

from .conftest import BASE, check

COMPLAINTS = "registers/complaints.yaml"
PROCEDURE = "procedures/complaint-handling.md"
#: BASE's procedure counts `holidays: GB`: holidays shared by every UK nation only.
# BASE's procedure keeps England's bank holidays (holidays: GB, subdivision: ENG).
assert "  subdivision: ENG\n" in BASE[PROCEDURE]
ENGLAND = {PROCEDURE: BASE[PROCEDURE]}
NO_SUBDIVISION = {PROCEDURE: BASE[PROCEDURE].replace("  subdivision: ENG\n", "")}

#: Field order of the complaint written by ``complaint()``: its line is its index + 1.
FIELDS = (
    "id",
    "customer",
    "service",
    "channel",
    "received",
    "acknowledged",
    "stage",
    "escalations",
    "resolved",
    "feedback",
)
LINE = {name: index + 1 for index, name in enumerate(FIELDS)}
OMIT = object()

DEFAULTS: dict[str, object] = {
    "id": "CMP-0001",
    "customer": "retailco",
    "service": "cloud-hosting",
    "channel": "service-portal",
    "received": "2026-11-20T10:00:00+00:00",
    "acknowledged": "2026-11-20T11:00:00+00:00",
    "stage": "investigation",
    "escalations": "[]",
    "resolved": OMIT,
    "feedback": OMIT,
}


def complaint(**changes: object) -> dict[str, str]:
    """The complaint register holding one complaint: DEFAULTS with ``changes`` (OMIT drops a field)."""
    fields = {**DEFAULTS, **changes}
    lines = [f"{name}: {fields[name]}" for name in FIELDS if fields[name] is not OMIT]
    return {COMPLAINTS: "- " + "\n  ".join(lines) + "\n"}


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def test_base_is_clean_for_complaints(repo) -> None:
    assert check(repo(complaint()), select=("CMP",)) == []


# --- CMP001 -------------------------------------------------------------------------------

# (name, received, acknowledged, extra files, late)
CMP001_CASES = [
    ("exactly at the 4-hour deadline passes", "2026-10-02T16:40:00+01:00", "2026-10-05T12:40:00+01:00", {}, False),
    ("one minute over fails", "2026-10-02T16:40:00+01:00", "2026-10-05T12:41:00+01:00", {}, True),
    ("friday to monday in time passes", "2026-10-02T16:40:00+01:00", "2026-10-05T10:10:00+01:00", {}, False),
    (
        "received on a saturday, monday 13:00 passes",
        "2026-10-03T11:00:00+01:00",
        "2026-10-05T13:00:00+01:00",
        {},
        False,
    ),
    ("received on a saturday, monday 13:01 fails", "2026-10-03T11:00:00+01:00", "2026-10-05T13:01:00+01:00", {}, True),
    ("received before opening passes", "2026-11-19T08:15:00+00:00", "2026-11-19T13:00:00+00:00", {}, False),
    ("received before opening fails", "2026-11-19T08:15:00+00:00", "2026-11-19T13:01:00+00:00", {}, True),
    (
        "after closing friday, monday morning passes",
        "2026-11-20T17:30:00+00:00",
        "2026-11-23T08:30:00+00:00",
        {},
        False,
    ),
    ("across the clock change passes", "2026-10-23T15:00:00+01:00", "2026-10-26T11:00:00+00:00", {}, False),
    ("across the clock change fails", "2026-10-23T15:00:00+01:00", "2026-10-26T11:01:00+00:00", {}, True),
    ("bank holiday in england passes", "2026-08-28T15:00:00+01:00", "2026-09-01T11:00:00+01:00", ENGLAND, False),
    ("bank holiday in england fails", "2026-08-28T15:00:00+01:00", "2026-09-01T11:01:00+01:00", ENGLAND, True),
    (
        "no bank holiday without subdivision",
        "2026-08-28T15:00:00+01:00",
        "2026-09-01T11:00:00+01:00",
        NO_SUBDIVISION,
        True,
    ),
    ("acknowledged after hours on deadline day", "2026-11-19T13:00:00+00:00", "2026-11-19T18:00:00+00:00", {}, False),
]


@pytest.mark.parametrize(
    ("name", "received", "acknowledged", "files", "late"), CMP001_CASES, ids=[c[0] for c in CMP001_CASES]
)
def test_cmp001_acknowledgement_in_business_hours(repo, name, received, acknowledged, files, late) -> None:
    root = repo({**files, **complaint(received=received, acknowledged=acknowledged)})
    assert only(root, "CMP001") == ([("CMP001", "error", COMPLAINTS, LINE["acknowledged"])] if late else [])


def test_cmp001_message_names_received_deadline_and_lateness(repo) -> None:
    root = repo(complaint(received="2026-10-02T16:40:00+01:00", acknowledged="2026-10-05T12:41:00+01:00"))
    [finding] = check(root, select=("CMP001",))
    assert finding.subject == "CMP-0001"
    assert "CMP-0001 (RetailCo) was acknowledged 2026-10-05 12:41 BST" in finding.message
    assert "4 h 1 min of business time after it was received 2026-10-02 16:40 BST" in finding.message
    assert "1 min later than the 4 business hours target (deadline 2026-10-05 12:40 BST)" in finding.message


# (name, received, acknowledged field, expected line or None)
CMP001_MISSING = [
    ("no acknowledgement past its deadline fails", "2026-11-20T10:00:00+00:00", OMIT, LINE["id"]),
    ("acknowledged null past its deadline fails", "2026-11-20T10:00:00+00:00", "null", LINE["acknowledged"]),
    ("no acknowledgement, deadline today passes", "2026-11-23T10:00:00+00:00", OMIT, None),
    ("friday 16:00, deadline monday passes", "2026-11-20T16:00:00+00:00", OMIT, None),
    ("friday 13:00, deadline friday fails", "2026-11-20T13:00:00+00:00", OMIT, LINE["id"]),
]


@pytest.mark.parametrize(
    ("name", "received", "acknowledged", "line"), CMP001_MISSING, ids=[c[0] for c in CMP001_MISSING]
)
def test_cmp001_missing_acknowledgement_once_its_deadline_passed(repo, name, received, acknowledged, line) -> None:
    root = repo(complaint(received=received, acknowledged=acknowledged))
    assert only(root, "CMP001") == ([] if line is None else [("CMP001", "error", COMPLAINTS, line)])


def test_cmp001_missing_acknowledgement_message(repo) -> None:
    root = repo(complaint(received="2026-11-20T10:00:00+00:00", acknowledged=OMIT))
    [finding] = check(root, select=("CMP001",))
    assert "received 2026-11-20 10:00 GMT" in finding.message
    assert "acknowledged by 2026-11-20 14:00 GMT" in finding.message
    assert "3 days ago as of 2026-11-23" in finding.message


def test_cmp001_unknown_time_zone_is_reported_at_the_procedure(repo) -> None:
    procedure = BASE[PROCEDURE].replace("timezone: Europe/London", "timezone: Europe/Londres")
    root = repo({PROCEDURE: procedure, **complaint()})
    findings = check(root, select=("CMP001",))
    line = procedure.split("\n").index("  timezone: Europe/Londres") + 1
    assert [(f.rule, f.severity.value, f.path, f.line) for f in findings] == [("CMP001", "error", PROCEDURE, line)]
    assert "Europe/Londres" in findings[0].message


@pytest.mark.parametrize("acknowledged", ["2026-11-20T11:00:00+00:00", None], ids=["acknowledged", "not-yet"])
def test_cmp001_a_target_the_calendar_cannot_reach_is_a_finding_not_on_time(repo, acknowledged) -> None:
    """P999D of business time is 24k business hours: more than ten years of 8-hour days."""
    procedure = BASE[PROCEDURE].replace("acknowledgement: PT4H", "acknowledgement: P999D")
    assert procedure != BASE[PROCEDURE]
    received = "2026-11-20T10:00:00+00:00"
    files = complaint(received=received, acknowledged=acknowledged if acknowledged else OMIT)
    findings = check(repo({PROCEDURE: procedure, **files}), select=("CMP001",))
    line = procedure.split("\n").index("acknowledgement: P999D") + 1
    assert [(f.rule, f.severity.value, f.path, f.line) for f in findings] == [("CMP001", "error", PROCEDURE, line)]
    assert "no acknowledgement deadline can be computed" in findings[0].message


def test_cmp001_severity_follows_the_policy(repo) -> None:
    brm = "procedures/business-relationship-management.md"
    policy = BASE[brm].replace("  grace: P14D\n", "  grace: P14D\n  severity: {CMP001: warning}\n")
    root = repo({brm: policy, **complaint(acknowledged="2026-11-20T14:01:00+00:00")})
    assert only(root, "CMP001") == [("CMP001", "warning", COMPLAINTS, LINE["acknowledged"])]


# --- CMP002 -------------------------------------------------------------------------------

# (name, changes to the complaint, expected (severity, line) or None); as of 2026-11-23, P10D, grace P14D
CMP002_CASES = [
    ("target today passes", {"received": "2026-11-13T10:00:00+00:00"}, None),
    ("one day past target is a warning", {"received": "2026-11-12T10:00:00+00:00"}, ("warning", LINE["escalations"])),
    ("past target within grace is a warning", {"received": "2026-10-30T10:00:00+00:00"}, ("warning", 8)),
    ("past target and grace is an error", {"received": "2026-10-29T10:00:00+00:00"}, ("error", LINE["escalations"])),
    (
        "no escalations field points at the complaint",
        {"received": "2026-10-20T10:00:00Z", "escalations": OMIT},
        ("error", 1),
    ),
    (
        "escalated passes",
        {"received": "2026-10-20T10:00:00+01:00", "escalations": "[{to: alex-morgan, at: 2026-11-02T09:00:00+00:00}]"},
        None,
    ),
    ("resolved passes", {"received": "2026-10-20T10:00:00+01:00", "resolved": "2026-11-20", "feedback": "Fine."}, None),
    ("closed passes", {"received": "2026-10-20T10:00:00+01:00", "stage": "closed", "feedback": "Fine."}, None),
    # 23:30 in New York on 12 November is 13 November in London, the procedure's zone.
    ("received date is the procedure's", {"received": "2026-11-12T23:30:00-05:00"}, None),
]


@pytest.mark.parametrize(("name", "changes", "expected"), CMP002_CASES, ids=[c[0] for c in CMP002_CASES])
def test_cmp002_unresolved_past_target_and_not_escalated(repo, name, changes, expected) -> None:
    root = repo(complaint(**changes))
    assert only(root, "CMP002") == ([] if expected is None else [("CMP002", expected[0], COMPLAINTS, expected[1])])


def test_cmp002_message_says_when_it_was_due_and_whom_to_escalate_to(repo) -> None:
    [finding] = check(repo(complaint(received="2026-10-29T10:00:00+00:00")), select=("CMP002",))
    assert finding.subject == "CMP-0001"
    assert "received 2026-10-29, is unresolved past its resolution target of 10 days (2026-11-08" in finding.message
    assert "jordan-lee first" in finding.message


# --- CMP003 -------------------------------------------------------------------------------

CMP003_CASES = [
    ("closed with feedback passes", {"stage": "closed", "resolved": "2026-11-21", "feedback": "Sam is happy."}, None),
    ("closed without feedback fails", {"stage": "closed", "resolved": "2026-11-21"}, LINE["id"]),
    ("feedback stage without feedback fails", {"stage": "feedback"}, LINE["id"]),
    ("resolved without feedback fails", {"stage": "resolution", "resolved": "2026-11-21"}, LINE["id"]),
    ("feedback null fails at the field", {"stage": "closed", "resolved": "2026-11-21", "feedback": "null"}, 10),
    ("under investigation without feedback passes", {"stage": "investigation"}, None),
]


@pytest.mark.parametrize(("name", "changes", "line"), CMP003_CASES, ids=[c[0] for c in CMP003_CASES])
def test_cmp003_resolved_without_feedback(repo, name, changes, line) -> None:
    root = repo(complaint(**changes))
    assert only(root, "CMP003") == ([] if line is None else [("CMP003", "error", COMPLAINTS, line)])


def test_cmp003_message(repo) -> None:
    [finding] = check(repo(complaint(stage="closed", resolved="2026-11-21")), select=("CMP003",))
    assert "CMP-0001 (RetailCo) is resolved on 2026-11-21 but has no customer feedback recorded" in finding.message
