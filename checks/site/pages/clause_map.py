"""The clause map: requirement by requirement of clause 8.3.2, the rules, their findings and the evidence pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ...findings import Severity
from ..markup import anchor, code, table, text, titled
from .dashboard import findings_mark
from .registry import Family, Page

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("clause-map.md", "Clause map", lambda here: clause_map_page(site, here), menu="Clause map")


FAMILY = Family("Clause map", pages)


def clause_map_page(site: Site, here: str) -> str:
    clause_map = site.evidence.clause_map
    lines = [
        f"# Clause map: {text(clause_map.standard)} {text(clause_map.clause)}",
        "",
        f"**{text(clause_map.title)}.** {text(clause_map.note)}",
        "",
        "Requirement by requirement: the rules that check it, their findings today, and the pages that show "
        "the evidence. The requirements are paraphrased; the standard's text is normative.",
        "",
        table(
            ["Requirement", f"2018 ({text(clause_map.clause)})", f"2011 ({text(clause_map.edition_2011)})",
             "Rules", "Findings", "Evidence"],
            [
                [site.link(here, "clause-map.md", text(r.title), anchor(r.id)), text(clause_map.clause),
                 text(r.clause_2011),
                 ", ".join(site.link(here, f"rules/{c}.md", c) for c in r.rules if c in site.rules),
                 rules_standing(site, r.rules),
                 ", ".join(site.link(here, p, text(site.title_of(p))) for p in r.evidence if p in site.catalogue.pages)]
                for r in clause_map.requirements
            ],
        ),
        "",
    ]  # fmt: skip
    for requirement in clause_map.requirements:
        lines += [
            f"## {text(requirement.title)} {{#{anchor(requirement.id)}}}",
            "",
            text(requirement.requirement),
            "",
            f"- **ISO/IEC 20000-1:2018:** {text(clause_map.clause)} (some guidance: 8.3.1); "
            f"**ISO/IEC 20000-1:2011:** {text(requirement.clause_2011)}",
            "- **Rules:**",
            *(
                f"    - {site.link(here, f'rules/{c}.md', c)}: {titled(site.rules[c].title)}"
                if c in site.rules
                else f"    - {code(c)}"
                for c in requirement.rules
            ),
            f"- **Findings today:** {rules_standing(site, requirement.rules)}",
            "- **Evidence:** "
            + ", ".join(
                site.link(here, p, text(site.title_of(p))) for p in requirement.evidence if p in site.catalogue.pages
            ),
            "",
        ]
    return "\n".join(lines)


def rules_standing(site: Site, codes: Iterable[str]) -> str:
    return findings_mark(
        [f for c in codes for f in site.findings_by_rule.get(c, []) if f.severity is not Severity.WAIVED]
    )
