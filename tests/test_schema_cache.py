"""The compiled-validator cache: a speed-up that can never change an answer or stop a check."""

from __future__ import annotations

import json
import marshal
from pathlib import Path

from checks.schema import TYPES

from .conftest import BASE, brm

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
