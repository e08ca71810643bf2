"""Procedures: one page each, with its document control and the settings the checks read from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

import yaml

from ...model import Procedure
from ..markup import box, code, table
from .findings import findings_table
from .registry import Family, Page
from .site import DASH, slug_path, when

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("procedures/index.md", "Procedures", lambda here: procedures_index(site, here), menu="All procedures")
    for procedure in site.repository.procedures:
        title = procedure.title or procedure.id or procedure.source.path
        yield Page(
            "procedures/" + slug_path(site.redact(procedure.source.path), "procedures/"),
            title,
            partial(procedure_page, site, procedure),
            menu=title,
            record=procedure,
            shows=(procedure.source.path,),
            fixed=False,
        )


FAMILY = Family("Procedures", pages)


def procedures_index(site: Site, here: str) -> str:
    rows = [
        [site.link(here, site.page_of(p), site.say(p.title or p.id or p.source.path)), code(p.id or DASH),
         site.say(p.version or DASH), site.person(here, p.owner, with_role=False), when(p.approved),
         f"{when(p.next_review)} {site.due_mark(p.next_review)}"]
        for p in site.repository.procedures
    ]  # fmt: skip
    return "\n".join(["# Procedures", "",
                      table(["Procedure", "Id", "Version", "Owner", "Approved", "Next review"], rows,
                            empty="No procedures."), ""])  # fmt: skip


def procedure_page(site: Site, procedure: Procedure, here: str) -> str:
    control = [
        f"- **Document id:** {code(procedure.id or DASH)}",
        f"- **Title:** {site.say(procedure.title or DASH)}",
        f"- **Version:** {site.say(procedure.version or DASH)}",
        f"- **Owner:** {site.person(here, procedure.owner)}",
        f"- **Approved by:** {site.person(here, procedure.approved_by)}",
        f"- **Approved:** {when(procedure.approved)}",
        f"- **Next review:** {when(procedure.next_review)} {site.due_mark(procedure.next_review)}",
    ]
    control_fields = ("id", "title", "version", "owner", "approved_by", "approved", "next_review")
    controlled = {k: v for k, v in procedure.raw.items() if k not in control_fields}
    settings = ""
    if controlled:
        dumped = yaml.safe_dump(controlled, sort_keys=False, allow_unicode=True, width=100)
        fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", dumped)), default=0) + 1)
        settings = "\n".join(
            ["## Controlled settings", "",
             "The front-matter of this procedure, which the checks read as their configuration:", "",
             f"{fence}yaml", dumped.rstrip("\n"), fence, ""]
        )  # fmt: skip
    findings = site.findings_by_path.get(procedure.source.path, [])
    return "\n".join(
        [f"# {site.say(procedure.title or procedure.id or procedure.source.path)}", "",
         box("info", "Document control", "\n".join(control)), "",
         settings,
         "## Procedure", "", site.body(procedure), "",
         "## Findings on this procedure", "", findings_table(site, findings, here, empty="No findings."), "",
         site.provenance([procedure.source.path])]
    )  # fmt: skip
