"""The management report's figures: pure functions of the evidence, the policy and a period.

Every figure is computed from the same model and with the same computations the checks
use: cadences and due dates from :mod:`checks.coverage` (``cadence``, the reviews that
cover a customer, what is open at a date), business time from
:mod:`checks.business_hours`, intervals from :mod:`checks.dates`, and the evidence as
it stood at a day from :meth:`checks.model.Repository.as_of`. Nothing here reads a file
or asks for today's date: the report day is given (the as-of date).

The evidence is taken as known on the report day: a Q3 survey sent in October counts
for Q3, and a review due in September and held in October is reported as held late.
What stood open "at the end of the period" (actions, complaints) is read from the
evidence as it stood on that day.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..business_hours import CalendarError, check_calendar
from ..coverage import (
    cadence,
    coverage,
    is_periodic,
    performance_reviews,
    received_on,
    representative_due,
    requirements_due,
    timeliness,
)
from ..dates import Interval
from ..model import Action, Complaint, Customer, Repository, Result
from ..policy import Policy
from .period import Period, named

#: The periods a satisfaction trend spans, this one included.
TREND_PERIODS = 8
#: A fall in a score of this many points or more between two periods is worth a sentence.
NOTABLE_DROP = 5.0

ON_TIME, LATE, MISSED, OVERDUE = "on time", "late", "missed", "overdue"
#: Where an action came from (FORMAT.md's ``source``): a review, a survey result, a complaint.
SOURCES = ("review", "survey", "complaint", "other")


# --------------------------------------------------------------------------- satisfaction


@dataclass(frozen=True)
class Score:
    """A customer's score of one kind in one period: the mean of the results that measured it."""

    value: float
    results: tuple[Result, ...]
    own: bool  # from the customer's own survey (else its tier's)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(r.source.path for r in self.results)


@dataclass(frozen=True)
class Satisfaction:
    customer: Customer
    kind: str  # csat, nps ...
    target: float | None
    trend: tuple[tuple[Period, Score | None], ...]  # the last TREND_PERIODS periods, this one last

    @property
    def score(self) -> Score | None:
        return self.trend[-1][1] if self.trend else None

    @property
    def previous(self) -> Score | None:
        return self.trend[-2][1] if len(self.trend) > 1 else None

    @property
    def met(self) -> bool | None:
        if self.score is None or self.target is None:
            return None
        return self.score.value >= self.target

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score.value - self.previous.value


@dataclass(frozen=True)
class Theme:
    text: str
    count: int  # the results that name it
    customers: tuple[str, ...]  # who said it: customer names, or "the standard tier"


# --------------------------------------------------------------------------- reviews


@dataclass(frozen=True)
class DueReview:
    """One performance review the cadence asked for in the period, and what happened."""

    due: date | None  # None: no review on record and no start date to count from
    held: date | None
    state: str  # on time | late | missed | overdue (not held yet, and the report day is before it is missed)
    evidence: str | None = None  # the minutes that count for it


@dataclass(frozen=True)
class Adherence:
    customer: Customer
    interval: Interval | None  # the review interval (None: no cadence planned)
    due: tuple[DueReview, ...]

    def count(self, state: str) -> int:
        return sum(1 for d in self.due if d.state == state)

    @property
    def rate(self) -> float | None:
        return self.count(ON_TIME) / len(self.due) if self.due else None


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class SourceCounts:
    opened: int = 0
    closed: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Actions:
    opened: tuple[Action, ...]
    closed: tuple[Action, ...]  # done or cancelled in the period
    cancelled: tuple[Action, ...]
    closed_on_time: tuple[Action, ...]  # done by its due date
    open_at_end: tuple[Action, ...]
    overdue_at_end: tuple[Action, ...]
    considered: int  # open at the start or opened in the period: what could have been closed in it
    by_source: dict[str, SourceCounts]
    ages: tuple[tuple[Action, int], ...]  # open at the end, with its age in days, oldest first

    @property
    def closure_rate(self) -> float | None:
        return len(self.closed) / self.considered if self.considered else None

    @property
    def median_age(self) -> float | None:
        return statistics.median(age for _a, age in self.ages) if self.ages else None

    @property
    def oldest(self) -> tuple[Action, int] | None:
        return self.ages[0] if self.ages else None


# --------------------------------------------------------------------------- complaints


@dataclass(frozen=True)
class Timing:
    """One complaint received in the period, timed against the complaint procedure's targets."""

    complaint: Complaint
    received_on: date  # in the procedure's time zone
    acknowledgement: timedelta | None  # business time from received to acknowledged
    acknowledgement_met: bool | None  # None: not acknowledged and not yet due, or no target
    resolution_due: date | None
    resolution_days: int | None  # calendar days from the day received to the day resolved
    resolution_met: bool | None  # None: not resolved and not yet due, or no target


