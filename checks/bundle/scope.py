"""What one bundle covers: the customers, the period, and the records and files that follow.

A customer's part of a bundle holds its register entry and representatives, its
requirements, the performance reviews and satisfaction results that cover it (its own,
its tier's, and group reviews), its actions, complaints and waivers, and the findings
about any of them. With a period, the dated records are those of the period (reviews
held, results measured, complaints received in it; actions open at some time in it);
who the representatives are and what is agreed is shown as it stands on the as-of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..boundary import resolve
from ..coverage import received_on
from ..findings import Finding
from ..load import responses_path
from ..management.figures import measured_on
from ..management.period import Period
from ..model import Action, Complaint, Customer, Instrument, Repository, Requirements, Result, Review, Waiver
from ..policy import BRM_PROCEDURE, COMMUNICATION_PLAN, COMPLAINT_PROCEDURE, Policy


@dataclass(frozen=True)
class Scope:
    """The customers of a bundle (every customer with ``everyone``) and its period (None: all on record)."""

    customers: tuple[str, ...]
    everyone: bool = False
    period: Period | None = None


@dataclass
class Part:
    """One customer's records, in the order the document shows them."""

    customer: Customer
    requirements: list[Requirements]
    reviews: list[Review]
    results: list[Result]
    actions: list[Action]
    complaints: list[Complaint]
    waivers: list[Waiver]
    findings: list[Finding]

    def files(self, repository: Repository) -> list[str]:
        """Every file this part cites, in the order they are shown."""
        people = repository.people
        paths = [self.customer.source.path]
        services = repository.by_id(repository.services)
        consumed = [services[c.service] for c in self.customer.services if c.service in services]
        staff = {self.customer.counterpart, *(s.owner for s in consumed)}
        staff |= {a.by for r in self.requirements for a in r.approvals}
        staff |= {p for r in self.reviews for p in r.attendees}
        staff |= {a.owner for a in self.actions}
        for person_id in sorted(p for p in staff if p):
            person = people.get(person_id)
            if person is not None and person.customer is None:
                paths.append(person.source.path)
        paths += [s.source.path for s in consumed]
        paths += [r.source.path for r in self.requirements]
        paths += [r.source.path for r in self.reviews]
        for result in self.results:
            paths.append(result.source.path)
            beside = responses_path(result)
            if beside is not None and beside in repository.paths:
                paths.append(beside)
            instrument = repository.instrument_of(result)
            if instrument is not None:
                paths.append(instrument.source.path)
        paths += [a.source.path for a in self.actions]
        for action in self.actions:
            if action.evidence is not None:
                reference = resolve(action.evidence)
                if reference.path is not None and reference.path in repository.paths:
                    paths.append(reference.path)
        paths += [c.source.path for c in self.complaints]
        paths += [w.source.path for w in self.waivers]
        paths += [f.path for f in self.findings if f.path in repository.paths]
        return list(dict.fromkeys(paths))


def parts(
    repository: Repository,
    policy: Policy,
    findings: list[Finding],
    scope: Scope,
    about: dict[str, list[Finding]] | None = None,
) -> list[Part]:
    """The part of each customer in scope, in register order (``about``: :func:`findings_about`, if known)."""
    wanted = set(scope.customers)
    chosen = [c for c in repository.customers if c.id is not None and (scope.everyone or c.id in wanted)]
    about = about if about is not None else findings_about(repository, findings)
    return [_part(repository, policy, c, scope.period, about.get(c.id or "", [])) for c in chosen]


def procedures_cited(repository: Repository) -> list[str]:
    """The procedures every part follows: the BRM procedure, complaint handling, the communication plan."""
    found = [repository.procedure(p) for p in (BRM_PROCEDURE, COMPLAINT_PROCEDURE, COMMUNICATION_PLAN)]
    return [p.source.path for p in found if p is not None]


def _inside(day: date | None, period: Period | None) -> bool:
    return period is None or (day is not None and day in period)


def _part(
    repository: Repository, policy: Policy, customer: Customer, period: Period | None, findings: list[Finding]
) -> Part:
    customer_id = customer.id or ""
    reviews = sorted(
        (r for r in repository.reviews if customer_id in r.customers and _inside(r.date, period)),
        key=lambda r: (r.date or date.min, r.source.path),
    )
    results = sorted(
        (
            r
            for r in repository.results
            if (customer_id in r.customers or (customer.tier is not None and r.tier == customer.tier))
            and (period is None or _inside(measured_on(r), period) or _inside(r.sent, period))
        ),
        key=lambda r: (r.sent or date.min, r.source.path),
    )
    actions = [a for a in repository.actions if customer_id in a.customers and _open_during(a, period)]
    complaints = [
        c
        for c in repository.complaints
        if c.customer == customer_id and (period is None or _complaint_during(c, period, policy))
    ]
    subjects = {customer_id, *(r.id for r in customer.representatives)}
    subjects |= {a.id for a in actions} | {c.id for c in complaints}
    requirements = [r for r in repository.requirements if r.customer == customer_id]
    subjects |= {r.source.path for r in requirements} | {r.source.path for r in reviews}
    waivers = [w for w in repository.waivers if w.subject in subjects]
    return Part(customer, requirements, reviews, results, actions, complaints, waivers, findings)


def _open_during(action: Action, period: Period | None) -> bool:
    if period is None:
        return True
    if action.raised is not None and action.raised > period.end:
        return False
    return action.is_open or action.closed is None or action.closed >= period.start


def _complaint_during(complaint: Complaint, period: Period, policy: Policy) -> bool:
    received = received_on(complaint, policy)
    if received is None or received > period.end:
        return False
    return received >= period.start or complaint.resolved is None or complaint.resolved >= period.start


def findings_about(repository: Repository, findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings about each customer: its record, representatives, actions, complaints and documents."""
    by_subject: dict[str, set[str]] = {}
    by_path: dict[str, set[str]] = {}
    for customer in repository.customers:
        if customer.id is None:
            continue
        by_subject.setdefault(customer.id, set()).add(customer.id)
        for representative in customer.representatives:
            if representative.id:
                by_subject.setdefault(representative.id, set()).add(customer.id)
    for action in repository.actions:
        for customer_id in action.customers:
            by_subject.setdefault(action.id or action.source.path, set()).add(customer_id)
    for complaint in repository.complaints:
        if complaint.customer:
            by_subject.setdefault(complaint.id or complaint.source.path, set()).add(complaint.customer)
    documents: list[Requirements | Review | Result] = [*repository.requirements, *repository.reviews]
    documents += repository.results
    for document in documents:
        owners: list[str | None] = [document.customer] if isinstance(document, Requirements) else [*document.customers]
        for owner in owners:
            if owner:
                by_path.setdefault(document.source.path, set()).add(owner)
    found: dict[str, list[Finding]] = {}
    for finding in findings:
        for customer_id in sorted(by_subject.get(finding.subject, set()) | by_path.get(finding.path, set())):
            found.setdefault(customer_id, []).append(finding)
    return found


def instruments_of(repository: Repository, results: list[Result]) -> list[Instrument]:
    found = [repository.instrument_of(r) for r in results]
    return list({id(i): i for i in found if i is not None}.values())
