"""The pre-commit hook, for real: git repositories, `pre-commit run`, and `pip install .`.

An evidence repository is a separate git repository that uses this project's hook.
Its ``.pre-commit-config.yaml`` names the hook repository at a commit; pre-commit clones
it and installs it into a fresh virtualenv (from the package registry, as any user's
machine would), then runs the hook in the evidence repository. pre-commit keeps that
environment in its cache by repository and commit, so every test here shares the one
environment built by the first (``try-repo`` would build a new one each time).

The hook repository here is a snapshot of this project's working tree committed into
its own temporary git repository, rather than this checkout itself: try-repo on a
checkout with local changes would leave out files not yet committed, and the tests
must prove the files as they are. On a clean CI clone the two are the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import BASE, MEDTECH, ROOT, dedent, write_repo

HOOK = "brm-check"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
#: What `pip install .` needs from the hook repository, and the hook manifest.
PACKAGE = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "checks")


def _environment(home: Path, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "VIRTUAL_ENV", "PRE_COMMIT", "SKIP")}
    environment.update(
        {
            "PRE_COMMIT_HOME": str(home),  # never the user's cache
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@provider.example",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@provider.example",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,  # no user hooks, templates or signing
            "NO_COLOR": "1",
        }
    )
    environment.update(extra)
    return environment


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_environment(cwd), check=True, capture_output=True, timeout=60)


def _head(repository: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _commit_all(repository: Path) -> None:
    _git(repository, "init", "--quiet", "--initial-branch=main")
    _git(repository, "add", "--all")
    _git(repository, "commit", "--quiet", "--no-verify", "--message", "snapshot")


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's hook and package, committed into a repository of their own."""
    snapshot = tmp_path_factory.mktemp("hook-repository")
    for name in PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, snapshot / name)
    for licence in ROOT.glob("LICEN[CS]E*"):
        shutil.copy2(licence, snapshot / licence.name)
    _commit_all(snapshot)
    return snapshot


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private pre-commit cache, shared by every test: the hook's virtualenv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def hook_config(hook_repository: Path, *args: str) -> str:
    """An evidence repository's ``.pre-commit-config.yaml`` using the hook at the snapshot's commit."""
    hook: dict[str, object] = {"id": HOOK, **({"args": list(args)} if args else {})}
    config = {"repos": [{"repo": hook_repository.as_uri(), "rev": _head(hook_repository), "hooks": [hook]}]}
    return yaml.safe_dump(config, sort_keys=False)


