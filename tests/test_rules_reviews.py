"""REV001-REV005: reviews on cadence, complete minutes, planned reviews held, process review, missed KPIs addressed."""

from __future__ import annotations

from datetime import date

import pytest

from .conftest import BASE, MEDTECH, check, dedent

CUSTOMERS_PATH = "registers/customers.yaml"
CUSTOMERS = BASE[CUSTOMERS_PATH]
REVIEW = "reviews/2026/2026-11-10-retailco.md"
PROCESS = "reviews/2026/2026-06-30-process-review.md"
PROCEDURE = "procedures/business-relationship-management.md"


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 1-based line of the first ``needle`` in ``text`` (after line ``start``)."""
    lines = text.split("\n")
    return next(i + 1 for i, line in enumerate(lines) if i >= start and needle in line)


def found(root, code: str, as_of: date = date(2026, 11, 23)):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, as_of, select=(code,))]


@pytest.mark.parametrize("code", ["REV001", "REV002", "REV003", "REV004", "REV005"])
def test_base_is_clean(repo, code: str) -> None:
    assert found(repo(), code) == []


# --- REV001 -------------------------------------------------------------------------------
# BASE: RetailCo (standard, P1M) last reviewed 2026-11-10: due 2026-12-10, grace P14D.

RETAILCO = ("REV001", CUSTOMERS_PATH, 1)

CADENCE_CASES = [
    ("on the due date: no finding", date(2026, 12, 10), None),
    ("one day late, within grace: warning", date(2026, 12, 11), "warning"),
    ("last day of grace: warning", date(2026, 12, 24), "warning"),
    ("past grace: error", date(2026, 12, 25), "error"),
]


@pytest.mark.parametrize(("name", "as_of", "severity"), CADENCE_CASES, ids=[c[0] for c in CADENCE_CASES])
def test_rev001_cadence_and_grace(repo, name, as_of, severity) -> None:
    expected = [] if severity is None else [("REV001", severity, CUSTOMERS_PATH, 1)]
    assert found(repo(), "REV001", as_of) == expected


def test_rev001_message_says_what_when_and_how(repo) -> None:
    [finding] = check(repo(), date(2026, 12, 25), select=("REV001",))
    assert finding.subject == "retailco"
    assert finding.message.startswith(
        "RetailCo: no performance review since 2026-11-10; monthly reviews were due by 2026-12-10 (+14 days' grace): "
    )
    assert "reviews/" in finding.message


def test_rev001_customer_interval_overrides_the_tier(repo) -> None:
    judged = date(2027, 1, 11)  # two months after the last review: late monthly, on time quarterly
    assert found(repo(), "REV001", judged) == [("REV001", "error", CUSTOMERS_PATH, 1)]
    quarterly = CUSTOMERS.replace("tier: standard", "tier: standard\n  review_interval: quarterly")
    root = repo({CUSTOMERS_PATH: quarterly})
    assert found(root, "REV001", judged) == []
    [finding] = check(root, date(2027, 2, 25), select=("REV001",))
    assert finding.severity.value == "error"
    assert "quarterly reviews were due by 2027-02-10" in finding.message


def test_rev001_31_january_plus_one_month_is_28_february(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("date: 2026-11-10", "date: 2026-01-31")})
    assert found(root, "REV001", date(2026, 2, 28)) == []
    [finding] = check(root, date(2026, 3, 1), select=("REV001",))
    assert finding.severity.value == "warning"
    assert "were due by 2026-02-28" in finding.message


def test_rev001_group_review_counts_for_each_customer(repo) -> None:
    group = BASE[REVIEW].replace("customers: [retailco]", "customers: [retailco, medtech]")
    assert found(repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH}), "REV001") == [
        ("REV001", "error", CUSTOMERS_PATH, line_of(CUSTOMERS + MEDTECH, "id: medtech"))
    ]
    assert found(repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH, REVIEW: group}), "REV001") == []


def test_rev001_never_reviewed_is_an_error(repo) -> None:
    root = repo({REVIEW: None})
    [finding] = check(root, select=("REV001",))
    assert (finding.rule, finding.severity.value, finding.path, finding.line) == ("REV001", "error", *RETAILCO[1:])
    assert finding.message.startswith("RetailCo: no performance review on record; reviews are due monthly: ")


ONBOARDED = [
    ("onboarded within the interval: nothing due yet", date(2026, 10, 30), []),
    ("first review due 2026-11-20, within grace: warning", date(2026, 10, 20), ["warning"]),
    ("first review due 2026-11-01, past grace: error", date(2026, 10, 1), ["error"]),
]


@pytest.mark.parametrize(("name", "onboarded", "severities"), ONBOARDED, ids=[c[0] for c in ONBOARDED])
def test_rev001_a_new_customer_counts_from_onboarded(repo, name, onboarded, severities) -> None:
    customers = CUSTOMERS.replace("tier: standard", f"tier: standard\n  onboarded: {onboarded}")
    findings = check(repo({CUSTOMERS_PATH: customers, REVIEW: None}), select=("REV001",))
    assert [f.severity.value for f in findings] == severities
    for finding in findings:
        assert finding.line == line_of(customers, "onboarded:")
        assert f"since it was onboarded on {onboarded}; the first was due by" in finding.message


def test_rev001_onboarded_does_not_move_a_cadence_once_reviewed(repo) -> None:
    customers = CUSTOMERS.replace("tier: standard", "tier: standard\n  onboarded: 2026-11-01")
    assert found(repo({CUSTOMERS_PATH: customers}), "REV001", date(2026, 12, 25)) == [
        ("REV001", "error", CUSTOMERS_PATH, 1)
    ]


def test_rev001_review_dated_after_the_as_of_date_does_not_count(repo) -> None:
    assert found(repo(), "REV001", date(2026, 11, 9)) == [("REV001", "error", CUSTOMERS_PATH, 1)]


def test_rev001_a_process_review_does_not_count(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("type: performance-review", "type: process-review")})
    assert found(root, "REV001") == [("REV001", "error", CUSTOMERS_PATH, 1)]


def test_rev001_waiver_by_customer_id(repo) -> None:
    waiver = dedent(
        """
        - rule: REV001
          subject: retailco
          reason: Customer froze governance meetings during their migration.
          approved_by: olivia-reid
          approved: 2026-12-01
          expires: 2027-03-31
        """
    )
    root = repo({"registers/waivers.yaml": waiver})
    assert found(root, "REV001", date(2026, 12, 25)) == [("REV001", "waived", CUSTOMERS_PATH, 1)]


# --- REV002 -------------------------------------------------------------------------------

MINUTES = BASE[REVIEW]
ATTENDEES = line_of(MINUTES, "attendees:")
DECISIONS = line_of(MINUTES, "decisions:")
KPIS = line_of(MINUTES, "kpis:")

MINUTES_CASES = [
    ("only staff attended", MINUTES.replace("[sam-patel, alex-morgan]", "[alex-morgan]"), [ATTENDEES]),
    ("only the customer attended", MINUTES.replace("[sam-patel, alex-morgan]", "[sam-patel]"), [ATTENDEES]),
    ("nobody attended", MINUTES.replace("[sam-patel, alex-morgan]", "[]"), [ATTENDEES, ATTENDEES]),
    (
        "neither report nor kpis",
        MINUTES.replace("report: https://reports.provider.example/2026-10-retailco.pdf\n", "").replace(
            'kpis:\n  - {name: Availability, target: "99.9%", actual: "99.95%", met: true}\n', "kpis: []\n"
        ),
        [KPIS - 1],
    ),
    (
        "no decision and no action",
        MINUTES.replace("decisions:\n  - Keep the current maintenance window.\n", "decisions: []\n").replace(
            "actions: [ACT-0001]", "actions: []"
        ),
        [DECISIONS],
    ),
]


@pytest.mark.parametrize(("name", "minutes", "lines"), MINUTES_CASES, ids=[c[0] for c in MINUTES_CASES])
def test_rev002_fails(repo, name, minutes, lines) -> None:
    assert found(repo({REVIEW: minutes}), "REV002") == [("REV002", "error", REVIEW, line) for line in lines]


PASSING_MINUTES = [
    (
        "report without kpis",
        MINUTES.replace('  - {name: Availability, target: "99.9%", actual: "99.95%", met: true}\n', "").replace(
            "kpis:\n", "kpis: []\n"
        ),
    ),
    ("kpis without report", MINUTES.replace("report: https://reports.provider.example/2026-10-retailco.pdf\n", "")),
    ("a decision and no action", MINUTES.replace("actions: [ACT-0001]", "actions: []")),
    (
        "an action and no decision",
        MINUTES.replace("decisions:\n  - Keep the current maintenance window.\n", "decisions: []\n"),
    ),
]


@pytest.mark.parametrize(("name", "minutes"), PASSING_MINUTES, ids=[c[0] for c in PASSING_MINUTES])
def test_rev002_passes(repo, name, minutes) -> None:
    assert found(repo({REVIEW: minutes}), "REV002") == []


def test_rev002_group_review_needs_a_representative_of_one_reviewed_customer(repo) -> None:
    group = MINUTES.replace("customers: [retailco]", "customers: [retailco, medtech]")
    medtech_only = group.replace("[sam-patel, alex-morgan]", "[eleanor-vance, alex-morgan]")
    assert found(repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH, REVIEW: medtech_only}), "REV002") == []
    # A representative of a customer the review does not cover does not count.
    other = MINUTES.replace("[sam-patel, alex-morgan]", "[eleanor-vance, alex-morgan]")
    assert found(repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH, REVIEW: other}), "REV002") == [
        ("REV002", "error", REVIEW, ATTENDEES)
    ]


def test_rev002_message_names_the_review_and_the_fix(repo) -> None:
    [finding] = check(repo({REVIEW: MINUTES.replace("[sam-patel, alex-morgan]", "[alex-morgan]")}), select=("REV002",))
    assert finding.subject == REVIEW
    assert finding.message.startswith("RetailCo review of 2026-11-10: no representative of RetailCo")
    assert "`attendees`" in finding.message


def test_rev002_process_review_is_not_performance_minutes(repo) -> None:
    # BASE's process review has no customers, report, kpis or representative: no REV002.
    assert "report" not in BASE[PROCESS] and found(repo(), "REV002") == []


# --- REV003 -------------------------------------------------------------------------------
# BASE: the 2026-11-10 minutes plan the next review for 2026-12-08.

NEXT_REVIEW = line_of(MINUTES, "next_review:")


def test_rev003_next_review_passed_without_a_later_review(repo) -> None:
    assert found(repo(), "REV003", date(2026, 12, 8)) == []
    assert found(repo(), "REV003", date(2026, 12, 9)) == [("REV003", "warning", REVIEW, NEXT_REVIEW)]
    [finding] = check(repo(), date(2026, 12, 9), select=("REV003",))
    assert "planned for 2026-12-08 and no later performance review of RetailCo" in finding.message


def test_rev003_a_later_review_of_the_customer_answers_it(repo) -> None:
    later = MINUTES.replace("date: 2026-11-10", "date: 2026-12-09").replace(
        "next_review: 2026-12-08", "next_review: 2027-01-12"
    )
    assert found(repo({"reviews/2026/2026-12-09-retailco.md": later}), "REV003", date(2026, 12, 20)) == []


def test_rev003_a_review_dated_after_the_as_of_date_is_not_yet_held(repo) -> None:
    future = MINUTES.replace("date: 2026-11-10", "date: 2026-12-21").replace(
        "next_review: 2026-12-08", "next_review: 2027-01-20"
    )
    root = repo({"reviews/2026/2026-12-21-retailco.md": future})
    assert found(root, "REV003", date(2026, 12, 20)) == [("REV003", "warning", REVIEW, NEXT_REVIEW)]


def test_rev003_a_later_review_of_another_customer_does_not(repo) -> None:
    other = (
        MINUTES.replace("customers: [retailco]", "customers: [medtech]")
        .replace("date: 2026-11-10", "date: 2026-12-09")
        .replace("[sam-patel, alex-morgan]", "[eleanor-vance, alex-morgan]")
        .replace("next_review: 2026-12-08", "next_review: 2027-01-12")
    )
    root = repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH, "reviews/2026/2026-12-09-medtech.md": other})
    assert found(root, "REV003", date(2026, 12, 20)) == [("REV003", "warning", REVIEW, NEXT_REVIEW)]


def test_rev003_process_review_next_review(repo) -> None:
    planned = BASE[PROCESS].replace("---\n# Annual", "next_review: 2027-03-31\n---\n# Annual")
    root = repo({PROCESS: planned})
    # The performance review's own planned date (2026-12-08) has passed too, at both dates.
    assert found(root, "REV003", date(2027, 3, 31)) == [("REV003", "warning", REVIEW, NEXT_REVIEW)]
    assert found(root, "REV003", date(2027, 4, 1)) == [
        ("REV003", "warning", PROCESS, line_of(planned, "next_review:")),
        ("REV003", "warning", REVIEW, NEXT_REVIEW),
    ]


# --- REV004 -------------------------------------------------------------------------------
# BASE: process review 2026-06-30, process_review_interval P1Y: due 2027-06-30.

POLICY_LINE = line_of(BASE[PROCEDURE], "process_review_interval:")

PROCESS_CASES = [
    ("on the due date: no finding", date(2027, 6, 30), None),
    ("one day late: warning", date(2027, 7, 1), "warning"),
    ("past grace: error", date(2027, 7, 15), "error"),
]


@pytest.mark.parametrize(("name", "as_of", "severity"), PROCESS_CASES, ids=[c[0] for c in PROCESS_CASES])
def test_rev004_process_review_cadence(repo, name, as_of, severity) -> None:
    expected = [] if severity is None else [("REV004", severity, PROCEDURE, POLICY_LINE)]
    assert found(repo(), "REV004", as_of) == expected


def test_rev004_message(repo) -> None:
    [finding] = check(repo(), date(2027, 7, 15), select=("REV004",))
    assert finding.subject == "brm-procedure"
    assert "no process review since 2026-06-30; annual process reviews were due by 2027-06-30 (+14 days' grace)" in (
        finding.message
    )


def test_rev004_never_reviewed_is_an_error(repo) -> None:
    [finding] = check(repo({PROCESS: None}), select=("REV004",))
    assert (finding.severity.value, finding.path, finding.line) == ("error", PROCEDURE, POLICY_LINE)
    assert "no process review on record; process reviews are due annually" in finding.message


def test_rev004_interval_comes_from_the_policy(repo) -> None:
    root = repo({PROCEDURE: BASE[PROCEDURE].replace("process_review_interval: P1Y", "process_review_interval: P6M")})
    assert found(root, "REV004", date(2026, 12, 31)) == [("REV004", "warning", PROCEDURE, POLICY_LINE)]


# --- REV005 -------------------------------------------------------------------------------

MET = '  - {name: Availability, target: "99.9%", actual: "99.95%", met: true}\n'
KPI_LINE = line_of(BASE[REVIEW], "{name: Availability")


MISSED = '  - {name: P1 response, target: "15 min", actual: "22 min", met: false}\n'
KEEP = "  - Keep the current maintenance window.\n"


def missed(kpi: str = MISSED, decision: str | None = None) -> str:
    """BASE's minutes with the KPI given in place of the met one, and the decision given in place of its own."""
    text = BASE[REVIEW].replace(MET, kpi)
    return text if decision is None else text.replace(KEEP, f"  - {decision}\n")


