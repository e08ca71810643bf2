"""Complaints: acknowledged in time, escalated when late, closed with the customer's word."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from ..business_hours import (
    CalendarError,
    business_time_between,
    check_calendar,
    describe,
    describe_duration,
)
from ..coverage import acknowledgement_due, grace_words, received_on, resolution_due
from ..dates import in_words
from ..model import Complaint
from ..policy import COMPLAINT_PROCEDURE
from . import Breach, Context, rule
from .reading import subject_of

PROCEDURE = "procedures/complaint-handling.md"
RESOLVED_STAGES = ("feedback", "closed")


def _listed(value: object) -> bool:
    """A list with entries (entries the model could not read are BRM002's, but an escalation was recorded)."""
    return isinstance(value, list) and bool(value)


def _label(context: Context, complaint: Complaint) -> str:
    customer = context.customers.get(complaint.customer or "")
    name = customer.label if customer is not None else complaint.customer
    ident = complaint.id or f"the complaint at {complaint.source.path}:{complaint.at().line}"
    return f"{ident} ({name})" if name else ident


def _procedure_path(context: Context) -> str:
    procedure = context.repository.procedure(COMPLAINT_PROCEDURE)
    return procedure.source.path if procedure is not None else PROCEDURE


@rule("CMP001", "error", clause="8.3.2", subject="complaint", needs=("procedure",))
def late_acknowledgement(context: Context) -> Iterator[Breach]:
    """A complaint was acknowledged later than the acknowledgement target, counted in business hours (weekends and holidays excluded).

    The complaint procedure sets `acknowledgement` (e.g. `PT4H`) and its
    `business_hours`: working days, opening and closing time, IANA time zone and
    public-holiday calendar (`holidays: GB`, optionally `subdivision: ENG`). The
    clock runs only in business hours, from `received` to `acknowledged`: a
    complaint received on Friday at 16:40 and acknowledged on Monday at 10:10 took
    1 h 30 min; one received on Saturday starts the clock on Monday at opening.
    A complaint with no acknowledgement at all is reported once its deadline has
    passed at the as-of date. An unknown time zone or holiday calendar in the
    procedure is reported at the procedure, since no deadline can be computed.
    Without an `acknowledgement` target nothing can be judged: PRO003 reports that.

    Why an auditor cares:
    The standard requires complaints to be handled as the documented procedure
    says. A prompt acknowledgement tells the customer someone is dealing with it;
    the target is a promise the register either keeps or breaks.

    How to fix:
    Acknowledge the complaint now and record the instant (with its UTC offset)
    under `acknowledged`. If it was acknowledged in time but the time was recorded
    wrongly, correct it. If the lateness is accepted, record why and add a waiver
    in registers/waivers.yaml.

    Example:
    Fails: received `2026-10-02T16:40:00+01:00` (Friday), acknowledged
    `2026-10-05T13:11:00+01:00` (Monday): 4 h 1 min of business time.
    Passes: acknowledged `2026-10-05T12:40:00+01:00`: exactly 4 h.
    """  # noqa: E501 - the title is the catalogue's sentence, on one line
    complaints = [c for c in context.repository.complaints if c.received is not None]
    target = context.policy.acknowledgement
    if not complaints or target is None:
        return  # no target: PRO003
    hours = context.policy.business_hours
    try:
        check_calendar(hours)
    except CalendarError as error:
        procedure = context.repository.procedure(COMPLAINT_PROCEDURE)
        location = procedure.at("business_hours", error.field) if procedure is not None else None
        if location is not None:
            yield Breach(
                location,
                location.path,
                f"{error}: no acknowledgement deadline can be computed for the "
                f"{len(complaints)} complaint(s) in the register; give an IANA time zone "
                "(Europe/London) and an ISO 3166 country code (GB) with its subdivision (ENG)",
            )
        return
    allowance = timedelta(hours=target.hours())
    for complaint in complaints:
        assert complaint.received is not None
        received = complaint.received
        deadline = acknowledgement_due(complaint, context.policy)
        if deadline is None:
            # The calendar is usable (checked above), so the target is more business time
            # than the business hours give in the years the calendar counts: nothing can
            # be judged late, which must not pass as on time.
            procedure = context.repository.procedure(COMPLAINT_PROCEDURE)
            location = procedure.at("acknowledgement") if procedure is not None else complaint.at("received")
            yield Breach(
                location,
                location.path,
                f"the acknowledgement target of {in_words(target, business=True)} ends beyond the years the "
                f"business-hours calendar counts, so no acknowledgement deadline can be computed for "
                f"{len(complaints)} complaint(s): set a target of business hours or days the business hours "
                "can reach (PT4H, P2D)",
            )
            return
        when = f"received {describe(received.astimezone(deadline.tzinfo))}"
        if complaint.acknowledged is not None:
            taken = business_time_between(received, complaint.acknowledged, hours)
            if taken <= allowance:
                continue
            yield Breach(
                complaint.at("acknowledged"),
                subject_of(complaint),
                f"{_label(context, complaint)} was acknowledged "
                f"{describe(complaint.acknowledged.astimezone(deadline.tzinfo))}, "
                f"{describe_duration(taken)} of business time after it was {when}: "
                f"{describe_duration(taken - allowance)} later than the {in_words(target, business=True)} target "
                f"(deadline {describe(deadline)}): acknowledge complaints within the target; "
                "correct the time if it was recorded wrongly, or record why and waive it in registers/waivers.yaml",
            )
        elif complaint.absent("acknowledged") and deadline.date() < context.as_of:
            days = (context.as_of - deadline.date()).days
            yield Breach(
                complaint.at("acknowledged"),
                subject_of(complaint),
                f"{_label(context, complaint)} has no acknowledgement recorded: {when}, it was due to be "
                f"acknowledged by {describe(deadline)} ({in_words(target, business=True)}), {days} day"
                f"{'' if days == 1 else 's'} ago as of {context.as_of}: acknowledge it now and record "
                "the instant under acknowledged",
            )


def _is_resolved(complaint: Complaint) -> bool:
    return not complaint.absent("resolved") or complaint.stage in RESOLVED_STAGES


@rule("CMP002", "cadence", clause="8.3.2", subject="complaint", needs=("procedure",))
def unescalated_complaint(context: Context) -> Iterator[Breach]:
    """An unresolved complaint is past its resolution target and was not escalated.

    A complaint with no `resolved` date, at a stage before `closed`, is due to be
    resolved within the procedure's `resolution_target` (calendar days, e.g.
    `P10D`) of the day it was received. Once that date has passed, the complaint
    must have at least one entry under `escalations` (to someone on the
    procedure's escalation path). It is a warning within the policy's grace after
    the target, an error after it. Without a `resolution_target` nothing can be
    judged: PRO003 reports that.

    Why an auditor cares:
    A complaint that drags on with nobody senior aware of it is how a customer
    relationship is lost; the escalation path exists so that it cannot happen
    unnoticed.

    How to fix:
    Escalate the complaint along the escalation path in
    procedures/complaint-handling.md and record it (`- {to: alex-morgan, at:
    2026-11-20T09:00:00+00:00}`) under `escalations`; or, if it is resolved,
    record the date under `resolved`.

    Example:
    Fails (as of 2026-11-23, P10D): received 2026-11-02, no `resolved`, `escalations: []`.
    Passes: the same complaint with one escalation recorded, or received 2026-11-16.
    """
    target = context.policy.resolution_target
    if target is None:
        return  # PRO003
    path = context.policy.escalation_path
    first = f" ({path[0]} first)" if path else ""
    for complaint in context.repository.complaints:
        received = complaint.received
        if received is None or complaint.stage == "closed" or not complaint.absent("resolved"):
            continue
        if complaint.escalations or (not complaint.empty("escalations") and _listed(complaint.raw.get("escalations"))):
            continue
        received_day, due = received_on(complaint, context.policy), resolution_due(complaint, context.policy)
        if received_day is None or due is None or context.as_of <= due:
            continue
        yield Breach(
            complaint.at("escalations"),
            subject_of(complaint),
            f"{_label(context, complaint)}, received {received_day}, is unresolved past its resolution target "
            f"of {in_words(target)} ({due}; +{grace_words(context.policy.grace)}) and was not escalated: "
            f"escalate it along the escalation path in {_procedure_path(context)}{first} and record it "
            "under escalations, or record its resolution date under resolved",
            due=due,
        )


@rule("CMP003", "error", clause="8.3.2", subject="complaint")
def missing_feedback(context: Context) -> Iterator[Breach]:
    """A resolved or closed complaint has no feedback recorded.

    A complaint with a `resolved` date, or at stage `feedback` or `closed`, records
    under `feedback` what the customer said about the resolution (who, when, and
    whether it satisfied them).

    Why an auditor cares:
    Clause 8.3.2 closes the loop with the customer: a complaint is not handled
    until the customer has been asked whether the resolution meets their need.

    How to fix:
    Ask the complainant whether the resolution satisfied them and record the
    answer, with who gave it and when, under `feedback`.

    Example:
    Fails: `stage: closed`, `resolved: 2026-10-09` and no `feedback`.
    Passes: `feedback: Customer confirmed the fix on 2026-10-12.`
    """
    for complaint in context.repository.complaints:
        if not _is_resolved(complaint) or not complaint.absent("feedback"):
            continue
        if complaint.resolved is not None:
            state = f"resolved on {complaint.resolved}"
        else:
            state = f"at stage {complaint.stage}" if complaint.stage in RESOLVED_STAGES else "resolved"
        yield Breach(
            complaint.at("feedback"),
            subject_of(complaint),
            f"{_label(context, complaint)} is {state} but has no customer feedback recorded: ask the "
            "complainant whether the resolution satisfied them and record the answer (who, when) under feedback",
        )
