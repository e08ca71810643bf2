"""brm report: every figure checked against a small hand-made repository whose answers are known.

The period is 2026-Q3 (1 July to 30 September 2026), the report prepared on 2026-11-23.
Each expected number below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from checks.load import load
from checks.management import period as periods
from checks.management.attention import highlights, sentences
from checks.management.figures import ManagementReport, build
from checks.management.history import compliance
from checks.management.period import PeriodError, parse
from checks.policy import Policy

from .conftest import BASE, brm, dedent, write_repo

PREPARED = date(2026, 11, 23)
Q3 = parse("2026-Q3")

STANDARD = "    standard: {review_interval: P1M, survey_interval: P3M}"
BRM_PROCEDURE = BASE["procedures/business-relationship-management.md"].replace(
    STANDARD, STANDARD + "\n    strategic: {review_interval: P3M, survey_interval: P3M}"
)


def _review(day: str, customer: str, period: str) -> str:
    return dedent(
        f"""
        ---
        type: performance-review
        customers: [{customer}]
        services: [cloud-hosting]
        date: {day}
        period: "{period}"
        attendees: [alex-morgan]
        report: https://reports.provider.example/{day}.pdf
        decisions: [Carry on.]
        ---
        # Review
        """
    )


def _result(
    customer: str, period: str, sent: str, csat: int, themes: list[str], instrument: str = "csat-quarterly"
) -> str:
    return dedent(
        f"""
        ---
        type: satisfaction-result
        instrument: {instrument}
        instrument_version: "1"
        customers: [{customer}]
        period: "{period}"
        sent: {sent}
        sent_by: alex-morgan
        analysed_by: olivia-reid
        invited: 10
        responses: 6
        scores: {{csat: {csat}}}
        themes: {json.dumps(themes)}
        ---
        Analysis.
        """
    )


def _action(ident: str, source: str, customer: str, raised: str, due: str, status: str, closed: str | None) -> str:
    lines = [f"id: {ident}", f"title: Action {ident}", f"source: {source}", f"customers: [{customer}]",
             "owner: alex-morgan", f"raised: {raised}", f"due: {due}", f"status: {status}"]  # fmt: skip
    if closed:
        lines += [f"closed: {closed}", "evidence: Done and recorded."]
    return "\n".join(lines) + "\n"


FILES: dict[str, str | bytes | None] = {
    "procedures/business-relationship-management.md": BRM_PROCEDURE,
    "registers/customers.yaml": BASE["registers/customers.yaml"].replace(
        "  counterpart: alex-morgan\n", "  counterpart: alex-morgan\n  onboarded: 2026-05-10\n", 1
    )
    + dedent(
        """
            - id: lucy-brennan
              name: Lucy Brennan
              role: Platform Engineering Lead
              authority: [review-performance]
              since: 2025-09-01
              confirmed: 2025-11-15
        - id: acme
          name: Acme
          tier: strategic
          counterpart: alex-morgan
          onboarded: 2026-01-01
          services:
            - service: cloud-hosting
              user_groups: [Finance]
          representatives:
            - id: ella-stone
              name: Ella Stone
              role: Finance Director
              authority: [agree-requirements, review-performance]
              since: 2025-08-01
        """
    ),
    "registers/requirements/acme--cloud-hosting.yaml": dedent(
        """
        customer: acme
        service: cloud-hosting
        version: "1.0"
        effective: 2025-12-01
        document: https://contracts.provider.example/acme.pdf
        approvals:
          - {by: ella-stone, on: 2025-11-20}
          - {by: priya-shah, on: 2025-11-18}
        """
    ),
    # RetailCo, monthly from 10 May: due 10 June (held 8 June, on time); due 8 July (held 20 July: late);
    # due 20 August (held 19 August: on time); due 19 September, nothing until 25 October, past the
    # following due date of 19 October: missed. Q3: 3 due, 1 on time, 1 late, 1 missed.
    "reviews/2026/2026-06-08-retailco.md": _review("2026-06-08", "retailco", "2026-05"),
    "reviews/2026/2026-07-20-retailco.md": _review("2026-07-20", "retailco", "2026-06"),
    "reviews/2026/2026-08-19-retailco.md": _review("2026-08-19", "retailco", "2026-07"),
    "reviews/2026/2026-10-25-retailco.md": _review("2026-10-25", "retailco", "2026-09"),
    # Acme, quarterly from 1 January: held 15 March and 15 June (on time); due 15 September and not
    # held by 23 November, before the following due date (15 December): overdue. Q3: 1 due, 1 overdue.
    "reviews/2026/2026-03-15-acme.md": _review("2026-03-15", "acme", "2026-Q1"),
    "reviews/2026/2026-06-15-acme.md": _review("2026-06-15", "acme", "2026-Q2"),
    "surveys/instruments/csat-quarterly.md": BASE["surveys/instruments/csat-quarterly.md"].replace(
        'version: "2"', 'version: "1"'
    ),
    "surveys/instruments/post-incident.md": dedent(
        """
        ---
        type: survey-instrument
        id: post-incident
        version: "1"
        method: post-incident
        questions: [How did we handle the incident?]
        ---
        After an incident.
        """
    ),
    # RetailCo 82, 80, 88 (Q1 to Q3): 88 meets 85, up 8, back above the target. Acme 90, 84: below, down 6.
    # The Q3 surveys are sent in October: they count for Q3, the period they measure.
    "surveys/results/2026/2026-Q3-retailco.md": _result(
        "retailco", "2026-Q3", "2026-10-01", 88, ["Fast responses", "Slow change approvals"]
    ),
    "surveys/results/2026/2026-Q2-retailco.md": _result("retailco", "2026-Q2", "2026-07-01", 80, ["Outages"]),
    "surveys/results/2026/2026-Q1-retailco.md": _result("retailco", "2026-Q1", "2026-04-01", 82, []),
    "surveys/results/2026/2026-Q2-acme.md": _result("acme", "2026-Q2", "2026-07-01", 90, []),
    "surveys/results/2026/2026-Q3-acme.md": _result(
        "acme", "2026-Q3", "2026-10-02", 84, ["fast responses.", "Billing errors"]
    ),
    # A post-incident survey counts for the themes, never for satisfaction against the target.
    "surveys/results/2026/2026-08-acme-incident.md": _result(
        "acme", "2026-08", "2026-08-20", 50, ["Billing errors"], instrument="post-incident"
    ),
    "registers/actions/ACT-0010.yaml": _action(
        "ACT-0010", "reviews/2026/2026-06-08-retailco.md", "retailco", "2026-06-01", "2026-07-15", "done", "2026-07-10"
    ),
    "registers/actions/ACT-0011.yaml": _action(
        "ACT-0011", "reviews/2026/2026-07-20-retailco.md", "retailco", "2026-07-20", "2026-08-31", "done", "2026-09-10"
    ),
    "registers/actions/ACT-0012.yaml": _action(
        "ACT-0012", "surveys/results/2026/2026-Q2-acme.md", "acme", "2026-08-05", "2026-09-15", "open", None
    ),
    "registers/actions/ACT-0013.yaml": _action(
        "ACT-0013", "CMP-0001", "retailco", "2026-09-20", "2026-10-31", "open", None
    ),
    "registers/actions/ACT-0014.yaml": _action(
        "ACT-0014", "CMP-0001", "retailco", "2026-07-01", "2026-08-01", "cancelled", "2026-07-15"
    ),
    "registers/actions/ACT-0015.yaml": _action(
        "ACT-0015", "reviews/2026/2026-06-08-retailco.md", "retailco", "2026-04-01", "2026-05-01", "done", "2026-05-01"
    ),
    "registers/actions/ACT-0016.yaml": _action(
        "ACT-0016", "reviews/2026/2026-08-19-retailco.md", "retailco", "2026-09-25", "2026-10-15", "done", "2026-10-05"
    ),
    "registers/complaints.yaml": dedent(
        """
        # CMP-0001: Friday 16:40 to Monday 10:10 is 20 min + 70 min = 1 h 30 min of business time (met, within
        # half of PT4H). Resolved 7 days after receipt, inside P10D.
        - id: CMP-0001
          customer: retailco
          service: cloud-hosting
          channel: service-portal
          received: 2026-07-03T16:40:00+01:00
          acknowledged: 2026-07-06T10:10:00+01:00
          stage: closed
          escalations:
            - {to: jordan-lee, at: 2026-07-06T12:00:00+01:00}
          resolved: 2026-07-10
          feedback: The customer confirmed the fix.
        # CMP-0002: Friday 15:00 to Tuesday 11:00 across the August bank holiday (Monday 31 August in
        # England): 2 h + 0 + 2 h = 4 h, exactly the target (met). Resolved on day 23, past 7 September (missed).
        - id: CMP-0002
          customer: acme
          service: cloud-hosting
          channel: email
          received: 2026-08-28T15:00:00+01:00
          acknowledged: 2026-09-01T11:00:00+01:00
          stage: closed
          escalations:
            - {to: alex-morgan, at: 2026-09-10T09:00:00+01:00}
            - {to: olivia-reid, at: 2026-09-15T09:00:00+01:00}
          resolved: 2026-09-20
          feedback: The customer accepted the credit.
        # CMP-0003: received on a Saturday, the clock starts Monday 09:00; acknowledged 14:30: 5 h 30 min
        # (missed, up to twice the target). Unresolved, due 6 October: missed, and open at the period's end.
        - id: CMP-0003
          customer: acme
          service: cloud-hosting
          channel: account-manager
          received: 2026-09-26T10:00:00+01:00
          acknowledged: 2026-09-28T14:30:00+01:00
          stage: investigation
          escalations: []
        # CMP-0004: received in June (not a Q3 complaint), escalated in July (a Q3 escalation, level 1).
        - id: CMP-0004
          customer: retailco
          service: cloud-hosting
          channel: email
          received: 2026-06-26T11:00:00+01:00
          acknowledged: 2026-06-26T12:00:00+01:00
          stage: closed
          escalations:
            - {to: jordan-lee, at: 2026-07-01T10:00:00+01:00}
          resolved: 2026-07-02
          feedback: Fine.
        """
    ),
}


def test_the_fixture_is_as_described() -> None:
    assert "  onboarded: 2026-05-10\n" in str(FILES["registers/customers.yaml"])


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_repo(tmp_path_factory.mktemp("report") / "evidence", FILES)


@pytest.fixture(scope="module")
def report(fixture_root: Path) -> ManagementReport:
    repository = load(fixture_root).repository
    return build(repository, Policy.from_repository(repository), Q3, PREPARED, "test")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "previous"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3", "2026-Q2"),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1", "2025-Q4"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026", "2025"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-02", "2026-01"),
        ("2026-07-01..2026-07-10", date(2026, 7, 1), date(2026, 7, 10), "2026-07-01..2026-07-10",
         "2026-06-21..2026-06-30"),
    ],
)  # fmt: skip
def test_periods(text: str, start: date, end: date, label: str, previous: str) -> None:
    found = parse(text)
    assert (found.start, found.end, found.label, found.previous().label) == (start, end, label, previous)


def test_period_trail_and_month_ends() -> None:
    assert [p.label for p in Q3.trail(8)][:2] == ["2024-Q4", "2025-Q1"] and Q3.trail(8)[-1] == Q3
    assert Q3.month_ends() == [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30)]
    assert parse("2026-07-01..2026-08-15").month_ends() == [date(2026, 7, 31), date(2026, 8, 15)]
    assert periods.named("2026-H2") == periods.Period(date(2026, 7, 1), date(2026, 12, 31), "half")


@pytest.mark.parametrize(
    "text", ["2026-Q5", "last quarter", "2026-09-30..2026-07-01", "2026-02-30..2026-03-01", "3000"]
)
def test_bad_periods_say_what_to_give(text: str) -> None:
    with pytest.raises(PeriodError, match="give|earlier|outside|real dates"):
        parse(text)


# --------------------------------------------------------------------------- satisfaction


def test_satisfaction_against_target_change_and_trend(report: ManagementReport) -> None:
    by_customer = {s.customer.id: s for s in report.satisfaction}
    retailco, acme = by_customer["retailco"], by_customer["acme"]
    assert retailco.score is not None and retailco.score.value == 88 and retailco.met is True
    assert retailco.change == 8 and retailco.target == 85
    assert [s.value if s else None for _p, s in retailco.trend] == [None] * 5 + [82, 80, 88]
    assert [p.label for p, _s in retailco.trend] == [
        "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"
    ]  # fmt: skip
    # The post-incident survey (50) is not a planned one: Acme's Q3 is its quarterly 84, not an average with it.
    assert acme.score is not None and acme.score.value == 84 and acme.met is False and acme.change == -6
    assert report.customers_without_results == []


def test_themes_are_grouped_across_customers_with_counts(report: ManagementReport) -> None:
    themes = {t.text.casefold().rstrip("."): (t.count, t.customers) for t in report.themes}
    assert themes["fast responses"] == (2, ("RetailCo", "Acme"))
    assert themes["billing errors"] == (2, ("Acme",))  # the quarterly survey and the post-incident one
    assert themes["slow change approvals"] == (1, ("RetailCo",))
    assert "outages" not in themes  # a Q2 theme
    assert report.themes[0].count == 2


# --------------------------------------------------------------------------- reviews


def test_review_cadence_adherence(report: ManagementReport) -> None:
    by_customer = {a.customer.id: a for a in report.adherence}
    retailco = [(d.due, d.held, d.state) for d in by_customer["retailco"].due]
    assert retailco == [
        (date(2026, 7, 8), date(2026, 7, 20), "late"),
        (date(2026, 8, 20), date(2026, 8, 19), "on time"),
        (date(2026, 9, 19), None, "missed"),
    ]
    acme = [(d.due, d.held, d.state) for d in by_customer["acme"].due]
    assert acme == [(date(2026, 9, 15), None, "overdue")]
    assert (report.reviews_due, report.reviews("on time"), report.review_rate) == (4, 1, 0.25)
    assert by_customer["retailco"].rate == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- actions


def test_actions_opened_closed_overdue_rate_ages_and_sources(report: ManagementReport) -> None:
    a = report.actions
    ids = lambda actions: sorted(x.id or "" for x in actions)  # noqa: E731
    assert ids(a.opened) == ["ACT-0011", "ACT-0012", "ACT-0013", "ACT-0014", "ACT-0016"]
    assert ids(a.closed) == ["ACT-0010", "ACT-0011", "ACT-0014"]  # ACT-0016 closed in October: open at the end
    assert ids(a.cancelled) == ["ACT-0014"] and ids(a.closed_on_time) == ["ACT-0010"]
    assert a.considered == 6 and a.closure_rate == 0.5  # ACT-0010 open at the start, and the five opened
    assert ids(a.open_at_end) == ["ACT-0012", "ACT-0013", "ACT-0016"]
    assert ids(a.overdue_at_end) == ["ACT-0012"]
    assert a.median_age == 10 and a.oldest is not None and (a.oldest[0].id, a.oldest[1]) == ("ACT-0012", 56)
    counts = {k: (v.opened, v.closed, v.overdue) for k, v in a.by_source.items()}
    assert counts == {"review": (2, 2, 0), "survey": (1, 0, 1), "complaint": (2, 1, 0)}


# --------------------------------------------------------------------------- complaints


def test_complaints_in_business_hours_across_a_weekend_and_a_bank_holiday(report: ManagementReport) -> None:
    c = report.complaints
    timings = {t.complaint.id or "": t for t in c.received}
    assert sorted(timings) == ["CMP-0001", "CMP-0002", "CMP-0003"]
    assert timings["CMP-0001"].acknowledgement == timedelta(hours=1, minutes=30)
    assert timings["CMP-0002"].acknowledgement == timedelta(hours=4)  # 31 August is a bank holiday in England
    assert timings["CMP-0003"].acknowledgement == timedelta(hours=5, minutes=30)
    assert [timings[i].acknowledgement_met for i in ("CMP-0001", "CMP-0002", "CMP-0003")] == [True, True, False]
    assert c.acknowledged_in_time == (2, 3)
    assert c.median_acknowledgement == timedelta(hours=4)
    assert dict(c.acknowledgement_bands) == {
        "within half the target": 1, "within the target": 1, "up to twice the target": 1
    }  # fmt: skip
    assert (timings["CMP-0001"].resolution_days, timings["CMP-0001"].resolution_met) == (7, True)
    assert (timings["CMP-0002"].resolution_due, timings["CMP-0002"].resolution_days) == (date(2026, 9, 7), 23)
    assert timings["CMP-0002"].resolution_met is False and timings["CMP-0003"].resolution_met is False
    assert c.resolved_in_time == (1, 3)
    assert dict(c.by_service) == {"cloud-hosting": 3}
    assert c.by_channel == (("account-manager", 1), ("email", 1), ("service-portal", 1))
    assert c.escalations == ((1, "jordan-lee", 2), (2, "alex-morgan", 1), (3, "olivia-reid", 1))
    assert [x.id for x in c.open_at_end] == ["CMP-0003"]


# --------------------------------------------------------------------------- what falls due


def test_reconfirmations_due_by_the_end_of_the_next_period(report: ManagementReport) -> None:
    found = [(c.what, c.subject, c.due) for c in report.confirmations]
    assert found == [
        ("representative", "Ella Stone", date(2026, 8, 1)),  # since 2025-08-01, never confirmed: overdue
        ("representative", "Lucy Brennan", date(2026, 11, 15)),
        ("requirements", "Cloud Hosting", date(2026, 12, 1)),  # effective 2025-12-01 + P1Y
    ]


# --------------------------------------------------------------------------- attention


def test_attention_names_what_needs_a_decision_first(report: ManagementReport) -> None:
    said = sentences(report)
    assert said[0] == (
        "Acme's CSAT was 84%, below the 85% target (down 6 points on 2026-Q2); no action was raised from the survey."
    )
    assert (
        "2 performance reviews were not held: RetailCo (due 2026-09-19, missed) and Acme (due 2026-09-15, overdue)."
        in said
    )
    assert "1 performance review was held late: RetailCo (due 2026-07-08, held 2026-07-20)." in said
    assert any(s.startswith("1 action was past due at 2026-09-30; the longest overdue is ACT-0012") for s in said)
    assert "1 complaint was not acknowledged within the target (CMP-0003)." in said
    assert "2 complaints were not resolved within the target of 10 days (CMP-0002 and CMP-0003)." in said
    assert "1 complaint was open at 2026-09-30 (CMP-0003)." in said
    assert any(
        s.startswith("1 entry was past its re-confirmation date at the end of 2026-Q3: Ella Stone") for s in said
    )
    assert any(s.startswith("1 representative entry and 1 requirements record fall due") for s in said)
    noted = highlights(report)
    assert "RetailCo's CSAT rose 8 points on 2026-Q2, to 88%: back above the 85% target." in noted


# --------------------------------------------------------------------------- the command


def test_report_command_writes_markdown_json_and_html(fixture_root: Path, tmp_path: Path) -> None:
    done = brm("report", str(fixture_root), "--period", "2026-Q3", "--as-of", "2026-11-23")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# Business relationship management: management report, 2026-Q3\n")
    assert text.index("## What needs management attention") < text.index("## Satisfaction")
    assert "| Acme | 84% | 85% missed | down 6 points |" in text
    assert "25% (1 of 4) of the reviews due in 2026-Q3 were held on time" in text
    assert "a closure rate of 50% (3 of 6)" in text
    assert "67% (2 of 3); median 4 h of business time" in text
    assert "sam.patel@retailco.example" not in text
    as_json = brm("report", str(fixture_root), "--period", "2026-Q3", "--as-of", "2026-11-23", "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["reviews"]["due"] == 4 and data["complaints"]["acknowledged_in_time"] == [2, 3]
    assert data["complaints"]["received"][1]["acknowledgement_business_hours"] == 4.0
    page = tmp_path / "report.html"
    as_html = brm("report", str(fixture_root), "--period", "2026-Q3", "--as-of", "2026-11-23", "--format", "html",
                  "--output", str(page))  # fmt: skip
    assert as_html.returncode == 0, as_html.stderr
    written = page.read_text(encoding="utf-8")
    assert "<svg" in written and "<script" not in written and "default-src 'none'" in written
    assert "<table>" in written


def test_a_bad_period_is_one_line(fixture_root: Path) -> None:
    done = brm("report", str(fixture_root), "--period", "Q3")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--period" in done.stderr


def test_hostile_names_and_themes_are_escaped_in_every_format(tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(1)> [x](javascript:alert(2)) | cell *bold*"
    root = write_repo(
        tmp_path / "evidence",
        {
            **FILES,
            "registers/customers.yaml": str(FILES["registers/customers.yaml"]).replace(
                "name: Acme", f"name: {json.dumps(payload)}"
            ),
            "surveys/results/2026/2026-Q3-acme.md": _result("acme", "2026-Q3", "2026-10-02", 84, [payload]),
        },
    )
    markdown = brm("report", str(root), "--period", "2026-Q3", "--as-of", "2026-11-23").stdout
    assert "<img" not in markdown and "[x](javascript:" not in markdown and "\\| cell \\*bold\\*" in markdown
    page = tmp_path / "r.html"
    brm("report", str(root), "--period", "2026-Q3", "--as-of", "2026-11-23", "--format", "html", "--output", str(page))
    written = page.read_text(encoding="utf-8")
    assert "<img" not in written and 'href="javascript' not in written and "&lt;img src=x" in written


# --------------------------------------------------------------------------- compliance over time


def _git(root: Path, when: str, *args: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@provider.example",
                   "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@provider.example", "GIT_AUTHOR_DATE": when,
                   "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=environment, check=True, capture_output=True)


def test_compliance_at_each_month_end_is_judged_on_the_commit_of_that_day(tmp_path: Path) -> None:
    """July: a customer whose counterpart is nobody we know (BRM003, an error); fixed on 20 August."""
    root = write_repo(tmp_path / "evidence", {})
    broken = BASE["registers/customers.yaml"].replace("counterpart: alex-morgan", "counterpart: nobody-we-know")
    (root / "registers/customers.yaml").write_text(broken, encoding="utf-8")
    _git(root, "2026-07-15T10:00:00+01:00", "init", "--quiet", "--initial-branch=main")
    _git(root, "2026-07-15T10:00:00+01:00", "add", "--all")
    _git(root, "2026-07-15T10:00:00+01:00", "commit", "--quiet", "-m", "evidence")
    (root / "registers/customers.yaml").write_text(BASE["registers/customers.yaml"], encoding="utf-8")
    _git(root, "2026-08-20T10:00:00+01:00", "commit", "--quiet", "-am", "owner fixed")
    loaded = load(root)
    policy = Policy.from_repository(loaded.repository)
    points = compliance(root, parse("2026-06-01..2026-09-30"), PREPARED, loaded, policy.zone)
    assert [p.day for p in points] == [date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30)]
    june, july, august, september = points
    assert june.commit is None and "history starts on 2026-07-15" in june.basis  # judged on today's evidence
    assert july.commit is not None and july.errors >= 1
    assert august.commit is not None and august.commit != july.commit and august.errors == july.errors - 1
    assert september.commit == august.commit and september.errors == august.errors
    # Today's evidence, judged at the end of July, no longer has July's error: the commit is what counted.
    from checks.rules import run

    today_at_july = [f for f in run(loaded, date(2026, 7, 31)) if f.severity.value == "error"]
    assert len(today_at_july) < july.errors


# --------------------------------------------------------------------------- the process review, prefilled


def test_new_process_review_is_prefilled_from_the_year_before_its_date(tmp_path: Path) -> None:
    """Held on 2026-10-05: the year is 2025-10-05 to 2026-10-04, as known on the day of the review."""
    root = write_repo(tmp_path / "evidence", FILES)
    done = brm("new", "review", "--type", "process-review", "--root", str(root), "--date", "2026-10-05",
               "--decision", "Keep the cadences.", "--as-of", "2026-10-05")  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = (root / "reviews/2026/2026-10-05-process-review.md").read_text(encoding="utf-8")
    front = yaml.safe_load(written.split("---\n")[1])
    kpis = {k["name"]: (k["actual"], k["met"]) for k in front["kpis"]}
    assert kpis == {
        # RetailCo: June on time, July late, August on time, September overdue (the October review is later);
        # Acme: April and June on time, September overdue.
        "Performance reviews held on time": ("57% (4 of 7)", False),
        # RetailCo's year averages 83.3 (82, 80, 88), below 85; Acme's 87 (90, 84).
        "Customers at or above the satisfaction target (the period's average)": ("50% (1 of 2)", False),
        "Complaints acknowledged within the target": ("75% (3 of 4)", False),  # CMP-0003 missed
        # CMP-0004 and CMP-0001 in time, CMP-0002 late; CMP-0003 is not yet due on 5 October.
        "Complaints resolved within the target": ("67% (2 of 3)", False),
        # ACT-0015 and ACT-0010 by their due dates, ACT-0011 after; ACT-0014 was cancelled.
        "Actions done by their due date": ("67% (2 of 3)", False),
        "Re-confirmations overdue at the end of the period": ("1", False),  # Ella Stone, due 1 August
    }
    assert all(k["target"] in ("100%", "0") for k in front["kpis"])
    assert "## Summary" in written and "brm report --period 2025-10-05..2026-10-04" in written
    summary = written.split("## Summary", 1)[1].split("## Decisions", 1)[0]
    assert "RetailCo's CSAT was 83.3%, below the 85% target" in summary
    given = brm("new", "review", "--type", "process-review", "--root", str(root), "--date", "2026-10-06",
                "--decision", "Typed.", "--kpi", "Typed KPI", "1", "1", "yes", "--as-of", "2026-10-06")  # fmt: skip
    assert given.returncode == 0, given.stderr
    typed = yaml.safe_load((root / "reviews/2026/2026-10-06-process-review.md").read_text().split("---\n")[1])
    assert [k["name"] for k in typed["kpis"]] == ["Typed KPI"]  # a KPI given is kept, nothing is measured
