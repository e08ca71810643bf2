"""`brm status`: the coverage matrix through the real console script."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE, brm

REVIEW = "reviews/2026/2026-11-10-retailco.md"
ACTIONS = BASE["registers/actions.yaml"]


def status_json(root, as_of: str) -> dict:
    result = brm("status", str(root), "--as-of", as_of, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_row(repo) -> None:
    report = status_json(repo(), "2026-11-23")
    assert report["as_of"] == "2026-11-23"
    [retailco] = report["customers"]
    assert retailco == {
        "id": "retailco",
        "name": "RetailCo",
        "tier": "standard",
        "representatives": ["Sam Patel"],
        "requirements": {"agreed": 1, "services": 1, "missing": []},
        "review": {
            "interval": "P1M",
            "last": "2026-11-10",
            "evidence": REVIEW,
            "due": "2026-12-10",
            "next": "2026-12-08",  # the date the review set for its successor, sooner than the cadence's
            "status": "ok",
        },
        "survey": {
            "interval": "P3M",
            "last": "2026-10-01",
            "evidence": "surveys/results/2026/2026-Q3-retailco.md",
            "due": "2027-01-01",
            "next": "2027-01-01",
            "status": "ok",
        },
        "actions": {"open": ["ACT-0001"], "overdue": []},
        "complaints": {"open": []},
    }
    assert report["process_review"] == {
        "interval": "P1Y",
        "last": "2026-06-30",
        "evidence": "reviews/2026/2026-06-30-process-review.md",
        "due": "2027-06-30",
        "next": "2027-06-30",
        "status": "ok",
    }


STANDING_CASES = [
    ("ok more than 14 days ahead", "2026-11-25", "ok", []),
    ("due soon within 14 days", "2026-11-26", "due soon", []),
    ("due soon on the due date", "2026-12-10", "due soon", []),
    ("overdue the day after", "2026-12-11", "overdue", []),
    ("an action past its due date", "2026-12-16", "overdue", ["ACT-0001"]),
]


@pytest.mark.parametrize(("name", "as_of", "standing", "overdue"), STANDING_CASES, ids=[c[0] for c in STANDING_CASES])
def test_statuses(repo, name, as_of, standing, overdue) -> None:
    [retailco] = status_json(repo(), as_of)["customers"]
    assert (retailco["review"]["status"], retailco["actions"]["overdue"]) == (standing, overdue)


def test_never_reviewed_is_overdue_without_a_due_date(repo) -> None:
    [retailco] = status_json(repo({REVIEW: None}), "2026-11-23")["customers"]
    assert retailco["review"] == {
        "interval": "P1M",
        "last": None,
        "evidence": None,
        "due": None,
        "next": None,
        "status": "overdue",
    }


def test_text_table_is_aligned(repo) -> None:
    result = brm("status", str(repo()), "--as-of", "2026-12-11")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("at 2026-12-11")
    header, row = lines[2], lines[3]
    assert header.split()[:2] == ["customer", "tier"]
    for heading, value in [
        ("representatives", "Sam Patel"),
        ("requirements", "1 of 1"),
        ("last review", "2026-11-10"),
        ("next review", "2026-12-08 overdue"),  # the date the last review set, before the cadence's 2026-12-10
        ("last survey", "2026-10-01"),
        ("next survey", "2027-01-01 ok"),
        ("actions", "1 open, 0 overdue"),
        ("complaints", "0 open"),
    ]:
        assert row.index(value) == header.index(heading), (heading, header, row)
    assert "\033[" not in result.stdout  # no colour when not on a terminal
    assert lines[-1] == "BRM process review: last 2026-06-30, next 2027-06-30 ok"


def test_status_is_informational_exit_0_when_overdue(repo) -> None:
    root = repo({"registers/actions.yaml": ACTIONS.replace("due: 2026-12-15", "due: 2026-11-01"), REVIEW: None})
    result = brm("status", str(root), "--as-of", "2026-11-23")
    assert result.returncode == 0
    assert "1 open, 1 overdue" in result.stdout
    assert "never" in result.stdout


def test_as_of_from_the_environment(repo) -> None:
    result = brm("status", str(repo()), "--format", "json", env={"BRM_AS_OF": "2026-12-11"})
    assert json.loads(result.stdout)["as_of"] == "2026-12-11"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "23/11/2026"], "is not a date"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2(repo, args: list[str], message: str) -> None:
    result = brm("status", str(repo()), *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_no_such_folder_exits_2(tmp_path) -> None:
    result = brm("status", str(tmp_path / "nowhere"))
    assert (result.returncode, result.stdout) == (2, "")
    assert "no such folder" in result.stderr
