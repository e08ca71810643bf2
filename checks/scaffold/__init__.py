"""``brm new``: a new evidence file of any record kind, schema-valid and prefilled from the registers.

Every field is a flag. What the registers already know is filled in: a review's
attendees (the customer's representatives and counterpart), services, period and
next date, and the open actions of the previous review; the next free action and
complaint ids; a requirement's approvers; the instrument's version; today's date (or
``--as-of``/``BRM_AS_OF``). What only a person knows (the report, the decisions, the
scores) is asked for on a terminal and is otherwise an error that names the missing
flags: nothing is ever prompted for when standard input is not a terminal.

Each kind is one module of :mod:`checks.scaffold.kinds`, found by its name: it says
which schema type it writes (``TYPE``), its flags and how it builds the file. The
kinds are listed in the order of the record types (:data:`checks.schema.TYPES`), and
every enumerated value a flag offers is read from the schemas.

A new file is never written over an existing one. Register records are written as
new files in the register's folder (``registers/actions/ACT-0043.yaml``), which
FORMAT.md reads as part of the same register, so no existing line is rewritten and
two people adding actions at once never edit the same file. Before writing, the new
file is read back with the strict reader and validated against its schema.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType

from ..dates import FIRST_YEAR, LAST_YEAR
from ..roots import add_root
from ..schema import TYPES
from . import kinds as _kinds_package
from .core import YEARS, Answers, Draft, Scaffold, ScaffoldError
from .render import SCHEMA_DIR, render, verify, write


@dataclass(frozen=True)
class Kind:
    """One kind of ``brm new``: its command word, the record type it writes, its flags and builder."""

    name: str
    type_name: str
    help: str
    description: str
    flags: Callable[[argparse.ArgumentParser], None]
    build: Callable[[Scaffold], Draft]

    @classmethod
    def of(cls, module: ModuleType) -> Kind:
        return cls(
            module.__name__.rsplit(".", 1)[1],
            module.TYPE,
            module.HELP,
            module.DESCRIPTION,
            module.flags,
            module.build,
        )


@cache
def registry() -> dict[str, Kind]:
    """Every kind, in the order of the record types it writes."""
    found = [
        Kind.of(importlib.import_module(f"{_kinds_package.__name__}.{info.name}"))
        for info in pkgutil.iter_modules(_kinds_package.__path__)
        if not info.name.startswith("_")
    ]
    order = list(TYPES)
    return {k.name: k for k in sorted(found, key=lambda k: (order.index(k.type_name), k.name))}


#: Kind -> what it writes, for help texts and the plan (``brm status --plan``).
KINDS: dict[str, str] = {name: kind.help for name, kind in registry().items()}


def configure(new: argparse.ArgumentParser) -> None:
    """The flags of ``brm new KIND``: one for every field of every kind."""
    subcommands = new.add_subparsers(dest="kind", required=True, metavar="KIND", parser_class=type(new))
    for kind in registry().values():
        parser = subcommands.add_parser(kind.name, help=kind.help, description=f"Write {kind.help}. {kind.description}")
        add_root(parser, positional=False)
        parser.add_argument("--as-of", metavar="DATE", help="today for defaults (default: $BRM_AS_OF, else today)")
        kind.flags(parser)


def new(
    args: argparse.Namespace,
    root: Path,
    today: date,
    interactive: bool,
    ask: Callable[[str], str] = input,
) -> str:
    """Build, verify and write the new file; return its path relative to the root."""
    from ..load import load

    if not FIRST_YEAR <= today.year <= LAST_YEAR:
        raise ScaffoldError(f"today ({today}) is outside {YEARS}: give --as-of a date inside them")
    repository = load(root).repository
    scaffold = Scaffold(root, repository, today, Answers(args, interactive, ask))
    draft = registry()[args.kind].build(scaffold)
    text = render(draft, root)
    verify(draft, text)
    write(root, draft.path, text)
    return draft.path


__all__ = ["KINDS", "SCHEMA_DIR", "Draft", "Kind", "ScaffoldError", "configure", "new", "registry", "render"]
