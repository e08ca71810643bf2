"""The one cadence computation: last evidence, next due, and what is open, per customer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.coverage import Coverage, CustomerCoverage, coverage, every
from checks.dates import Interval
from checks.load import load
from checks.policy import Policy

from .conftest import AS_OF, BASE, MEDTECH, dedent

CUSTOMERS = BASE["registers/customers.yaml"]
REVIEW = "reviews/2026/2026-11-10-retailco.md"
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
ACTIONS = BASE["registers/actions.yaml"]


def matrix(root: Path, as_of: date = AS_OF) -> Coverage:
    repository = load(root).repository
    return coverage(repository, Policy.from_repository(repository), as_of)


def row(root: Path, customer: str = "retailco", as_of: date = AS_OF) -> CustomerCoverage:
    found = matrix(root, as_of).customer(customer)
    assert found is not None
    return found


def test_base_row(repo) -> None:
    retailco = row(repo())
    assert (str(retailco.review.interval), retailco.review.last, retailco.review.due) == (
        "P1M",
        date(2026, 11, 10),
        date(2026, 12, 10),
    )
    assert retailco.review.evidence == REVIEW
    assert retailco.last_review is not None and retailco.last_review.source.path == REVIEW
    assert (str(retailco.survey.interval), retailco.survey.last, retailco.survey.due) == (
        "P3M",
        date(2026, 10, 1),
        date(2027, 1, 1),
    )
    assert retailco.last_result is not None and retailco.last_result.source.path == RESULT
    assert retailco.representatives == ("Sam Patel",)
    assert [(s, r is not None) for s, r in retailco.requirements] == [("cloud-hosting", True)]
    assert (retailco.services_agreed, retailco.services_without_requirements) == (1, ())
    assert [a.id for a in retailco.open_actions] == ["ACT-0001"]
    assert retailco.overdue_actions == ()
    assert retailco.open_complaints == ()


def test_process_review(repo) -> None:
    process = matrix(repo()).process_review
    assert (process.last, process.due, process.evidence) == (
        date(2026, 6, 30),
        date(2027, 6, 30),
        "reviews/2026/2026-06-30-process-review.md",
    )


def test_customer_interval_overrides_the_tier(repo) -> None:
    root = repo(
        {
            "registers/customers.yaml": CUSTOMERS.replace(
                "tier: standard", "tier: standard\n  review_interval: quarterly"
            )
        }
    )
    retailco = row(root)
    assert (str(retailco.review.interval), retailco.review.due) == ("quarterly", date(2027, 2, 10))


def test_31_january_plus_one_month_is_28_february(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("date: 2026-11-10", "date: 2026-01-31")})
    assert row(root, as_of=date(2026, 2, 1)).review.due == date(2026, 2, 28)


def test_group_review_counts_for_every_customer_it_covers(repo) -> None:
    root = repo(
        {
            "registers/customers.yaml": CUSTOMERS + MEDTECH,
            REVIEW: BASE[REVIEW].replace("customers: [retailco]", "customers: [retailco, medtech]"),
        }
    )
    assert row(root, "medtech").review.last == row(root, "retailco").review.last == date(2026, 11, 10)


def test_only_reviews_on_or_before_the_as_of_date_count(repo) -> None:
    root = repo()
    assert row(root, as_of=date(2026, 11, 10)).review.last == date(2026, 11, 10)
    before = row(root, as_of=date(2026, 11, 9))
    assert (before.review.last, before.review.due, before.review.never) == (None, None, True)
    assert before.review.is_late(date(2026, 11, 9))


def test_newest_review_wins(repo) -> None:
    older = BASE[REVIEW].replace("date: 2026-11-10", "date: 2026-10-12")
    root = repo({"reviews/2026/2026-10-12-retailco.md": older})
    assert row(root).review.last == date(2026, 11, 10)


def test_process_review_is_not_a_performance_review(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("type: performance-review", "type: process-review")})
    assert row(root).review.never
    assert matrix(root).process_review.last == date(2026, 11, 10)


def test_tier_result_covers_every_customer_of_the_tier(repo) -> None:
    root = repo(
        {
            "registers/customers.yaml": CUSTOMERS + MEDTECH,
            RESULT: BASE[RESULT].replace("customers: [retailco]", "tier: standard"),
        }
    )
    assert row(root, "medtech").survey.last == row(root, "retailco").survey.last == date(2026, 10, 1)


def test_result_of_another_customer_does_not_cover(repo) -> None:
    root = repo({"registers/customers.yaml": CUSTOMERS + MEDTECH})
    medtech = row(root, "medtech")
    assert (medtech.survey.never, medtech.last_result) == (True, None)


def test_result_sent_after_the_as_of_date_does_not_count(repo) -> None:
    assert row(repo(), as_of=date(2026, 9, 30)).survey.never


def test_tier_without_survey_interval_plans_no_survey(repo) -> None:
    procedure = "procedures/business-relationship-management.md"
    root = repo({procedure: BASE[procedure].replace(", survey_interval: P3M", "")})
    survey = row(root).survey
    assert (survey.planned, survey.never, survey.due, survey.standing(AS_OF)) == (False, False, None, "not planned")


ACTION_CASES = [
    ("due tomorrow is open, not overdue", "due: 2026-11-24", "status: open", True, False),
    ("due today is not overdue", "due: 2026-11-23", "status: open", True, False),
    ("due yesterday is overdue", "due: 2026-11-22", "status: open", True, True),
    ("in progress is open", "due: 2026-11-22", "status: in-progress", True, True),
    ("done is not open", "due: 2026-11-22", "status: done\n  closed: 2026-11-20\n  evidence: Sent.", False, False),
]


@pytest.mark.parametrize(
    ("name", "due", "status", "is_open", "overdue"), ACTION_CASES, ids=[c[0] for c in ACTION_CASES]
)
def test_open_and_overdue_actions(repo, name, due, status, is_open, overdue) -> None:
    root = repo({"registers/actions.yaml": ACTIONS.replace("due: 2026-12-15", due).replace("status: open", status)})
    retailco = row(root)
    assert (bool(retailco.open_actions), bool(retailco.overdue_actions)) == (is_open, overdue)


def test_an_action_belongs_to_the_customers_it_names(repo) -> None:
    root = repo({"registers/customers.yaml": CUSTOMERS + MEDTECH})
    assert row(root, "medtech").open_actions == ()


COMPLAINT = dedent(
    """
    - id: CMP-0001
      customer: retailco
      service: cloud-hosting
      channel: email
      received: 2026-11-02T10:00:00+00:00
      acknowledged: 2026-11-02T11:00:00+00:00
      stage: investigation
    """
)


@pytest.mark.parametrize(
    ("name", "complaint", "is_open"),
    [
        ("investigation is open", COMPLAINT, True),
        (
            "resolved is not open",
            COMPLAINT.replace("stage: investigation", "stage: feedback\n  resolved: 2026-11-05"),
            False,
        ),
        ("closed is not open", COMPLAINT.replace("stage: investigation", "stage: closed"), False),
    ],
)
def test_open_complaints(repo, name, complaint, is_open) -> None:
    retailco = row(repo({"registers/complaints.yaml": complaint}))
    assert [c.id for c in retailco.open_complaints] == (["CMP-0001"] if is_open else [])


def test_requirements_missing_for_a_service(repo) -> None:
    root = repo({"registers/requirements/retailco--cloud-hosting.yaml": None})
    retailco = row(root)
    assert (retailco.services_agreed, retailco.services_without_requirements) == (0, ("cloud-hosting",))


STANDING_CASES = [
    ("more than 14 days ahead", date(2026, 11, 25), "ok"),
    ("14 days ahead", date(2026, 11, 26), "due soon"),
    ("on the due date", date(2026, 12, 10), "due soon"),
    ("one day late", date(2026, 12, 11), "overdue"),
]


@pytest.mark.parametrize(("name", "as_of", "standing"), STANDING_CASES, ids=[c[0] for c in STANDING_CASES])
def test_standing(repo, name, as_of, standing) -> None:
    review = row(repo(), as_of=as_of).review
    assert review.standing(as_of) == standing
    assert review.is_late(as_of) is (standing == "overdue")


@pytest.mark.parametrize(
    ("interval", "phrase"),
    [
        ("P1M", "monthly reviews"),
        ("quarterly", "quarterly reviews"),
        ("P1Y", "annual reviews"),
        ("P2M", "reviews every 2 months"),
        ("P6M", "reviews every 6 months"),
    ],
)
def test_every(interval: str, phrase: str) -> None:
    parsed = Interval.parse(interval)
    assert parsed is not None
    assert every(parsed, "reviews") == phrase


def test_a_post_incident_result_is_not_the_planned_survey(repo) -> None:
    instrument = BASE["surveys/instruments/csat-quarterly.md"].replace("id: csat-quarterly", "id: after-incident")
    later = BASE[RESULT].replace("instrument: csat-quarterly", "instrument: after-incident")
    later = later.replace("sent: 2026-10-01", "sent: 2026-11-20").replace("period: 2026-Q3", "period: 2026-11")
    files = {"surveys/instruments/after-incident.md": instrument, "surveys/results/2026/2026-11-retailco.md": later}
    assert row(repo(files)).survey.last == date(2026, 11, 20)  # a csat instrument: periodic
    files["surveys/instruments/after-incident.md"] = instrument.replace("method: csat", "method: post-incident")
    retailco = row(repo(files))
    assert (retailco.survey.last, retailco.survey.due) == (date(2026, 10, 1), date(2027, 1, 1))
    assert retailco.last_result is not None and retailco.last_result.source.path == RESULT


def test_open_actions_are_those_open_at_the_as_of_date(repo) -> None:
    done = ACTIONS.replace("status: open", "status: done\n  closed: 2026-12-20\n  evidence: Report sent.")
    root = repo({"registers/actions.yaml": done})
    assert [a.id for a in row(root, as_of=date(2026, 11, 9)).open_actions] == []  # raised 2026-11-10
    assert [a.id for a in row(root, as_of=date(2026, 12, 19)).open_actions] == ["ACT-0001"]
    assert [a.id for a in row(root, as_of=date(2026, 12, 19)).overdue_actions] == ["ACT-0001"]  # due 2026-12-15
    assert [a.id for a in row(root, as_of=date(2026, 12, 20)).open_actions] == []
