"""``brm new person``: one of our own staff (a counterpart, a service owner, an approver, an analyst)."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import Draft, Scaffold, ScaffoldError, email, line, register_file, slug

TYPE = "person"
HELP = "one of our staff: registers/people/ID.yaml"
DESCRIPTION = (
    "The id defaults to the name in lower case (Alex Morgan: alex-morgan). Customer representatives are written "
    "with their customer ('brm new customer')."
)


def flags(person: argparse.ArgumentParser) -> None:
    person.add_argument("--id", type=slug, help="default: from the name, such as alex-morgan")
    person.add_argument("--name", type=line, metavar="TEXT", help="the person's full name")
    person.add_argument("--role", type=line, metavar="TEXT", help="job title or role")
    person.add_argument("--email", type=email, metavar="EMAIL")
    person.add_argument("--phone", type=line, metavar="TEXT")


def build(s: Scaffold) -> Draft:
    from ...init import slug as slug_of

    a = s.answers
    full_name = a.get("name", "Full name")
    a.done()
    person_id = a.flag("id") or slug_of(full_name)
    if not person_id:
        raise ScaffoldError(f"no id can be made from the name '{full_name}': give --id")
    record: dict[str, Any] = {
        "id": s.person_id_free(person_id),
        "name": full_name,
        "role": a.flag("role"),
        "email": a.flag("email"),
        "phone": a.flag("phone"),
    }
    return Draft(register_file(TYPE, person_id), TYPE, record)
