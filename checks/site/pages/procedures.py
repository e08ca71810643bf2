"""Procedures: one page each, with its document control and the settings the checks read from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

import yaml

from ...dates import in_words
from ...model import Procedure
from ...policy import BRM_PROCEDURE, COMPLAINT_PROCEDURE
from ..markup import box, code, table, text
from .findings import findings_table
from .registry import Family, Page
from .site import DASH, folder_of, slug_path, when

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("procedures/index.md", "Procedures", lambda here: procedures_index(site, here), menu="All procedures")
    for procedure in site.repository.procedures:
        title = procedure.title or procedure.id or procedure.source.path
        yield Page(
            "procedures/" + slug_path(site.redact(procedure.source.path), folder_of("procedure")),
            title,
            partial(procedure_page, site, procedure),
            menu=title,
            record=procedure,
            shows=(procedure.source.path,),
            fixed=False,
        )


FAMILY = Family("Procedures", pages, types=("procedure",))


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


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def in_force(site: Site, procedure: Procedure, here: str) -> list[str]:
    """What the checks read from the BRM or the complaint procedure, in words (the policy in force)."""
    policy = site.policy
    if procedure is site.repository.procedure(BRM_PROCEDURE):
        lines = [
            f"- **{site.say(tier.name)}** tier: performance reviews {site.every(tier.review_interval)}, "
            f"satisfaction surveys {site.every(tier.survey_interval)}"
            for tier in policy.tiers.values()
        ]
        targets = ", ".join(f"{text(kind)} at least {value:g}" for kind, value in policy.satisfaction_targets.items())
        lines += [
            f"- A cadence finding is a warning when the date has passed, an error after {site.grace()}",
            f"- Satisfaction targets: {targets or 'none set'}",
            f"- Representatives confirmed {site.every(policy.representative_confirmation)}; requirements "
            f"re-confirmed {site.every(policy.requirements_confirmation)} unless their `confirm_by` says otherwise",
            f"- The process itself reviewed {site.every(policy.process_review_interval)}",
            *(f"- {code(rule)} judged as {code(severity)}" for rule, severity in policy.severity.items()),
        ]
    elif procedure is site.repository.procedure(COMPLAINT_PROCEDURE):
        hours = policy.business_hours
        days = ", ".join(_DAYS[d] for d in sorted(set(hours.days)) if 0 <= d < len(_DAYS))
        holidays = f", except public holidays of {site.say(hours.holidays)}" if hours.holidays else ""
        region = f" ({site.say(hours.subdivision)})" if hours.holidays and hours.subdivision else ""
        ack, resolution = policy.acknowledgement, policy.resolution_target
        lines = [
            f"- Acknowledged within {in_words(ack, business=True) if ack else 'no target set'}; resolved within "
            f"{in_words(resolution) + ' of receipt' if resolution else 'no target set'}",
            f"- Business hours: {days}, {hours.start:%H:%M} to {hours.end:%H:%M} "
            f"{site.say(hours.timezone)}{holidays}{region}",
            f"- Escalation path: {', '.join(site.person(here, p) for p in policy.escalation_path) or 'none set'}",
        ]
    else:
        return []
    return ["In force, in words:", "", *lines, ""]


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
            ["## Controlled settings", "", *in_force(site, procedure, here),
             "The front-matter of this procedure as written, which the checks read as their configuration:", "",
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
