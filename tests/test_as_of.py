"""As-of is a point in time: judged at a past date, the evidence is what stood on that day.

A record dated after the judging date does not exist yet; an action closed after it was
still open; a complaint acknowledged, escalated or resolved after it was not yet. One
view of the Repository (``Repository.as_of``) gives this to every rule, the coverage,
``brm status`` and the waivers.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from checks.coverage import coverage
from checks.load import load
from checks.policy import Policy
from checks.rules import run

from .conftest import BASE, ROOT, brm, check, dedent

ACTIONS_PATH = "registers/actions.yaml"
ACTIONS = BASE[ACTIONS_PATH]
COMPLAINTS = "registers/complaints.yaml"
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
WAIVERS = "registers/waivers.yaml"


def line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.split("\n")) if needle in line)


def found(root, code: str, as_of: date):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, as_of, select=(code,))]


# --- the bundled example, as an auditor saw it on 2026-06-30 ----------------------------------
# Every expectation is derived from the example's own dates, so the example can grow
# without these tests being rewritten.

AUDIT = date(2026, 6, 30)


@pytest.fixture(scope="module")
def example():
    loaded = load(ROOT)
    repository = loaded.repository
    policy = Policy.from_repository(repository)
    return {
        "whole": repository,
        "at_audit": run(loaded, AUDIT),
        "today": run(loaded, date(2026, 12, 1)),
        "coverage": coverage(repository, policy, AUDIT),
    }


def _day(moment: datetime) -> date:
    return moment.date()


def test_actions_raised_later_did_not_exist(example) -> None:
    later = {a.id for a in example["whole"].actions if a.raised is not None and a.raised > AUDIT}
    assert later, "the example has actions raised after the audit date"
    assert not {f.subject for f in example["at_audit"]} & later
    # Today, the actions late for their due date are among those; on the audit day, none was.
    overdue_today = {f.subject for f in example["today"] if f.rule == "ACT003"}
    assert overdue_today and overdue_today <= later
    assert [f for f in example["at_audit"] if f.rule == "ACT003"] == []


def test_actions_closed_later_were_open(example) -> None:
    actions = example["whole"].actions
    expected = {
        a.id for a in actions if a.raised is not None and a.raised <= AUDIT and (a.closed is None or a.closed > AUDIT)
    }
    closed_since = {a.id for a in actions if a.status in ("done", "cancelled") and a.id in expected}
    assert closed_since, "the example has actions closed after the audit date"
    open_at_audit = {a.id for row in example["coverage"].customers for a in row.open_actions}
    assert open_at_audit == expected
    overdue = {a.id for row in example["coverage"].customers for a in row.overdue_actions}
    assert overdue == {a.id for a in actions if a.id in expected and a.due is not None and a.due < AUDIT}


def test_complaints_received_later_did_not_exist(example) -> None:
    complaints = example["whole"].complaints
    later = {c.id for c in complaints if c.received is not None and _day(c.received) > AUDIT}
    assert later, "the example has complaints received after the audit date"
    assert not {f.subject for f in example["at_audit"]} & later
    assert not {c.id for row in example["coverage"].customers for c in row.open_complaints} & later
    # Today one of them is unresolved and past its target: a finding then, none on the audit day.
    assert {f.subject for f in example["today"] if f.rule == "CMP002"} <= later


def test_reviews_and_surveys_held_later_do_not_count(example) -> None:
    for row in example["coverage"].customers:
        assert row.review.last is not None and row.review.last <= AUDIT
        assert row.survey.last is not None and row.survey.last <= AUDIT
        assert row.last_review is not None and row.last_review.date == row.review.last
    process_reviews = [r for r in example["whole"].reviews if r.type == "process-review"]
    assert process_reviews and all(r.date is not None and r.date > AUDIT for r in process_reviews)
    [rev004] = [f for f in example["at_audit"] if f.rule == "REV004"]
    assert rev004.severity.value == "error" and "no process review on record" in rev004.message
    assert "REV004" not in [f.rule for f in example["today"]]


def test_the_example_is_clean_today_but_for_cadence_warnings(example) -> None:
    assert [f for f in example["today"] if f.severity.value == "error"] == []


def test_status_on_the_audit_day(example) -> None:
    result = brm("status", str(ROOT), "--as-of", str(AUDIT), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_id = {row.customer.id: row for row in example["coverage"].customers}
    for customer in report["customers"]:
        row = by_id[customer["id"]]
        assert customer["actions"]["open"] == [a.id for a in row.open_actions]
        assert customer["complaints"]["open"] == []
    assert report["process_review"]["last"] is None


def test_check_on_the_audit_day_through_the_cli() -> None:
    result = brm("check", str(ROOT), "--as-of", str(AUDIT), "--format", "json")
    report = json.loads(result.stdout)
    assert report["as_of"] == str(AUDIT)
    assert {f["rule"] for f in report["findings"] if f["severity"] == "error"} == {"REV004"}
    assert result.returncode == 1


# --- each kind of date, on the fixture repository -------------------------------------------


def test_an_action_closed_after_the_date_was_open_and_could_be_late(repo) -> None:
    done = ACTIONS.replace("status: open", "status: done\n  closed: 2026-12-20\n  evidence: Report sent.")
    root = repo({ACTIONS_PATH: done})
    due = line_of(done, "due:")
    assert found(root, "ACT003", date(2026, 12, 18)) == [("ACT003", "warning", ACTIONS_PATH, due)]
    assert found(root, "ACT003", date(2026, 12, 20)) == []
    assert found(root, "ACT004", date(2026, 12, 18)) == []


def test_an_action_raised_after_the_date_did_not_exist(repo) -> None:
    root = repo({ACTIONS_PATH: ACTIONS.replace("due: 2026-12-15", "due: 2026-11-01")})
    repository = load(root).repository
    assert [a.id for a in repository.as_of(date(2026, 11, 9)).actions] == []
    assert [a.id for a in repository.as_of(date(2026, 11, 10)).actions] == ["ACT-0001"]
    assert found(root, "ACT003", date(2026, 11, 9)) == []


def test_a_reference_to_a_later_action_is_dropped_and_other_lines_stay_true(repo) -> None:
    actions = ACTIONS + ACTIONS.replace("ACT-0001", "ACT-0002").replace("raised: 2026-11-10", "raised: 2026-11-20")
    text = BASE[RESULT].replace("themes: [Fast responses]\n", "actions:\n  - ACT-0002\n  - ACT-0999\n")
    root = repo({ACTIONS_PATH: actions, RESULT: text})
    unknown = ("BRM003", "error", RESULT, line_of(text, "- ACT-0999"))
    assert found(root, "BRM003", date(2026, 11, 15)) == [unknown]  # ACT-0002 is not unknown: it is later
    assert found(root, "BRM003", date(2026, 11, 23)) == [unknown]
    seen = load(root).repository.as_of(date(2026, 11, 15))
    assert seen.results[0].actions == ["ACT-0999"]


def test_a_low_score_acted_on_only_later_was_not_acted_on_yet(repo) -> None:
    later = ACTIONS.replace("raised: 2026-11-10", "raised: 2026-11-20")
    text = (
        BASE[RESULT]
        .replace("scores: {csat: 88}", "scores: {csat: 80}")
        .replace("themes: [Fast responses]", "actions: [ACT-0001]")
    )
    root = repo({ACTIONS_PATH: later, RESULT: text})
    assert found(root, "SAT002", date(2026, 11, 15)) == [("SAT002", "error", RESULT, line_of(text, "scores:"))]
    assert found(root, "SAT002", date(2026, 11, 20)) == []


COMPLAINT = dedent(
    """
    - id: CMP-0001
      customer: retailco
      service: cloud-hosting
      channel: email
      received: 2026-11-02T10:00:00+00:00
      acknowledged: 2026-11-02T11:00:00+00:00
      stage: closed
      escalations:
        - {to: jordan-lee, at: 2026-11-20T09:00:00+00:00}
        - {to: olivia-ried, at: 2026-11-10T09:00:00+00:00}
      resolved: 2026-11-21
      feedback: Customer confirmed the fix on 2026-11-22.
    """
)


def test_a_complaint_resolved_later_was_unresolved(repo) -> None:
    root = repo({COMPLAINTS: COMPLAINT})
    # On 2026-11-15 it was past its P10D target (2026-11-12) and escalated once, on the 10th.
    assert found(root, "CMP002", date(2026, 11, 15)) == []
    assert found(root, "CMP003", date(2026, 11, 15)) == []
    [open_complaint] = load(root).repository.as_of(date(2026, 11, 15)).complaints
    assert (open_complaint.resolved, open_complaint.feedback, open_complaint.stage) == (None, None, None)
    matrix = coverage(load(root).repository, Policy.from_repository(load(root).repository), date(2026, 11, 15))
    assert [c.id for c in matrix.customers[0].open_complaints] == ["CMP-0001"]
    # Escalations after the date had not happened: the entry of the 10th keeps its own line.
    [escalated] = load(root).repository.as_of(date(2026, 11, 15)).complaints[0].escalations
    assert escalated.to == "olivia-ried"
    typo = ("BRM003", "error", COMPLAINTS, line_of(COMPLAINT, "olivia-ried"))
    assert found(root, "BRM003", date(2026, 11, 15)) == [typo]


def test_an_escalation_after_the_date_did_not_count(repo) -> None:
    late = COMPLAINT.replace("    - {to: olivia-ried, at: 2026-11-10T09:00:00+00:00}\n", "")
    assert "olivia-ried" not in late
    root = repo({COMPLAINTS: late})
    escalations = line_of(late, "escalations:")
    assert found(root, "CMP002", date(2026, 11, 15)) == [("CMP002", "warning", COMPLAINTS, escalations)]
    assert found(root, "CMP002", date(2026, 11, 20)) == []


def test_a_complaint_acknowledged_later_was_unacknowledged(repo) -> None:
    late = COMPLAINT.replace("acknowledged: 2026-11-02T11:00:00+00:00", "acknowledged: 2026-11-06T11:00:00+00:00")
    root = repo({COMPLAINTS: late})
    [on_the_4th] = check(root, date(2026, 11, 4), select=("CMP001",))
    assert "has no acknowledgement recorded" in on_the_4th.message
    assert on_the_4th.line == line_of(late, "acknowledged:")
    [later] = check(root, date(2026, 11, 23), select=("CMP001",))
    assert "was acknowledged" in later.message


def test_a_complaint_is_placed_on_a_day_in_the_procedures_time_zone(repo) -> None:
    # 23:30 in New York on the 23rd is 04:30 on the 24th in London, the procedure's zone.
    evening = COMPLAINT.replace("received: 2026-11-02T10:00:00+00:00", "received: 2026-11-23T23:30:00-05:00")
    repository = load(repo({COMPLAINTS: evening})).repository
    zone = Policy.from_repository(repository).zone
    assert repository.as_of(date(2026, 11, 23), zone).complaints == []
    assert len(repository.as_of(date(2026, 11, 24), zone).complaints) == 1
    assert len(repository.as_of(date(2026, 11, 23)).complaints) == 1  # in its own offset, the 23rd


def test_a_waiver_approved_later_was_not_in_force(repo) -> None:
    waiver = dedent(
        """
        - rule: ACT003
          subject: ACT-0001
          reason: Customer postponed the capacity report to January; agreed in writing.
          approved_by: olivia-reid
          approved: 2026-12-20
          expires: 2027-01-31
        """
    )
    root = repo({WAIVERS: waiver})
    assert found(root, "ACT003", date(2026, 12, 18)) == [("ACT003", "warning", ACTIONS_PATH, line_of(ACTIONS, "due:"))]
    assert found(root, "ACT003", date(2026, 12, 21)) == [("ACT003", "waived", ACTIONS_PATH, line_of(ACTIONS, "due:"))]


def test_the_view_is_made_from_the_whole_evidence(repo) -> None:
    repository = load(repo()).repository
    early = repository.as_of(date(2026, 11, 1))
    assert early.actions == [] and early.reviews[0].type == "process-review"
    again = early.as_of(date(2026, 11, 23))
    assert [a.id for a in again.actions] == ["ACT-0001"] and len(again.reviews) == 2
    assert again.as_of(date(2026, 11, 23)) is again
    # Nothing changed at the date: the records are the loaded ones, not copies.
    assert again.actions[0] is repository.actions[0] and again.results[0] is repository.results[0]


def test_a_review_naming_a_later_action_in_its_list_or_a_kpi_loses_that_reference(repo) -> None:
    review = "reviews/2026/2026-11-10-retailco.md"
    actions = ACTIONS + ACTIONS.replace("ACT-0001", "ACT-0002").replace("raised: 2026-11-10", "raised: 2026-11-20")
    text = (
        BASE[review]
        .replace(
            '- {name: Availability, target: "99.9%", actual: "99.95%", met: true}',
            '- {name: Availability, target: "99.9%", actual: "99.5%", met: false, actions: [ACT-0002, ACT-0001]}',
        )
        .replace("actions: [ACT-0001]\nnext_review", "actions: [ACT-0002, ACT-0001]\nnext_review")
    )
    assert text.count("ACT-0002") == 2
    whole = load(repo({ACTIONS_PATH: actions, review: text})).repository

    def of(reviews):  # type: ignore[no-untyped-def]
        return next(r for r in reviews if r.source.path == review)

    seen = of(whole.as_of(date(2026, 11, 15)).reviews)
    assert seen.actions == ["ACT-0001"] and seen.kpis[0].actions == ["ACT-0001"]
    line = next(i + 1 for i, t in enumerate(text.split("\n")) if t.startswith("actions: [ACT-0002"))
    assert seen.at("actions", 0).line == line  # the kept id still points at its own line
    assert of(whole.as_of(date(2026, 11, 23)).reviews) is of(whole.reviews)  # nothing later: the record itself
    unchanged = load(repo({ACTIONS_PATH: actions})).repository
    assert of(unchanged.as_of(date(2026, 11, 15)).reviews) is of(unchanged.reviews)


def test_a_review_naming_a_later_action_only_in_a_kpi_loses_that_reference(repo) -> None:
    review = "reviews/2026/2026-11-10-retailco.md"
    actions = ACTIONS + ACTIONS.replace("ACT-0001", "ACT-0002").replace("raised: 2026-11-10", "raised: 2026-11-20")
    text = BASE[review].replace(
        '- {name: Availability, target: "99.9%", actual: "99.95%", met: true}',
        '- {name: Availability, target: "99.9%", actual: "99.5%", met: false, actions: [ACT-0002]}',
    )
    assert "ACT-0002" in text
    whole = load(repo({ACTIONS_PATH: actions, review: text})).repository
    seen = next(r for r in whole.as_of(date(2026, 11, 15)).reviews if r.source.path == review)
    assert seen.kpis[0].actions == [] and seen.actions == ["ACT-0001"]
