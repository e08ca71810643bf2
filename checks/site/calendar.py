"""The calendar of what is due: reviews, surveys, confirmations, action due dates.

Every date here comes from the computation the checks judge by (:mod:`checks.coverage`:
review and survey cadences, confirmations as REP004 and REQ003 read them, complaint
deadlines as CMP001 and CMP002 read them). ``ics()`` writes them as an RFC 5545 calendar people can
subscribe to; event UIDs are stable, so a calendar client moves an event when its
date changes instead of adding another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from ..coverage import (
    Cadence,
    Coverage,
    acknowledgement_due,
    complaint_open,
    representative_due,
    requirements_due,
    resolution_due,
)
from ..model import Repository
from ..policy import Policy

#: Markup characters shown as look-alikes in the calendar: its text is plain (RFC 5545 TEXT), yet some
#: calendar clients have rendered a summary as HTML.
_MARKUP = str.maketrans({"<": "\u2039", ">": "\u203a"})

REVIEW = "Performance review"
SURVEY = "Satisfaction survey"
REPRESENTATIVE = "Representative confirmation"
REQUIREMENTS = "Requirements confirmation"
ACTION = "Action due"
ACKNOWLEDGEMENT = "Complaint acknowledgement"
RESOLUTION = "Complaint resolution"
PROCESS = "Process review"
PROCEDURE = "Procedure review"


@dataclass(frozen=True)
class Event:
    when: date
    kind: str
    summary: str  # one line, plain text
    subject: str  # the record the event is about: a customer, action or file
    customer: str | None = None  # customer id, where the event belongs to one
    path: str | None = None  # the evidence file it comes from
    never: bool = False  # nothing on record at all: due now

    def overdue(self, as_of: date) -> bool:
        return self.never or self.when < as_of

    @property
    def uid(self) -> str:
        digest = hashlib.sha256(f"{self.kind}\x1f{self.subject}".encode()).hexdigest()[:24]
        return f"{digest}@brm-evidence"


def _cadence(kind: str, cadence: Cadence, name: str, subject: str, customer: str | None, as_of: date) -> Event | None:
    """The next review or survey: one event, on the date people act on (:attr:`Cadence.next`)."""
    if not cadence.planned:
        return None
    when = cadence.next
    if when is not None:
        set_at = f" (as set at the review of {cadence.last})" if when == cadence.set_for else ""
        return Event(when, kind, f"{kind} due: {name}{set_at}", subject, customer, cadence.evidence)
    if cadence.never:
        return Event(as_of, kind, f"{kind} due: {name} (none on record)", subject, customer, never=True)
    return None


def events(repository: Repository, policy: Policy, coverage: Coverage) -> list[Event]:
    """Everything next due, one event per activity, in date order (the dates of :mod:`checks.coverage`)."""
    as_of = coverage.as_of
    found: list[Event] = []
    for row in coverage.customers:
        customer = row.customer
        name = customer.label
        for kind, cadence in ((REVIEW, row.review), (SURVEY, row.survey)):
            event = _cadence(kind, cadence, name, f"{customer.id}", customer.id, as_of)
            if event is not None:
                found.append(event)
        for representative in customer.representatives:
            due = representative_due(representative, policy)
            if due is None:
                continue
            who = representative.name or representative.id or "?"
            found.append(
                Event(
                    due,
                    REPRESENTATIVE,
                    f"{REPRESENTATIVE} due: {who} ({name})",
                    f"{customer.id}/{representative.id}",
                    customer.id,
                    representative.source.path,
                )
            )
    for requirements in repository.requirements:
        due = requirements_due(requirements, policy)
        if due is None:
            continue
        label = " / ".join(p for p in (requirements.customer, requirements.service) if p)
        version = f" v{requirements.version}" if requirements.version else ""
        found.append(
            Event(
                due,
                REQUIREMENTS,
                f"{REQUIREMENTS} due: {label}{version}",
                requirements.source.path,
                requirements.customer,
                requirements.source.path,
            )
        )
    for action in repository.actions:
        if action.is_open and action.due is not None:
            found.append(
                Event(
                    action.due,
                    ACTION,
                    f"{ACTION}: {action.id} {action.title or ''}".strip(),
                    action.id or action.source.path,
                    action.customers[0] if len(action.customers) == 1 else None,
                    action.source.path,
                )
            )
    for complaint in repository.complaints:
        if not complaint_open(complaint):
            continue
        ident = complaint.id or complaint.source.path
        about = f"{complaint.id or 'complaint'} ({complaint.customer})" if complaint.customer else ident
        if complaint.acknowledged is None:
            deadline = acknowledgement_due(complaint, policy)
            if deadline is not None:
                found.append(
                    Event(deadline.date(), ACKNOWLEDGEMENT, f"{ACKNOWLEDGEMENT} due: {about}", ident,
                          complaint.customer, complaint.source.path)
                )  # fmt: skip
        due = resolution_due(complaint, policy)
        if due is not None:
            found.append(
                Event(due, RESOLUTION, f"{RESOLUTION} due: {about}", ident, complaint.customer, complaint.source.path)
            )
    process = _cadence(
        PROCESS, coverage.process_review, "business relationship management", "process-review", None, as_of
    )
    if process is not None:
        found.append(process)
    for procedure in repository.procedures:
        if procedure.next_review is not None:
            found.append(
                Event(
                    procedure.next_review,
                    PROCEDURE,
                    f"{PROCEDURE} due: {procedure.title or procedure.id or procedure.source.path}",
                    procedure.source.path,
                    None,
                    procedure.source.path,
                )
            )
    found.sort(key=lambda e: (e.when, e.kind, e.summary))
    return found


def ics(
    found: list[Event],
    as_of: date,
    name: str = "BRM evidence: what is due",
    published: Callable[[str], str] = lambda text: text,
) -> bytes:
    """An RFC 5545 calendar of all-day events; stamped with the as-of date, so a build is reproducible.

    Every text passes through ``published`` (the site withholds contact details there),
    and markup characters become look-alikes: the calendar is plain text, never HTML.
    """

    def plain(value: str) -> str:
        return published(value).translate(_MARKUP)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//brm-evidence//auditor site//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    for found_event in found:
        event = icalendar.Event()
        overdue = " (overdue)" if found_event.overdue(as_of) else ""
        event.add("uid", found_event.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", found_event.when)
        event.add("dtend", found_event.when + timedelta(days=1))
        event.add("summary", plain(found_event.summary + overdue))
        event.add("categories", [plain(found_event.kind)])
        event.add("transp", "TRANSPARENT")
        if found_event.path:
            event.add("description", plain(f"Evidence: {found_event.path}; as of {as_of}."))
        calendar.add_component(event)
    return calendar.to_ical()
