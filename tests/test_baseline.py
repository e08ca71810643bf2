"""`brm check --base REF`: a change is judged by what it adds, in a real git repository with history.

Each test builds a repository whose first commit is ``BASE`` (plus what the test
needs), makes the change a pull request or a commit would make, and runs the real
``brm`` script. The base commit is read from git's objects: the working tree is never
switched to it (the tests check that it is left exactly as it was).
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from checks.baseline import classify, resolve
from checks.findings import Finding, Severity
from checks.gittree import GitTree
from checks.load import load
from checks.rules import run

from .conftest import AS_OF, BASE, MEDTECH, brm, dedent, write_repo
from .test_cli import SARIF_SCHEMA

CUSTOMERS = BASE["registers/customers.yaml"]
#: MedTech's representative taken out of the register (nothing else refers to her).
WITHOUT_REPRESENTATIVE = CUSTOMERS + MEDTECH[: MEDTECH.index("  representatives:")]
#: MedTech has had no review, survey or requirements record, and its representative was never confirmed.
OVERDUE: dict[str, str | bytes | None] = {"registers/customers.yaml": CUSTOMERS + MEDTECH}
MEDTECH_ERRORS = ["REV001", "SAT001", "REQ001", "REP004"]
NEW_MINUTES = dedent(
    """
    ---
    type: performance-review
    customers: [retailco]
    services: [cloud-hosting]
    date: 2026-11-20
    period: 2026-11
    attendees: [sam-patel, alex-morgan]
    report: https://reports.provider.example/2026-11-retailco.pdf
    kpis:
      - {name: Availability, target: "99.9%", actual: "99.95%", met: true}
    decisions:
      - Keep the current maintenance window.
    next_review: 2026-12-20
    ---
    # RetailCo — November 2026 service review
    """
)


def git(root: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@provider.example",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@provider.example",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=root, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def history(tmp_path: Path):
    """``history(files)``: a git repository whose one commit on `main` is BASE with ``files`` laid over it."""

    def build(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = write_repo(tmp_path / "evidence", files or {})
        git(root, "init", "--quiet", "--initial-branch=main")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--message", "base")
        return root

    return build


def change(root: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) files in the working tree, as a pull request's commits would."""
    for relative, content in files.items():
        path = root / relative
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")