REV005_CASES = [
    ("a met KPI passes", BASE[REVIEW], False),
    ("a missed KPI with nothing addressing it fails", missed(), True),
    (
        "a missed KPI listing a tracker action passes",
        missed('  - {name: P1 response, target: "15 min", actual: "22 min", met: false, actions: [ACT-0001]}\n'),
        False,
    ),
    (
        "a missed KPI listing an unknown action fails",
        missed('  - {name: P1 response, target: "15 min", actual: "22 min", met: false, actions: [ACT-0999]}\n'),
        True,
    ),
    (
        "a missed KPI with an empty action list fails",
        missed('  - {name: P1 response, target: "15 min", actual: "22 min", met: false, actions: []}\n'),
        True,
    ),
    (
        "a decision naming the KPI passes",
        missed(decision="P1 response improves as the on-call rota moves to two engineers."),
        False,
    ),
    (
        "a decision naming it in another case and spacing passes",
        missed(decision="Accept the p1   RESPONSE figure for October."),
        False,
    ),
    (
        "a decision naming another KPI fails",
        missed(decision="P1 responses to be reported weekly."),
        True,
    ),
    ("an action of the minutes that the KPI does not list fails", missed(), True),
    (
        "a missed KPI without `met` is not judged",
        missed('  - {name: P1 response, target: "15 min", actual: "22 min"}\n'),
        False,
    ),
]


