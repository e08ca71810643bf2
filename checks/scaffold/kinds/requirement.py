"""``brm new requirement``: the requirements agreed with one customer for one service, with both approvals."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ...model import Customer, Representative
from ..core import Draft, Scaffold, ScaffoldError, day, line, link, register_file, slug, version

TYPE = "requirements"
HELP = "the requirements agreed with a customer for a service: registers/requirements/CUSTOMER--SERVICE.yaml"
DESCRIPTION = (
    "Both approvals are prefilled with who gives them: the customer's representative holding agree-requirements "
    "for the service, and the service owner; give the date of each. The service (if the customer has only one "
    "without agreed requirements), effective (the later approval) and confirm_by (effective plus the policy's "
    "requirements_confirmation) are prefilled too."
)


def flags(requirement: argparse.ArgumentParser) -> None:
    requirement.add_argument("--customer", type=slug, metavar="ID")
    requirement.add_argument(
        "--service", type=slug, metavar="ID", help="default: the customer's only service without agreed requirements"
    )
    requirement.add_argument("--version", type=version, default="1.0", help="the agreement's version (default: 1.0)")
    requirement.add_argument(
        "--representative",
        type=slug,
        metavar="ID",
        help="who approved for the customer (default: its only representative holding agree-requirements for it)",
    )
    requirement.add_argument(
        "--customer-approval", type=day, metavar="DATE", help="when the customer's representative approved"
    )
    requirement.add_argument("--owner-approval", type=day, metavar="DATE", help="when the service owner approved")
    requirement.add_argument("--effective", type=day, metavar="DATE", help="default: the later of the two approvals")
    requirement.add_argument("--document", type=link, metavar="URL_OR_PATH", help="the SLA, charter or SOW")
    requirement.add_argument("--service-hours", type=line, metavar="TEXT", help='such as "24x7"')
    requirement.add_argument("--support-channel", action="append", type=line, metavar="TEXT", help="(repeat)")
    requirement.add_argument("--availability-target", type=line, metavar="TEXT", help='such as "99.9%%"')
    requirement.add_argument("--dependency", action="append", type=line, metavar="TEXT", help="(repeat)")
    requirement.add_argument("--exclusion", action="append", type=line, metavar="TEXT", help="(repeat)")
    requirement.add_argument(
        "--confirm-by", type=day, metavar="DATE", help="default: effective plus requirements_confirmation"
    )


def _approvers(customer: Customer, service: str) -> list[Representative]:
    """The customer's representatives who may agree requirements for the service."""
    from ...rules.representatives import AGREE

    return [r for r in customer.representatives if AGREE in r.authority and r.covers(service, customer.service_ids)]


def build(s: Scaffold) -> Draft:
    from ...policy import Policy

    a = s.answers
    customer_id = a.get("customer", "Customer id", slug)
    a.done()
    customer = s.customer(customer_id)
    agreed = {r.service for r in s.repository.requirements if r.customer == customer_id}
    open_services = [x for x in customer.service_ids if x not in agreed]
    only = open_services[0] if len(open_services) == 1 else None
    service_id = a.get("service", f"Service ({', '.join(customer.service_ids)})", slug, default=only)
    a.done()
    if service_id not in customer.service_ids:
        raise ScaffoldError(
            f"{customer.label} does not consume '{service_id}' (it consumes: "
            f"{', '.join(customer.service_ids) or 'nothing yet'}): add the service to registers/customers first"
        )
    existing = next(
        (r for r in s.repository.requirements if (r.customer, r.service) == (customer_id, service_id)), None
    )
    if existing is not None:
        raise ScaffoldError(
            f"the requirements of {customer_id} for {service_id} are already at {existing.source.path}: record a "
            "new version or a re-confirmation there (its version, effective date and approvals)"
        )
    service = s.repository.by_id(s.repository.services)[s.service(service_id)]
    if service.owner is None:
        raise ScaffoldError(f"service {service_id} has no owner to approve its requirements: add `owner:` first")
    approvers = _approvers(customer, service_id)
    representative = a.get(
        "representative",
        f"Who approved for {customer.label} (a representative's id)",
        slug,
        default=approvers[0].id if len(approvers) == 1 else None,
    )
    customer_approval = a.get("customer_approval", f"When {representative or 'the representative'} approved", day)
    owner_approval = a.get("owner_approval", f"When the service owner {service.owner} approved", day)
    a.done()
    if representative not in {r.id for r in customer.representatives}:
        known = ", ".join(r.id for r in customer.representatives if r.id) or "none named yet"
        raise ScaffoldError(f"'{representative}' is not a representative of {customer.label} (known: {known})")
    effective: date = a.flag("effective") or max(customer_approval, owner_approval)
    interval = Policy.from_repository(s.repository).requirements_confirmation
    summary = {
        "service_hours": a.flag("service_hours"),
        "support_channels": a.flag("support_channel"),
        "availability_target": a.flag("availability_target"),
        "dependencies": a.flag("dependency"),
        "exclusions": a.flag("exclusion"),
    }
    record: dict[str, Any] = {
        "customer": customer_id,
        "service": service_id,
        "version": a.args.version,
        "effective": effective,
        "document": a.flag("document"),
        "summary": summary if any(v is not None for v in summary.values()) else None,
        "approvals": [
            {"by": representative, "on": customer_approval},
            {"by": service.owner, "on": owner_approval},
        ],
        "confirm_by": a.flag("confirm_by") or interval.after(effective),
    }
    return Draft(register_file(TYPE, f"{customer_id}--{service_id}"), TYPE, record)