#: Acknowledgement time against the target: (label, upper bound as a share of the target).
ACK_BANDS = (("within half the target", 0.5), ("within the target", 1.0), ("up to twice the target", 2.0))
ACK_BEYOND = "more than twice the target"
NOT_ACKNOWLEDGED = "not acknowledged"


@dataclass(frozen=True)
class Complaints:
    received: tuple[Timing, ...]
    by_service: tuple[tuple[str, int], ...]
    by_channel: tuple[tuple[str, int], ...]
    acknowledgement_target: Interval | None  # business time, e.g. PT4H
    acknowledgement_bands: tuple[tuple[str, int], ...]
    resolution_target: Interval | None
    escalations: tuple[tuple[int | None, str, int], ...]  # (level on the path or None, person, count)
    open_at_end: tuple[Complaint, ...]
    calendar_problem: str | None = None  # business hours that cannot be computed

    @staticmethod
    def _rate(values: Iterable[bool | None]) -> tuple[int, int]:
        judged = [v for v in values if v is not None]
        return sum(judged), len(judged)

    @property
    def acknowledged_in_time(self) -> tuple[int, int]:
        """(met, judged): the complaints whose acknowledgement could be judged, and those in time."""
        return self._rate(t.acknowledgement_met for t in self.received)

    @property
    def resolved_in_time(self) -> tuple[int, int]:
        return self._rate(t.resolution_met for t in self.received)

    @property
    def median_acknowledgement(self) -> timedelta | None:
        spans = sorted(t.acknowledgement for t in self.received if t.acknowledgement is not None)
        return spans[(len(spans) - 1) // 2] if spans else None  # the lower median: an observed value


# --------------------------------------------------------------------------- confirmations


@dataclass(frozen=True)
class Confirmation:
    what: str  # representative | requirements
    customer: Customer | None
    subject: str  # the representative's name, or the service's
    due: date
    path: str

    def overdue_at(self, day: date) -> bool:
        return self.due < day


# --------------------------------------------------------------------------- compliance


@dataclass(frozen=True)
class CompliancePoint:
    """The findings at one month end, judged on the repository as it stood that day."""

    day: date
    errors: int
    warnings: int
    waived: int
    commit: str | None  # the commit judged (short id); None when judged from today's evidence
    basis: str  # a phrase: "commit 1a2b3c4 of 2026-07-30", "today's evidence (the history starts 2026-11-23)"
    rules: tuple[str, ...] = ()  # the codes of the rules with errors, each once, in catalogue order


# --------------------------------------------------------------------------- the report


@dataclass
class ManagementReport:
    period: Period
    prepared: date  # the as-of date: the evidence as known that day
    provenance: str  # the commit the evidence is at, as a phrase
    satisfaction: list[Satisfaction]
    themes: list[Theme]
    adherence: list[Adherence]
    actions: Actions
    complaints: Complaints
    confirmations: list[Confirmation]
    compliance: list[CompliancePoint] = field(default_factory=list)
    customers_without_results: list[Customer] = field(default_factory=list)
    #: Display names by id: customers, services and people (a report shows names, not ids).
    names: dict[str, str] = field(default_factory=dict)

    def name(self, ident: str | None) -> str:
        return self.names.get(ident or "", ident or "?")

    @property
    def previous(self) -> Period:
        return self.period.previous()

    @property
    def following(self) -> Period:
        return self.period.following()

    @property
    def reviews_due(self) -> int:
        return sum(len(a.due) for a in self.adherence)

    def reviews(self, state: str) -> int:
        return sum(a.count(state) for a in self.adherence)

    @property
    def review_rate(self) -> float | None:
        return self.reviews(ON_TIME) / self.reviews_due if self.reviews_due else None


def build(
    repository: Repository, policy: Policy, period: Period, prepared: date, provenance: str = ""
) -> ManagementReport:
    """Every figure of the report but compliance over time (which needs git: see :mod:`.history`)."""
    known = repository.as_of(prepared, policy.zone)
    customers = [c for c in known.customers if c.id is not None]
    measured = _Measured(known)
    satisfaction = [s for c in customers for s in _satisfaction(measured, policy, c, period)]
    scored = {s.customer.id for s in satisfaction if s.score is not None}
    return ManagementReport(
        period=period,
        prepared=prepared,
        provenance=provenance,
        satisfaction=satisfaction,
        themes=_themes(known, period),
        adherence=[_adherence(known, policy, c, period, prepared) for c in customers],
        actions=_actions(known, policy, period, prepared),
        complaints=_complaints(known, policy, period, prepared),
        confirmations=_confirmations(known, policy, period),
        customers_without_results=[
            c for c in customers if c.id not in scored and policy.survey_interval(c.tier) is not None
        ],
        names=_names(known),
    )


def _names(repository: Repository) -> dict[str, str]:
    names: dict[str, str] = {}
    for person in repository.people.values():
        if person.id and person.name:
            names[person.id] = person.name
    for service in repository.services:
        if service.id and service.name:
            names.setdefault(service.id, service.name)
    for customer in repository.customers:
        if customer.id:
            names.setdefault(customer.id, customer.label)
    return names


# --------------------------------------------------------------------------- satisfaction


def measured_on(result: Result) -> date | None:
    """The day a result measures up to: the end of its own ``period`` if it names one, else the day it was sent."""
    own = named(result.period)
    return own.end if own is not None else result.sent


class _Measured:
    """The planned surveys' results, each with the day it measures up to, by customer and by tier (read once)."""

    def __init__(self, repository: Repository) -> None:
        self.by_customer: dict[str, list[tuple[Result, date | None]]] = {}
        self.by_tier: dict[str, list[tuple[Result, date | None]]] = {}
        for result in repository.results:
            if not is_periodic(repository, result):
                continue
            entry = (result, measured_on(result))
            for customer_id in dict.fromkeys(result.customers):
                self.by_customer.setdefault(customer_id, []).append(entry)
            if result.tier is not None:
                self.by_tier.setdefault(result.tier, []).append(entry)

    def covering(self, customer: Customer) -> list[tuple[Result, date | None]]:
        own = self.by_customer.get(customer.id or "", [])
        tier = self.by_tier.get(customer.tier or "", []) if customer.tier is not None else []
        return list({id(r): (r, d) for r, d in [*own, *tier]}.values())


def _satisfaction(measured: _Measured, policy: Policy, customer: Customer, period: Period) -> list[Satisfaction]:
    trail = period.trail(TREND_PERIODS)
    covering = measured.covering(customer)
    kinds = sorted({kind for r, _day in covering for kind in r.scores})
    found = []
    for kind in kinds:
        scored = [(r, day) for r, day in covering if kind in r.scores]
        trend = tuple((p, _score(customer, scored, kind, p)) for p in trail)
        if any(score is not None for _p, score in trend):
            found.append(Satisfaction(customer, kind, policy.satisfaction_targets.get(kind), trend))
    return found


def _score(customer: Customer, results: list[tuple[Result, date | None]], kind: str, period: Period) -> Score | None:
    inside = [r for r, day in results if day in period]
    own = [r for r in inside if customer.id in r.customers]
    chosen = own or inside
    if not chosen:
        return None
    chosen.sort(key=lambda r: (r.sent or date.min, r.source.path))
    return Score(statistics.fmean(r.scores[kind] for r in chosen), tuple(chosen), bool(own))


_THEME_SPACE = re.compile(r"\s+")


def _themes(repository: Repository, period: Period) -> list[Theme]:
    """The themes of every result measured in the period (post-incident surveys too), alike ones together."""
    customers = repository.by_id(repository.customers)
    grouped: dict[str, tuple[str, list[str], int]] = {}
    for result in sorted(repository.results, key=lambda r: (r.sent or date.min, r.source.path)):
        if measured_on(result) not in period:
            continue
        who = [customers[c].label if c in customers else c for c in result.customers]
        if not who and result.tier:
            who = [f"the {result.tier} tier"]
        for theme in dict.fromkeys(result.themes):
            key = _THEME_SPACE.sub(" ", theme).strip().rstrip(".;,").casefold()
            if not key:
                continue
            text, names, count = grouped.get(key, (theme.strip(), [], 0))
            grouped[key] = (text, names + [n for n in who if n not in names], count + 1)
    themes = [Theme(text, count, tuple(names)) for text, names, count in grouped.values()]
    return sorted(themes, key=lambda t: (-t.count, t.text.casefold()))


# --------------------------------------------------------------------------- reviews


def _adherence(repository: Repository, policy: Policy, customer: Customer, period: Period, prepared: date) -> Adherence:
    """The reviews the customer's cadence asked for in the period, each on time, late, missed or overdue.

    The first review falls due one interval after the customer was onboarded (or after
    its first review on record), each next one an interval after the last review held
    (:func:`checks.coverage.cadence`). A review held by the due date is on time; one held
    after it but before the following due date is late; past that, the due review was
    missed and the cadence runs on from the missed date. A due date passed on the report
    day, with no review yet, is overdue.
    """
    interval = policy.review_interval(customer.review_interval, customer.tier)
    if interval is None or customer.id is None:
        return Adherence(customer, None, ())
    reviews = performance_reviews(repository, customer.id, prepared)
    held = sorted({r.date for r in reviews if r.date is not None})
    evidence = {r.date: r.source.path for r in reviews}
    anchor = customer.onboarded
    if anchor is None:
        if not held:  # never reviewed and no start date: missing as a whole (REV001 says so)
            missing = period.start <= prepared
            return Adherence(customer, interval, (DueReview(None, None, MISSED),) if missing else ())
        anchor = held[0]
    due_reviews: list[DueReview] = []
    last_day = min(period.end, prepared)
    due = cadence(interval, anchor, None).due
    while due is not None and due <= last_day:
        following = interval.after(due)
        nxt = next((d for d in held if d > anchor), None)
        if nxt is not None and nxt <= due:
            entry, anchor = DueReview(due, nxt, ON_TIME, evidence.get(nxt)), nxt
        elif nxt is not None and nxt < following:
            entry, anchor = DueReview(due, nxt, LATE, evidence.get(nxt)), nxt
        elif nxt is None and prepared < following:
            entry, anchor = DueReview(due, None, OVERDUE), due
        else:
            entry, anchor = DueReview(due, None, MISSED), due
        if due >= period.start:
            due_reviews.append(entry)
        after = cadence(interval, anchor, None).due
        if after is None or after <= due:  # pragma: no cover - an interval always moves forward
            break
        due = after
    return Adherence(customer, interval, tuple(due_reviews))


# --------------------------------------------------------------------------- actions


def source_of(action: Action, complaints: set[str], reviews: set[str], results: set[str]) -> str:
    """Where an action came from: a review, a survey result, a complaint, or something else."""
    if action.source_ref in complaints:
        return "complaint"
    path = action.source_path
    if path in reviews:
        return "review"
    if path in results:
        return "survey"
    return "other"


def _actions(repository: Repository, policy: Policy, period: Period, prepared: date) -> Actions:
    complaints = {c.id for c in repository.complaints if c.id}
    reviews = {r.source.path for r in repository.reviews}
    results = {r.source.path for r in repository.results}
    at_start = repository.as_of(period.start - timedelta(days=1), policy.zone)
    end = min(period.end, prepared)  # a period still running: as it stands on the report day
    at_end = repository.as_of(end, policy.zone)
    open_at_start = {a.id or a.source.path for a in at_start.actions if a.is_open}
    opened = tuple(a for a in repository.actions if a.raised in period)
    closed = tuple(
        a for a in repository.actions if not a.is_open and a.closed in period
    )  # done or cancelled, with its date
    considered = len(open_at_start) + len(opened)
    open_at_end = tuple(a for a in at_end.actions if a.is_open)
    overdue = tuple(a for a in open_at_end if a.due is not None and a.due < end)
    source = {id(a): source_of(a, complaints, reviews, results) for a in (*opened, *closed, *overdue)}
    by_source: dict[str, SourceCounts] = {}
    for name in SOURCES:
        by_source[name] = SourceCounts(
            opened=sum(1 for a in opened if source[id(a)] == name),
            closed=sum(1 for a in closed if source[id(a)] == name),
            overdue=sum(1 for a in overdue if source[id(a)] == name),
        )
    ages = sorted(
        ((a, (end - a.raised).days) for a in open_at_end if a.raised is not None),
        key=lambda pair: (-pair[1], pair[0].id or ""),
    )
    return Actions(
        opened=opened,
        closed=closed,
        cancelled=tuple(a for a in closed if a.status == "cancelled"),
        closed_on_time=tuple(
            a for a in closed if a.status == "done" and a.due is not None and a.closed is not None and a.closed <= a.due
        ),
        open_at_end=open_at_end,
        overdue_at_end=overdue,
        considered=considered,
        by_source={k: v for k, v in by_source.items() if k != "other" or v != SourceCounts()},
        ages=tuple(ages),
    )


# --------------------------------------------------------------------------- complaints


def day_in(instant: datetime, policy: Policy) -> date:
    """The day of an instant in the procedure's time zone (its own offset if the zone is unknown)."""
    zone = policy.zone
    try:
        return instant.astimezone(zone).date() if zone is not None else instant.date()
    except (OverflowError, ValueError):
        return instant.date()


def _complaints(repository: Repository, policy: Policy, period: Period, prepared: date) -> Complaints:
    target = policy.acknowledgement
    problem = calendar_problem(policy)
    allowance = timedelta(hours=target.hours()) if target is not None and problem is None else None
    resolution = policy.resolution_target
    timings = []
    for complaint in repository.complaints:
        if received_on(complaint, policy) not in period:
            continue
        timed = timing(complaint, policy, prepared)
        if timed is not None:
            timings.append(timed)
    timings.sort(key=lambda t: (t.complaint.received or datetime.min, t.complaint.id or ""))
    bands: Counter[str] = Counter()
    if allowance is not None:
        for timed in timings:
            bands[_band(timed.acknowledgement, allowance)] += 1
    escalations: Counter[tuple[int | None, str]] = Counter()
    path = list(policy.escalation_path)
    for complaint in repository.complaints:
        for escalation in complaint.escalations:
            if escalation.at is not None and day_in(escalation.at, policy) in period and escalation.to:
                level = path.index(escalation.to) + 1 if escalation.to in path else None
                escalations[(level, escalation.to)] += 1
    at_end = coverage(repository, policy, min(period.end, prepared))
    open_at_end = tuple(c for row in at_end.customers for c in row.open_complaints)
    order = [label for label, _share in ACK_BANDS] + [ACK_BEYOND, NOT_ACKNOWLEDGED]
    return Complaints(
        received=tuple(timings),
        by_service=_counted(t.complaint.service or "no service recorded" for t in timings),
        by_channel=_counted(t.complaint.channel or "no channel recorded" for t in timings),
        acknowledgement_target=target,
        acknowledgement_bands=tuple((label, bands[label]) for label in order if bands[label]),
        resolution_target=resolution,
        escalations=tuple(
            (level, person, count)
            for (level, person), count in sorted(
                escalations.items(), key=lambda item: (item[0][0] is None, item[0][0] or 0, item[0][1])
            )
        ),
        open_at_end=open_at_end,
        calendar_problem=problem,
    )


def timing(complaint: Complaint, policy: Policy, prepared: date) -> Timing | None:
    """A complaint timed against the procedure's targets, as known on the report day (None: no `received`).

    The times and due dates are the checks' own (:func:`checks.coverage.timeliness`, what
    CMP001 and CMP002 judge by). On the report day, a complaint not acknowledged by its
    deadline has missed it, and one not resolved by its due date has missed that.
    """
    day = received_on(complaint, policy)
    if day is None:
        return None
    judged = timeliness(complaint, policy)
    acknowledged_met = judged.acknowledged_in_time
    deadline = judged.acknowledgement_due
    if complaint.acknowledged is None and deadline is not None and deadline.date() < prepared:
        acknowledged_met = False
    resolved_met = judged.resolved_in_time
    due = judged.resolution_due
    if complaint.resolved is None and due is not None and due < prepared and complaint.stage != "closed":
        resolved_met = False
    days = (complaint.resolved - day).days if complaint.resolved is not None else None
    return Timing(complaint, day, judged.acknowledged_after, acknowledged_met, due, days, resolved_met)


def calendar_problem(policy: Policy) -> str | None:
    """Why business time cannot be counted (an unknown time zone or holiday calendar), or None."""
    try:
        check_calendar(policy.business_hours)
    except CalendarError as error:
        return str(error)
    return None


def _band(taken: timedelta | None, allowance: timedelta) -> str:
    if taken is None:
        return NOT_ACKNOWLEDGED
    for label, share in ACK_BANDS:
        if taken <= allowance * share:
            return label
    return ACK_BEYOND


def _counted(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


# --------------------------------------------------------------------------- confirmations


def _confirmations(repository: Repository, policy: Policy, period: Period) -> list[Confirmation]:
    """Representatives and requirements due for re-confirmation by the end of the next period (overdue ones too)."""
    horizon = period.following().end
    found: list[Confirmation] = []
    services = repository.by_id(repository.services)
    customers = repository.by_id(repository.customers)
    for customer in repository.customers:
        for representative in customer.representatives:
            due = representative_due(representative, policy)
            if due is not None and due <= horizon:
                subject = representative.name or representative.id or "?"
                found.append(Confirmation("representative", customer, subject, due, representative.source.path))
    for requirements in repository.requirements:
        due = requirements_due(requirements, policy)
        if due is not None and due <= horizon:
            service = services.get(requirements.service or "")
            subject = (service.name if service is not None else None) or requirements.service or "?"
            found.append(
                Confirmation(
                    "requirements", customers.get(requirements.customer or ""), subject, due, requirements.source.path
                )
            )
    return sorted(found, key=lambda c: (c.due, c.what, c.subject))
