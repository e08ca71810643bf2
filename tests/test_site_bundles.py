"""The site's evidence bundles and management report: built with the site, from the same commit.

A real ``mkdocs build --strict`` of a git repository with history; a bundle the site
publishes is byte for byte the one ``brm bundle`` makes of that commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from checks.bundle import published
from checks.load import load
from checks.rules import run
from checks.site.pages import Evidence, Site
from checks.site.provenance import read_history

from .conftest import ROOT, brm
from .test_bundle import make_history

AS_OF = "2026-11-23"


def _build(evidence: Path, destination: Path, **options: object) -> subprocess.CompletedProcess[str]:
    config = {
        "site_name": "Evidence",
        "docs_dir": str(ROOT / "checks/site/docs"),
        "site_dir": str(destination),
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"brm": {"root": str(evidence), "as_of": AS_OF, **options}}],
        "markdown_extensions": [{"toc": {"permalink": True}}, "tables", "admonition", "attr_list", "fenced_code"],
    }
    config_file = destination.parent / f"{destination.name}.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    # No kept bundles: every build makes them, in the worker process `mkdocs build` uses.
    environment = {k: v for k, v in os.environ.items() if k != "BRM_AS_OF"} | {
        "NO_MKDOCS_2_WARNING": "1",
        "BRM_NO_CACHE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config_file)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("site-bundles")
    evidence = folder / "evidence"
    make_history(evidence)
    done = _build(evidence, folder / "site")
    assert done.returncode == 0, done.stderr
    return evidence, folder / "site"


def test_the_site_publishes_the_bundle_brm_bundle_makes_of_the_same_commit(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    evidence, site = built
    published = site / "bundles/retailco.zip"
    made = tmp_path / "retailco.zip"
    done = brm("bundle", str(evidence), "--customer", "retailco", "--as-of", AS_OF, "--output", str(made))
    assert done.returncode == 0, done.stderr
    assert published.read_bytes() == made.read_bytes()
    verified = brm("verify", str(published), cwd=evidence)
    assert verified.returncode == 0 and "match commit" in verified.stdout


def test_customer_page_and_dashboard_link_the_download(built: tuple[Path, Path]) -> None:
    _evidence, site = built
    customer = (site / "customers/retailco/index.html").read_text(encoding="utf-8")
    assert 'href="../../bundles/retailco.zip"' in customer
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="bundles/retailco.zip"' in dashboard
    digest = hashlib.sha256((site / "bundles/retailco.zip").read_bytes()).hexdigest()
    listing = (site / "bundles/index.html").read_text(encoding="utf-8")
    assert digest in listing and digest in dashboard


def test_bundles_made_while_the_pages_render_leave_no_placeholder(built: tuple[Path, Path]) -> None:
    _evidence, site = built
    digest = hashlib.sha256((site / "bundles/retailco.zip").read_bytes()).hexdigest()
    assert digest in (site / "search/search_index.json").read_text(encoding="utf-8")  # what the search finds too
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".ics", ".js"):
            assert b"brmbundle" not in path.read_bytes(), path


def test_a_bundle_worker_that_dies_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = tmp_path / "evidence"
    make_history(evidence)
    loaded = load(evidence)
    day = date.fromisoformat(AS_OF)
    findings, history = run(loaded, day), read_history(evidence)
    expected = published.downloads(evidence, loaded, findings, day, history, False)
    parent, real = os.getpid(), published.Making._make

    def make(self: published.Making, customers: list[str]) -> dict[str, bytes]:
        if os.getpid() != parent:
            os._exit(3)  # the forked worker dies before it sends anything
        return real(self, customers)

    monkeypatch.setattr(published.Making, "_make", make)
    making = published.Making(evidence, loaded, findings, day, history, False, None, parallel=True)
    assert making.listed and all(isinstance(d, published.Pending) for d in making.listed.values())
    assert [d.path for d in making.listed.values()] == [d.path for d in expected.values()]
    finished = making.finish()
    assert finished == expected  # made in this process instead, the same bytes
    pending = [d for d in making.listed.values() if isinstance(d, published.Pending)]
    shown = " ".join(f"{d.sha256} {d.size_text}" for d in pending)
    assert shown.isascii() and not any(c.isdigit() for c in shown)  # no digit a phone number could match
    assert making.filler(finished)(shown) == " ".join(f"{d.sha256} {d.size_text}" for d in expected.values())


def test_each_published_bundle_passes_sha256sum(built: tuple[Path, Path], tmp_path: Path) -> None:
    _evidence, site = built
    with zipfile.ZipFile(site / "bundles/retailco.zip") as archive:
        archive.extractall(tmp_path)
    done = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_bundles_nothing_is_built_or_linked(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    make_history(evidence)
    done = _build(evidence, tmp_path / "site", bundles=False)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "site/bundles").exists()
    customer = (tmp_path / "site/customers/retailco/index.html").read_text(encoding="utf-8")
    assert ".zip" not in customer and "none built with this site" in customer


def test_the_report_section_has_a_page_per_quarter(built: tuple[Path, Path]) -> None:
    evidence, site = built
    quarters = sorted(p.name for p in (site / "report").iterdir() if p.is_dir())
    # Up to four, up to the as-of date, back to the first dated evidence (the process review of 30 June).
    assert quarters == ["2026-Q2", "2026-Q3", "2026-Q4"]
    page = (site / "report/2026-Q4/index.html").read_text(encoding="utf-8")
    assert "management report, 2026-Q4" in page and "What needs management attention" in page
    assert "<svg" in page  # the satisfaction trend
    assert re.search(r"Compliance over time", page)


def test_report_pages_match_brm_report(built: tuple[Path, Path]) -> None:
    """The site's quarter and `brm report --period` say the same things (the site escapes for Python-Markdown)."""
    evidence, _site = built
    loaded = load(evidence)
    as_of = date.fromisoformat(AS_OF)
    site = Site(Evidence(loaded=loaded, findings=run(loaded, as_of), as_of=as_of, history=read_history(evidence)))
    page = site.pages()["report/2026-Q3.md"]
    done = brm("report", str(evidence), "--period", "2026-Q3", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    for heading in re.findall(r"^## .*$", done.stdout, re.MULTILINE):
        assert heading in page
    attention = done.stdout.split("## What needs management attention", 1)[1].split("\n## ", 1)[0]
    sentences = [line[2:] for line in attention.strip().splitlines() if line.startswith("- ")]
    assert sentences and all(s.replace("\\", "") in page.replace("\\", "") for s in sentences)


def test_a_site_built_from_a_changed_working_tree_marks_the_changed_file_in_its_bundle(tmp_path: Path) -> None:
    """The site shows the working tree: its bundle holds a changed file as on disk, marked, and vouched by no commit."""
    evidence = tmp_path / "evidence"
    make_history(evidence)
    review = evidence / "reviews/2026/2026-11-10-retailco.md"
    review.write_text(review.read_text(encoding="utf-8") + "\nAn edit not committed yet.\n", encoding="utf-8")
    done = _build(evidence, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "site/bundles/retailco.zip"
    with zipfile.ZipFile(bundle) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files["evidence/reviews/2026/2026-11-10-retailco.md"] == review.read_bytes()
    manifest = json.loads(files["manifest.json"])
    entry = next(e for e in manifest["files"] if e.get("source") == "reviews/2026/2026-11-10-retailco.md")
    assert entry["uncommitted_changes"] is True and entry["committed"] is False and "last_commit" not in entry
    assert "as on disk, no commit vouches for it" in files["index.html"].decode("utf-8")
    verified = brm("verify", str(bundle), cwd=evidence)
    assert verified.returncode == 0, verified.stdout