def check(root: Path, *args: str) -> tuple[int, dict]:
    result = brm("check", str(root), "--as-of", "2026-11-23", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def states(report: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in report["findings"] + report.get("fixed", []):
        found.setdefault(finding["baseline"], []).append(finding["rule"])
    return {state: sorted(rules) for state, rules in found.items()}


# -- the gate ------------------------------------------------------------------------------


def test_new_minutes_pass_while_an_unrelated_review_is_overdue_and_fail_with_fail_on_any(history) -> None:
    root = history(OVERDUE)
    change(root, {"reviews/2026/2026-11-20-retailco.md": NEW_MINUTES})
    code, report = check(root, "--base", "HEAD")
    assert code == 0
    assert states(report) == {"unchanged": sorted(MEDTECH_ERRORS)}
    assert report["summary"]["errors"] == 4  # reported, never hidden
    assert report["summary"]["baseline"]["new_errors"] == 0
    code, report = check(root, "--base", "HEAD", "--fail-on", "any")
    assert code == 1
    code, _ = check(root)  # without --base everything is judged, as before
    assert code == 1


def test_a_pull_request_branch_is_judged_against_main(history) -> None:
    root = history(OVERDUE)
    base = git(root, "rev-parse", "HEAD")
    git(root, "switch", "--quiet", "--create", "minutes")
    change(root, {"reviews/2026/2026-11-20-retailco.md": NEW_MINUTES})
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "November minutes")
    code, report = check(root, "--base", base)
    assert code == 0
    assert report["summary"]["baseline"]["base"] == base[:12]
    code, report = check(root, "--base", "main")
    assert code == 0 and report["summary"]["baseline"]["base"] == f"main ({base[:12]})"


def test_deleting_a_representative_fails_naming_rep001_as_new(history) -> None:
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    new = [(f["rule"], f["subject"], f["severity"]) for f in report["findings"] if f["baseline"] == "new"]
    assert new == [("REP001", "medtech", "error")]
    assert states(report) == {"new": ["REP001"], "unchanged": ["REQ001", "REV001", "SAT001"], "fixed": ["REP004"]}
    text = brm("check", str(root), "--as-of", "2026-11-23", "--base", "HEAD")
    assert text.returncode == 1
    assert text.stdout.splitlines()[0].startswith("registers/customers.yaml:17:3: REP001 error MedTech")


def test_an_evidence_folder_below_the_top_of_the_work_tree_is_judged_against_its_own_folder(tmp_path: Path) -> None:
    """The base is the commit's tree of the evidence folder, whatever its name (spaces at either end too)."""
    top = tmp_path / "repository"
    root = write_repo(top / " compliance evidence ", OVERDUE)
    (top / "README.md").write_text("# Not evidence\n")
    git(top, "init", "--quiet", "--initial-branch=main")
    git(top, "add", "--all")
    git(top, "commit", "--quiet", "--message", "base")
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    assert states(report) == {"new": ["REP001"], "unchanged": ["REQ001", "REV001", "SAT001"], "fixed": ["REP004"]}


def test_fixing_an_old_finding_reports_it_fixed(history) -> None:
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": CUSTOMERS + MEDTECH + "      confirmed: 2026-09-01\n"})
    code, report = check(root, "--base", "HEAD")
    assert code == 0
    assert states(report) == {"unchanged": ["REQ001", "REV001", "SAT001"], "fixed": ["REP004"]}
    [fixed] = report["fixed"]
    assert (fixed["subject"], fixed["path"]) == ("eleanor-vance", "registers/customers.yaml")
    assert report["summary"]["baseline"]["fixed"] == 1
    verbose = brm("check", str(root), "--as-of", "2026-11-23", "--base", "HEAD", "-v")
    assert "REP004 fixed" in verbose.stdout and "(already on the base)" in verbose.stdout


def test_moved_lines_keep_findings_unchanged(history) -> None:
    root = history(OVERDUE)
    moved = "# Customers, newest first.\n" + MEDTECH + CUSTOMERS  # MedTech's lines all move
    change(root, {"registers/customers.yaml": moved})
    _, before = check(root)
    lines_before = {f["rule"]: f["line"] for f in before["findings"]}
    git(root, "stash", "--quiet")  # the base's own lines, to show they differ
    _, on_base = check(root)
    git(root, "stash", "pop", "--quiet")
    assert lines_before != {f["rule"]: f["line"] for f in on_base["findings"]}
    code, report = check(root, "--base", "HEAD")
    assert code == 0
    assert states(report) == {"unchanged": sorted(MEDTECH_ERRORS)}


def test_cadence_drift_is_unchanged_because_both_trees_are_judged_at_the_same_date(history) -> None:
    root = history()  # clean on 2026-11-23; RetailCo's monthly review is overdue by 2026-12-25
    minutes = root / "reviews/2026/2026-11-10-retailco.md"
    change(root, {"reviews/2026/2026-11-10-retailco.md": minutes.read_text() + "\nApproved by Sam Patel.\n"})
    result = brm("check", str(root), "--as-of", "2026-12-25", "--format", "json", "--base", "HEAD")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert "REV001" in states(report)["unchanged"]
    assert "new" not in states(report)


PROCESS_REVIEW = "reviews/2026/2026-06-30-process-review.md"
#: The process review with a field the schema does not know: one BRM002 in a file nothing refers to.
UNKNOWN_FIELD = {PROCESS_REVIEW: BASE[PROCESS_REVIEW].replace('period: "2026"\n', 'period: "2026"\nvenue: HQ\n')}


def test_a_renamed_file_keeps_its_findings(history) -> None:
    """git's rename detection (``git diff --find-renames``) maps the old name to the new one."""
    root = history(UNKNOWN_FIELD)
    git(root, "mv", PROCESS_REVIEW, "reviews/2026/process-review-2026.md")
    code, report = check(root, "--base", "HEAD")
    assert code == 0
    [finding] = report["findings"]
    assert (finding["rule"], finding["baseline"]) == ("BRM002", "unchanged")
    assert finding["path"] == "reviews/2026/process-review-2026.md"
    assert report["fixed"] == []
    # Committed on a branch, as a pull request renames a file: the same.
    git(root, "commit", "--quiet", "--message", "rename")
    code, report = check(root, "--base", "main~1")
    assert code == 0 and states(report) == {"unchanged": ["BRM002"]}


def test_a_rename_that_breaks_a_reference_is_new(history) -> None:
    root = history()
    git(root, "mv", "reviews/2026/2026-11-10-retailco.md", "reviews/2026/2026-11-10-october.md")
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    assert states(report) == {"new": ["BRM003"]}  # the action's `source` names the old path


def test_an_unstaged_rename_is_a_new_file_so_its_findings_are_new(history) -> None:
    """Without git knowing the new name (a plain ``mv``), nothing is hidden: the old findings are fixed, the new new."""
    root = history(UNKNOWN_FIELD)
    os.rename(root / PROCESS_REVIEW, root / "reviews/2026/process-review-2026.md")
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    assert states(report) == {"new": ["BRM002"], "fixed": ["BRM002"]}


def test_a_warning_that_becomes_an_error_is_new(history) -> None:
    waiver = dedent(
        """
        - rule: REP004
          subject: eleanor-vance
          reason: Confirmation requested from MedTech's new procurement lead.
          approved_by: olivia-reid
          approved: 2026-11-01
          expires: 2026-12-31
        """
    )
    root = history({**OVERDUE, "registers/waivers.yaml": waiver})
    change(root, {"registers/waivers.yaml": "[]\n"})  # the change withdraws the waiver
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    assert [f["rule"] for f in report["findings"] if f["baseline"] == "new"] == ["REP004"]
    assert [(f["rule"], f["severity"]) for f in report["fixed"]] == [("REP004", "waived")]


def test_the_working_tree_is_never_switched_to_the_base(history) -> None:
    root = history(OVERDUE)
    change(root, {"reviews/2026/2026-11-20-retailco.md": NEW_MINUTES})
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    stash = git(root, "stash", "list")
    check(root, "--base", "HEAD")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == status
    assert git(root, "stash", "list") == stash
    assert (root / "reviews/2026/2026-11-20-retailco.md").read_text() == NEW_MINUTES


# -- every output format carries the state -------------------------------------------------


def test_text_lists_new_findings_then_counts_the_unchanged(history) -> None:
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})
    result = brm("check", str(root), "--as-of", "2026-11-23", "--base", "HEAD")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("registers/customers.yaml:") and "REP001 error" in lines[0]
    assert lines[-2].startswith("not listed: 3 findings already on HEAD (")
    assert lines[-2].endswith(", 3 of them errors (-v lists them)")
    assert "; against HEAD (" in lines[-1]
    assert lines[-1].endswith("1 new error, 0 new warnings, 3 already on the base, 1 fixed")
    verbose = brm("check", str(root), "--as-of", "2026-11-23", "--base", "HEAD", "-v").stdout.splitlines()
    assert sum(line.endswith("(already on the base)") for line in verbose) == 3
    assert [line.split(": ", 1)[1].split(" ")[:2] for line in verbose if " fixed " in line] == [["REP004", "fixed"]]


