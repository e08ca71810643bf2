"""`brm` through a real subprocess: exit codes and every output format."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from .conftest import ROOT, brm

SARIF_SCHEMA = ROOT / "tests" / ".cache" / "sarif-schema-2.1.0.json"
BROKEN = {
    # One error (a duplicate key) and one warning-free clean rest.
    "registers/services.yaml": "- id: cloud-hosting\n  name: Cloud Hosting\n  name: Again\n  owner: priya-shah\n",
}


def test_clean_repository_exits_0_and_says_so(repo) -> None:
    root = repo()
    result = brm("check", str(root), "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 errors, 0 warnings, 0 waived in 14 files (as of 2026-11-23)")


def test_error_exits_1_with_path_line_column_code(repo) -> None:
    root = repo(BROKEN)
    result = brm("check", str(root), "--as-of", "2026-11-23")
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("registers/services.yaml:3:3: BRM001 error duplicate key 'name'")
    assert "\033[" not in result.stdout  # no colour when not on a terminal


def test_json_contract(repo) -> None:
    root = repo(BROKEN)
    result = brm("check", str(root), "--as-of", "2026-11-23", "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["as_of"] == "2026-11-23"
    assert document["root"] == str(root)
    assert document["summary"]["files"] == 14
    assert document["summary"]["errors"] == 1
    finding = document["findings"][0]
    assert {k: finding[k] for k in ("rule", "severity", "path", "line", "subject")} == {
        "rule": "BRM001",
        "severity": "error",
        "path": "registers/services.yaml",
        "line": 3,
        "subject": "registers/services.yaml",
    }


def test_as_of_comes_from_the_environment_when_not_given(repo) -> None:
    root = repo()
    result = brm("check", str(root), "--format", "json", env={"BRM_AS_OF": "2026-11-30"})
    assert json.loads(result.stdout)["as_of"] == "2026-11-30"
    explicit = brm("check", str(root), "--format", "json", "--as-of", "2026-11-24", env={"BRM_AS_OF": "2026-11-30"})
    assert json.loads(explicit.stdout)["as_of"] == "2026-11-24"


def test_github_annotations_and_step_summary(repo, tmp_path: Path) -> None:
    root = repo(BROKEN)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = brm(
        "check", str(root), "--as-of", "2026-11-23", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "::error file=registers/services.yaml,line=3,col=3,title=BRM001::duplicate key 'name'"
    )
    text = summary.read_text()
    assert text.startswith("earlier step\n## BRM evidence check failed")  # appended, not overwritten
    assert "| error | BRM001 | `registers/services.yaml:3` |" in text


def test_sarif_validates_against_the_official_schema(repo) -> None:
    assert SARIF_SCHEMA.is_file(), "run `make test`: it fetches the SARIF 2.1.0 schema"
    root = repo(BROKEN)
    result = brm("check", str(root), "--as-of", "2026-11-23", "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    listed = brm("rules", "--format", "json")
    assert [r["id"] for r in rules] == [r["code"] for r in json.loads(listed.stdout)]
    assert all(r["help"]["text"] and r["fullDescription"]["text"] for r in rules)
    [finding] = run["results"]
    assert rules[finding["ruleIndex"]]["id"] == finding["ruleId"] == "BRM001"
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_sarif_fingerprint_is_stable_across_runs_and_line_moves(repo) -> None:
    root = repo(BROKEN)
    first = json.loads(brm("check", str(root), "--as-of", "2026-11-23", "--format", "sarif").stdout)
    services = root / "registers" / "services.yaml"
    services.write_text("# a comment moves every line down\n" + services.read_text())
    second = json.loads(brm("check", str(root), "--as-of", "2026-11-23", "--format", "sarif").stdout)
    prints = [r["runs"][0]["results"][0]["partialFingerprints"] for r in (first, second)]
    lines = [
        r["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (first, second)
    ]
    assert prints[0] == prints[1]
    assert lines == [3, 4]


def test_select_and_ignore(repo) -> None:
    root = repo(BROKEN)
    assert brm("check", str(root), "--as-of", "2026-11-23", "--ignore", "BRM001").returncode == 0
    assert brm("check", str(root), "--as-of", "2026-11-23", "--select", "BRM00").returncode == 1
    assert brm("check", str(root), "--as-of", "2026-11-23", "--select", "REP").returncode == 0


def test_output_file(repo, tmp_path: Path) -> None:
    root = repo(BROKEN)
    out = tmp_path / "report.json"
    result = brm("check", str(root), "--as-of", "2026-11-23", "--format", "json", "--output", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["summary"]["errors"] == 1
    assert "1 error" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "/no/such/folder"], "no such folder: /no/such/folder"),
        (["check", ".", "--as-of", "2026-02-30"], "--as-of '2026-02-30' is not a date"),
        (["check", ".", "--format", "xml"], "invalid choice: 'xml'"),
        (["check", ".", "--select", "XYZ"], "'XYZ' matches no rule"),
        (["rules", "NOPE01"], "no rule 'NOPE01'"),
        (["schema", "nothing"], "no record type 'nothing'"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = brm(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_as_of_in_the_environment_exits_2(repo) -> None:
    result = brm("check", str(repo()), env={"BRM_AS_OF": "tomorrow"})
    assert result.returncode == 2
    assert "BRM_AS_OF 'tomorrow' is not a date" in result.stderr


def test_rules_lists_every_rule_and_documents_each() -> None:
    listing = json.loads(brm("rules", "--format", "json").stdout)
    assert [r["code"] for r in listing][:5] == ["BRM001", "BRM002", "BRM003", "BRM004", "BRM005"]
    for entry in listing:
        page = brm("rules", entry["code"])
        assert page.returncode == 0
        for heading in ("Why an auditor cares:", "How to fix:", "Example:"):
            assert heading in page.stdout, (entry["code"], heading)


def test_schema_list_print_and_export(tmp_path: Path) -> None:
    listing = brm("schema")
    assert listing.returncode == 0
    types = [line.split()[0] for line in listing.stdout.splitlines()]
    assert "action" in types and "satisfaction-result" in types
    printed = json.loads(brm("schema", "action").stdout)
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    out = tmp_path / "schemas"
    assert brm("schema", "--export", str(out)).returncode == 0
    exported = sorted(p.name for p in out.iterdir())
    assert exported == sorted(f"{t}.schema.json" for t in types)
    for path in out.iterdir():
        schema = json.loads(path.read_text())
        jsonschema.Draft7Validator.check_schema(schema)
        assert "common.schema.json" not in path.read_text()  # self-contained
