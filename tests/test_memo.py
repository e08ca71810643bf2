"""Kept judgements: a check of the same evidence by the same code at the same date is the same check,
and anything else is judged afresh."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import checks.memo
from checks.memo import READ_SUFFIXES, judge_working_tree

from .conftest import BASE
from .test_baseline import git
from .test_schema_cache import FINDINGS


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BRM_AS_OF", raising=False)


def _day(value: str | None, zone: str) -> date:
    return date.fromisoformat(value) if value else date(2026, 11, 23)


def judged(root: Path, day: str | None = "2026-11-23", select: list[str] | None = None, date_of=_day):  # type: ignore[no-untyped-def]
    judgement = judge_working_tree(root, day, date_of, select or [], [])
    rows = [(f.path, f.line, f.column, f.rule, f.severity, f.message, f.due) for f in judgement.findings]
    return rows, judgement.kept


def test_an_unchanged_repository_is_not_judged_again_and_the_findings_are_the_same(repo) -> None:
    root = repo(FINDINGS)
    first, kept = judged(root)
    assert not kept and first
    second, kept = judged(root)
    assert kept and second == first


def test_a_changed_evidence_file_is_judged_afresh_even_at_the_same_size_and_time(repo) -> None:
    root = repo(FINDINGS)
    first, _ = judged(root)
    services = root / "registers/services.yaml"
    stamp = services.stat()
    services.write_text(FINDINGS["registers/services.yaml"].replace("owner: x", "ownex: x"))
    os.utime(services, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second, kept = judged(root)
    assert not kept
    assert [row for row in second if row[0] == "registers/services.yaml"] != [
        row for row in first if row[0] == "registers/services.yaml"
    ]


def test_a_file_a_reference_names_appearing_is_a_new_judgement(repo) -> None:
    """Not evidence, but BRM003 asks whether it exists: any file of the tree is part of the key."""
    minutes = BASE["reviews/2026/2026-11-10-retailco.md"].replace(
        "report: https://reports.provider.example/2026-10-retailco.pdf", "report: reports/2026-10-retailco.pdf"
    )
    root = repo({"reviews/2026/2026-11-10-retailco.md": minutes})
    first, _ = judged(root)
    assert [rule for _, _, _, rule, *_ in first] == ["BRM003"]
    (root / "reports").mkdir()
    (root / "reports/2026-10-retailco.pdf").write_bytes(b"%PDF-1.7\n")
    second, kept = judged(root)
    assert not kept and second == []


def test_a_changed_responses_file_is_a_new_judgement(repo) -> None:
    result = BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
        "scores: {csat: 88}", "scores: {csat: 88}\nresponses_file: responses.csv"
    )
    root = repo(
        {"surveys/results/2026/2026-Q3-retailco.md": result, "surveys/results/2026/responses.csv": "score\n5\n"}
    )
    first, _ = judged(root)
    responses = root / "surveys/results/2026/responses.csv"
    stamp = responses.stat()
    responses.write_text("score\nx\n")  # same size, same time: only its content tells
    os.utime(responses, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second, kept = judged(root)
    assert not kept and second != first and any(rule == "SAT004" for _, _, _, rule, *_ in second)


def test_another_date_selection_or_code_is_a_new_judgement(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(FINDINGS)
    judged(root)
    assert not judged(root, "2026-12-25")[1]
    assert not judged(root, select=["BRM"])[1]
    monkeypatch.setattr(checks.memo, "code_stamp", lambda: b"another version of brm")
    assert not judged(root)[1]
    assert judged(root)[1]


def test_today_is_kept_only_for_today_in_the_procedures_time_zone(repo) -> None:
    root = repo(FINDINGS)
    zones: list[str] = []

    def today(day: date):  # type: ignore[no-untyped-def]
        def date_of(value: str | None, zone: str) -> date:
            zones.append(zone)
            return day

        return date_of

    first, kept = judged(root, None, date_of=today(date(2026, 11, 23)))
    assert not kept and zones == ["Europe/London"]  # the complaint procedure's business hours
    assert judged(root, None, date_of=today(date(2026, 11, 23)))[1]
    assert not judged(root, None, date_of=today(date(2026, 11, 24)))[1]


def test_without_a_cache_nothing_is_kept(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRM_NO_CACHE", "1")
    root = repo(FINDINGS)
    judged(root)
    assert not judged(root)[1]


def test_every_kind_of_evidence_file_is_read_and_hashed_for_the_key() -> None:
    """The key reads every file with an evidence suffix without asking the loader which files are evidence."""
    from checks.load import AREAS

    assert {suffix for _area, _recursive, suffixes, _kind in AREAS for suffix in suffixes} <= set(READ_SUFFIXES)


def test_a_repository_with_a_responses_file_is_kept_while_it_reads_the_same(repo) -> None:
    """The responses file is compared by its content (as the loader noted it) before kept findings are served."""
    result = BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
        "scores: {csat: 88}", "scores: {csat: 88}\nresponses_file: responses.csv"
    )
    root = repo(
        {"surveys/results/2026/2026-Q3-retailco.md": result, "surveys/results/2026/responses.csv": "score\n5\n"}
    )
    first, kept = judged(root)
    assert not kept
    second, kept = judged(root)
    assert kept and second == first


#: What reading and judging evidence needs, and serving kept findings does not.
JUDGING = (
    *("checks.load", "checks.sources", "checks.schema", "checks.model", "checks.reader", "checks.rules"),
    *("checks.gittree", "yaml", "fastjsonschema", "jsonschema", "dateutil", "holidays", "importlib.metadata"),
)
_MODULES = "import sys; from checks.cli import main; main(sys.argv[1:]); print(' '.join(sorted(sys.modules)))"


@pytest.mark.parametrize("base", [[], ["--base", "HEAD"]], ids=["check", "base"])
def test_kept_findings_are_reported_without_importing_the_loader_schemas_or_rules(
    repo, tmp_path: Path, base: list[str]
) -> None:
    """What the pre-commit hook pays on every commit: an unchanged repository (and base) is one look-up each."""
    root = repo(FINDINGS)
    for args in (("init", "--quiet", "--initial-branch=main"), ("add", "--all"), ("commit", "--quiet", "-m", "base")):
        git(root, *args)
    command = [sys.executable, "-c", _MODULES, "check", str(root), "--as-of", "2026-11-23", *base]
    environment = {name: value for name, value in os.environ.items() if name != "BRM_NO_CACHE"}
    environment["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    judged: list[set[str]] = []
    for _attempt in range(3):  # brm's code changing between the two runs (while it is edited) is a new judgement
        code = checks.memo.code_stamp.__wrapped__()
        runs = [
            subprocess.run(
                [*command, "--output", os.devnull], capture_output=True, text=True, env=environment, timeout=120
            )
            for _ in range(2)
        ]
        judged.append(set(runs[0].stdout.split()))
        if checks.memo.code_stamp.__wrapped__() == code:
            break
    assert [done.returncode for done in runs] == [0, 0], runs[0].stderr
    assert runs[0].stderr == runs[1].stderr  # the same summary line
    assert {"checks.load", "checks.rules"} <= judged[0]  # the first check judged
    assert not set(runs[1].stdout.split()) & set(JUDGING)


def _stamped(package: Path) -> bytes:
    return checks.memo._content_stamp(package, checks.memo._code_files(package))


def test_the_code_stamp_is_kept_under_the_files_status_and_follows_their_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """brm's code is hashed once per state of its files; a rewrite at the same size and time is another state."""
    read: list[Path] = []
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    package = tmp_path / "package"
    (package / "rules").mkdir(parents=True)
    (package / "rules" / "reviews.py").write_text("GRACE = 1\n")
    (package / "schemas.json").write_text("{}\n")
    first = _stamped(package)
    assert _stamped(package) == first and len(read) == 4  # written just now: hashed every time
    monkeypatch.setattr(checks.memo, "_SETTLED_NS", -(10**18))  # as if written long ago
    assert _stamped(package) == first and len(read) == 6
    assert _stamped(package) == first and len(read) == 6  # kept: not read again
    reviews = package / "rules" / "reviews.py"
    stamp = reviews.stat()
    reviews.write_text("GRACE = 2\n")  # same size, same modification time: its change time tells
    os.utime(reviews, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert _stamped(package) != first and len(read) == 8


class _Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_reading_frees_young_cycles_and_gives_the_collector_back_as_it_was() -> None:
    import gc
    import weakref

    from checks.load import bulk_reading

    before = gc.get_threshold()
    with bulk_reading():
        first = weakref.ref(_Cycle())
        for _ in range(200_000):  # far more allocations than between two young collections
            _Cycle()
        assert first() is None  # freed while reading, not piled up with the records
        assert gc.get_threshold() != before
    assert gc.get_threshold() == before
