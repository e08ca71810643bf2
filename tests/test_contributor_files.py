"""Editor support and contributor files.

The editor schemas in ``.vscode/schemas`` are generated (``brm schema --export
.vscode/schemas``) and committed so the YAML extension finds them without running
anything; this test keeps every committed copy equal to ``brm schema TYPE``, so
``checks/schemas`` stays the one source of truth.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from checks.load import discover
from checks.schema import TYPES

from .conftest import ROOT, brm

SCHEMAS = ROOT / ".vscode/schemas"
SETTINGS = ROOT / ".vscode/settings.json"
#: What each discovered evidence file is (load.discover's kind) -> its schema type.
KIND_TO_TYPE = {
    "people": "person",
    "services": "service",
    "customers": "customer",
    "requirements": "requirements",
    "actions": "action",
    "complaints": "complaint",
    "waivers": "waiver",
    "review": "review",
    "survey-instrument": "survey-instrument",
    "satisfaction-result": "satisfaction-result",
    "procedure": "procedure",
}


def _glob(pattern: str) -> re.Pattern[str]:
    """VS Code's glob (`**` any folders, `*` within one) as a regular expression."""
    out = ""
    for part in re.split(r"(\*\*/|\*)", pattern):
        out += {"**/": "(?:.*/)?", "*": "[^/]*"}.get(part, re.escape(part))
    return re.compile(out + r"\Z")


@pytest.mark.parametrize("type_name", list(TYPES))
def test_committed_editor_schema_is_the_generated_one(type_name: str) -> None:
    printed = brm("schema", type_name)
    assert printed.returncode == 0, printed.stderr
    committed = SCHEMAS / f"{type_name}.schema.json"
    assert committed.read_text(encoding="utf-8") == printed.stdout, (
        f"{committed.relative_to(ROOT)} is stale: run `brm schema --export .vscode/schemas` and commit it"
    )


def test_editor_schemas_are_exactly_the_types() -> None:
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(f"{t}.schema.json" for t in TYPES)


def test_settings_map_every_schema_to_its_files() -> None:
    mapping = json.loads(SETTINGS.read_text())["yaml.schemas"]
    assert set(mapping) == {f"./.vscode/schemas/{t}.schema.json" for t in TYPES}
    for schema in mapping:
        assert (ROOT / schema).is_file()
    globs = {schema: [_glob(g) for g in patterns] for schema, patterns in mapping.items()}
    examples = [
        ("registers/actions/ACT-0043.yaml", "actions"),  # a register as a folder of files
        ("registers/waivers/rev001--retailco.yaml", "waivers"),
        ("registers/customers.yml", "customers"),
    ]
    evidence = discover(ROOT) + examples
    assert len(evidence) > 20
    for path, kind in evidence:
        matched = [s for s, patterns in globs.items() if any(p.match(path) for p in patterns)]
        assert matched == [f"./.vscode/schemas/{KIND_TO_TYPE[kind]}.schema.json"], path


def test_editor_settings_are_the_ones_the_schemas_give() -> None:
    """Each schema says where its files stand; the committed settings (and brm init's) map exactly those."""
    from checks.schema import editor_schemas

    expected = editor_schemas()
    assert set(expected) == {f"./.vscode/schemas/{t}.schema.json" for t in TYPES}
    template = ROOT / "checks/templates/repository/vscode-settings.json"
    for settings in (SETTINGS, template):
        assert json.loads(settings.read_text())["yaml.schemas"] == expected, (
            f"{settings.relative_to(ROOT)} is not what the schemas say: set its yaml.schemas to "
            "checks.schema.editor_schemas()"
        )


def test_the_yaml_extension_is_recommended() -> None:
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text())
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_codeowners_routes_each_customers_minutes_and_results_to_its_counterpart() -> None:
    text = (ROOT / ".github/CODEOWNERS").read_text()
    assert "replace them" in text.lower()  # the handles are examples
    rules = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(len(rule) >= 2 and all(o.startswith("@provider/") for o in rule[1:]) for rule in rules)
    owners = {pattern: owner for pattern, owner, *_ in rules}
    customers = yaml.safe_load((ROOT / "registers/customers.yaml").read_text())
    assert customers
    for customer in customers:
        expected = f"@provider/{customer['counterpart']}"
        for folder in ("reviews", "surveys/results"):
            pattern = f"/{folder}/**/*{customer['id']}*"
            assert owners.get(pattern) == expected, f"CODEOWNERS: {pattern} should be owned by {expected}"


def test_codeowners_patterns_match_the_files_brm_new_writes() -> None:
    text = (ROOT / ".github/CODEOWNERS").read_text()
    patterns = [line.split()[0] for line in text.splitlines() if line.startswith("/reviews/")]
    written = ["reviews/2026/2026-11-23-retailco.md", "reviews/2026/2026-11-24-standard-tier.md"]
    for path in written:
        assert any(_glob(p.lstrip("/")).match(path) for p in patterns), path


def test_pull_request_template_is_a_checklist() -> None:
    template = (ROOT / ".github/PULL_REQUEST_TEMPLATE.md").read_text()
    assert template.count("- [ ]") >= 8
    for needle in ("brm new review", "brm new result", "brm check", "next_review"):
        assert needle in template


def test_scaffold_modelines_point_at_the_committed_schemas() -> None:
    from checks.scaffold import SCHEMA_DIR

    assert ROOT / SCHEMA_DIR == SCHEMAS
