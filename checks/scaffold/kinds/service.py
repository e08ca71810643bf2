"""``brm new service``: a service in the catalogue, with its owner."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import Draft, Scaffold, ScaffoldError, line, register_file, slug

TYPE = "service"
HELP = "a service in the catalogue: registers/services/ID.yaml"
DESCRIPTION = "The id defaults to the name in lower case; a service is in the scope of the SMS unless --out-of-scope."


def flags(service: argparse.ArgumentParser) -> None:
    service.add_argument("--id", type=slug, help="default: from the name, such as managed-infrastructure")
    service.add_argument("--name", type=line, metavar="TEXT", help="the service's name")
    service.add_argument("--owner", type=slug, metavar="PERSON", help="the service owner: one of our staff")
    service.add_argument(
        "--out-of-scope", action="store_true", help="outside the scope of the service management system"
    )


def build(s: Scaffold) -> Draft:
    from ...init import slug as slug_of

    a = s.answers
    service_name = a.get("name", "Service name")
    owner = a.get("owner", "Service owner (one of our staff, a person id)", slug)
    a.done()
    service_id = a.flag("id") or slug_of(service_name)
    if not service_id:
        raise ScaffoldError(f"no id can be made from the name '{service_name}': give --id")
    if service_id in {x.id for x in s.repository.services}:
        raise ScaffoldError(f"service '{service_id}' is already in the service catalogue")
    record: dict[str, Any] = {
        "id": service_id,
        "name": service_name,
        "owner": s.staff(owner, "owner"),
        "in_scope": not a.args.out_of_scope,
    }
    return Draft(register_file(TYPE, service_id), TYPE, record)
