"""Kept judgements: a check of the same evidence by the same code at the same date is the same check,
and anything else is judged afresh."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

import checks.memo
from checks.memo import judge_working_tree

from .conftest import BASE
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
