"""The annual process review, written from measured figures: ``brm new review --type process-review``.

The KPIs and the summary of a process review held on a date are prefilled from the
management report of the year before that date (:func:`checks.management.figures.build`,
the same figures as ``brm report --period START..END``), so nobody types a figure the
evidence already holds. A KPI's target is what the procedures ask of every case (every
review on time, every complaint acknowledged within its target ...): 100%, and no
re-confirmation overdue.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from ..model import Repository
from ..policy import Policy
from .attention import highlights, percent, sentences
from .figures import ON_TIME, ManagementReport, build
from .markdown import inline
from .period import Period


def year_before(held: date) -> Period:
    """The year that ends the day before ``held``."""
    return Period(held - relativedelta(years=1), held - timedelta(days=1), "range")


def _kpi(name: str, part: int, whole: int) -> dict[str, Any]:
    return {"name": name, "target": "100%", "actual": percent(part, whole), "met": part == whole}


def kpis(report: ManagementReport) -> list[dict[str, Any]]:
    """The process's KPIs over the report's period (those with something to count)."""
    found = []
    if report.reviews_due:
        found.append(_kpi("Performance reviews held on time", report.reviews(ON_TIME), report.reviews_due))
    judged = [s for s in report.satisfaction if s.met is not None]
    if judged:
        met = sum(1 for s in judged if s.met)
        found.append(_kpi("Customers at or above the satisfaction target (the period's average)", met, len(judged)))
    acknowledged, counted = report.complaints.acknowledged_in_time
    if counted:
        found.append(_kpi("Complaints acknowledged within the target", acknowledged, counted))
    resolved, counted = report.complaints.resolved_in_time
    if counted:
        found.append(_kpi("Complaints resolved within the target", resolved, counted))
    done = len(report.actions.closed) - len(report.actions.cancelled)
    if done:
        found.append(_kpi("Actions done by their due date", len(report.actions.closed_on_time), done))
    overdue = sum(1 for c in report.confirmations if c.due <= report.period.end)
    found.append(
        {"name": "Re-confirmations overdue at the end of the period", "target": "0", "actual": str(overdue),
         "met": overdue == 0}
    )  # fmt: skip
    return found


def process_review(repository: Repository, held: date) -> tuple[list[dict[str, Any]], list[str]]:
    """The KPIs and the summary (Markdown lines) of a process review held on ``held``."""
    period = year_before(held)
    report = build(repository, Policy.from_repository(repository), period, held)
    summary = [
        "## Summary",
        "",
        f"Measured from the evidence for {period.start} to {period.end} "
        f"(`brm report --period {period.label}`; the KPIs above are the same figures).",
        "",
        *(f"- {s}" for s in sentences(report, inline)),
        *(f"- {s}" for s in highlights(report, inline)),
        "",
    ]
    measured = kpis(report)
    if any(k["met"] is False for k in measured):
        summary += [
            "<!-- A missed KPI needs the actions that deal with it (its `actions`) or a decision naming it. -->",
            "",
        ]
    return measured, summary
