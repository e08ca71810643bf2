"""Pages that fit and print, measured in a real headless Chromium on the built example.

At 1366 px (a common laptop) no table on any page may be wider than the box it stands
in: a column cut off, or hidden behind a scroll bar, is evidence an auditor does not
see. On a phone-sized screen a table scrolls inside its own box, never the page.
Printed to A4 (Chromium's own print-to-PDF), a customer's page keeps every column of
every table, and each sheet carries the as-of date and the commit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Browser, Page

from .site_support import AS_OF, serve

#: Every table on the page that is wider than its box, or scrolls inside it: (its headings, widths).
OVERFLOWING = """() => [...document.querySelectorAll('article table')].map(table => {
  const box = table.closest('.md-typeset__scrollwrap') || table.parentElement;
  const article = table.closest('article');
  return {headings: [...table.querySelectorAll('th')].map(th => th.innerText.trim()).join(' | '),
          table: Math.ceil(table.getBoundingClientRect().width), box: box.clientWidth,
          scrolls: box.scrollWidth, article: article.clientWidth};
}).filter(t => t.scrolls > t.box + 1 || t.table > t.article + 1)"""


@pytest.fixture(scope="module")
def served(example_site: Path) -> Iterator[str]:
    with serve(example_site) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    # The search index plays no part in the layout: not loading it on every page saves half the time.
    context.route("**/search/search_index.json", lambda route: route.abort())
    yield context.new_page()
    context.close()


def site_pages(site: Path) -> list[str]:
    return sorted("" if p.parent == site else f"{p.parent.relative_to(site)}/" for p in site.rglob("index.html"))


def test_no_table_is_wider_than_its_box_at_1366_px(example_site: Path, served: str, page: Page) -> None:
    paths = site_pages(example_site)
    assert len(paths) > 50 and "registers/actions/" in paths and "customers/northgate-financial/" in paths
    tables, too_wide = 0, {}
    for path in paths:
        page.goto(served + path, wait_until="load")
        tables += page.locator("article table").count()
        found = page.evaluate(OVERFLOWING)
        if found:
            too_wide[path] = found
    assert tables > 100  # the measure looked at tables
    assert too_wide == {}


def test_the_measure_sees_a_table_too_wide(served: str, page: Page) -> None:
    """Control: a table forced wider than the page is reported by the measure above."""
    page.goto(served + "registers/actions/", wait_until="load")
    assert page.evaluate(OVERFLOWING) == []
    page.add_style_tag(content=".md-typeset table:not([class]) td { white-space: nowrap; }")
    assert page.evaluate(OVERFLOWING) != []


def test_registers_and_the_dashboard_use_the_whole_width(served: str, page: Page) -> None:
    widths = {}
    for path in ("", "registers/actions/", "customers/northgate-financial/"):
        page.goto(served + path, wait_until="load")
        widths[path] = page.evaluate("() => document.querySelector('article').clientWidth")
    assert widths[""] > 1000 and widths["registers/actions/"] > 1000  # no table of contents beside them
    assert widths["customers/northgate-financial/"] < widths["registers/actions/"]


def test_on_a_narrow_screen_a_table_scrolls_inside_its_box(browser: Browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    page.goto(served + "registers/actions/", wait_until="load")
    sizes = page.evaluate("""() => {
      const box = document.querySelector('article .md-typeset__scrollwrap');
      return {page: document.documentElement.scrollWidth, window: window.innerWidth,
              box: box.clientWidth, content: box.scrollWidth};
    }""")
    context.close()
    assert sizes["page"] <= sizes["window"]  # the page itself does not scroll sideways
    assert sizes["content"] > sizes["box"]  # the table does, inside its box


def test_a_printed_customer_page_has_every_column_and_the_stamp_on_every_sheet(served: str, page: Page) -> None:
    page.goto(served + "customers/northgate-financial/", wait_until="load")
    headings = page.evaluate("() => [...document.querySelectorAll('article th')].map(th => th.textContent.trim())")
    assert {"Closure evidence", "Confirmation due", "Acknowledged", "Escalations", "Next review set"} <= set(headings)
    page.emulate_media(media="print")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    sheets = [sheet.extract_text() for sheet in pdf.pages]
    assert len(sheets) > 1
    printed = re.sub(r"\s+", " ", " ".join(sheets))
    missing = sorted({h for h in headings if re.sub(r"\s+", " ", h) not in printed})
    assert missing == []
    for number, sheet in enumerate(sheets, start=1):
        flat = re.sub(r"\s+", " ", sheet)
        assert f"Evidence as of {AS_OF}, built from" in flat, f"sheet {number} has no stamp"
        assert f"page {number} of {len(sheets)}" in flat
    assert "Dashboard" not in printed and "Table of contents" not in printed  # no navigation on paper
