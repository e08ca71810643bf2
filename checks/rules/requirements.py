"""Services and requirements: every service has customers and an owner, and its requirements are agreed."""

from __future__ import annotations

from collections.abc import Iterator

from ..coverage import grace_words, requirements_due
from ..dates import in_words
from ..findings import Location
from ..model import Approval, Customer, Requirements
from . import Breach, Context, rule
from .reading import subject_of
from .representatives import AGREE


@rule("SVC001", "error", clause="8.3.2", subject="service", needs=("customers", "services"))
def service_without_customer(context: Context) -> Iterator[Breach]:
    """An in-scope service has no customer.

    Every service in `registers/services.yaml` with `in_scope: true` (the default)
    is consumed by at least one customer: some customer's `services` names it.

    Why an auditor cares:
    Clause 8.3.2 asks the provider to identify the customers of each service in
    the scope of the service management system. A service nobody consumes is
    either not in scope, or its customers are missing from the register.

    How to fix:
    Add the service, with its user groups, to the customers that use it; or set
    `in_scope: false` if the service is outside the scope of the SMS.

    Example:
    Fails: `cloud-hosting` with `in_scope: true` and no customer listing it.
    Passes: a customer with `services: [{service: cloud-hosting, user_groups: [Platform Engineering]}]`.
    """
    consumed = {s for customer in context.repository.customers for s in customer.service_ids}
    for service in context.repository.services:
        if service.id is None or not service.in_scope or service.id in consumed:
            continue
        yield Breach(
            service.at("id"),
            service.id,
            f"in-scope service {service.id} has no customer: add it (with its user groups) to the `services` "
            "of the customers that use it in registers/customers.yaml, or set `in_scope: false`",
        )


@rule("SVC002", "error", clause="8.3.2", subject="service", needs=("services",))
def service_without_owner(context: Context) -> Iterator[Breach]:
    """A service has no owner.

    Every service names an `owner`: the person id of the member of staff
    accountable for the service, who approves its requirements with the customer.

    Why an auditor cares:
    Requirements are agreed between the customer and the provider (clause 8.3.2);
    without an owner nobody on our side is accountable for what was agreed, and
    no requirements approval by the owner (REQ002) is possible.

    How to fix:
    Add `owner:` with the person id of the service owner from `registers/people.yaml`.

    Example:
    Fails: a service with no `owner` field.
    Passes: `owner: priya-shah`.
    """
    for service in context.repository.services:
        if not service.empty("owner"):
            continue  # given; an empty or malformed value is BRM002's
        yield Breach(
            service.at("id"),
            subject_of(service),
            f"service {service.id or '?'} has no owner: add `owner:` with the person id of the member of "
            "staff accountable for it (registers/people.yaml)",
        )


@rule("SVC003", "error", clause="8.3.2", subject="register")
def nothing_in_scope(context: Context) -> Iterator[Breach]:
    """The registers identify no in-scope service, or no customer.

    The service catalogue (`registers/services.yaml`, or files under
    `registers/services/`) holds at least one service in the scope of the service
    management system, and the customer register at least one customer. A
    register that cannot be read is BRM001's finding, not this one.

    Why an auditor cares:
    Clause 8.3.2 starts from the customers of the services in scope. With none
    recorded, every other check of business relationship management has nothing
    to look at and passes: a clean result that means "nothing was checked", not
    "covered".

    How to fix:
    Add the services in scope to the service catalogue and each customer, with
    the services it consumes and its representatives, to the customer register
    (`brm new customer`).

    Example:
    Fails: `registers/customers.yaml` holding `[]` and no file under `registers/customers/`.
    Passes: one customer consuming one in-scope service.
    """
    repository = context.repository
    if "services" not in repository.incomplete and not any(s.in_scope for s in repository.services):
        yield Breach(
            Location("registers/services.yaml", 1, 1),
            "services",
            "the service catalogue has no service in scope: add each service in the scope of the service "
            "management system, with its owner, to registers/services.yaml",
        )
    if "customers" not in repository.incomplete and not repository.customers:
        yield Breach(
            Location("registers/customers.yaml", 1, 1),
            "customers",
            "the customer register has no customer: add each customer with the services it consumes and its "
            "representatives (`brm new customer`)",
        )


def _requirements_by_pair(context: Context) -> dict[tuple[str, str], Requirements]:
    found: dict[tuple[str, str], Requirements] = {}
    for requirements in context.repository.requirements:
        if requirements.customer is not None and requirements.service is not None:
            found.setdefault((requirements.customer, requirements.service), requirements)
    return found


