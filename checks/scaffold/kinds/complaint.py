"""``brm new complaint``: a complaint in the register, in a file of its own."""

from __future__ import annotations

import argparse
from typing import Any

from ...policy import COMPLAINT_PROCEDURE
from ..core import Draft, Scaffold, ScaffoldError, enum, instant, line, now, numbered, register_file, slug

TYPE = "complaint"
HELP = "a complaint: registers/complaints/CMP-NNNN.yaml"
DESCRIPTION = (
    "The id is the next free one; the service is the customer's only one; received defaults to now; the stage "
    "is the complaint procedure's first, or its second once acknowledged."
)


def flags(complaint: argparse.ArgumentParser) -> None:
    complaint.add_argument("--id", type=numbered("CMP"), help="default: the next free id")
    complaint.add_argument("--customer", type=slug, metavar="ID")
    complaint.add_argument("--service", type=slug, metavar="ID", help="default: the customer's only service")
    complaint.add_argument("--summary", type=line, metavar="TEXT", help="what the complaint is about")
    complaint.add_argument("--channel", type=line, metavar="TEXT", help="e.g. service-portal, email, phone")
    complaint.add_argument("--received", type=instant, metavar="INSTANT", help="default: now")
    complaint.add_argument("--acknowledged", type=instant, metavar="INSTANT")
    complaint.add_argument(
        "--stage",
        choices=enum(TYPE, "stage"),
        help="default: the procedure's first stage, or its second once acknowledged",
    )
    complaint.add_argument("--action", action="append", type=numbered("ACT"), metavar="ID", help="a tracker id")


def _stages(s: Scaffold) -> list[str]:
    """The complaint procedure's stages, in its order (else the schema's)."""
    known = enum(TYPE, "stage")
    procedure = s.repository.procedure(COMPLAINT_PROCEDURE)
    listed = procedure.raw.get("stages") if procedure is not None else None
    if isinstance(listed, list) and listed and all(stage in known for stage in listed):
        return listed
    return list(known)


def build(s: Scaffold) -> Draft:
    a = s.answers
    complaint_id = a.flag("id") or s.next_id("CMP")
    if complaint_id in {c.id for c in s.repository.complaints}:
        raise ScaffoldError(f"complaint {complaint_id} is already in the register: leave out --id for the next one")
    customer_id = a.get("customer", "Customer id", slug)
    a.done()
    customer = s.customer(customer_id)
    only = customer.service_ids[0] if len(customer.service_ids) == 1 else None
    service = a.get("service", f"Service ({', '.join(customer.service_ids)})", slug, default=only)
    summary = a.get("summary", "What the complaint is about")
    channel = a.get("channel", "Channel (service-portal, email, phone ...)")
    a.done()
    received = a.flag("received") or now(s.today)
    acknowledged = a.flag("acknowledged")
    if acknowledged is not None and acknowledged < received:
        raise ScaffoldError(f"the complaint was acknowledged before it was received ({acknowledged} < {received})")
    stages = _stages(s)
    record: dict[str, Any] = {
        "id": complaint_id,
        "customer": customer_id,
        "service": s.service(service),
        "summary": summary,
        "channel": channel,
        "received": received,
        "acknowledged": acknowledged,
        "stage": a.flag("stage") or stages[min(1 if acknowledged else 0, len(stages) - 1)],
        "actions": [s.action(x) for x in a.flag("action") or []] or None,
    }
    return Draft(register_file(TYPE, complaint_id), TYPE, record)
