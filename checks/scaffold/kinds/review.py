"""``brm new review``: the minutes of a performance review, or of a process review (``--type``)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ...coverage import PROCESS_REVIEW
from ...dates import Interval
from ...model import Customer, Review
from ..core import (
    Draft,
    Scaffold,
    ScaffoldError,
    day,
    enum,
    ids,
    link,
    name,
    numbered,
    period,
    period_text,
    slug,
    unique,
)

TYPE = "review"
HELP = "review minutes (a performance review, or --type process-review): reviews/YEAR/DATE-CUSTOMER.md"
DESCRIPTION = (
    "Attendees (the customers' representatives and counterparts), services, the period the date covers in the "
    "cadence, the next review and the previous review's open actions are prefilled from the registers."
)
_MET = {"yes": True, "true": True, "met": True, "no": False, "false": False, "missed": False}


def flags(review: argparse.ArgumentParser) -> None:
    types = enum(TYPE, "type")
    review.add_argument("--type", choices=types, default=types[0], help=f"default: {types[0]}")
    who = review.add_mutually_exclusive_group()
    who.add_argument("--customer", action="append", type=slug, metavar="ID", help="a customer reviewed (repeat)")
    who.add_argument("--tier", type=slug, help="a group review of every customer in this tier")
    review.add_argument("--service", action="append", type=slug, metavar="ID", help="a service reviewed (repeat)")
    review.add_argument("--date", type=day, help="the meeting date (default: today)")
    review.add_argument(
        "--period",
        type=period_text,
        help="the period reviewed, e.g. 2026-Q3 (default: the cadence's month, quarter, half or year that the date "
        "is at least halfway through, else the one before; after the previous review's, the next)",
    )
    review.add_argument("--attendee", action="append", type=slug, metavar="ID", help="a person id (repeat)")
    review.add_argument("--report", type=link, metavar="URL_OR_PATH", help="the performance pack")
    review.add_argument(
        "--kpi",
        action="append",
        nargs=4,
        metavar=("NAME", "TARGET", "ACTUAL", "MET"),
        help="a KPI reviewed; MET is yes or no (repeat)",
    )
    review.add_argument("--decision", action="append", metavar="TEXT", help="a decision taken (repeat)")
    review.add_argument("--action", action="append", type=numbered("ACT"), metavar="ID", help="a tracker id (repeat)")
    review.add_argument("--next-review", type=day, metavar="DATE", help="default: the date plus the cadence")


def _kpi(values: list[str]) -> dict[str, Any]:
    kpi_name, target, actual, met = values
    if met.lower() not in _MET:
        raise ScaffoldError(f"--kpi {kpi_name}: met must be yes or no, not '{met}'")
    return {"name": kpi_name, "target": target, "actual": actual, "met": _MET[met.lower()]}


def _cadence(s: Scaffold, customers: list[Customer]) -> Interval | None:
    """The shortest review interval of the customers reviewed."""
    from ...policy import Policy

    policy = Policy.from_repository(s.repository)
    intervals = [policy.review_interval(c.review_interval, c.tier) for c in customers]
    known = [i for i in intervals if i is not None]
    return min(known, key=lambda i: i.after(date(2000, 1, 1))) if known else None


def _previous(s: Scaffold, customer_ids: list[str], held: date) -> Review | None:
    earlier = [
        r
        for r in s.repository.reviews
        if r.is_performance_review and r.date is not None and r.date <= held and set(r.customers) & set(customer_ids)
    ]
    return max(earlier, key=lambda r: (r.date, r.source.path), default=None)


def _open_actions(s: Scaffold, review: Review | None) -> list[str]:
    if review is None:
        return []
    tracker = s.repository.by_id(s.repository.actions)
    listed = [i for i in review.actions if i in tracker and tracker[i].is_open]
    sourced = [a.id for a in s.repository.actions if a.source_path == review.source.path and a.is_open]
    return unique([*listed, *sourced])


def build(s: Scaffold) -> Draft:
    a = s.answers
    held: date = a.flag("date") or s.today
    if a.args.type == PROCESS_REVIEW:
        return _process_review(s, held)
    customers, subject, _tier = s.customers_asked()
    customer_ids = [c.id for c in customers if c.id]
    services = [s.service(x) for x in a.flag("service") or []] or unique(
        c.service for customer in customers for c in customer.services
    )
    attendees = [s.person(x, "attendee") for x in a.flag("attendee") or []] or unique(
        [*(r.id for c in customers for r in c.representatives), *(c.counterpart for c in customers)]
    )
    cadence = _cadence(s, customers)
    previous = _previous(s, customer_ids, held)
    covered = a.flag("period") or period(held, cadence, previous.period if previous else None)
    actions = unique([*_open_actions(s, previous), *(s.action(x) for x in a.flag("action") or [])])
    kpis = [_kpi(list(k)) for k in a.flag("kpi") or []]
    report = a.flag("report")
    if report is None and not kpis:
        report = a.get("report", "Performance report (a URL or a repository path)", link, flags="--report (or --kpi)")
    decisions = a.flag("decision") or []
    if not decisions and not actions:
        decisions = a.get("decision", "Decisions taken", many=True)
    a.done()
    next_review = a.flag("next_review") or (cadence.after(held) if cadence is not None else None)
    record: dict[str, Any] = {
        "type": a.args.type,
        "customers": customer_ids,
        "services": services,
        "date": held,
        "period": covered,
        "attendees": attendees,
        "report": report,
        "kpis": kpis or None,
        "decisions": decisions or None,
        "actions": actions or None,
        "next_review": next_review,
    }
    names = ", ".join(c.label for c in customers)
    body = [f"# {names}: {covered} service review", "", f"Held on {held.isoformat()}."]
    body += ["", "## Performance", "", "<!-- How the services performed against the agreed requirements. -->"]
    body += ["", "## Decisions", ""] + ([f"- {d}" for d in decisions] or ["<!-- What was decided. -->"])
    body += ["", "## Actions", ""]
    body += [s.action_line(i) for i in actions] or [
        "<!-- One line each: - [ ] ACT-0043 what (owner, due YYYY-MM-DD); create it with 'brm new action'. -->"
    ]
    return Draft(f"reviews/{held.year}/{name(held.isoformat(), subject)}.md", TYPE, record, "\n".join(body) + "\n")


def _process_review(s: Scaffold, held: date) -> Draft:
    from ...policy import BRM_PROCEDURE, Policy

    a = s.answers
    procedure = s.repository.procedure(BRM_PROCEDURE)
    owners = [procedure.owner, procedure.approved_by] if procedure is not None else []
    attendees = [s.person(x, "attendee") for x in a.flag("attendee") or []] or unique(owners)
    if not attendees:
        attendees = a.get("attendee", "Attendees (person ids, comma-separated)", ids)
    actions = [s.action(x) for x in a.flag("action") or []]
    decisions = a.flag("decision") or []
    if not decisions and not actions:
        decisions = a.get("decision", "Decisions taken", many=True)
    a.done()
    covered = a.flag("period") or str(held.year)
    interval = Policy.from_repository(s.repository).process_review_interval
    kpis = [_kpi(list(k)) for k in a.flag("kpi") or []]
    summary: list[str] = []
    if not kpis:  # measured, not typed: the management report of the year before the review
        from ...management.prefill import process_review

        kpis, summary = process_review(s.repository, held)
    record: dict[str, Any] = {
        "type": PROCESS_REVIEW,
        "date": held,
        "period": covered,
        "attendees": attendees,
        "kpis": kpis or None,
        "decisions": decisions or None,
        "actions": actions or None,
        "next_review": a.flag("next_review") or interval.after(held),
    }
    body = [f"# Review of the BRM process, {covered}", "", f"Held on {held.isoformat()}.", "", "## Decisions", ""]
    body[4:4] = summary  # the measured summary comes before the decisions
    body += [f"- {d}" for d in decisions] or ["<!-- What was decided. -->"]
    if actions:
        body += ["", "## Actions", "", *(s.action_line(i) for i in actions)]
    return Draft(f"reviews/{held.year}/{held.isoformat()}-process-review.md", TYPE, record, "\n".join(body) + "\n")