@rule("REQ001", "error", clause="8.3.2", subject="customer", needs=("customers", "services", "requirements"))
def requirements_missing(context: Context) -> Iterator[Breach]:
    """A customer consumes a service with no agreed requirements record.

    For every service in a customer's `services` there is one file in
    `registers/requirements/` whose `customer` and `service` name that pair
    (by convention `<customer>--<service>.yaml`).

    Why an auditor cares:
    Clause 8.3.2 asks that the service requirements be agreed with the customer
    and documented. A customer using a service under no recorded agreement has no
    requirements the provider can be held to, or show it meets.

    How to fix:
    Add `registers/requirements/<customer>--<service>.yaml` with the version, the
    effective date, the agreed document, a summary, the approvals of a customer
    representative and of the service owner, and `confirm_by`.

    Example:
    Fails: RetailCo consumes `cloud-hosting` and no requirements file names
    `customer: retailco`, `service: cloud-hosting`.
    Passes: `registers/requirements/retailco--cloud-hosting.yaml` with both.
    """
    agreed = _requirements_by_pair(context)
    for customer in context.repository.customers:
        if customer.id is None:
            continue
        for consumption in customer.services:
            if consumption.service not in context.services:
                continue  # BRM003: the service itself is unknown
            if (customer.id, consumption.service) in agreed:
                continue
            yield Breach(
                customer.at("services", consumption.index, "service"),
                customer.id,
                f"{customer.label} consumes {consumption.service} but no agreed requirements record exists: "
                f"add registers/requirements/{customer.id}--{consumption.service}.yaml with the agreed "
                "summary and the approvals of a representative and the service owner",
            )


def _customer_approval_gap(requirements: Requirements, customer: Customer, service: str) -> tuple[Location, str] | None:
    """None when a representative with authority approved; else where to point and why."""
    consumed = customer.service_ids
    representatives = {r.id: r for r in customer.representatives if r.id is not None}
    reasons: list[tuple[Approval, str]] = []
    for approval in requirements.approvals:
        representative = representatives.get(approval.by or "")
        if representative is None:
            continue
        if AGREE not in representative.authority:
            reasons.append((approval, f"{approval.by} does not hold `{AGREE}`"))
        elif not representative.covers(service, consumed):
            reasons.append((approval, f"{approval.by} does not represent the customer for {service}"))
        elif representative.since is not None and approval.on is not None and approval.on < representative.since:
            reasons.append(
                (
                    approval,
                    f"{approval.by} approved on {approval.on} but is a representative only since "
                    f"{representative.since}",
                )
            )
        else:
            return None
    if reasons:
        approval, why = reasons[0]
        return requirements.at("approvals", approval.index, "by"), f"the approval does not count: {why}"
    named = ", ".join(a.by for a in requirements.approvals if a.by) or "nobody"
    return requirements.at("approvals"), f"the approvals name {named}, none a representative of the customer"


@rule(
    "REQ002", "error", clause="8.3.2", subject="requirements", needs=("customers", "services", "people", "requirements")
)
def requirements_unapproved(context: Context) -> Iterator[Breach]:
    """Requirements lack an approval by a representative holding `agree-requirements`, or by the service owner.

    Each requirements record carries two approvals: one by a representative of
    that customer who held `agree-requirements` for that service on the approval
    date (they cover the service, and their `since` is not after the approval),
    and one by the service's `owner`. Each missing approval is one finding.

    Why an auditor cares:
    Requirements are agreed, not just written down (clause 8.3.2). An approval by
    someone without the authority, or before they had it, does not bind the
    customer; without the owner's approval nobody on our side committed to it.

    How to fix:
    Obtain the approval of the right person (a representative with
    `agree-requirements` for the service, or the service owner) and add it under
    `approvals` with `by` and `on`. If the approver does hold the authority,
    correct their entry in `registers/customers.yaml`.

    Example:
    Fails: `approvals: [{by: lucy-brennan, on: 2026-03-20}]` where Lucy holds only
    `review-performance`, and no approval by the owner.
    Passes: `approvals: [{by: sam-patel, on: 2026-03-20}, {by: priya-shah, on: 2026-03-18}]`.
    """
    for requirements in context.repository.requirements:
        customer = context.customers.get(requirements.customer or "")
        service = context.services.get(requirements.service or "")
        if customer is None or service is None:
            continue  # BRM002 (missing) or BRM003 (unknown customer or service)
        pair = f"{customer.label} / {service.id}"
        version = f" v{requirements.version}" if requirements.version else ""
        gap = _customer_approval_gap(requirements, customer, service.id)
        if gap is not None:
            location, why = gap
            yield Breach(
                location,
                subject_of(requirements),
                f"{pair} requirements{version} lack an approval by a representative of {customer.label} "
                f"holding `{AGREE}` for {service.id} ({why}): obtain that approval and add it under "
                "`approvals`, or correct the representative's entry if they do hold the authority",
            )
        owner = service.owner
        if owner is None:
            continue  # SVC002: the service has no owner
        if any(approval.by == owner for approval in requirements.approvals):
            continue
        yield Breach(
            requirements.at("approvals"),
            subject_of(requirements),
            f"{pair} requirements{version} lack an approval by the service owner {owner}: obtain it and "
            f"add `{{by: {owner}, on: DATE}}` under `approvals`",
        )


