"""The user cache (compiled validators, and readings by content): a speed-up that can never change an
answer or stop a check."""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
from pathlib import Path

import pytest

import checks.model
import checks.sources
from checks.load import load
from checks.rules import run
from checks.schema import TYPES
from checks.sources import WorkingTree

from .conftest import AS_OF, BASE, brm

BROKEN_ACTION = BASE["registers/actions.yaml"].replace("status: open", "status: finished")


def _check(root: Path, cache: Path, **env: str) -> dict:
    result = brm(
        "check", str(root), "--as-of", "2026-11-23", "--format", "json", env={"XDG_CACHE_HOME": str(cache), **env}
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    findings: dict = json.loads(result.stdout)
    return findings


def _forget_readings(cache: Path) -> None:
    for entries in (cache / "brm-evidence").glob("entries-*"):
        entries.unlink()


def _cached(cache: Path) -> list[Path]:
    return sorted((cache / "brm-evidence").glob("validators-*.marshal"))


def test_first_run_fills_the_cache_and_later_runs_agree(repo, tmp_path: Path) -> None:
    root, cache = repo({"registers/actions.yaml": BROKEN_ACTION}), tmp_path / "cache"
    first = _check(root, cache)
    [written] = _cached(cache)
    stamp = written.stat().st_mtime_ns
    second = _check(root, cache)
    assert first == second
    assert [f["rule"] for f in first["findings"]] == ["BRM002"]
    assert written.stat().st_mtime_ns == stamp  # read, not rewritten


def test_a_corrupt_cache_is_replaced_not_trusted(repo, tmp_path: Path) -> None:
    root, cache = repo({"registers/actions.yaml": BROKEN_ACTION}), tmp_path / "cache"
    expected = _check(root, tmp_path / "clean")
    _check(root, cache)
    [written] = _cached(cache)
    wrong_code = marshal.dumps({t: (compile("raise ValueError", "x", "exec"), "validate") for t in TYPES})
    for junk in (b"", b"\x00garbage\xff" * 100, written.read_bytes()[:1000], wrong_code):
        written.write_bytes(junk)
        _forget_readings(cache)  # so the records are validated again, with the damaged validators
        assert _check(root, cache) == expected
        if junk is not wrong_code:  # well-formed but broken code is bypassed in memory
            assert written.read_bytes() != junk


def test_an_unwritable_cache_only_costs_time(repo, tmp_path: Path) -> None:
    root = repo({"registers/actions.yaml": BROKEN_ACTION})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be\n")
    expected = _check(root, tmp_path / "clean")
    assert _check(root, blocker) == expected


def test_brm_no_cache_writes_nothing(repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _check(repo(), cache, BRM_NO_CACHE="1")
    assert not (cache / "brm-evidence").exists()


# -- the parse cache: readings and schema verdicts, by the SHA-256 of each file's bytes ------------

#: Findings at many lines and columns: a schema problem deep in a register, an unreadable file,
#: a dangling reference in front-matter, a duplicate key.
FINDINGS = {
    "registers/actions.yaml": BROKEN_ACTION,
    "registers/services.yaml": "- id: cloud-hosting\n  name: Cloud Hosting\n  owner: priya-shah\n  owner: x\n",
    "reviews/2026/2026-11-10-retailco.md": BASE["reviews/2026/2026-11-10-retailco.md"].replace(
        "attendees: [sam-patel, alex-morgan]", "attendees: [sam-patel, alex-morgan, nobody]"
    ),
    "surveys/results/2026/2026-Q3-retailco.md": BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
        "invited: 10", "invited: ten"
    ),
}


def _readings(cache: Path) -> Path:
    [database] = (cache / "brm-evidence").glob("entries-*.sqlite3")
    return database


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """``counted(root)``: the findings of an in-process check with its own cache, and how many files were parsed."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = checks.sources.read_content
    parsed: list[str] = []

    def read_content(raw, path, markdown):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(raw, path, markdown)

    monkeypatch.setattr(checks.sources, "read_content", read_content)

    def judge(root: Path) -> tuple[list[tuple[object, ...]], int]:
        """The findings, and how many files were parsed (a position reads a file's YAML text again, unparsed)."""
        parsed.clear()
        findings = run(load(root), AS_OF)
        return [(f.path, f.line, f.column, f.rule, f.severity, f.subject, f.message) for f in findings], len(parsed)

    return judge


def test_a_file_read_before_is_not_parsed_again_and_its_findings_and_lines_are_the_same(repo, counted) -> None:
    root = repo(FINDINGS)
    first, parsed = counted(root)
    assert parsed == len([*root.rglob("*.yaml"), *root.rglob("*.md")])  # every evidence file, once
    assert {rule for _, _, _, rule, *_ in first} >= {"BRM001", "BRM002", "BRM003"}
    second, parsed = counted(root)
    assert parsed == 0
    assert second == first  # positions included: the file is read again for the YAML text of a finding


def test_a_file_changed_after_it_was_read_gives_no_position_and_nothing_is_kept(repo, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = repo(FINDINGS)
    files = WorkingTree(root)
    loaded = load(root, files)
    document = next(d for d in loaded.repository.documents if d.path.startswith("reviews/"))
    assert document.yaml_text is None and document.origin is files  # not kept: read again when asked
    (root / document.path).write_text((root / document.path).read_text() + "\n<!-- edited -->\n")
    assert document.where("date") == (1, 1)
    assert files.raced  # a check that saw the change keeps nothing
    fresh = load(root).repository.documents
    again = next(d for d in fresh if d.path == document.path)
    assert again.where("date")[0] > 1  # the file as it is now has its positions


def test_the_key_is_the_content_not_the_file_name_size_or_time(repo, counted) -> None:
    root = repo(FINDINGS)
    first, _ = counted(root)
    actions = root / "registers/actions.yaml"
    stamp = actions.stat()
    actions.write_text(BROKEN_ACTION.replace("status: finished", "status: finishes"))  # same size
    os.utime(actions, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # and the same time
    second, parsed = counted(root)
    assert parsed == 1
    assert [m for *_, m in second if "finishes" in str(m)] and not [m for *_, m in second if "finished" in str(m)]
    # The same bytes in another file of the same kind are read from the cache.
    (root / "registers/actions").mkdir()
    (root / "registers/actions/2027.yaml").write_text(BROKEN_ACTION.replace("ACT-0001", "ACT-0002"))
    _, parsed = counted(root)
    assert parsed == 1


def _damage(database: Path, how: str) -> None:
    if how in ("garbage", "truncated"):
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    if how == "garbage":
        database.write_bytes(b"\x00garbage\xff" * 1000)
    elif how == "truncated":
        database.write_bytes(database.read_bytes()[:5000])
    elif how == "foreign":
        database.unlink()
        with sqlite3.connect(database) as db:
            db.execute("CREATE TABLE entries (name TEXT)")
            db.execute("PRAGMA user_version=7")
    else:
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT rowid, value FROM entries ORDER BY rowid").fetchall()
            if how == "flipped":  # a changed byte inside every value: the checksum tells
                for rowid, value in rows:
                    middle = len(value) // 2
                    db.execute(
                        "UPDATE entries SET value = ? WHERE rowid = ?",
                        (value[:middle] + bytes([value[middle] ^ 0x55]) + value[middle + 1 :], rowid),
                    )
            else:  # "swapped": every value sound, but under another file's key
                values = [value for _, value in rows]
                for (rowid, _), value in zip(rows, values[1:] + values[:1], strict=True):
                    db.execute("UPDATE entries SET value = ? WHERE rowid = ?", (value, rowid))


@pytest.mark.parametrize("how", ["garbage", "truncated", "foreign", "flipped", "swapped"])
def test_a_damaged_or_foreign_parse_cache_only_costs_time(repo, counted, tmp_path: Path, how: str) -> None:
    root = repo(FINDINGS)
    expected, files = counted(root)
    database = _readings(tmp_path / "cache")
    _damage(database, how)
    again, parsed = counted(root)
    assert again == expected
    assert parsed == files  # nothing damaged was trusted
    third, parsed = counted(root)
    assert third == expected and parsed == 0  # and the cache works again


def test_the_parse_cache_through_the_command(repo, tmp_path: Path) -> None:
    root, cache = repo(FINDINGS), tmp_path / "cache"
    first = _check(root, cache)
    assert _readings(cache).stat().st_size > 0
    assert _check(root, cache) == first == _check(root, tmp_path / "other", BRM_NO_CACHE="1")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be\n")
    assert _check(root, blocker) == first


def test_a_front_matter_escape_is_seen_when_the_file_is_served_from_the_cache(repo, counted) -> None:
    # "\x3c" is '<' once YAML has read it; the cache keeps that the text could spell markup, not the text.
    review = "reviews/2026/2026-11-10-retailco.md"
    escaped = BASE[review].replace("- Keep the current maintenance window.", '- "\\x3cscript>x()\\x3c/script>"')
    assert escaped != BASE[review]
    root = repo({review: escaped})
    first, parsed = counted(root)
    second, again = counted(root)
    assert again == 0 < parsed
    unsafe = [(path, line) for path, line, _column, rule, *_ in second if rule == "BRM005"]
    assert unsafe == [(review, 12)]
    assert second == first


def test_cache_keys_name_the_installed_versions_as_the_package_metadata_does() -> None:
    """The versions in cache keys are read without importing importlib.metadata; they are its versions."""
    from importlib.metadata import version

    from checks.cache import installed

    libraries = ("pyyaml", "fastjsonschema", "jsonschema", "python-dateutil", "holidays", "tzdata")
    assert installed(*libraries) == {name: version(name) for name in libraries}
    assert installed("no-such-library-here") == {"no-such-library-here": "unknown"}


def test_the_minutes_action_items_are_kept_with_the_reading(repo, counted, monkeypatch: pytest.MonkeyPatch) -> None:
    review = "reviews/2026/2026-11-10-retailco.md"
    root = repo({review: BASE[review] + "\n- [ ] Send the revised SLA to Dana\n"})
    first, parsed = counted(root)
    real = checks.model.action_items
    searched: list[str] = []

    def action_items(text: str, first_line: int) -> tuple[tuple[int, str], ...]:
        searched.append(text)
        return real(text, first_line)

    monkeypatch.setattr(checks.model, "action_items", action_items)
    second, again = counted(root)
    assert again == 0 < parsed
    assert searched == []  # the minutes were neither parsed nor searched again
    untracked = [(path, line) for path, line, _column, rule, *_ in second if rule == "ACT001"]
    assert untracked == [(review, BASE[review].count("\n") + 2)]
    assert second == first
