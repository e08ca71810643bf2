"""``brm new procedure``: one of the three required procedures, from the templates ``brm init`` fills in."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..core import Draft, OneOf, Scaffold, ScaffoldError, day, enum, line, slug

if TYPE_CHECKING:
    from ...init import PersonEntry

TYPE = "procedure"
HELP = "a required procedure, from the template brm init uses: procedures/ID.md"
DESCRIPTION = (
    "The procedure is filled in from the same template and defaults as 'brm init' (the BRM policy's tiers, "
    "intervals and targets; complaint stages, targets and business hours; the communication plan). Its owner and "
    "approver default to the BRM procedure's."
)


def _templates() -> dict[str, str]:
    from ...init import PROCEDURES

    return PROCEDURES


def flags(procedure: argparse.ArgumentParser) -> None:
    from ...init import _country, _zone

    procedure.add_argument("--id", choices=tuple(_templates()), help="which procedure")
    procedure.add_argument("--provider", type=line, metavar="NAME", help="the service provider's name, for the text")
    procedure.add_argument("--owner", type=slug, metavar="PERSON", help="default: the BRM procedure's owner")
    procedure.add_argument("--approver", type=slug, metavar="PERSON", help="default: the BRM procedure's approver")
    procedure.add_argument("--approved", type=day, metavar="DATE", help="when the approver approved this version")
    stages = enum(TYPE, "stages")
    procedure.add_argument(
        "--stages",
        type=OneOf(stages, many=True),
        metavar=",".join(stages),
        help="complaint-handling: the stages, in order (default: brm init's)",
    )
    days = enum(TYPE, "business_hours", "days")
    procedure.add_argument(
        "--business-days",
        type=OneOf(days, many=True),
        metavar=",".join(days),
        help="complaint-handling: the working days (default: brm init's)",
    )
    procedure.add_argument("--timezone", type=_zone, metavar="ZONE", help="complaint-handling: of the business hours")
    procedure.add_argument("--country", type=_country, metavar="CC", help="complaint-handling: whose holidays apply")


def build(s: Scaffold) -> Draft:
    from ...init import Setup, procedure_drafts
    from ...policy import BRM_PROCEDURE

    a = s.answers
    templates = _templates()
    procedure_id = a.get("id", f"Procedure ({', '.join(templates)})", _template_id)
    provider = a.get("provider", "The service provider's name")
    brm = s.repository.procedure(BRM_PROCEDURE)
    owner = a.get("owner", "Owner (one of our staff, a person id)", slug, default=brm.owner if brm else None)
    approver = a.get(
        "approver", "Approver (one of our staff, a person id)", slug, default=brm.approved_by if brm else None
    )
    a.done()
    existing = s.repository.procedure(procedure_id)
    if existing is not None:
        raise ScaffoldError(f"procedure {procedure_id} is already at {existing.source.path}")
    setup = Setup.defaults(provider, s.today)
    changes: dict[str, Any] = {
        "owner": _entry(s, owner, "owner"),
        "approver": _entry(s, approver, "approver"),
        "approved": a.flag("approved"),
        "procedures": (procedure_id,),
    }
    for field, flag in (("stages", "stages"), ("business_days", "business_days"), ("timezone", "timezone")):
        if a.flag(flag) is not None:
            changes[field] = a.flag(flag)
    changes["country"] = a.flag("country")
    if changes["approved"] is not None and changes["approved"] > s.today:
        raise ScaffoldError(f"--approved {changes['approved']} is after today ({s.today})")
    [(path, record, body)] = procedure_drafts(replace(setup, **changes))
    return Draft(path, TYPE, record, body)


def _template_id(text: str) -> str:
    if text not in _templates():
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(_templates())}")
    return text


def _entry(s: Scaffold, person_id: str, role: str) -> PersonEntry:
    """Our member of staff, as the template names them (the role for a placeholder without a name)."""
    from ...init import PersonEntry

    person = s.staff_member(s.staff(person_id, role))
    assert person is not None
    return PersonEntry(person_id, person.role or role, person.name)
