"""A real `mkdocs build --strict`: of the bundled example, and of a fixture with planted script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from .conftest import ROOT
from .site_support import (
    AS_OF,
    PLANTED,
    PLANTED_REGISTER_FILE,
    build,
    build_example,
    contacts_of_example,
    planted_repository,
)

#: Any element that would make the browser fetch from another host.
REMOTE_ASSET = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I
)


@pytest.fixture(scope="module")
def example(example_site: Path) -> Path:
    return example_site


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("planted")
    root = planted_repository(base / "evidence")
    site = base / "site"
    result = build(base / "config", root, site)
    return site, result.returncode, result.stderr  # type: ignore[return-value]


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_example_builds_every_section(example: Path) -> None:
    for page in ("index.html", "customers/northgate-financial/index.html", "registers/actions/index.html",
                 "minutes/index.html", "surveys/index.html", "procedures/index.html", "findings/index.html",
                 "rules/REV001/index.html", "clause-map/index.html", "calendar/index.html", "heatmap/index.html",
                 "calendar.ics", "assets/brm.css", "search/search_index.json"):  # fmt: skip
        assert (example / page).is_file(), page
    minutes = list((example / "minutes").rglob("index.html"))
    reviews = list((ROOT / "reviews").rglob("*.md"))
    assert len(minutes) == len(reviews) + 1  # one page per review, and the index


def test_example_dashboard_states_as_of_and_commit(example: Path) -> None:
    dashboard = (example / "index.html").read_text(encoding="utf-8")
    assert f"As of:</strong> {AS_OF}" in dashboard
    assert re.search(r"Built from commit:</strong> (<a [^>]*>)?<code>[0-9a-f]{7,}</code>|no git history", dashboard)
    assert "Northgate Financial" in dashboard and "brm-mark" in dashboard


def test_example_fetches_nothing_from_another_host(example: Path) -> None:
    offenders = [(p.relative_to(example), m.group(0)) for p in html_files(example)
                 for m in REMOTE_ASSET.finditer(p.read_text(encoding="utf-8"))]  # fmt: skip
    assert offenders == []
    assert "fonts.googleapis.com" not in (example / "index.html").read_text(encoding="utf-8")


def test_example_publishes_no_contact_details(example: Path) -> None:
    emails, phones = contacts_of_example()
    assert emails and phones
    published = [p for p in [*html_files(example), example / "search/search_index.json", example / "calendar.ics"]]
    for path in published:
        content = path.read_text(encoding="utf-8")
        for contact in [*emails, *phones]:
            assert contact not in content, (path, contact)
    names = (example / "customers/northgate-financial/index.html").read_text(encoding="utf-8")
    assert "Dana Whitfield" in names and "Head of IT Operations" in names


def test_example_search_index_has_the_customers(example: Path) -> None:
    index = json.loads((example / "search/search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    assert {"Northgate Financial", "RetailCo", "MedTech Solutions"} <= titles


def test_example_calendar_is_rfc5545(example: Path) -> None:
    calendar = icalendar.Calendar.from_ical((example / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    assert all(e.get("uid") and e.get("dtstamp") and e.get("dtstart") for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert any("Northgate Financial" in str(e["summary"]) for e in events)


def test_fixture_with_findings_still_builds(planted) -> None:
    site, returncode, stderr = planted
    assert returncode == 0, stderr
    findings = (site / "findings/index.html").read_text(encoding="utf-8")
    assert "BRM005" in findings  # the planted script is reported, and the build went on


def planted_page(site: Path) -> str:
    page = site / "minutes" / PLANTED.removeprefix("reviews/").removesuffix(".md") / "index.html"
    return page.read_text(encoding="utf-8")


def test_planted_script_never_reaches_the_page(planted) -> None:
    site, returncode, _ = planted
    assert returncode == 0
    html = planted_page(site)
    assert "Planted minutes" in html and "The minutes end here." in html  # the body was rendered
    assert "window.__pwned" not in html.replace("&lt;script&gt;window.__pwned", "")  # only as escaped text
    assert "&lt;script&gt;window.__pwned = 'front-matter'&lt;/script&gt;" in html.replace("&#x27;", "'")
    evidence = html[html.index('<div class="brm-evidence"') : html.index('id="findings-on-these-minutes"')]
    assert "Sam Patel opened the review." in evidence
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I)  # no event handler anywhere
    for needle in ("<script", "onerror", "javascript:", "<iframe", "<img", "tracker.invalid", "evil.invalid"):
        assert needle not in evidence, needle
    assert not re.search(r"<script>[^<]*__pwned", html)


def test_planted_contacts_are_withheld(planted) -> None:
    site, _, _ = planted
    html = planted_page(site)
    assert "sam.patel@retailco.example" not in html and "+44 20 7946 0101" not in html
    assert "[e-mail withheld]" in html and "[phone withheld]" in html
    assert "Sam Patel" in html


def test_planted_code_block_survives_embedding(planted) -> None:
    """Markdown-in-HTML: a blank line inside the evidence's code block must not end the raw block."""
    site, _, _ = planted
    html = planted_page(site)
    assert "with a blank line and &lt;b&gt;markup&lt;/b&gt; *inside*" in html
    evidence = html[html.index('<div class="brm-evidence"') : html.index('id="findings-on-these-minutes"')]
    assert "The minutes end here.</p>\n</div>" in evidence  # the raw block ended with the document, not before


