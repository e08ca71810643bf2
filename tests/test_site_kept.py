"""What a site build made is kept for the next build of the same evidence, and only for it.

The plugin is run in this process as MkDocs runs it (``load_config``, ``on_config``,
``on_files``), on a git repository with history whose report has month ends both before
its first commit (judged on today's evidence: kept by :mod:`checks.kept`) and after it
(judged on a commit: kept by :mod:`checks.memo`). Each test has a cache folder of its own.
"""

from __future__ import annotations

import io
import marshal
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from checks.bundle import published
from checks.cache import Entries
from checks.management import history

from .test_bundle import REVIEW, git, make_history

AS_OF = "2026-11-23"
BUNDLE = "bundles/retailco.zip"


@pytest.fixture
def evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BRM_NO_CACHE", raising=False)
    monkeypatch.delenv("BRM_AS_OF", raising=False)
    root = tmp_path / "evidence"
    make_history(root)
    return root


def site(root: Path) -> dict[str, bytes]:
    """Every file the plugin hands MkDocs (pages, calendar, bundles), by path, from a fresh configuration."""
    config_file = root.parent / "mkdocs.yml"
    (root.parent / "docs").mkdir(exist_ok=True)
    settings = {"site_name": "Evidence", "plugins": [{"brm": {"root": "evidence", "as_of": AS_OF}}]}
    config_file.write_text(yaml.safe_dump(settings), encoding="utf-8")
    config = load_config(str(config_file))
    config.plugins.on_config(config)
    files = config.plugins.on_files(Files([]), config=config)
    return {file.src_uri: file.content_bytes for file in files}


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (the real function still runs)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def member(bundle: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return archive.read(name)


def test_a_second_build_of_the_same_evidence_builds_no_bundle_and_judges_no_month_end(
    evidence: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = site(evidence)
    assert BUNDLE in first and "report/2026-Q3.md" in first
    assert b"today's evidence seen as of that day" in first["report/2026-Q3.md"]  # a month end before the history
    bundles, month_ends = counting(monkeypatch, published, "build"), counting(monkeypatch, history, "run")
    again = site(evidence)
    assert (bundles, month_ends) == ([], [])  # served as the first build made them
    assert again == first


def test_what_is_kept_is_what_a_build_without_the_cache_makes(evidence: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site(evidence)
    kept = site(evidence)
    monkeypatch.setenv("BRM_NO_CACHE", "1")
    bundles = counting(monkeypatch, published, "build")
    assert site(evidence) == kept
    assert bundles  # with the cache off, every bundle is made


def test_a_changed_evidence_file_changes_the_bundle_served(evidence: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = site(evidence)
    review = evidence / REVIEW
    review.write_text(review.read_text(encoding="utf-8") + "\nA decision added after the build.\n", encoding="utf-8")
    bundles, month_ends = counting(monkeypatch, published, "build"), counting(monkeypatch, history, "run")
    after = site(evidence)
    assert bundles and month_ends  # another evidence: made and judged afresh
    assert after[BUNDLE] != before[BUNDLE]
    assert member(after[BUNDLE], f"evidence/{REVIEW}") == review.read_bytes()  # the file as it is now
    assert b"A decision added after the build." in member(after[BUNDLE], "index.html")
    monkeypatch.setenv("BRM_NO_CACHE", "1")
    assert site(evidence) == after  # exactly what is made of the changed evidence


def test_a_new_commit_of_the_same_files_is_another_bundle(evidence: Path) -> None:
    """HEAD is in the key: the same files committed again are vouched by another commit."""
    before = site(evidence)
    git(
        evidence, "commit", "--quiet", "--allow-empty", "--message", "nothing changed", when="2026-11-20T09:00:00+00:00"
    )
    after = site(evidence)
    head = git(evidence, "rev-parse", "HEAD")
    assert after[BUNDLE] != before[BUNDLE]
    assert head.encode() in member(after[BUNDLE], "manifest.json")


def test_an_entry_that_is_not_ours_is_a_miss(evidence: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = site(evidence)
    (database,) = (evidence.parent / "cache/brm-evidence").glob("entries-*.sqlite3")
    with sqlite3.connect(database) as db:
        keys = [key for (key,) in db.execute("SELECT key FROM entries")]
    entries = Entries()
    for index, key in enumerate(keys):  # every entry: one of another layout, or one of ours of the wrong shape
        tag = "brm-kept-0" if index % 2 else "brm-kept-1"
        entries.put(key, marshal.dumps((tag, key, ("retailco", "not a bundle") if index % 2 else (1, 2))))
    entries.flush()
    entries.close()
    bundles = counting(monkeypatch, published, "build")
    assert site(evidence) == first
    assert bundles


def test_with_the_cache_off_nothing_is_kept(evidence: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRM_NO_CACHE", "1")
    site(evidence)
    bundles, month_ends = counting(monkeypatch, published, "build"), counting(monkeypatch, history, "run")
    site(evidence)
    assert bundles and month_ends
    assert not (evidence.parent / "cache").exists()


def test_each_customer_keeps_one_bundle_however_often_the_evidence_changes(evidence: Path) -> None:
    """``mkdocs serve`` rebuilds on every edit: the cache keeps the last bundle of each customer, not one an edit."""
    review = evidence / REVIEW

    def kept_bytes() -> int:
        (database,) = (evidence.parent / "cache/brm-evidence").glob("entries-*.sqlite3")
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT SUM(LENGTH(value)) FROM entries").fetchone()[0])

    sizes = []
    for edit in range(3):
        review.write_text(review.read_text(encoding="utf-8") + f"\nEdit {edit}.\n", encoding="utf-8")
        built = site(evidence)
        sizes.append(kept_bytes())
    assert sizes[2] - sizes[1] < len(built[BUNDLE]) / 2  # a new reading and a few month ends, no second bundle
