"""RULES.md's rule table and the rule registry say the same: the same codes, under the same
families in the same order, with the same default severities. The table's sentences are
the normative summaries; each rule's full documentation is its docstring (``brm rules CODE``).
"""

from __future__ import annotations

import re

from checks.rules import FAMILIES, load_rules

from .conftest import ROOT

_FAMILY = re.compile(r"^\| \*\*(?P<title>[^*]+)\*\*(?P<note>[^|]*)\| \| \|$")
_RULE = re.compile(r"^\| (?P<code>[A-Z]{3}\d{3}) \| (?P<default>\w+) \| .+ \|$")

Catalogue = dict[str, dict[str, str]]  # family title -> {code: default severity}, families in order


def table(text: str) -> Catalogue:
    """RULES.md's table: each family's rules and their default severities."""
    found: Catalogue = {}
    family = ""
    for line in text.splitlines():
        if heading := _FAMILY.match(line):
            family = f"{heading['title']}{heading['note']}".strip()
            found[family] = {}
        elif row := _RULE.match(line):
            found.setdefault(family, {})[row["code"]] = row["default"]
    return found


def registry() -> Catalogue:
    found: Catalogue = {title: {} for _prefixes, title in FAMILIES.values()}
    titles = {prefix: title for prefixes, title in FAMILIES.values() for prefix in prefixes}
    for code, rule in load_rules().items():
        found[titles[code[:3]]][code] = rule.severity
    return found


def test_rules_md_lists_every_rule_of_the_registry_in_its_family() -> None:
    written = table((ROOT / "RULES.md").read_text(encoding="utf-8"))
    assert list(written) == list(registry())  # the families, in catalogue order
    assert written == registry()


def test_the_comparison_sees_a_rule_out_of_step() -> None:
    """Control: a default severity changed, or a rule missing, in the table is noticed."""
    text = (ROOT / "RULES.md").read_text(encoding="utf-8")
    assert sum(len(rules) for rules in table(text).values()) >= 30
    assert table(text.replace("| REV003 | warning |", "| REV003 | error |")) != registry()
    assert table(re.sub(r"^\| COM001 \|.*\n", "", text, flags=re.M)) != registry()
