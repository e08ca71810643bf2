"""``brm rules --clause CLAUSE``: which rules make the checks a clause asks for.

Read from data, never restated: the clause map (``checks/data/clause-map.yaml``, the
requirements of ISO/IEC 20000-1:2018 clause 8.3.2 and 2011's clause 7.1, each with its
rules), the four checks of the summary format's validator for clause 7.1
(``checks/data/business-relationships.yaml``), and the clause each rule declares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

#: Older guidance numbers 2018's clause 8.3.2 as 8.3.1 (the clause map's note says why).
ALIASES = {"8.3.1": "8.3.2"}


@dataclass(frozen=True)
class ClauseRequirement:
    id: str
    title: str
    requirement: str
    clause_2011: str
    rules: tuple[str, ...]
    evidence: tuple[str, ...]  # pages of the auditor site


@dataclass(frozen=True)
class ClauseMap:
    standard: str
    clause: str
    title: str
    note: str
    edition_2011: str
    requirements: tuple[ClauseRequirement, ...]


def load_clause_map(text: str | None = None) -> ClauseMap:
    """The clause map data file (``checks/data/clause-map.yaml``), read by our strict reader."""
    if text is None:
        return _bundled_clause_map()
    from .reader import Problem, parse_yaml

    document = parse_yaml(text, "checks/data/clause-map.yaml")
    if isinstance(document, Problem):
        raise ValueError(f"checks/data/clause-map.yaml:{document.line}: {document.message}")
    data: dict[str, Any] = document.data
    return ClauseMap(
        standard=data["standard"],
        clause=data["clause"],
        title=data["title"],
        note=data["note"],
        edition_2011=data["edition_2011"],
        requirements=tuple(
            ClauseRequirement(
                r["id"],
                r.get("title") or r["id"],
                r["requirement"],
                r["clause_2011"],
                tuple(r["rules"]),
                tuple(r["evidence"]),
            )  # fmt: skip
            for r in data["requirements"]
        ),
    )


@cache
def _bundled_clause_map() -> ClauseMap:
    return load_clause_map(resources.files("checks").joinpath("data/clause-map.yaml").read_text(encoding="utf-8"))


def listing(clause: str) -> dict[str, Any] | None:
    """What the clause asks for and the rules that check it, or None when nothing answers to it."""
    from .interchange import format_data
    from .rules import load_rules

    clause = ALIASES.get(clause.strip(), clause.strip())
    rules = load_rules()
    clause_map = load_clause_map()
    found: dict[str, Any] = {"clause": clause, "requirements": [], "validator": [], "rules": []}
    if clause == clause_map.clause or clause == clause_map.edition_2011:
        edition = "2018" if clause == clause_map.clause else "2011"
        found["edition"] = edition
        found["title"] = clause_map.title
        for requirement in clause_map.requirements:
            if edition == "2011" and requirement.clause_2011 != clause:
                continue
            found["requirements"].append(
                {"id": requirement.id, "requirement": requirement.requirement, "rules": list(requirement.rules)}
            )
    summary_format = format_data()
    if clause == summary_format["clause_2011"]:
        found["format"] = summary_format["format"]
        found["validator_name"] = summary_format["validator"]
        found["validator"] = [
            {
                "check": check["check"],
                "validator": check["validator"],
                "part": check["part"],
                "rules": list(check["rules"]),
                "how": check["how"],
            }
            for check in summary_format["checks"]
        ]
    found["rules"] = [
        {"code": r.code, "title": r.title} for r in rules.values() if clause in (c.strip() for c in r.clause.split(","))
    ]
    if not (found["requirements"] or found["validator"] or found["rules"]):
        return None
    return found


def render_text(found: dict[str, Any], titles: dict[str, str]) -> str:
    edition = found.get("edition")
    heading = f"ISO/IEC 20000-1{':' + edition if edition else ''} clause {found['clause']}"
    lines = [heading + (f" ({found['title']})" if found.get("title") else "")]
    if found["validator"]:
        lines += ["", f"The checks of {found['validator_name']} ({found['format']}), and the rules that make them:"]
        for check in found["validator"]:
            lines.append(f"  {check['check']:<26} {', '.join(check['rules'])}")
            lines.append(f"      {check['validator']}")
            lines.append(f"      {check['how']}")
    if found["requirements"]:
        lines += ["", "What the clause asks for (the clause map), and the rules that check it:"]
        for requirement in found["requirements"]:
            lines.append(f"  {requirement['id']:<26} {', '.join(requirement['rules'])}")
            lines.append(f"      {requirement['requirement']}")
    if found["rules"]:
        lines += ["", "Rules that declare this clause:"]
        lines += [f"  {rule['code']}  {rule['title']}" for rule in found["rules"]]
    codes = sorted(
        {c for part in ("validator", "requirements") for item in found[part] for c in item["rules"]}
        | {r["code"] for r in found["rules"]}
    )
    lines += ["", "Each rule's documentation: brm rules CODE"]
    unknown = [c for c in codes if c not in titles]
    if unknown:  # pragma: no cover - tests hold the data files to the catalogue
        lines.append(f"(not in the catalogue: {', '.join(unknown)})")
    return "\n".join(lines) + "\n"


def render_json(found: dict[str, Any]) -> str:
    return json.dumps(found, indent=2) + "\n"
