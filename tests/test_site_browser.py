"""The built site in a real headless Chromium (Debian's), served from 127.0.0.1.

Every request the pages make is recorded: the site must not reach any other host. The
planted minutes' script and event handler must never run, and axe-core must find no
serious or critical accessibility violation on the dashboard or a customer page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from .conftest import ROOT
from .site_support import PLANTED, build, planted_repository, serve

AXE = ROOT / "tests/.cache/axe.min.js"  # fetched by `make test` (see the Makefile)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, example_site: Path) -> Iterator[dict[str, str]]:
    base = tmp_path_factory.mktemp("browser")
    example = example_site
    planted = base / "planted"
    built = build(base / "config", planted_repository(base / "evidence"), planted)
    assert built.returncode == 0, built.stderr
    with serve(example) as example_url, serve(planted) as planted_url:
        yield {"example": example_url, "planted": planted_url}


def heading(page: Page) -> str:
    return page.locator("article h1").first.inner_text().removesuffix("¶").strip()


class Watched:
    """A page whose requests, console errors and uncaught exceptions are all recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname != "127.0.0.1"]  # fmt: skip


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context()
    page = Watched(context.new_page())
    yield page
    context.close()


def test_dashboard_renders(sites: dict[str, str], watched: Watched) -> None:
    page = watched.open(sites["example"])
    assert "evidence dashboard" in heading(page)
    matrix = page.locator("table", has_text="Requirements agreed").first
    assert matrix.is_visible()
    assert "Northgate Financial" in matrix.inner_text()
    assert page.locator(".brm-mark").count() > 0
    assert watched.errors == []
    assert watched.foreign_requests() == []
    assert any(urlsplit(u).path.endswith(".css") for u in watched.requests)  # the recorder works


def test_customer_page_shows_names_not_contacts(sites: dict[str, str], watched: Watched) -> None:
    page = watched.open(sites["example"] + "customers/northgate-financial/")
    assert heading(page) == "Northgate Financial"
    text = page.locator("article").inner_text()
    html = page.content()
    for name, role in (("Dana Whitfield", "Head of IT Operations"), ("Marcus Bell", "Employee IT Services Manager")):
        assert name in text and role in text
    assert "agree-requirements" in text
    for contact in ("dana.whitfield@northgate.example", "marcus.bell@northgate.example", "+44 20 7946 0231", "@"):
        assert contact not in text, contact
    assert "northgate.example" not in html
    assert page.locator("figure svg[role=img]").count() >= 1  # the satisfaction trend
    assert watched.errors == [] and watched.foreign_requests() == []


def test_search_finds_a_customer(sites: dict[str, str], watched: Watched) -> None:
    page = watched.open(sites["example"])
    page.locator("input.md-search__input").click()
    page.keyboard.type("MedTech", delay=30)
    result = page.locator(".md-search-result__item > a[href*='customers/medtech-solutions/']").first
    result.wait_for(state="visible", timeout=20000)
    result.click()
    page.wait_for_load_state("networkidle")
    assert heading(page) == "MedTech Solutions"
    assert watched.errors == [] and watched.foreign_requests() == []


def test_planted_script_and_handler_never_run(sites: dict[str, str], watched: Watched) -> None:
    page = watched.open(sites["planted"] + "minutes/" + PLANTED.removeprefix("reviews/").removesuffix(".md") + "/")
    assert "Planted minutes" in page.locator("article").inner_text()  # the body is on the page
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#planted-link").count() == 0 or page.locator("#planted-link[href]").count() == 0
    assert page.locator("article a", has_text="a planted link").get_attribute("href") is None
    assert watched.errors == []
    assert watched.foreign_requests() == []  # the planted remote image and iframe are gone


def test_the_pwned_probe_detects_script(browser: Browser) -> None:
    """Control: the probe above would see a script that ran."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<img src=x onerror=\"window.__pwned = 'onerror'\"><script>window.__pwned2 = 1</script>")
    page.wait_for_function("() => window.__pwned === 'onerror'")
    assert page.evaluate("() => window.__pwned2") == 1
    context.close()


def test_no_foreign_request_across_the_site(sites: dict[str, str], watched: Watched) -> None:
    for path in ("", "registers/people/", "minutes/", "surveys/", "procedures/", "findings/", "rules/REV001/",
                 "clause-map/", "calendar/", "heatmap/", "registers/actions/"):  # fmt: skip
        watched.open(sites["example"] + path)
    assert len(watched.requests) > 11
    assert watched.foreign_requests() == []
    assert watched.errors == []


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["", "customers/northgate-financial/"], ids=["dashboard", "customer"])
def test_axe_finds_no_serious_violation(sites: dict[str, str], watched: Watched, path: str) -> None:
    assert AXE.is_file(), "run `make tests/.cache/axe.min.js` (part of `make test`)"
    page = watched.open(sites["example"] + path)
    assert axe_violations(page) == []


def test_axe_probe_reports_violations(browser: Browser) -> None:
    """Control: the scan above would see a serious violation."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="en"><body><main><img src="data:,"><p style="color:#eee">faint</p></main></body></html>'
    )
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt"}
    context.close()