@pytest.fixture
def evidence(tmp_path: Path, hook_repository: Path):
    """``evidence(files)``: a git repository holding BASE, with a config that uses the hook,
    and ``files`` laid over it."""

    def build(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = write_repo(
            tmp_path / "evidence", {".pre-commit-config.yaml": hook_config(hook_repository), **(files or {})}
        )
        _commit_all(root)
        return root

    return build


def run_hook(
    home: Path, evidence_root: Path, *args: str, as_of: str | None = "2026-11-23"
) -> subprocess.CompletedProcess[str]:
    """``pre-commit run`` of the hook as the evidence repository's committed config names it."""
    extra = {"BRM_AS_OF": as_of} if as_of else {}
    return subprocess.run(
        [*PRE_COMMIT, "run", HOOK, "--verbose", *(args or ("--all-files",))],
        cwd=evidence_root,
        env=_environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=900,  # the first run builds the hook's virtualenv from the package registry
    )


def test_a_clean_evidence_repository_passes(pre_commit_home: Path, evidence) -> None:
    result = run_hook(pre_commit_home, evidence())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    assert "0 errors, 0 warnings" in result.stdout  # the hook really ran the check


def test_a_customer_without_a_representative_fails_with_rep001(pre_commit_home: Path, evidence) -> None:
    customers = dedent(
        """
        - id: retailco
          name: RetailCo
          tier: standard
          counterpart: alex-morgan
          services:
            - service: cloud-hosting
              user_groups: [Platform Engineering]
        """
    )
    root = evidence()
    (root / "registers/customers.yaml").write_text(customers)  # the change about to be committed
    result = run_hook(pre_commit_home, root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "registers/customers.yaml:1:3: REP001 error" in result.stdout


def test_brm_as_of_is_honoured(pre_commit_home: Path, evidence, hook_repository: Path) -> None:
    # The clean repository above passes as of 2026-11-23. Its monthly review of
    # 2026-11-10 was due 2026-12-10; with the P14D grace it is an error after 2026-12-24.
    # Committed already, that is drift, not what a commit adds: it blocks only with --fail-on any.
    late = run_hook(pre_commit_home, evidence(), as_of="2026-12-25")
    assert late.returncode == 0, late.stdout + late.stderr
    assert "already on HEAD" in late.stdout and "REV001" not in late.stdout and "(as of 2026-12-25)" in late.stdout
    strict = evidence({".pre-commit-config.yaml": hook_config(hook_repository, "--fail-on", "any")})
    late = run_hook(pre_commit_home, strict, as_of="2026-12-25")
    assert late.returncode == 1, late.stdout + late.stderr
    assert "REV001 error RetailCo: no performance review since 2026-11-10" in late.stdout
    assert "(already on the base)" in late.stdout and "(as of 2026-12-25)" in late.stdout


def test_installed_in_an_evidence_repository_it_blocks_and_passes_commits(pre_commit_home: Path, evidence) -> None:
    """As a team would use it: the hook in the evidence repository's own config, run by `git commit`."""
    root = evidence()
    environment = _environment(pre_commit_home, BRM_AS_OF="2026-11-23")

    def commit(message: str) -> tuple[int, str]:
        """Exit status and output (git shows a hook's output on standard error)."""
        subprocess.run(["git", "add", "--all"], cwd=root, env=environment, check=True)
        done = subprocess.run(
            ["git", "commit", "--message", message],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,  # the first commit builds the hook's virtualenv
        )
        return done.returncode, done.stdout + done.stderr

    installed = subprocess.run([*PRE_COMMIT, "install"], cwd=root, env=environment, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    head = _head(root)

    (root / "registers/services.yaml").write_text("- id: cloud-hosting\n  owner: priya-shah\n  in_scope: no\n")
    status, output = commit("Break the service register")
    assert status == 1, output
    assert "registers/services.yaml:3:13: BRM001 error" in output
    assert _head(root) == head  # nothing was committed

    subprocess.run(["git", "checkout", "HEAD", "--", "registers/services.yaml"], cwd=root, env=environment, check=True)
    (root / "NOTES.md").write_text("Not evidence: the hook does not run for this.\n")
    status, output = commit("Add notes")
    assert status == 0, output
    assert "(no files to check)Skipped" in output

    minutes = root / "reviews/2026/2026-11-10-retailco.md"
    minutes.write_text(minutes.read_text() + "\nMinutes approved by Sam Patel.\n")
    status, output = commit("Approve the minutes")
    assert status == 0, output
    assert "Passed" in output


def _installed(root: Path, environment: dict[str, str]) -> None:
    done = subprocess.run([*PRE_COMMIT, "install"], cwd=root, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _commit(root: Path, environment: dict[str, str], message: str, *paths: str) -> tuple[int, str]:
    """Stage ``paths`` (everything if none) and ``git commit``: exit status and output (hooks write to stderr)."""
    subprocess.run(["git", "add", *(paths or ("--all",))], cwd=root, env=environment, check=True)
    done = subprocess.run(
        ["git", "commit", "--message", message], cwd=root, env=environment, capture_output=True, text=True, timeout=900
    )
    return done.returncode, done.stdout + done.stderr


def test_a_commit_of_new_minutes_passes_on_a_day_another_customer_is_overdue(
    pre_commit_home: Path, evidence, hook_repository: Path
) -> None:
    """The hook judges the commit against HEAD: MedTech's overdue review, already committed, does not block it."""
    environment = _environment(pre_commit_home, BRM_AS_OF="2026-11-23")
    overdue = {"registers/customers.yaml": BASE["registers/customers.yaml"] + MEDTECH}
    minutes = BASE["reviews/2026/2026-11-10-retailco.md"].replace("2026-11-10", "2026-11-20")
    for config, blocked in (
        (hook_config(hook_repository), False),
        (hook_config(hook_repository, "--fail-on", "any"), True),
    ):
        root = evidence({**overdue, ".pre-commit-config.yaml": config})
        _installed(root, environment)
        head = _head(root)
        (root / "reviews/2026/2026-11-20-retailco.md").write_text(minutes)
        status, output = _commit(root, environment, "RetailCo's November minutes")
        if blocked:
            assert status == 1 and "Failed" in output and _head(root) == head
            assert "REV001 error MedTech" in output and "(already on the base)" in output
        else:
            assert "not listed: 4 findings already on HEAD" in output, output  # MedTech: reported, not hidden
            assert status == 0 and "Passed" in output and _head(root) != head, output
        shutil.rmtree(root)


def test_the_hook_judges_the_staged_tree_not_unstaged_edits(pre_commit_home: Path, evidence) -> None:
    """pre-commit stashes what is not staged while the hook runs: a broken file left unstaged blocks nothing."""
    root = evidence()
    environment = _environment(pre_commit_home, BRM_AS_OF="2026-11-23")
    _installed(root, environment)
    minutes = BASE["reviews/2026/2026-11-10-retailco.md"].replace("2026-11-10", "2026-11-20")
    (root / "reviews/2026/2026-11-20-retailco.md").write_text(minutes)
    broken = "- id: cloud-hosting\n  owner: priya-shah\n  in_scope: no\n"
    (root / "registers/services.yaml").write_text(broken)  # not staged
    status, output = _commit(root, environment, "November minutes", "reviews/2026/2026-11-20-retailco.md")
    assert status == 0, output
    assert "BRM001" not in output
    assert (root / "registers/services.yaml").read_text() == broken  # put back after the run


def test_a_first_commit_is_judged_whole(pre_commit_home: Path, hook_repository: Path, tmp_path: Path) -> None:
    """No HEAD yet: every finding is new, so the first commit must be clean."""
    root = write_repo(
        tmp_path / "first",
        {
            ".pre-commit-config.yaml": hook_config(hook_repository),
            "registers/customers.yaml": BASE["registers/customers.yaml"] + MEDTECH,
        },
    )
    environment = _environment(pre_commit_home, BRM_AS_OF="2026-11-23")
    _git(root, "init", "--quiet", "--initial-branch=main")
    _installed(root, environment)
    status, output = _commit(root, environment, "The evidence")
    assert status == 1, output
    assert "REV001 error MedTech" in output and "against HEAD (no commit yet): 4 new errors" in output


# -- the files themselves -----------------------------------------------------------


def test_hook_manifest_and_config_are_valid() -> None:
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        result = subprocess.run([*PRE_COMMIT, command, str(ROOT / name)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hook_is_a_python_hook_on_the_whole_repository() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == HOOK
    assert (hook["language"], hook["pass_filenames"], hook["require_serial"]) == ("python", False, True)
    assert hook["entry"] == "brm check --base HEAD"  # a commit is blocked by what it adds


def test_own_config_is_local_hooks_from_the_package_registry() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [r["repo"] for r in config["repos"]] == ["local"]  # nothing to clone
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert {"brm-check", "check-yaml", "ruff"} <= set(hooks)
    assert {h["language"] for h in hooks.values()} == {"python"}


def test_own_brm_check_hook_installs_the_packages_dependencies() -> None:
    """The local hook runs the working tree's checks with pyproject's dependencies: keep them one list."""
    import tomllib

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    [hook] = [h for h in config["repos"][0]["hooks"] if h["id"] == "brm-check"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert hook["additional_dependencies"] == project["dependencies"]