@rule("REQ003", "cadence", clause="8.3.2", subject="requirements")
def requirements_unconfirmed(context: Context) -> Iterator[Breach]:
    """Requirements are past `confirm_by`, or older than `requirements_confirmation`.

    A requirements record is due for re-confirmation on its `confirm_by` date; a
    record without `confirm_by` is due its `effective` date plus the BRM
    procedure's `requirements_confirmation` interval. After that date the finding
    is a warning; after the policy's `grace` as well, an error.

    Why an auditor cares:
    Business needs change. Clause 8.3.2 expects requirements to stay agreed, and
    requirements nobody has looked at since the contract was signed are not
    evidence that the service still meets the customer's needs.

    How to fix:
    Review the requirements with the customer. Record the new version and
    `effective` date and the new approvals, or, if nothing changed, the
    re-confirmation approvals; then set the next `confirm_by`.

    Example:
    Fails: `confirm_by: 2026-10-31` judged on 2026-11-23.
    Passes: `confirm_by: 2027-03-31`.
    """
    interval = context.policy.requirements_confirmation
    grace = context.policy.grace
    for requirements in context.repository.requirements:
        customer = context.customers.get(requirements.customer or "")
        names = (customer.label if customer else requirements.customer, requirements.service)
        label = " / ".join(n for n in names if n) or subject_of(requirements)
        version = f" v{requirements.version}" if requirements.version else ""
        due = requirements_due(requirements, context.policy)
        if due is None:
            continue  # neither date: BRM002 reports the missing `effective`
        if context.as_of <= due:
            continue
        if requirements.confirm_by is not None:
            location, why = requirements.at("confirm_by"), "were to be re-confirmed by"
        else:
            location = requirements.at("effective")
            every = in_words(interval, every=True)
            why = f"are effective since {requirements.effective}; re-confirmation ({every}) was due by"
        yield Breach(
            location,
            subject_of(requirements),
            f"{label} requirements{version} {why} {due} (+{grace_words(grace)}): review them with the customer, "
            "record the approvals and set the next `confirm_by`",
            due=due,
        )


@rule("REQ004", "warning", clause="8.3.2", subject="requirements", needs=("customers", "services", "people"))
def approved_after_effective(context: Context) -> Iterator[Breach]:
    """A requirement's approval is dated after its `effective` date.

    Requirements are agreed before they take effect: the customer's side (an
    approval by a representative of the customer) and the provider's side (an
    approval by the service owner) each approve on or before `effective`. A
    side whose every approval is dated after `effective` is a finding, pointing
    at its earliest approval. Later approvals beside an earlier one are
    re-confirmations and are fine.

    Why an auditor cares:
    Requirements that applied before anyone agreed them were not agreed when
    they applied (clause 8.3.2): for that time the service ran against terms
    the customer, or the owner, had not accepted. Often it is only a mistyped
    date, which is worth correcting too.

    How to fix:
    If the date was recorded wrongly, correct it. If the approval really came
    later, set `effective` to the date both sides had approved (the earlier
    version applied until then), or record why it took effect first.

    Example:
    Fails: `effective: 2026-04-01` with `approvals: [{by: sam-patel, on:
    2026-04-03}, {by: priya-shah, on: 2026-03-18}]`.
    Passes: Sam Patel's approval on 2026-03-20.
    """
    for requirements in context.repository.requirements:
        effective = requirements.effective
        customer = context.customers.get(requirements.customer or "")
        service = context.services.get(requirements.service or "")
        if effective is None or customer is None:
            continue  # BRM002 (no effective date) or BRM003 (unknown customer)
        representatives = {r.id for r in customer.representatives if r.id is not None}
        owner = service.owner if service is not None else None
        sides = (
            (f"{customer.label}'s", [a for a in requirements.approvals if a.by in representatives]),
            ("the service owner's", [a for a in requirements.approvals if owner is not None and a.by == owner]),
        )
        version = f" v{requirements.version}" if requirements.version else ""
        pair = " / ".join(n for n in (customer.label, requirements.service) if n)
        for side, approvals in sides:
            dated = [a for a in approvals if a.on is not None]
            if not dated or any(a.on is not None and a.on <= effective for a in dated):
                continue
            first = min(dated, key=lambda a: (a.on or effective, a.index))
            yield Breach(
                requirements.at("approvals", first.index, "on"),
                subject_of(requirements),
                f"{pair} requirements{version} took effect on {effective}, but {side} approval ({first.by}) is "
                f"dated {first.on}: correct the date if it was recorded wrongly, or set `effective` to the date "
                "both sides had approved",
            )