@pytest.mark.parametrize(("name", "minutes", "fails"), REV005_CASES, ids=[c[0] for c in REV005_CASES])
def test_rev005_missed_kpi_is_addressed(repo, name, minutes, fails) -> None:
    expected = [("REV005", "error", REVIEW, KPI_LINE)] if fails else []
    assert found(repo({REVIEW: minutes}), "REV005") == expected


def test_rev005_each_missed_kpi_is_its_own_finding(repo) -> None:
    two = (
        '  - {name: P1 response, target: "15 min", actual: "22 min", met: false}\n'
        '  - {name: Change success, target: "95%", actual: "90%", met: false, actions: [ACT-0001]}\n'
        '  - {name: Backup success, target: "99%", actual: "97%", met: false}\n'
    )
    assert found(repo({REVIEW: missed(two)}), "REV005") == [
        ("REV005", "error", REVIEW, KPI_LINE),
        ("REV005", "error", REVIEW, KPI_LINE + 2),
    ]


def test_rev005_process_reviews_are_judged_too(repo) -> None:
    kpi = '  - {name: Reviews held on time, target: "100%", actual: "90%", met: false}\n'
    text = BASE[PROCESS].replace("decisions:\n", f"kpis:\n{kpi}decisions:\n")
    assert found(repo({PROCESS: text}), "REV005") == [("REV005", "error", PROCESS, line_of(text, "Reviews held"))]