def test_github_annotations_and_step_summary(history, tmp_path: Path) -> None:
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})
    summary = tmp_path / "summary.md"
    result = brm(
        "check", str(root), "--as-of", "2026-11-23", "--format", "github", "--base", "HEAD",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 1 and "title=REP001::" in errors[0]
    unchanged = [line for line in lines if line.startswith("::warning ") and line.endswith("(already on base)")]
    assert sorted(line.split("title=")[1].split("::")[0] for line in unchanged) == ["REQ001", "REV001", "SAT001"]
    text = summary.read_text()
    assert "## BRM evidence check failed" in text
    new_table = text.split("### New (1)")[1].split("<details>")[0]
    assert "| error | REP001 |" in new_table and "REV001" not in new_table
    assert "<details><summary>Already on HEAD (" in text and "(3)</summary>" in text
    assert "<details><summary>Fixed (1)</summary>" in text
    # --fail-on any: what fails the check is an error annotation, whether or not it is new.
    anyway = brm(
        "check", str(root), "--as-of", "2026-11-23", "--format", "github", "--base", "HEAD", "--fail-on", "any"
    )
    assert sum(line.startswith("::error ") for line in anyway.stdout.splitlines()) == 4


def test_sarif_baseline_state_validates_against_the_schema(history) -> None:
    assert SARIF_SCHEMA.is_file(), "run `make test`: it fetches the SARIF 2.1.0 schema"
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})  # REP001 new, REP004 fixed, three unchanged
    result = brm("check", str(root), "--as-of", "2026-11-23", "--format", "sarif", "--base", "HEAD")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    results = log["runs"][0]["results"]
    assert sorted((r["ruleId"], r["baselineState"]) for r in results) == [
        ("REP001", "new"),
        ("REP004", "absent"),
        ("REQ001", "unchanged"),
        ("REV001", "unchanged"),
        ("SAT001", "unchanged"),
    ]
    # The fingerprint code scanning tracks is the one a run without --base gives.
    plain = json.loads(brm("check", str(root), "--as-of", "2026-11-23", "--format", "sarif").stdout)
    prints = {r["ruleId"]: r["partialFingerprints"] for r in plain["runs"][0]["results"]}
    assert all(prints[r["ruleId"]] == r["partialFingerprints"] for r in results if r["baselineState"] != "absent")


