"""A lean check: records keep what rules read, and the files' parsed values are let go of.

`brm check` loads with ``EvidenceFiles.lean``: each document lets go of its data and
body once its batch is kept in the parse cache, and records keep their typed fields
and shape. Anything else that asks for a record's values has them read again from
the file, never from a file that changed since it was judged. The fuzz suite holds
lean and keeping checks to the same findings on hostile repositories.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from checks.load import load
from checks.model import Record
from checks.rules import run
from checks.sources import WorkingTree

from .conftest import ROOT

EVIDENCE = ("registers", "reviews", "surveys", "procedures")
LATE = date(2026, 12, 2)  # an overdue action and an unescalated complaint in the example


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    for folder in EVIDENCE:
        shutil.copytree(ROOT / folder, root / folder)
    return root


def _lean(root: Path) -> WorkingTree:
    files = WorkingTree(root)
    files.lean = True
    return files


def _held(record: Record) -> bool:
    """Whether the record's file still holds its parsed values (it was never let go of, or read again)."""
    return record.source.document.__dict__["_data"] is not _gone()


def _gone() -> object:
    from checks import reader

    return reader._GONE  # noqa: SLF001 - what a released field holds


def test_judging_reads_no_minutes_result_action_or_complaint_again(example: Path) -> None:
    files = _lean(example)
    loaded = load(example, files)
    repository = loaded.repository
    volume: list[Record] = [*repository.reviews, *repository.results, *repository.actions, *repository.complaints]
    assert volume
    assert all(r.kept is None for r in volume)
    assert not any(_held(r) for r in volume)

    findings = run(loaded, LATE)

    assert findings  # the example has warnings then: the rules did judge these records
    again = sorted({r.source.path for r in volume if _held(r)})
    assert again == []  # the rules read typed fields and shapes, not the files again
    assert not files.raced


def test_a_released_record_reads_its_values_and_body_again(example: Path) -> None:
    kept = load(example).repository
    lean = load(example, _lean(example)).repository
    review, original = lean.reviews[0], kept.reviews[0]
    assert review.kept is None and not _held(review)

    assert review.raw == original.raw
    assert review.body == original.body and review.body is not None
    assert review.items == original.items and review.items  # the example's minutes have action items
    assert review.at("date") == original.at("date")


def test_a_file_changed_since_it_was_judged_is_never_taken_for_it(example: Path) -> None:
    files = _lean(example)
    review = load(example, files).repository.reviews[0]
    path = example / review.source.path
    path.write_text(path.read_text(encoding="utf-8").replace("attendees:", "attendees_x:"), encoding="utf-8")

    assert review.raw == {}  # not the new text: what was judged is no longer there
    assert review.body is None
    assert files.raced  # so nothing of this run is kept


def test_a_file_edited_while_it_is_checked_is_reported_and_nothing_is_kept(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone saves a file between the reading and the judging: the check says so, and keeps nothing."""
    import checks.rules
    from checks.cli import main

    judge = checks.rules.run
    complaints = example / "registers" / "complaints.yaml"

    def run_after_an_edit(*args: object, **kwargs: object) -> object:
        complaints.write_text(complaints.read_text(encoding="utf-8") + "\n# saved meanwhile\n", encoding="utf-8")
        return judge(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks.rules, "run", run_after_an_edit)
    assert main(["check", str(example), "--as-of", LATE.isoformat()]) == 0  # warnings only
    raced = capsys.readouterr()
    assert "changed while they were checked" in raced.err
    assert "check again" in raced.err
    assert "registers/complaints.yaml:1:1:" in raced.out  # its finding could be given no line

    monkeypatch.setattr(checks.rules, "run", judge)
    main(["check", str(example), "--as-of", LATE.isoformat()])
    again = capsys.readouterr()
    assert "changed while" not in again.err
    assert "registers/complaints.yaml:1:1:" not in again.out  # judged afresh: the raced run was not kept
    assert "registers/complaints.yaml:" in again.out


def test_no_check_changes_a_record_list_shared_by_every_record_without_items(example: Path) -> None:
    from checks import model

    run(load(example, _lean(example)), LATE)
    run(load(example), LATE)
    assert model._NO_TEXTS == []  # noqa: SLF001 - the one empty list records share
