"""``brm new customer``: a customer, the services it consumes, and its representative or interim contact."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..core import (
    Draft,
    OneOf,
    Scaffold,
    ScaffoldError,
    day,
    email,
    enum,
    interval,
    line,
    register_file,
    slug,
    unique,
)

TYPE = "customer"
HELP = "a customer with its representative or interim contact: registers/customers/ID.yaml"
DESCRIPTION = (
    "The tier (if the policy has only one), onboarded (today: the first review and survey are due one interval "
    "later), the representative's since and confirmed and every authority, or the interim contact's request date "
    "and escalation path (the counterpart, then the complaint procedure's path), are prefilled."
)


def flags(customer: argparse.ArgumentParser) -> None:
    authorities = enum(TYPE, "representatives", "authority")
    customer.add_argument("--id", type=slug)
    customer.add_argument("--name", type=line, metavar="TEXT")
    customer.add_argument("--tier", type=slug, help="default: the policy's only tier")
    customer.add_argument("--counterpart", type=slug, metavar="ID", help="our accountable person")
    customer.add_argument("--review-interval", type=interval, metavar="INTERVAL", help="overrides the tier's")
    customer.add_argument(
        "--onboarded",
        type=day,
        metavar="DATE",
        help="when the relationship began: the first review and survey are due one interval after it (default: today)",
    )
    customer.add_argument(
        "--service", action="append", metavar="ID[:GROUP,GROUP]", help="a service consumed, with user groups (repeat)"
    )
    customer.add_argument("--representative-id", type=slug, metavar="ID")
    customer.add_argument("--representative-name", type=line, metavar="TEXT")
    customer.add_argument("--representative-role", type=line, metavar="TEXT")
    customer.add_argument("--representative-email", type=email, metavar="EMAIL")
    customer.add_argument("--representative-phone", type=line, metavar="TEXT")
    customer.add_argument(
        "--authority",
        action="append",
        type=OneOf(authorities, many=True),
        metavar=",".join(authorities),
        help="the representative's authority (repeat, or comma-separated; default: all of them)",
    )
    customer.add_argument("--interim-contact", type=line, metavar="TEXT", help="where no representative is named yet")
    customer.add_argument("--interim-requested", type=day, metavar="DATE", help="default: today")
    customer.add_argument("--escalation", action="append", type=slug, metavar="ID", help="default: counterpart first")


def build(s: Scaffold) -> Draft:
    from ...policy import Policy

    a = s.answers
    policy = Policy.from_repository(s.repository)
    tiers = list(policy.tiers)
    customer_id = a.get("id", "Customer id (lower-case, such as northgate-financial)", slug)
    customer_name = a.get("name", "Customer name")
    tier = a.get("tier", f"Tier ({', '.join(tiers)})", slug, default=tiers[0] if len(tiers) == 1 else None)
    counterpart = a.get("counterpart", "Counterpart (one of our staff, a person id)", slug)
    representative_id = a.flag("representative_id")
    if representative_id is None and a.flag("interim_contact") is None:
        if a.interactive:
            representative_id = a.optional("Representative id (empty if the customer has not named one yet): ", slug)
        else:
            a.missing.append("--representative-id and --representative-name (or --interim-contact)")
    representative_name = a.flag("representative_name")
    if representative_id:
        representative_name = a.get("representative_name", "Representative's full name")
    interim_contact = None if representative_id else a.get("interim_contact", "Interim contact (mailbox or person)")
    a.done()
    if customer_id in {c.id for c in s.repository.customers}:
        raise ScaffoldError(f"customer '{customer_id}' is already in the customer register")
    if tier not in policy.tiers:
        raise ScaffoldError(f"tier '{tier}' is not one the BRM procedure defines ({', '.join(tiers) or 'none'})")
    s.staff(counterpart, "counterpart")
    onboarded: date = a.flag("onboarded") or s.today
    services = []
    for text in a.flag("service") or []:
        service, _, groups = text.partition(":")
        services.append(
            {"service": s.service(service), "user_groups": [g.strip() for g in groups.split(",") if g.strip()] or None}
        )
    record: dict[str, Any] = {
        "id": customer_id,
        "name": customer_name,
        "tier": tier,
        "counterpart": counterpart,
        "review_interval": a.flag("review_interval"),
        "onboarded": onboarded,
        "services": services,
    }
    if representative_id:
        s.person_id_free(representative_id)
        authority = unique(x for given in a.flag("authority") or [] for x in given)
        record["representatives"] = [
            {
                "id": representative_id,
                "name": representative_name,
                "role": a.flag("representative_role"),
                "email": a.flag("representative_email"),
                "phone": a.flag("representative_phone"),
                "authority": authority or list(enum(TYPE, "representatives", "authority")),
                "since": onboarded,
                "confirmed": s.today,
            }
        ]
    else:
        escalation = [s.person(x, "escalation") for x in a.flag("escalation") or []]
        record["interim"] = {
            "contact": interim_contact,
            "requested": a.flag("interim_requested") or s.today,
            "escalation": escalation or unique([counterpart, *policy.escalation_path]),
        }
    return Draft(register_file(TYPE, customer_id), TYPE, record)