# -- a base that cannot be read: one line, exit 2, the fix --------------------------------------


def _refused(root: Path, base: str) -> str:
    result = brm("check", str(root), "--as-of", "2026-11-23", f"--base={base}")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("brm: error: ")
    return line


def test_a_base_that_names_no_commit_is_exit_2_naming_the_fetch(history) -> None:
    line = _refused(history(), "origin/main")
    assert "'origin/main' names no commit" in line and "git fetch origin main" in line and "fetch-depth: 0" in line


def test_a_base_that_is_not_a_commit_is_exit_2(history) -> None:
    root = history()
    blob = git(root, "rev-parse", "HEAD:registers/people.yaml")
    assert "names a blob, not a commit" in _refused(root, blob)


def test_a_base_missing_from_a_shallow_clone_is_exit_2_naming_fetch_depth(history, tmp_path: Path) -> None:
    root = history()
    first = git(root, "rev-parse", "HEAD")
    change(root, {"reviews/2026/2026-11-20-retailco.md": NEW_MINUTES})
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth", "1", root.as_uri(), str(clone))
    line = _refused(clone, first)
    assert "shallow" in line and "fetch-depth: 0" in line and "git fetch origin main" in line


def test_a_folder_outside_git_is_exit_2(repo) -> None:
    line = _refused(repo(), "HEAD")
    assert "not inside one" in line


def test_a_base_that_looks_like_an_option_is_a_ref_not_an_option(history) -> None:
    line = _refused(history(), "--output=/tmp/x")  # passed as --base=--output=/tmp/x
    assert "names no commit" in line


def test_fail_on_new_without_a_base_is_exit_2(repo) -> None:
    result = brm("check", str(repo()), "--as-of", "2026-11-23", "--fail-on", "new")
    assert result.returncode == 2 and "--fail-on new needs --base" in result.stderr


def test_a_first_commit_judges_everything(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "evidence", OVERDUE)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    code, report = check(root, "--base", "HEAD")
    assert code == 1
    assert states(report) == {"new": sorted(MEDTECH_ERRORS)}
    assert report["summary"]["baseline"]["base"] == "HEAD (no commit yet)"


# -- the base is read as its checkout would be ------------------------------------------------


def _findings(root: Path, files: GitTree | None = None) -> list[tuple[str, int, str, str, str]]:
    found = run(load(root, files), AS_OF)
    return [(f.path, f.line, f.rule, f.severity.value, f.message) for f in found]


def _judged_from_git(root: Path) -> list[tuple[str, int, str, str, str]]:
    base = resolve(root, "HEAD")
    files = GitTree(root, base.tree)
    try:
        return _findings(root, files)
    finally:
        files.close()


def test_a_commit_read_from_git_judges_as_its_checkout(history) -> None:
    """Same findings, lines and order: duplicate ids (the first file wins), bad files, a large one, responses."""
    result = BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
        "scores: {csat: 88}", "scores: {csat: 88}\nresponses_file: responses.csv"
    )
    root = history(
        {
            "registers/actions/2026.yaml": BASE["registers/actions.yaml"],  # ACT-0001 twice: BRM004
            "registers/services.yaml": "- id: cloud-hosting\n  name: Cloud Hosting\n  name: again\n",
            "reviews/2026/caf\u00e9.md": "no front-matter\n",
            "reviews/2026/big.md": "---\ntype: performance-review\n---\n" + "x" * (5 * 1024 * 1024),
            "surveys/results/2026/2026-Q3-retailco.md": result,
            "surveys/results/2026/responses.csv": "respondent,score\n1,5\n2,four\n",
            "site/registers/people.yaml": "not: read\n",  # skipped folders, as the walk skips them
            ".github/registers/people.yaml": "not: read\n",
            "registers/.hidden/waivers.yaml": "[]\n",
        }
    )
    on_disk = _findings(root)
    assert {rule for _, _, rule, _, _ in on_disk} >= {"BRM001", "BRM004", "SAT004"}
    assert _judged_from_git(root) == on_disk


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("../../outside.yaml", "leads outside the repository"),
        ("/etc/passwd", "leads outside the repository"),
        ("missing.yaml", "leads nowhere"),
    ],
)
def test_a_committed_link_is_refused_as_on_disk(history, target: str, refused: str) -> None:
    root = history()
    outside = root.parent.parent / "outside.yaml"
    outside.write_text(BASE["registers/people.yaml"])  # a readable register: it must not be read
    (root / "registers/people.yaml").unlink()
    os.symlink(target, root / "registers/people.yaml")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "link")
    on_disk = _findings(root)
    assert any(rule == "BRM001" and refused in message for _, _, rule, _, message in on_disk)
    assert _judged_from_git(root) == on_disk


