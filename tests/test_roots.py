"""The repository is given the same way to every command: ROOT where it always was, --root everywhere.

And a folder that is not an evidence repository (a file, nothing there, no evidence
in it) is one line and exit 2 that says what to give instead.
"""

from __future__ import annotations

import io
import json
import shlex
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from checks.cli import main

from .conftest import AS_OF, brm

#: Commands that read a repository, with the flags each needs besides it.
READERS = {
    "check": ["--format", "json"],
    "status": ["--format", "json"],
    "status --plan": ["--format", "json"],
    "export": ["--format", "business-relationships"],
}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRM_AS_OF", AS_OF.isoformat())
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_line(result: tuple[int, str, str], phrase: str) -> None:
    code, out, err = result
    assert (code, out) == (2, ""), result
    assert len(err.splitlines()) == 1 and err.startswith("brm: error: ") and phrase in err, err


@pytest.mark.parametrize("command", list(READERS))
def test_root_as_positional_or_as_option_is_the_same(repo: Any, command: str, tmp_path: Path) -> None:
    root = repo()
    words, flags = command.split(), READERS[command]
    positional = run(*words, str(root), *flags)
    option = run(*words, "--root", str(root), *flags)
    both = run(*words, str(root), "--root", str(root), *flags)
    assert positional[0] in (0, 1) and positional[1]
    assert positional == option == both
    assert run(*words, str(root), "--root", f"{root}/./", *flags)[0] == positional[0]  # the same folder, written twice


def test_new_init_and_import_take_root_too(repo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = repo()
    code, out, err = run("new", "person", "--root", str(root), "--name", "Dana Scully")
    assert (code, out) == (0, "wrote registers/people/dana-scully.yaml\n"), err
    assert run("init", "--root", "by-option", "--provider", "Acme")[0] == 0
    assert run("init", "positional", "--provider", "Acme")[0] == 0
    written = {p.relative_to(tmp_path / "by-option") for p in (tmp_path / "by-option").rglob("*")}
    assert written == {p.relative_to(tmp_path / "positional") for p in (tmp_path / "positional").rglob("*")}
    exported = run("export", "--root", str(root), "--format", "business-relationships")[1]
    (tmp_path / "summary.json").write_text(exported, encoding="utf-8")
    code, out, err = run("import", "summary.json", "--root", "imported", "--provider", "RetailCo's provider")
    assert code == 0, err
    assert (tmp_path / "imported/registers").is_dir()


@pytest.mark.parametrize(
    ("command", "flags"),
    [("check", []), ("status", []), ("export", ["--format", "csv"]), ("init", []), ("import summary.json", [])],
)
def test_two_different_roots_are_refused(tmp_path: Path, command: str, flags: list[str]) -> None:
    result = run(*command.split(), str(tmp_path / "a"), "--root", str(tmp_path / "b"), *flags)
    one_line(result, f"two repositories given, '{tmp_path / 'a'}' and --root '{tmp_path / 'b'}': give one")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [*READERS, "new person"])
def test_a_file_a_missing_folder_and_a_folder_without_evidence(tmp_path: Path, command: str) -> None:
    words = command.split()
    flags = READERS.get(command, ["--name", "Dana Scully"])
    file = tmp_path / "FORMAT.md"
    file.write_text("# not a repository\n")
    one_line(run(*words, "--root", str(file), *flags), f"{file} is a file, not a folder")
    one_line(run(*words, "--root", str(tmp_path / "nowhere"), *flags), f"no such folder: {tmp_path / 'nowhere'}")
    empty = tmp_path / "empty"
    (empty / "docs").mkdir(parents=True)
    result = run(*words, "--root", str(empty), *flags)
    one_line(result, f"{empty} does not look like an evidence repository")
    assert f"run 'brm init {empty}'" in result[2]
    assert sorted(p.name for p in empty.iterdir()) == ["docs"]  # nothing written


def test_a_repository_is_told_by_the_folders_of_the_loaders_layout(tmp_path: Path) -> None:
    """The folders are read from the schemas (a kept check imports no loader); they are the loader's, each enough."""
    from checks.load import AREAS
    from checks.roots import _evidence_folders, evidence_root

    folders = _evidence_folders()
    assert sorted(folders) == sorted({area.split("/")[0] for area, _recursive, _suffixes, _kind in AREAS})
    for folder in folders:
        (tmp_path / folder / "x").mkdir(parents=True)
        assert evidence_root(str(tmp_path / folder / "..")) == tmp_path / folder / ".."
        (tmp_path / folder / "x").rmdir()
        (tmp_path / folder).rmdir()


def test_brm_check_on_a_file_through_the_console_script(tmp_path: Path) -> None:
    (tmp_path / "minutes.md").write_text("---\ntype: performance-review\n---\n")
    result = brm("check", str(tmp_path / "minutes.md"))
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr == f"brm: error: {tmp_path / 'minutes.md'} is a file, not a folder: give the evidence "
        "repository's folder (brm checks a whole repository)\n"
    )


def test_the_plans_commands_name_the_repository_and_run_from_anywhere(tmp_path: Path) -> None:
    root = tmp_path / "our evidence"  # a space: the commands quote it
    assert run("init", str(root), "--provider", "Acme", "--owner", "Alex Morgan", "--approver", "Olivia Reid")[0] == 0
    code, out, err = run("status", "--plan", str(root), "--format", "json")
    assert code == 0, err
    commands = [c["command"] for s in json.loads(out)["steps"] for c in s["commands"]]
    assert f"brm new service --root '{root}' --id ID --name NAME --owner PERSON" in commands
    assert f"mkdocs serve -f '{root}/mkdocs.yml'" in commands
    [service] = [shlex.split(c) for c in commands if c.startswith("brm new service")]
    answers = {"ID": "cloud-hosting", "NAME": "Cloud Hosting", "PERSON": "alex-morgan"}
    ran = brm(*[answers.get(w, w) for w in service[1:]], cwd=tmp_path, env={"BRM_AS_OF": AS_OF.isoformat()})
    assert ran.returncode == 0, ran.stderr
    assert (root / "registers/services/cloud-hosting.yaml").is_file()
    text = run("status", "--plan", str(root))[1]
    assert "run the commands in" not in text and "not available" not in text


def test_the_cadence_watch_takes_root_the_same_way(repo: Any, tmp_path: Path) -> None:
    from checks.watch import main as watch

    root = repo()
    outputs = []
    for args in ([str(root)], ["--root", str(root)]):
        out = io.StringIO()
        with redirect_stdout(out):
            assert watch(args) == 0
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] and "Cadence watch" in outputs[0]
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as exited:
        watch(["--root", str(tmp_path)])
    assert exited.value.code == 2 and "does not look like an evidence repository" in err.getvalue()
