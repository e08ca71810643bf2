"""Findings: every finding of the checks, by rule family, each linked to its rule and its evidence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...findings import Finding
from ...model import Representative
from ...rules import FAMILIES
from ..markup import code, table, text
from .registers import row_anchor
from .registry import Family, Page
from .site import DASH

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("findings.md", "Findings", lambda here: findings_page(site, here), menu="Findings")


FAMILY = Family("Findings", pages)


def finding_evidence(site: Site, finding: Finding, here: str) -> str:
    where = code(f"{finding.path}:{finding.line}")
    customer = site.customers.get(finding.subject)
    if customer is not None and finding.subject in site.customer_page:
        return site.link(here, site.customer_page[finding.subject], where)
    representative = site.people.get(finding.subject)
    if isinstance(representative, Representative) and (representative.customer or "") in site.customer_page:
        # A representative's row is on its customer's page.
        return site.link(
            here, site.customer_page[representative.customer or ""], where, site.anchor_of(finding.subject)
        )
    page = site.page_of_path.get(finding.path)
    if page is None:
        return where
    if page.startswith("registers/"):  # the record's row, else the file in the page's provenance
        return site.link(here, page, where, row_anchor(site, page, finding.subject) or site.file_anchor(finding.path))
    return site.link(here, page, where)


def findings_table(site: Site, findings: list[Finding], here: str, empty: str = "No findings.") -> str:
    rows = []
    for finding in findings:
        message = site.say(finding.message)
        if finding.waiver:
            message += (f" *(waived until {site.say(finding.waiver.get('expires') or DASH)}: "
                        f"{site.say(finding.waiver.get('reason') or '')})*")  # fmt: skip
        rows.append(
            [
                site.severity_mark(finding),
                site.link(here, f"rules/{finding.rule}.md", finding.rule) if finding.rule in site.rules
                else code(finding.rule),
                finding_evidence(site, finding, here),
                code(finding.subject),
                message,
            ]
        )  # fmt: skip
    return table(["Severity", "Rule", "Evidence", "Subject", "Finding"], rows, empty=empty)


def findings_page(site: Site, here: str) -> str:
    lines = [
        "# Findings",
        "",
        f"Every finding of the checks as of {site.as_of}, by rule family. Each links to its rule "
        "(what it checks, why an auditor cares, how to fix it) and to the evidence it is about. "
        "Findings never stop the site from being built: they are shown here.",
        "",
    ]
    for _module, (prefixes, title) in FAMILIES.items():
        found = [f for f in site.findings if f.family in prefixes]
        lines += [f"## {text(title)}", "", findings_table(site, found, here, empty="No findings."), ""]
    other = [f for f in site.findings if f.family not in site.family_of_prefix]
    if other:
        lines += ["## Other", "", findings_table(site, other, here), ""]
    return "\n".join(lines)
