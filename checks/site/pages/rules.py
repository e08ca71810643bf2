"""Rules: the catalogue, and one page per rule generated from the rule's own documentation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...clauses import ClauseRequirement
from ...rules import FAMILIES, Rule
from ..markup import anchor, code, table, text, titled
from .findings import findings_table
from .registry import Family, Page
from .site import DASH

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("rules/index.md", "Rules", lambda here: rules_index(site, here), menu="Rules")
    requirements = requirements_of_rule(site)
    for code_, declared in site.rules.items():
        plain = declared.title.replace("`", "")
        yield Page(f"rules/{code_}.md", f"{code_}: {plain}", partial(rule_page, site, declared, requirements))


FAMILY = Family("Rules", pages)


def requirements_of_rule(site: Site) -> dict[str, list[ClauseRequirement]]:
    index: dict[str, list[ClauseRequirement]] = defaultdict(list)
    for requirement in site.evidence.clause_map.requirements:
        for code_ in requirement.rules:
            index[code_].append(requirement)
    return index


def rules_index(site: Site, here: str) -> str:
    lines = ["# Rules", "", "Every rule the checks apply. A rule's page is generated from its own "
             "documentation in the code, as `brm rules CODE` prints it.", ""]  # fmt: skip
    for _module, (prefixes, title) in FAMILIES.items():
        rows = [
            [site.link(here, f"rules/{c}.md", c), titled(r.title), code(site.policy.severity.get(c, r.severity)),
             text(r.clause), str(len(site.findings_by_rule.get(c, [])))]
            for c, r in site.rules.items() if c[:3] in prefixes
        ]  # fmt: skip
        lines += [f"## {text(title)}", "", table(["Rule", "Checks that", "Severity", "Clause", "Findings"], rows,
                                                  empty="No rules in this family."), ""]  # fmt: skip
    return "\n".join(lines)


def rule_page(site: Site, declared: Rule, requirements: dict[str, list[ClauseRequirement]], here: str) -> str:
    severity = site.policy.severity.get(declared.code, declared.severity)
    severity_note = {
        "cadence": f"cadence: a warning once due, an error after {site.grace()} (the BRM policy's `grace`)",
        "off": "off: turned off in the BRM procedure's policy",
    }.get(severity, severity)
    mapped = requirements.get(declared.code, [])
    lines = [
        f"# {declared.code}: {titled(declared.title)}",
        "",
        f"- **Default severity:** {code(declared.severity)}; **in force:** {titled(severity_note)}",
        f"- **Clause:** ISO/IEC 20000-1:2018 {text(declared.clause)}",
        f"- **A finding names:** {text(declared.subject)}",
        "- **Clause map:** "
        + (", ".join(site.link(here, "clause-map.md", text(r.title), anchor(r.id)) for r in mapped) or DASH),
        "",
    ]
    what = declared.section("what")
    first, _, rest = what.partition("\n")
    lines += ["## What it checks", "", rest.strip() or first, ""]
    for heading, key in (("Why an auditor cares", "why"), ("How to fix", "fix"), ("Example", "example")):
        section = declared.section(key)
        if section:
            lines += [f"## {heading}", "", section, ""]
    lines += ["## Current findings", "", findings_table(site, site.findings_by_rule.get(declared.code, []), here),
              ""]  # fmt: skip
    return "\n".join(lines)