def test_fixture_without_git_says_so(planted) -> None:
    site, _, _ = planted
    assert "no git history" in planted_page(site)
    assert "no git history" in (site / "index.html").read_text(encoding="utf-8")


def test_a_finding_on_a_register_file_links_to_an_anchor_that_exists(planted) -> None:
    """The strict build checks every anchor (mkdocs.yml: validation.anchors), and the link lands on the file."""
    site, returncode, stderr = planted
    assert returncode == 0, stderr
    findings = (site / "findings/index.html").read_text(encoding="utf-8")
    link = re.search(r'href="(\.\./registers/actions/#([^"]+))"><code>' + re.escape(PLANTED_REGISTER_FILE), findings)
    assert link is not None, "the finding about the register file links to the action tracker"
    actions = (site / "registers/actions/index.html").read_text(encoding="utf-8")
    assert f'id="{link.group(2)}"' in actions


def test_an_anchor_that_does_not_exist_fails_the_strict_build(tmp_path: Path) -> None:
    """Control for the test above: with the project's mkdocs.yml, a link to a missing anchor fails --strict."""
    from .site_support import project_config

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[there](other.md#no-such-anchor)\n", encoding="utf-8")
    (docs / "other.md").write_text("# Other\n", encoding="utf-8")
    config = {"site_name": "x", "docs_dir": str(docs), "site_dir": str(tmp_path / "site"),
              "validation": project_config()["validation"]}  # fmt: skip
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})  # fmt: skip
    assert result.returncode != 0 and "no-such-anchor" in result.stderr


PAGES_URL = "https://example-org.github.io/evidence/"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built for a GitHub Pages project site (BRM_SITE_URL, as the publish workflow sets it)."""
    site = tmp_path_factory.mktemp("pages-site")
    result = build_example(site, site_url=PAGES_URL)
    assert result.returncode == 0, result.stderr
    return site


def test_the_sitemap_lists_every_page_at_the_project_site(published: Path) -> None:
    sitemap = (published / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {PAGES_URL + str(p.parent.relative_to(published)).removeprefix(".") for p in html_files(published)}
    pages = {p if p.endswith("/") else p + "/" for p in pages if "404.html" not in p}
    assert listed == pages - {PAGES_URL + "404/"} and len(listed) > 50


def test_the_404_page_finds_its_assets_under_the_project_path(published: Path) -> None:
    """GitHub Pages serves 404.html for any missing path: its links must not be relative to that path."""
    page = (published / "404.html").read_text(encoding="utf-8")
    targets = re.findall(r'(?:href|src)="([^"#]+)"', page)
    local = [t for t in targets if not t.startswith(("http://", "https://", "data:"))]
    assert local and all(t.startswith("/evidence/") for t in local), local
    assert "/evidence/assets/brm.css" in local