def test_committed_links_inside_the_repository_are_followed_as_on_disk(history) -> None:
    root = history()
    (root / "archive").mkdir()
    os.rename(root / "reviews/2026", root / "archive/2026")
    os.symlink("../archive/2026", root / "reviews/2026")  # a folder link
    os.rename(root / "registers/services.yaml", root / "archive/services.yaml")
    os.symlink("../archive/services.yaml", root / "registers/services.yaml")  # a file link
    (root / "site").mkdir()
    (root / "site/waivers.yaml").write_text("[]\n")
    (root / "registers/waivers.yaml").unlink()
    os.symlink("../site/waivers.yaml", root / "registers/waivers.yaml")  # into a folder never read
    os.symlink(".", root / "reviews/loop")  # a loop
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "links")
    on_disk = _findings(root)
    assert _judged_from_git(root) == on_disk
    assert not any(path.startswith("archive/") for path, _, _, _, _ in on_disk)


def test_classify_matches_by_rule_subject_file_and_severity_not_line_or_message() -> None:
    def finding(rule: str, line: int, message: str, severity: Severity = Severity.ERROR, path: str = "a.yaml"):
        return Finding(rule, severity, path, line, 1, "acme", message)

    base = [finding("REV001", 3, "no review since 2026-09-01"), finding("REP001", 9, "no representative")]
    head = [finding("REV001", 7, "no review since 2026-10-01"), finding("REP004", 9, "never confirmed")]
    judged, fixed = classify(head, base)
    assert [(f.rule, f.baseline) for f in judged] == [("REV001", "unchanged"), ("REP004", "new")]
    assert [(f.rule, f.baseline, f.line) for f in fixed] == [("REP001", "fixed", 9)]
    # Two findings of one key: the one whose message is the base's is the unchanged one.
    base = [finding("BRM002", 3, "'a' is missing")]
    head = [finding("BRM002", 3, "'b' is wrong"), finding("BRM002", 4, "'a' is missing")]
    judged, _ = classify(head, base)
    assert [(f.message, f.baseline) for f in judged] == [("'b' is wrong", "new"), ("'a' is missing", "unchanged")]
    # A renamed file: the base's findings are matched under the new name.
    judged, fixed = classify(
        [finding("BRM001", 1, "x", path="b.yaml")], [finding("BRM001", 1, "x")], {"a.yaml": "b.yaml"}
    )
    assert [f.baseline for f in judged] == ["unchanged"] and fixed == []


def test_a_base_judged_before_is_kept_and_not_read_again(history, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A commit's tree id names all it holds: the second check against it reads nothing from git."""
    import checks.gittree
    from checks.baseline import compare

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = history(OVERDUE)
    change(root, {"registers/customers.yaml": WITHOUT_REPRESENTATIVE})
    head = run(load(root), AS_OF)
    opened: list[str | None] = []

    class Counted(GitTree):
        def __init__(self, root: Path, tree: str | None) -> None:
            opened.append(tree)
            super().__init__(root, tree)

    monkeypatch.setattr(checks.gittree, "GitTree", Counted)
    base = resolve(root, "HEAD")
    first = compare(root, base, head, AS_OF)
    second = compare(root, base, head, AS_OF)
    assert len(opened) == 1 and second == first
    assert [(f.rule, f.baseline) for f in second[1]] == [("REP004", "fixed")]
    assert len(compare(root, base, head, date(2026, 12, 1))[1]) and len(opened) == 2  # another date: judged again
