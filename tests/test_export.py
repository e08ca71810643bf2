"""`brm export --format xlsx|csv`: the registers as spreadsheets, read back with openpyxl and csv."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from checks.export import REGISTERS, TABLES
from checks.load import load

from .conftest import AS_OF, ROOT, brm, dedent

EVIDENCE = ("registers", "reviews", "surveys", "procedures")


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@provider.example",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@provider.example",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example, committed into a git repository of its own."""
    root = tmp_path_factory.mktemp("example")
    for name in EVIDENCE:
        shutil.copytree(ROOT / name, root / name)
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "--all")
    _git(root, "commit", "--quiet", "--message", "evidence")
    return root


@pytest.fixture(scope="module")
def workbook_path(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("export") / "registers.xlsx"
    result = brm("export", str(example), "--format", "xlsx", "--output", str(output), "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert "contacts withheld" in result.stderr
    return output


def _rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _contacts(root: Path) -> list[str]:
    repository = load(root).repository
    people = [*repository.staff, *repository.representatives]
    return [p.email for p in people if p.email] + [p.phone for p in people if p.phone]


def test_every_register_is_a_sheet_after_the_cover(workbook_path: Path, example: Path) -> None:
    book = load_workbook(workbook_path)
    assert book.sheetnames == ["cover", *REGISTERS]
    repository = load(example).repository
    for table in TABLES:
        rows = _rows(book[table.name])
        assert rows[0] == [header for header, _ in table.columns]
        assert len(rows) - 1 == len(table.records(repository)), table.name
    assert len(_rows(book["representatives"])) - 1 == 6
    assert len(_rows(book["actions"])) - 1 == len(repository.actions) > 20


def test_the_cover_states_the_as_of_date_and_the_commit(workbook_path: Path, example: Path) -> None:
    cover = {row[0]: row[1] for row in _rows(load_workbook(workbook_path)["cover"])}
    assert cover["as of"].date() == AS_OF
    assert str(cover["commit"]).startswith(_git(example, "rev-parse", "HEAD"))
    assert "withheld" in cover["contact details"]
    assert cover["sheet actions"] == len(load(example).repository.actions)


def test_dates_are_dates_and_instants_are_utc(workbook_path: Path, example: Path) -> None:
    book = load_workbook(workbook_path)
    actions = book["actions"]
    headers = [c.value for c in actions[1]]
    raised = actions.cell(row=2, column=headers.index("raised") + 1)
    assert isinstance(raised.value, datetime) and raised.number_format == "yyyy-mm-dd"
    first = load(example).repository.actions[0]
    assert raised.value.date() == first.raised
    complaints = book["complaints"]
    headers = [c.value for c in complaints[1]]
    received = complaints.cell(row=2, column=headers.index("received (UTC)") + 1).value
    complaint = load(example).repository.complaints[0]
    assert complaint.received is not None
    assert received == complaint.received.astimezone(UTC).replace(tzinfo=None)


def test_contacts_are_withheld_unless_asked_for(workbook_path: Path, example: Path, tmp_path: Path) -> None:
    contacts = _contacts(example)
    assert len(contacts) > 10
    cells = " ".join(str(v) for sheet in load_workbook(workbook_path) for row in _rows(sheet) for v in row)
    assert not [c for c in contacts if c in cells]
    assert "[e-mail withheld]" in cells and "[phone withheld]" in cells
    included = tmp_path / "with.xlsx"
    result = brm("export", str(example), "--format", "xlsx", "--output", str(included), "--include-contacts")
    assert result.returncode == 0, result.stderr
    cells = " ".join(str(v) for sheet in load_workbook(included) for row in _rows(sheet) for v in row)
    assert all(c in cells for c in contacts)


def test_csv_writes_every_register_and_a_cover(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    result = brm("export", str(example), "--format", "csv", "--output", str(folder), "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(["cover.csv", *(f"{r}.csv" for r in REGISTERS)])
    repository = load(example).repository
    for table in TABLES:
        rows = list(csv.reader(io.StringIO((folder / f"{table.name}.csv").read_text(encoding="utf-8"))))
        assert rows[0] == [header for header, _ in table.columns]
        assert len(rows) - 1 == len(table.records(repository))
    cover = dict(csv.reader(io.StringIO((folder / "cover.csv").read_text(encoding="utf-8"))))
    assert cover["as of"] == AS_OF.isoformat()
    text = " ".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert not [c for c in _contacts(example) if c in text]


def test_one_register_as_csv_on_standard_output(example: Path) -> None:
    result = brm("export", str(example), "--format", "csv", "--register", "waivers")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["rule,subject,reason,approved by,approved,expires,file"]
    actions = brm("export", str(example), "--format", "csv", "--register", "actions")
    rows = list(csv.DictReader(io.StringIO(actions.stdout)))
    assert rows[0]["raised"] == "2025-10-15" and re.fullmatch(r"ACT-\d{4}", rows[0]["id"])


def test_evidence_never_becomes_a_formula_or_an_unwritable_cell(repo: Any, tmp_path: Path) -> None:
    actions = dedent(
        """
        - id: ACT-0001
          title: "=HYPERLINK(\\"https://attacker.example\\",\\"click\\")"
          source: reviews/2026/2026-11-10-retailco.md
          customers: [retailco]
          owner: alex-morgan
          raised: 2026-11-10
          due: 2026-12-15
          status: open
          evidence: "bell\\a and @SUM(A1)"
        """
    )
    root = repo({"registers/actions.yaml": actions})
    output = tmp_path / "out.xlsx"
    assert brm("export", str(root), "--format", "xlsx", "--output", str(output)).returncode == 0
    sheet = load_workbook(output)["actions"]
    headers = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=headers.index("title") + 1)
    assert title.data_type == "s" and title.value == '=HYPERLINK("https://attacker.example","click")'
    evidence = sheet.cell(row=2, column=headers.index("evidence") + 1)
    assert evidence.data_type == "s" and evidence.value == "bell\ufffd and @SUM(A1)"
    printed = brm("export", str(root), "--format", "csv", "--register", "actions").stdout
    row = next(csv.DictReader(io.StringIO(printed)))
    assert row["title"].startswith("'=") and row["evidence"] == "bell\a and @SUM(A1)"


def test_bad_requests_are_exit_2(tmp_path: Path) -> None:
    assert brm("export", str(tmp_path / "missing"), "--format", "xlsx").returncode == 2
    assert brm("export", str(ROOT), "--format", "xlsx", "--register", "nonsense").returncode == 2
    assert brm("export", str(ROOT), "--format", "pdf").returncode == 2
    blocked = tmp_path / "file"
    blocked.write_text("")
    result = brm("export", str(ROOT), "--format", "csv", "--output", str(blocked / "sub"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
