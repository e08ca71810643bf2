"""One unreadable file is one finding, not a cascade of false ones.

A register or document that cannot be read (BRM001) leaves part of the evidence unseen.
Rules that judge from that kind of evidence are not run meanwhile: run on what was read,
they would report what the unread file holds as missing (every service "has no
customer", every review "has no representative"). The BRM001 error keeps the result
from passing, so nothing passes unjudged.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from checks.rules import load_rules

from .conftest import ROOT, check

AS_OF = date(2026, 11, 23)
EVIDENCE = ("registers", "reviews", "surveys", "procedures")
#: One file of each kind of evidence the rules judge from.
FILES = [
    "registers/customers.yaml",
    "registers/people.yaml",
    "registers/services.yaml",
    "registers/actions.yaml",
    "registers/complaints.yaml",
    "registers/requirements/retailco--cloud-hosting.yaml",
    "procedures/business-relationship-management.md",
    "procedures/complaint-handling.md",
    "reviews/2026/2026-11-06-retailco.md",
    "surveys/instruments/csat-quarterly.md",
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    for folder in EVIDENCE:
        shutil.copytree(ROOT / folder, root / folder)
    return root


def _fingerprints(root: Path) -> set[tuple[str, str, str]]:
    return {(f.rule, f.path, f.message) for f in check(root, AS_OF)}


@pytest.mark.parametrize("path", FILES)
def test_an_unreadable_file_is_one_brm001_and_no_false_finding(example: Path, tmp_path: Path, path: str) -> None:
    root = tmp_path / "evidence"
    shutil.copytree(example, root)
    before = _fingerprints(root)
    target = root / path
    text = target.read_text(encoding="utf-8")
    # A tab where YAML wants indentation: a syntax error near the top of the file.
    if path.endswith(".yaml"):
        broken = text.replace("\n", "\n\tbroken: [\n", 2)
    else:
        broken = text.replace("---\n", "---\n\t[\n", 1)
    target.write_text(broken, encoding="utf-8")
    findings = check(root, AS_OF)
    new = [f for f in findings if (f.rule, f.path, f.message) not in before]
    assert [f.rule for f in new if f.path == path] == ["BRM001"], new
    assert all(f.rule.startswith("BRM") for f in new), [f"{f.rule} {f.path}: {f.message}" for f in new]
    assert any(f.rule == "BRM001" and f.severity == "error" for f in findings)


def test_every_rule_that_judges_from_a_register_says_so() -> None:
    """The rules that read customers, the register most rules depend on, each declare it."""
    rules = load_rules()
    for code in ("REP001", "REP002", "REP003", "REP004", "REP005", "SVC001", "REQ001", "REV001", "REV002", "SAT001"):
        assert "customers" in rules[code].needs, code