def test_rev005_message(repo) -> None:
    [finding] = check(repo({REVIEW: missed()}), select=("REV005",))
    assert finding.subject == REVIEW
    assert "RetailCo review of 2026-11-10: KPI 'P1 response' (22 min against 15 min) missed its target" in (
        finding.message
    )
    assert "under the KPI's `actions`" in finding.message and "`decisions`" in finding.message
    unknown = missed('  - {name: P1 response, target: "15 min", actual: "22 min", met: false, actions: [ACT-0999]}\n')
    [finding] = check(repo({REVIEW: unknown}), select=("REV005",))
    assert "ACT-0999" in finding.message and "not in the tracker" in finding.message


def test_rev005_an_action_raised_after_the_as_of_date_does_not_address_it_yet(repo) -> None:
    later = BASE["registers/actions.yaml"].replace("raised: 2026-11-10", "raised: 2026-11-20")
    minutes = missed('  - {name: P1 response, target: "15 min", actual: "22 min", met: false, actions: [ACT-0001]}\n')
    root = repo({REVIEW: minutes, "registers/actions.yaml": later})
    assert found(root, "REV005", date(2026, 11, 15)) == [("REV005", "error", REVIEW, KPI_LINE)]
    assert found(root, "REV005", date(2026, 11, 20)) == []
