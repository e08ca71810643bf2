"""The GitHub Actions workflows: linted clean, least privilege, pinned, and stable names.

actionlint and zizmor come from the package registry (the dev extras) and must
report nothing. The rest are the rules the linters leave to judgement: every action
pinned to a full commit with its release tag beside it, explicit permissions on the
workflow and on every job, no ``pull_request_target``, and no expression at all
inside a ``run:`` script (values reach scripts through files or the environment).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
#: Branch protection requires these checks by name (README, "Branch protection").
GATE_JOBS = {"pre-commit", "brm check", "tests", "site build"}
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
_TAG_COMMENT = re.compile(r"uses:\s*\S+\s+# v\d+\.\d+\.\d+\s*$")


def _load(path: Path) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_three_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["cadence-watch.yml", "publish.yml", "pull-request.yml"]


def test_actionlint_reports_nothing() -> None:
    result = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_zizmor_reports_nothing() -> None:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain", ".github/workflows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_commit_with_its_tag(path: Path) -> None:
    workflow = _load(path)
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]
    assert uses
    for action in uses:
        assert _PINNED.match(action), f"{path.name}: {action} is not pinned to a 40-hex commit"
    for line in path.read_text().splitlines():
        if re.match(r"\s*(-\s*)?uses:", line):
            assert _TAG_COMMENT.search(line), f"{path.name}: '{line.strip()}' lacks its '# vX.Y.Z' comment"


def test_one_action_one_commit_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for step in _steps(_load(path)):
            if "uses" in step:
                action, commit = step["uses"].split("@")
                pins.setdefault(action, set()).add(commit)
    assert {a: c for a, c in pins.items() if len(c) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_explicit_and_start_from_none(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {}, "grant permissions per job, none at the top"
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"job {name} has no explicit permissions"
        assert "write-all" not in str(job["permissions"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target_and_no_expression_in_scripts(path: Path) -> None:
    workflow = _load(path)
    triggers = workflow["on"]
    assert "pull_request_target" not in (triggers if isinstance(triggers, (dict, list)) else [triggers])
    assert "pull_request_target" not in path.read_text()
    for step in _steps(workflow):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}: expression inside run: {step['run']!r}"
        script = step.get("with", {}).get("script")
        if script is not None:
            assert "${{" not in script, f"{path.name}: expression inside a github-script"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials(path: Path) -> None:
    for step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False


def test_gate_job_names_are_stable() -> None:
    workflow = _load(ROOT / ".github/workflows/pull-request.yml")
    assert {job["name"] for job in workflow["jobs"].values()} == GATE_JOBS
    assert "pull_request" in workflow["on"]
    assert all("strategy" not in job for job in workflow["jobs"].values())  # a matrix would change the names


def test_gate_runs_pre_commit_the_check_with_annotations_and_sarif_the_tests_and_a_strict_build() -> None:
    workflow = _load(ROOT / ".github/workflows/pull-request.yml")
    scripts = " ".join(step.get("run", "") for step in _steps(workflow))
    assert "pre-commit run --all-files" in scripts
    assert "brm check --format github" in scripts
    assert "brm check --format sarif" in scripts
    assert "make test" in scripts
    assert "mkdocs build --strict" in scripts
    [upload] = [s for s in _steps(workflow) if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["continue-on-error"] is True  # code scanning is not on every plan


def test_publish_deploys_to_pages_only_when_the_variable_opts_in() -> None:
    workflow = _load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    artifacts = [s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert all("if" not in artifact for artifact in artifacts)  # the site and the bundles are always kept
    assert {a["with"]["name"]: a["with"]["path"] for a in artifacts} == {
        "auditor-site": "site/",
        "evidence-bundles": "site/bundles/",
    }
    [pages] = [s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@")]
    assert pages["if"] == deploy["if"] == "${{ vars.BRM_DEPLOY_PAGES == 'true' }}"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert build["permissions"] == {"contents": "read"}


def test_cadence_watch_runs_nightly_with_only_issue_rights() -> None:
    workflow = _load(ROOT / ".github/workflows/cadence-watch.yml")
    assert workflow["on"]["schedule"] and "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["cancel-in-progress"] is False  # two runs never race to open an issue
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    assert any("python -m checks.watch" in step.get("run", "") for step in job["steps"])


# -- a pull request is judged by what it adds (brm check --base) ----------------------------

GATES = [ROOT / ".github/workflows/pull-request.yml", ROOT / "checks/templates/repository/workflows/pull-request.yml"]


def _evidence_job(path: Path) -> dict[str, Any]:
    [job] = [job for job in _load(path)["jobs"].values() if job["name"] == "brm check"]
    return job


@pytest.mark.parametrize("path", GATES, ids=["this repository", "brm init's"])
def test_a_pull_request_is_checked_against_its_base_commit_and_a_push_judges_everything(path: Path) -> None:
    job = _evidence_job(path)
    assert job["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}  # empty on push and merge_group
    [checkout] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be in the clone
    scripts = [step["run"] for step in job["steps"] if "brm check" in step.get("run", "")]
    assert len(scripts) == 2 and all('--base "$BASE_SHA"' in script for script in scripts)
    assert {"push", "merge_group", "pull_request"} <= set(_load(path)["on"])


def _run_step(job: dict[str, Any], name: str, root: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """A step's script as the runner runs it (`bash -e`), with brm on the PATH and the job's env as GitHub sets it."""
    [step] = [s for s in job["steps"] if s.get("name", "").startswith(name)]
    env = {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "GITHUB_STEP_SUMMARY")}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "BRM_AS_OF": "2026-11-23", **environment})
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_gate_passes_new_minutes_on_a_day_another_review_is_overdue(tmp_path: Path) -> None:
    """The real step scripts, on a pull request's merge checkout: green for the PR, red on the push."""
    from .conftest import write_repo
    from .test_baseline import NEW_MINUTES, OVERDUE, git

    root = write_repo(tmp_path / "evidence", OVERDUE)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "main, with MedTech overdue")
    base = git(root, "rev-parse", "HEAD")
    (root / "reviews/2026/2026-11-20-retailco.md").write_text(NEW_MINUTES)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "RetailCo's November minutes")
    job = _evidence_job(ROOT / ".github/workflows/pull-request.yml")
    summary = tmp_path / "summary.md"

    pull_request = _run_step(job, "Check the evidence", root, BASE_SHA=base, GITHUB_STEP_SUMMARY=str(summary))
    assert pull_request.returncode == 0, pull_request.stdout + pull_request.stderr
    assert not any(line.startswith("::error") for line in pull_request.stdout.splitlines())
    assert sum(line.endswith("(already on base)") for line in pull_request.stdout.splitlines()) == 4
    assert "## BRM evidence check passed" in summary.read_text()

    sarif = _run_step(job, "Write the SARIF report", root, BASE_SHA=base)
    assert sarif.returncode == 0, sarif.stderr
    results = json.loads((root / "brm.sarif").read_text())["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}

    push = _run_step(job, "Check the evidence", root, BASE_SHA="")
    assert push.returncode == 1  # main itself: everything is judged
    assert sum(line.startswith("::error") for line in push.stdout.splitlines()) == 4
    assert _run_step(job, "Write the SARIF report", root, BASE_SHA="").returncode == 0

    broken = _run_step(job, "Check the evidence", root, BASE_SHA="0" * 40)
    assert broken.returncode == 2 and "fetch-depth: 0" in broken.stderr  # a missing base is not a pass
