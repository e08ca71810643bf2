"""Reviews: service performance is reviewed with each customer at planned intervals, and minuted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..coverage import PROCESS_REVIEW, every, grace_words
from ..dates import in_words
from ..findings import Location
from ..model import Kpi, Review
from ..policy import BRM_PROCEDURE
from . import Breach, Context, rule
from .reading import subject_of

_HOLD_REVIEW = "hold the review and add its minutes under reviews/"


def _customers(context: Context, review: Review) -> str:
    labels = [context.customers[c].label if c in context.customers else c for c in review.customers]
    return ", ".join(labels) or "no customer"


def _review_label(context: Context, review: Review) -> str:
    when = f" of {review.date}" if review.date else ""
    if review.type == PROCESS_REVIEW:
        return f"process review{when}"
    return f"{_customers(context, review)} review{when}"


@rule("REV001", "cadence", clause="8.3.2", subject="customer", needs=("customers", "review"))
def review_overdue(context: Context) -> Iterator[Breach]:
    """A customer has had no performance review within its review interval (own, or its tier's).

    Each customer's review interval is its own `review_interval` if it has one,
    else its tier's `review_interval` in the BRM procedure's policy. The last
    performance review covering the customer (a group review counts for every
    customer it lists; only reviews dated on or before the as-of date count) plus
    that interval is the date the next review is due. After that date the finding
    is a warning; after the policy's `grace` as well, an error. A customer with no
    performance review on record yet counts from its `onboarded` date (when the
    relationship began; `brm new customer` records it, today or `--onboarded`): its
    first review is due one interval after it. A customer with neither a review nor
    `onboarded` is an error at once.

    Why an auditor cares:
    Clause 8.3.2 asks the provider to review the performance of the services with
    the customer at planned intervals. The tier cadences are the plan; a customer
    whose reviews lapsed is not being reviewed as planned.

    How to fix:
    Hold the review with the customer's representative and add its minutes under
    `reviews/` (`type: performance-review`, the customer under `customers`). If
    the agreed cadence differs from the tier's, record it as the customer's own
    `review_interval`; if the review cannot happen, agree a waiver. For a customer
    that is new, record the date the relationship began as `onboarded`.

    Example:
    Fails: a `monthly` customer whose last review is dated 2026-08-03, judged on
    2026-11-23 (due 2026-09-03, past the 14 days' grace).
    Passes: a review dated 2026-11-10, due again on 2026-12-10.
    """
    grace = context.policy.grace
    for row in context.coverage.customers:
        review, customer = row.review, row.customer
        if customer.id is None or review.interval is None or not review.is_late(context.as_of):
            continue  # no id: BRM002; no interval: the tier is unknown (BRM003) or plans none
        if review.never and review.due is None:
            yield Breach(
                customer.at("id"),
                customer.id,
                f"{customer.label}: no performance review on record; reviews are due "
                f"{in_words(review.interval, every=True)}: {_HOLD_REVIEW} (for a new customer, record `onboarded`)",
            )
            continue
        if review.never:
            yield Breach(
                customer.at("onboarded"),
                customer.id,
                f"{customer.label}: no performance review since it was onboarded on {review.start}; "
                f"the first was due by {review.due} (+{grace_words(grace)}): {_HOLD_REVIEW}",
                due=review.due,
            )
            continue
        yield Breach(
            customer.at("id"),
            customer.id,
            f"{customer.label}: no performance review since {review.last}; "
            f"{every(review.interval, 'reviews')} were due by {review.due} (+{grace_words(grace)}): {_HOLD_REVIEW}",
            due=review.due,
        )


@rule("REV002", "error", clause="8.3.2", subject="file", needs=("customers", "people"))
def minutes_incomplete(context: Context) -> Iterator[Breach]:
    """Minutes lack a customer representative, a provider attendee, the report or KPIs, or any decision or action.

    The minutes of every performance review (`type: performance-review`) show
    four things, each missing one a finding of its own: a representative of one
    of the reviewed customers among the `attendees`; a member of our staff
    (`registers/people.yaml`) among them; what performance was reviewed, as the
    performance report (`report`) or the KPIs (`kpis`); and what came of it, at
    least one of `decisions` or `actions`.

    Why an auditor cares:
    A performance review under clause 8.3.2 is held with the customer, by the
    provider, on the basis of measured performance, and leads somewhere. Minutes
    without the customer, without the measures or without any outcome are the
    record of a meeting, not of a review.

    How to fix:
    Add the missing part to the front-matter: the ids of the representatives and
    staff who attended, the `report` (a URL or a repository path) or the `kpis`
    reviewed, and the `decisions` taken or the tracker ids of the `actions` raised.
    If the customer did not attend, it was not a review with the customer: hold one.

    Example:
    Fails: `attendees: [alex-morgan, priya-shah]` (staff only), no `report` and no
    `kpis`, `decisions: []` and `actions: []`.
    Passes: `attendees: [sam-patel, alex-morgan]`, a `report` URL,
    `decisions: [Keep the current maintenance window.]`.
    """
    for review in context.repository.reviews:
        if not review.is_performance_review:
            continue
        label = _review_label(context, review)
        subject = subject_of(review)
        representatives = {
            r.id for c in review.customers if c in context.customers for r in context.customers[c].representatives
        }
        if review.customers and not representatives.intersection(review.attendees):
            yield Breach(
                review.at("attendees"),
                subject,
                f"{label}: no representative of {_customers(context, review)} is among the attendees: "
                "add the id of the representative who attended to `attendees` (a performance review is held "
                "with the customer), or hold the review with them",
            )
        if not any(a in context.staff for a in review.attendees):
            yield Breach(
                review.at("attendees"),
                subject,
                f"{label}: no provider attendee (nobody in registers/people.yaml) is among the attendees: "
                "add the ids of our staff who attended to `attendees`",
            )
        if review.report is None and not review.kpis:
            yield Breach(
                review.at("kpis") if review.has("kpis") else review.at("report"),
                subject,
                f"{label}: the minutes give neither the performance report nor the KPIs reviewed: add the "
                "performance pack under `report` (a URL or a repository path) or the measures under `kpis`",
            )
        if not review.decisions and not review.actions:
            yield Breach(
                review.at("decisions") if review.has("decisions") else review.at("actions"),
                subject,
                f"{label}: the minutes record no decision and no action: add what was decided under "
                "`decisions`, and the tracker ids of the actions raised under `actions`",
            )


@rule("REV003", "warning", clause="8.3.2", subject="file", needs=("review",))
def next_review_missed(context: Context) -> Iterator[Breach]:
    """A review's `next_review` is past and no later review exists.

    When minutes plan the next review (`next_review`) and that date has passed at
    the as-of date, a later review must be on record: for a performance review, a
    later performance review of any of its customers; for a process review, a
    later process review. This is a warning: the planned cadence (REV001, REV004)
    decides when a missing review is an error.

    Why an auditor cares:
    The date agreed in the minutes is the customer's expectation of the next
    review. A date that passes without a review, or without a word about why it
    moved, shows planned intervals that are not followed (clause 8.3.2).

    How to fix:
    Hold the review and add its minutes under `reviews/`. If it was moved, the
    minutes of the review that does take place record it; until then a waiver can
    note the agreed new date.

    Example:
    Fails: `next_review: 2026-11-08` in the minutes of 2026-10-10, judged on
    2026-11-23 with no later review of that customer.
    Passes: a review of that customer dated 2026-11-09.
    """
    # The latest review held (by the as-of date) of each customer, and of the process.
    latest: dict[str, date] = {}
    latest_process: date | None = None
    for held_review in context.repository.reviews:
        when = held_review.date
        if when is None or when > context.as_of:
            continue
        if held_review.is_performance_review:
            for customer_id in held_review.customers:
                if customer_id not in latest or latest[customer_id] < when:
                    latest[customer_id] = when
        elif held_review.type == PROCESS_REVIEW and (latest_process is None or latest_process < when):
            latest_process = when
    for review in context.repository.reviews:
        planned, held = review.next_review, review.date
        if planned is None or held is None or planned >= context.as_of:
            continue
        if review.is_performance_review:
            later = any(c in latest and latest[c] > held for c in review.customers)
            what = f"performance review of {_customers(context, review)}"
        elif review.type == PROCESS_REVIEW:
            later = latest_process is not None and latest_process > held
            what = "process review"
        else:
            continue  # an unknown type: BRM002
        if later:
            continue
        yield Breach(
            review.at("next_review"),
            subject_of(review),
            f"{_review_label(context, review)}: the next review was planned for {planned} and no later "
            f"{what} is on record: {_HOLD_REVIEW}",
            due=planned,
        )


@rule("REV004", "cadence", clause="8.3.2", subject="procedure", needs=("review", "procedure"))
def process_review_overdue(context: Context) -> Iterator[Breach]:
    """No process review of the BRM process within `process_review_interval`.

    The last review of the business relationship management process itself
    (`type: process-review` under `reviews/`, dated on or before the as-of date)
    plus the BRM procedure's `process_review_interval` is the date the next one is
    due. After that date the finding is a warning; after the policy's `grace` as
    well, an error. No process review on record at all is an error.

    Why an auditor cares:
    The provider is expected to review its processes at planned intervals and
    improve them (clauses 8.3.2 and 10). A process nobody has looked at since it
    was written gives no evidence that it still works.

    How to fix:
    Review the BRM process (is the tiering right, are reviews and surveys
    producing actions, what do the findings show) and add the minutes under
    `reviews/` with `type: process-review`.

    Example:
    Fails: the last process review dated 2025-06-30, judged on 2026-11-23 with
    `process_review_interval: P1Y`.
    Passes: a process review dated 2026-06-30.
    """
    state = context.coverage.process_review
    if not state.is_late(context.as_of):
        return
    interval = context.policy.process_review_interval
    procedure = context.repository.procedure(BRM_PROCEDURE)
    policy = procedure.raw.get("policy") if procedure is not None else None
    if procedure is None:
        location = Location(context.policy.source)  # PRO001 reports the missing procedure
    elif isinstance(policy, dict) and "process_review_interval" in policy:
        location = procedure.at("policy", "process_review_interval")
    else:
        location = procedure.at("id")
    fix = "review the BRM process and add the minutes under reviews/ with `type: process-review`"
    if state.never:
        yield Breach(
            location,
            BRM_PROCEDURE,
            f"the BRM process has no process review on record; process reviews are due "
            f"{in_words(interval, every=True)}: {fix}",
        )
        return
    yield Breach(
        location,
        BRM_PROCEDURE,
        f"the BRM process has had no process review since {state.last}; "
        f"{every(interval, 'process reviews')} were due by {state.due} (+{grace_words(context.policy.grace)}): {fix}",
        due=state.due,
    )


def _names(decision: str, kpi: str) -> bool:
    """The decision names the KPI: its name as written, ignoring case and spacing, not inside a longer word."""
    words = r"\s+".join(re.escape(word) for word in kpi.split())
    return re.search(rf"(?<!\w){words}(?!\w)", decision, re.IGNORECASE) is not None


def _kpi_text(kpi: Kpi) -> str:
    figures = " against ".join(f for f in (kpi.actual, kpi.target) if f is not None)
    return f"KPI '{kpi.name or '?'}'" + (f" ({figures})" if figures else "")


@rule("REV005", "error", clause="8.3.2", subject="file", needs=("actions",))
def missed_kpi_unaddressed(context: Context) -> Iterator[Breach]:
    """A KPI with `met: false` in minutes has no linked action and no decision that addresses it.

    Every KPI the minutes record as missed (`met: false`) is addressed in the same
    minutes, in one of two ways: the KPI lists under its own `actions` the tracker
    actions raised or continued for it (at least one the tracker holds), or one
    of the minutes' `decisions` names the KPI (its `name` as written, ignoring
    case). A decision may be to accept the miss; the check cannot judge whether
    it is a good decision, only that one was taken and recorded.

    Why an auditor cares:
    Reviewing performance (clause 8.3.2) means acting on what the review shows.
    A missed target recorded and then passed over is the gap between measuring
    a service and managing it: nobody owns putting it right.

    How to fix:
    List the tracker id of the action that deals with the miss under the KPI's
    `actions` (raise one in registers/actions.yaml if there is none), or record
    what was decided about it under `decisions`, naming the KPI.

    Example:
    Fails: `{name: P1 response, target: "15 min", actual: "22 min", met: false}`
    with no `actions` and no decision naming "P1 response".
    Passes: `{name: P1 response, target: "15 min", actual: "22 min", met: false,
    actions: [ACT-0042]}`, or the decision "P1 response is brought back to target
    by a second on-call engineer from 1 December."
    """
    tracker_complete = "actions" not in context.repository.incomplete
    for review in context.repository.reviews:
        for kpi in review.kpis:
            if kpi.met is not False:
                continue
            known = [a for a in kpi.actions if a in context.actions or not tracker_complete]
            if known:
                continue
            if kpi.name is not None and any(_names(decision, kpi.name) for decision in review.decisions):
                continue
            unknown = [a for a in kpi.actions if a not in context.actions]
            why = (
                f"the actions it lists ({', '.join(unknown)}) are not in the tracker (registers/actions.yaml)"
                if unknown
                else "no action is linked to it and no decision names it"
            )
            yield Breach(
                review.at("kpis", kpi.index, "met"),
                subject_of(review),
                f"{_review_label(context, review)}: {_kpi_text(kpi)} missed its target, but {why}: list the "
                "tracker actions that deal with it under the KPI's `actions`, or record the decision taken about "
                "it under `decisions`, naming the KPI",
            )
