"""`brm init`: a new evidence repository that `brm check` accepts but for what only people can supply.

Everything is real: the files are written into a temporary folder, read back by the
checks, built by `mkdocs build --strict`, linted by actionlint and zizmor, and
validated by pre-commit. The end-to-end test goes from `brm init` through
`brm status --plan` and the `brm new` commands the plan suggests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks import init
from checks.load import load
from checks.policy import Policy
from checks.schema import TYPES
from checks.writing import EXISTS, WRITTEN, WriteError, write_new

from .conftest import AS_OF, ROOT, brm, check, codes

BIN = Path(sys.executable).parent
NAMED = ("--owner", "Alex Morgan", "--approver", "Olivia Reid", "--approved", "2026-11-20")
COMPLETE = ("--provider", "Acme Services", "--timezone", "Europe/London", "--country", "GB", *NAMED)


def arguments(root: Path, *flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    init.configure(parser)
    return parser.parse_args([str(root), *flags])


def initialise(root: Path, *flags: str) -> str:
    return init.run(arguments(root, *flags), AS_OF, interactive=False)


def environment(**extra: str) -> dict[str, str]:
    return {"BRM_AS_OF": AS_OF.isoformat(), **extra}


# -- what is written -------------------------------------------------------------------


def test_a_new_repository_fails_only_on_what_people_must_supply(tmp_path: Path) -> None:
    """With every answer given, only the services, customers and the first process review are missing."""
    initialise(tmp_path, *COMPLETE)
    findings = check(tmp_path)
    assert sorted(codes(findings)) == ["REV004", "SVC003", "SVC003"]
    assert {f.path for f in findings if f.rule == "SVC003"} == {"registers/services.yaml", "registers/customers.yaml"}


def test_without_names_and_approval_the_gaps_are_findings_not_inventions(tmp_path: Path) -> None:
    report = initialise(tmp_path, "--provider", "Acme Services")
    findings = check(tmp_path)
    # Placeholders have a role and no name: BRM002 until a person is named; no approval date is made up.
    placeholders = {f.path for f in findings if f.rule == "BRM002"}
    assert placeholders == {"registers/people/process-owner.yaml", "registers/people/procedure-approver.yaml"}
    assert all("'name'" in f.message for f in findings if f.rule == "BRM002")
    assert sorted({f.path for f in findings if f.rule == "PRO002"}) == sorted(init.PROCEDURES.values())
    assert set(codes(findings)) == {"BRM002", "PRO002", "REV004", "SVC003"}
    assert "Left for a person:" in report and "registers/people/process-owner.yaml" in report
    assert "--hook-repo" in report  # where brm comes from is a placeholder until named


def test_the_procedures_carry_a_complete_policy_from_the_answers(tmp_path: Path) -> None:
    initialise(
        tmp_path, *COMPLETE, "--tier", "gold:P1M:P3M", "--csat-target", "90", "--nps-target", "20",
        "--acknowledgement", "PT2H", "--resolution-target", "P5D", "--business-hours", "08:30-18:00",
        "--business-days", "mon,tue,wed,thu", "--subdivision", "ENG", "--grace", "P7D",
    )  # fmt: skip
    repository = load(tmp_path).repository
    policy = Policy.from_repository(repository)
    assert list(policy.tiers) == ["gold"]
    assert (str(policy.tiers["gold"].review_interval), str(policy.tiers["gold"].survey_interval)) == ("P1M", "P3M")
    assert policy.satisfaction_targets == {"csat": 90, "nps": 20}
    assert (str(policy.acknowledgement), str(policy.resolution_target), str(policy.grace)) == ("PT2H", "P5D", "P7D")
    hours = policy.business_hours
    assert (hours.timezone, hours.holidays, hours.subdivision) == ("Europe/London", "GB", "ENG")
    assert (hours.start.isoformat("minutes"), hours.end.isoformat("minutes"), hours.days) == (
        "08:30",
        "18:00",
        (0, 1, 2, 3),
    )
    assert policy.escalation_path == ("alex-morgan", "olivia-reid")
    brm_procedure = repository.procedure("brm-procedure")
    assert brm_procedure is not None and brm_procedure.owner == "alex-morgan"
    assert str(brm_procedure.approved) == "2026-11-20" and str(brm_procedure.next_review) == "2027-11-20"
    assert brm_procedure.body is not None and "Acme Services" in brm_procedure.body.text
    assert "**gold**: monthly performance reviews, quarterly satisfaction surveys." in brm_procedure.body.text
    people = {p.id: p for p in repository.staff}
    assert (people["alex-morgan"].name, people["olivia-reid"].name) == ("Alex Morgan", "Olivia Reid")


def test_the_defaults_are_the_templates_data(tmp_path: Path) -> None:
    initialise(tmp_path, "--provider", "Acme")
    policy = Policy.from_repository(load(tmp_path).repository)
    defaults = init.manifest()["defaults"]
    assert {n: (str(t.review_interval), str(t.survey_interval)) for n, t in policy.tiers.items()} == {
        n: (s["review_interval"], s["survey_interval"]) for n, s in defaults["tiers"].items()
    }
    assert policy.satisfaction_targets == defaults["satisfaction_targets"]


def test_every_evidence_file_carries_its_schema_line_and_the_schemas_are_written(tmp_path: Path) -> None:
    initialise(tmp_path, "--provider", "Acme")
    for type_name in TYPES:
        printed = brm("schema", type_name)
        assert (tmp_path / f".vscode/schemas/{type_name}.schema.json").read_text() == printed.stdout
    for path in [*tmp_path.glob("procedures/*.md"), *tmp_path.glob("registers/people/*.yaml")]:
        line = path.read_text().split("\n")[1 if path.suffix == ".md" else 0]
        schema = line.split("$schema=", 1)[1]
        assert (path.parent / schema).resolve().is_file(), path


def test_editor_settings_and_pull_request_template_are_this_repositorys(tmp_path: Path) -> None:
    initialise(tmp_path, "--provider", "Acme")
    for name in (".vscode/settings.json", ".vscode/extensions.json", ".github/PULL_REQUEST_TEMPLATE.md"):
        assert (tmp_path / name).read_text() == (ROOT / name).read_text(), name


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    initialise(tmp_path, *COMPLETE)
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env={**os.environ, **environment()},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    findings_page = (tmp_path / "site/findings/index.html").read_text()
    assert "SVC003" in findings_page
    assert (tmp_path / "site/assets/brm.css").is_file()
    assert "Acme Services: business relationship management evidence" in (tmp_path / "site/index.html").read_text()


def test_the_workflows_are_linted_clean_and_pinned_like_this_repositorys(tmp_path: Path) -> None:
    initialise(tmp_path, "--provider", "Acme")
    workflows = sorted((tmp_path / ".github/workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["cadence-watch.yml", "publish.yml", "pull-request.yml"]
    lint = subprocess.run([str(BIN / "actionlint"), "-no-color", *map(str, workflows)], capture_output=True, text=True)
    assert lint.returncode == 0 and lint.stdout == "", lint.stdout + lint.stderr
    audit = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain", ".github/workflows"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert audit.returncode == 0, audit.stdout + audit.stderr
    ours = "".join(p.read_text() for p in (ROOT / ".github/workflows").glob("*.yml"))
    for workflow in workflows:
        text = workflow.read_text()
        for used in re.findall(r"uses: (\S+@[0-9a-f]{40})", text):
            assert used in ours, f"{workflow.name}: {used} is not the version this repository pins"
        assert "pip install -r requirements.txt" in text or "pre-commit" in text
    gate = yaml.safe_load((tmp_path / ".github/workflows/pull-request.yml").read_text())
    assert {job["name"] for job in gate["jobs"].values()} == {"pre-commit", "brm check", "site build"}


def test_the_hook_and_requirements_name_brm_at_one_revision(tmp_path: Path) -> None:
    url, rev = "https://github.com/acme/brm-evidence", "0123456789abcdef0123456789abcdef01234567"
    initialise(tmp_path, "--provider", "Acme", "--hook-repo", url, "--hook-rev", rev)
    valid = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(tmp_path / ".pre-commit-config.yaml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert valid.returncode == 0, valid.stdout + valid.stderr
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    [hook_ids] = [[h["id"] for h in r["hooks"]] for r in config["repos"]]
    assert config["repos"][0]["repo"] == url and config["repos"][0]["rev"] == rev
    assert hook_ids == [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())]
    assert f"brm-evidence @ git+{url}@{rev}" in (tmp_path / "requirements.txt").read_text().splitlines()


def test_answers_are_data_in_every_file_they_reach(tmp_path: Path) -> None:
    """A provider name with YAML and Markdown syntax stays text: every file still reads."""
    name = 'Acme: "Services" #1 & <b>co</b> *'
    initialise(tmp_path, "--provider", name, "--repo-url", "https://example.test/a b#c", *NAMED)
    assert yaml.safe_load((tmp_path / "mkdocs.yml").read_text().replace("!!python", ""))["site_name"].startswith(name)
    assert not [f for f in check(tmp_path) if f.rule in ("BRM001", "BRM002", "BRM005")]


# -- never overwrites ---------------------------------------------------------------


def test_existing_files_are_listed_and_skipped_never_changed(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("our own readme\n")
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures/complaint-handling.md").write_text("---\nid: complaints-old\n---\nmine\n")
    report = initialise(tmp_path, "--provider", "Acme")
    assert "skipped README.md (it exists: not changed)" in report
    assert (tmp_path / "README.md").read_text() == "our own readme\n"
    assert (tmp_path / "procedures/complaint-handling.md").read_text().endswith("mine\n")
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = initialise(tmp_path, "--provider", "Someone Else", "--owner", "Other Person")
    assert "wrote" not in again.replace("wrote   registers/people/other-person.yaml", "")
    assert {p: p.read_bytes() for p in snapshot} == snapshot


def test_a_procedure_already_held_under_another_name_is_not_written_again(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures/our-brm.md").write_text("---\nid: brm-procedure\ntitle: Ours\n---\n")
    report = initialise(tmp_path, "--provider", "Acme")
    assert not (tmp_path / "procedures/business-relationship-management.md").exists()
    assert "procedure brm-procedure is already in procedures/our-brm.md" in report
    assert "BRM004" not in codes(check(tmp_path))


def test_write_new_never_replaces_and_never_leaves_the_root(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    root.mkdir()
    assert write_new(root, "a/b.txt", "one") == WRITTEN
    assert write_new(root, "a/b.txt", "two") == EXISTS
    assert (root / "a/b.txt").read_text() == "one"
    assert [p.name for p in (root / "a").iterdir()] == ["b.txt"]  # no temporary file left behind
    for bad in ("../x.txt", "/etc/x.txt", "a/../../x.txt", "./a/c.txt", ""):
        with pytest.raises(WriteError):
            write_new(root, bad, "x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError, match="outside the repository"):
        write_new(root, "link/x.txt", "x")
    assert list(outside.iterdir()) == []
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    assert write_new(root, "dangling", "x") == EXISTS  # a name that is taken, even by a broken link
    assert not (tmp_path / "nowhere").exists()


def test_a_file_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "registers").write_text("a file where the registers folder goes\n")
    result = brm("init", str(tmp_path), "--provider", "Acme")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "registers/" in result.stderr
    assert "Traceback" not in result.stderr
    assert not [p for p in tmp_path.rglob("*.tmp")]  # no temporary file left behind


# -- questions and flags ------------------------------------------------------------


def test_without_a_terminal_nothing_is_asked_and_missing_answers_are_named(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "brm"), "init", str(tmp_path / "new")], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "missing --provider" in result.stderr
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


def test_on_a_terminal_the_missing_answers_are_asked(tmp_path: Path) -> None:
    answers = iter(["", "Acme Services", "Mars/Olympus", "Europe/Dublin", "IE", "Aoife Byrne", "", "", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    args = arguments(tmp_path, "--approved", "2026-11-20")
    init.run(args, AS_OF, interactive=True, ask=ask)
    assert len(asked) == 9  # the provider twice (empty is refused), the zone twice (unknown is refused)
    policy = Policy.from_repository(load(tmp_path).repository)
    assert (policy.business_hours.timezone, policy.business_hours.holidays) == ("Europe/Dublin", "IE")
    people = {p.id: p for p in load(tmp_path).repository.staff}
    assert people["aoife-byrne"].name == "Aoife Byrne"
    assert people["procedure-approver"].name is None  # left empty: a placeholder


def test_every_question_is_also_a_flag() -> None:
    flags = {action.dest for action in arguments_parser()._actions}
    assert set(init.QUESTIONS) <= flags


def arguments_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    init.configure(parser)
    return parser


@pytest.mark.parametrize(
    "flags",
    [
        ("--timezone", "Mars/Olympus"),
        ("--country", "XX"),
        ("--tier", "gold:P1M"),
        ("--tier", "Gold:P1M:P3M"),
        ("--csat-target", "120"),
        ("--acknowledgement", "P1M"),
        ("--business-hours", "17:00-09:00"),
        ("--business-days", "mon,funday"),
        ("--approved", "2026-13-01"),
    ],
)
def test_a_bad_answer_is_refused_before_anything_is_written(tmp_path: Path, flags: tuple[str, str]) -> None:
    result = brm("init", str(tmp_path / "new"), "--provider", "Acme", *flags)
    assert result.returncode == 2, result.stderr
    assert flags[0] in result.stderr or flags[1] in result.stderr
    assert not (tmp_path / "new").exists()


def test_approval_in_the_future_is_refused(tmp_path: Path) -> None:
    result = brm("init", str(tmp_path), "--provider", "Acme", "--approved", "2026-12-01", env=environment())
    assert result.returncode == 2 and "after today" in result.stderr


# -- from init to a clean check ------------------------------------------------------


def _plan(root: Path) -> dict[str, Any]:
    result = brm("status", "--plan", str(root), "--format", "json", env=environment())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


#: What a person answers for each placeholder the plan's commands leave, by command and flag.
ANSWERS: dict[str, dict[str, str]] = {
    "service": {"--id": "cloud-hosting", "--name": "Cloud Hosting", "--owner": "alex-morgan"},
    "customer": {
        "--id": "acme-bank", "--name": "Acme Bank", "--tier": "standard", "--counterpart": "alex-morgan",
        "--service": "cloud-hosting:Treasury", "--representative-id": "rosa-diaz", "--representative-name": "Rosa Diaz",
    },
    "requirement": {
        "--customer": "acme-bank", "--service": "cloud-hosting", "--customer-approval": AS_OF.isoformat(),
        "--owner-approval": AS_OF.isoformat(), "--document": "https://contracts.acme.example/sla/cloud-hosting.pdf",
    },
    "review": {
        "--customer": "acme-bank", "--date": AS_OF.isoformat(), "--report": "https://reports.acme.example/2026-11.pdf",
        "--decision": "Keep the maintenance window.",
    },
    "review --type process-review": {
        "--type": "process-review", "--date": AS_OF.isoformat(), "--decision": "The process stays as documented.",
    },
    "instrument": {"--id": "csat-quarterly", "--method": "csat", "--question": "How satisfied are you?"},
    "result": {
        "--customer": "acme-bank", "--analysed-by": "olivia-reid", "--invited": "10", "--responses": "8",
        "--score": "csat=88",
    },
}  # fmt: skip
#: The order a person works through them: what each needs exists first.
ORDER = ("service", "customer", "requirement", "review", "instrument", "result", "review --type process-review")


def _kind(command: list[str]) -> str:
    return "review --type process-review" if "process-review" in command else command[2]


def test_end_to_end_init_plan_and_the_suggested_commands(tmp_path: Path) -> None:
    """`brm init`, `brm status --plan`, then the `brm new` commands it suggests: a clean `brm check`.

    Every command the plan suggests exists in this version. Each is run as the plan
    writes it, from another folder (the plan names the repository with --root), with
    only its placeholders answered; no file is written by hand.
    """
    result = brm("init", str(tmp_path), *COMPLETE, env=environment())
    assert result.returncode == 0, result.stderr
    plan = _plan(tmp_path)
    steps = [s["step"] for s in plan["steps"]]
    assert steps == ["scope", "requirements", "reviews", "instrument", "surveys", "process-review", "rehearsal"]
    commands = [shlex.split(c["command"]) for s in plan["steps"] for c in s["commands"]]
    assert all(c["available"] for s in plan["steps"] for c in s["commands"])
    suggested = {_kind(c): c for c in commands if c[:2] == ["brm", "new"]}
    assert sorted(suggested) == sorted(ORDER)
    for kind in ORDER:
        words = suggested[kind]
        assert words[3:5] == ["--root", str(tmp_path)], words
        flags = words[5:]
        answers = ANSWERS[kind]
        given = [flag for flag in flags if flag.startswith("--")]
        assert set(given) == set(answers), (kind, given)  # exactly what the plan asks for, each answered
        filled = [part for flag in given for part in (flag, answers[flag])]
        ran = brm(*words[1:5], *filled, cwd=ROOT, env=environment())
        assert ran.returncode == 0, (kind, ran.stderr)
        assert ran.stdout.startswith("wrote "), ran.stdout
    assert check(tmp_path) == []
    assert _plan(tmp_path)["steps"] == []  # nothing left to do


def test_the_readme_example_works_as_written(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### A new evidence repository: `brm init`") :]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    words = shlex.split(re.sub(r"\\\n\s*", " ", block.group(1)))
    assert words[:3] == [".venv/bin/brm", "init", "../our-evidence"]
    result = brm(*words[1:2], str(tmp_path / "our-evidence"), *words[3:], env=environment())
    assert result.returncode == 0, result.stderr
    assert sorted(codes(check(tmp_path / "our-evidence"))) == ["REV004", "SVC003", "SVC003"]
