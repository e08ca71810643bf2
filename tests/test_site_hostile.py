"""Hostile evidence: a payload in every string field of every record type, built once, and then
read the way an attacker hopes a browser will and an auditor fears a search engine will.

The payloads (``site_support.Hostile``) carry every kind of markup attack (an element
with an event handler, ``<script>``, ``</title><script>``, ``"><svg onload=...>``,
attribute-breaking quotes, ``javascript:`` links) and a contact of the example's
registers, written one of several ways (``mailto:``, ``%40``, a phone number with
slashes or dashes). The fields are read from the JSON Schemas, so a new field or record
type is planted without editing this file. The site must build (``--strict``), report
BRM005, show every value as the text it is, and publish no contact detail anywhere:
pages, the search index, the calendar, the sitemap and the file names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Dialog, Page

from .site_support import MARK, SCHEMAS, UNESCAPED, Hostile, build, hostile_repository, serve

#: Attributes whose value is fetched or followed by the browser.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
#: The fields every sink must show (escaped): a name, titles, periods, decisions, KPI names, themes.
SHOWN = ["customer.name", "procedure.title", "review.period", "review.decisions[]", "review.kpis[].name",
         "satisfaction-result.period", "satisfaction-result.themes[]", "action.title", "service.name",
         "customer.representatives[].name", "person.name", "waiver.reason"]  # fmt: skip


@dataclass
class HostileSite:
    site: Path
    hostile: Hostile
    returncode: int
    stderr: str

    def files(self, *suffixes: str) -> list[Path]:
        return sorted(p for p in self.site.rglob("*") if p.is_file() and p.suffix in suffixes)

    def marker(self, field: str) -> str:
        return next(m for m, where in self.hostile.markers.items() if where == field)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> HostileSite:
    """The one build of hostile evidence the tests below share."""
    base = tmp_path_factory.mktemp("hostile")
    hostile = hostile_repository(base / "evidence")
    result = build(base / "config", base / "evidence", base / "site")
    return HostileSite(base / "site", hostile, result.returncode, result.stderr)


@pytest.fixture(scope="session")
def built(hostile_site: HostileSite) -> HostileSite:
    assert hostile_site.returncode == 0, hostile_site.stderr[-3000:]
    return hostile_site


# --- the fixture is what it claims -------------------------------------------------------------


def test_every_string_field_of_every_record_type_is_planted(hostile_site: HostileSite) -> None:
    planted = set(hostile_site.hostile.markers.values())
    kinds = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} - {"common"}
    assert len(kinds) >= 11
    for kind in kinds:
        assert any(field.startswith(f"{kind}.") for field in planted), kind
        assert f"file name of a {kind}" in planted, kind
    assert set(SHOWN) <= planted
    assert {"customer.id", "review.date", "person.email", "procedure.policy.tiers (a key)"} <= planted  # ids too


def test_the_scans_below_would_see_a_leak(tmp_path: Path) -> None:
    """Control: the scanners flag an unescaped payload, a handler, a script link and a contact."""
    hostile = Hostile()
    page = f"<p>{hostile.prose('customer.name')}</p><a href=' javascript:alert(1)'>x</a>"
    assert unescaped_markup(page)
    assert dangerous_markup(page) and any("javascript" in d for d in dangerous_markup(page))
    assert contacts_in("write to dana.whitfield%40northgate.example or +44/20/7946/0231")


# --- the build -----------------------------------------------------------------------------------


def test_hostile_evidence_builds_strict_and_is_reported(built: HostileSite) -> None:
    findings = (built.site / "findings/index.html").read_text(encoding="utf-8")
    assert "BRM005" in findings and "register value" in findings  # names in registers are flagged too
    assert (built.site / "calendar.ics").is_file() and (built.site / "search/search_index.json").is_file()


def test_every_sink_shows_the_values_as_text(built: HostileSite) -> None:
    """The values did reach the pages, as text: the scans below looked at them."""
    name = built.marker("customer.name")
    dashboard = (built.site / "index.html").read_text(encoding="utf-8")
    assert f"{name}&#x27;&quot;&gt;&lt;img src=x onerror=" in dashboard  # the navigation title, escaped
    titles = [re.search(r"<title>(.*?)</title>", p.read_text(encoding="utf-8"), re.S) for p in built.files(".html")]
    assert any(t and name in t.group(1) and "&lt;/title&gt;" in t.group(1) for t in titles)  # a <title>
    heatmap = (built.site / "heatmap/index.html").read_text(encoding="utf-8")
    assert re.search(rf"<title>{name}[^<]*&lt;script&gt;", heatmap)  # an SVG title
    index = json.loads((built.site / "search/search_index.json").read_text(encoding="utf-8"))
    assert any(name in doc["title"] and "&lt;img" in doc["title"] for doc in index["docs"])
    calendar = icalendar.Calendar.from_ical((built.site / "calendar.ics").read_bytes())
    assert any(name in str(event["summary"]) for event in calendar.walk("VEVENT"))
    everything = "".join(p.read_text(encoding="utf-8") for p in built.files(".html"))
    missing = [field for field in SHOWN if built.marker(field) not in everything]
    assert missing == []
    # A report's https link is a link, its quotes encoded and its %40-encoded address withheld.
    report = built.marker("review.report")
    link = rf'<a href="https://evidence\.example/{report}(?:\'|%27)%22%3E%3Csvg/onload=[^"]*\?to=\[e-mail withheld\]"'
    assert re.search(link, everything)
    assert "<code>mailto:[e-mail withheld]" in everything or "<code>javascript:alert(" in everything


# --- no markup from evidence anywhere ----------------------------------------------------------------


def unescaped_markup(text: str) -> list[str]:
    lowered = text.lower()
    return [fragment for fragment in UNESCAPED if fragment.lower() in lowered]


class _Elements(HTMLParser):
    """Every element and attribute an HTML text holds, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}=...>")
            scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:", "data:text")):
                self.dangers.append(f"<{tag} {name}={value!r}>")
            if MARK in name:
                self.dangers.append(f"<{tag}> with an attribute named from evidence: {name}")
        if MARK in tag or tag in ("iframe", "object", "embed", "frame", "img"):
            self.dangers.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == "script" and MARK in data:
            self.dangers.append(f"<script> with evidence in it: {data[:80]}")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]


def dangerous_markup(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.dangers


def test_no_planted_markup_in_any_file(built: HostileSite) -> None:
    leaks = {}
    for path in built.files(".html", ".json", ".ics", ".svg", ".xml", ".js", ".css", ".txt"):
        found = unescaped_markup(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            leaks[str(path.relative_to(built.site))] = found
    assert leaks == {}


def test_no_element_handler_or_script_link_from_evidence(built: HostileSite) -> None:
    pages = built.files(".html")
    assert len(pages) > 60
    found = {str(p.relative_to(built.site)): d for p in pages if (d := dangerous_markup(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_search_index_entries_are_safe_html(built: HostileSite) -> None:
    """Material inserts each entry's title and text as HTML when it shows a result."""
    index = json.loads((built.site / "search/search_index.json").read_text(encoding="utf-8"))
    found = {}
    for doc in index["docs"]:
        for key in ("title", "text"):
            dangers = dangerous_markup(doc[key]) + unescaped_markup(doc[key])
            if dangers:
                found[f"{doc['location']} {key}"] = dangers
    assert found == {}


def test_calendar_text_carries_no_markup(built: HostileSite) -> None:
    calendar = icalendar.Calendar.from_ical((built.site / "calendar.ics").read_bytes())
    texts = [str(event.get(key, "")) for event in calendar.walk("VEVENT") for key in ("summary", "description")]
    assert any(MARK in t for t in texts)
    assert [t for t in texts if "<" in t or ">" in t] == []


# --- no contact detail anywhere -------------------------------------------------------------------


_PHONE_RUN = re.compile(r"[+(]?\d(?:[\d\s()./-]|&nbsp;|&#160;)*\d")


def contacts_in(text: str, hostile: Hostile | None = None) -> list[str]:
    """Every e-mail address and phone number of the example's registers in ``text``, however written."""
    hostile = hostile or Hostile()
    found = []
    for email in hostile.emails:
        local, _, domain = email.partition("@")
        if re.search(re.escape(local) + r"(?:@|%40|&#0*64;|&#x0*40;|&commat;)" + re.escape(domain), text, re.I):
            found.append(email)
    tails = {re.sub(r"\D", "", phone)[-9:]: phone for phone in hostile.phones}
    for run in _PHONE_RUN.finditer(text):
        digits = re.sub(r"\D", "", re.sub(r"&nbsp;|&#160;", "", run.group()))
        found += [phone for tail, phone in tails.items() if tail in digits]
    return found


def test_no_contact_in_any_file_or_file_name(built: HostileSite) -> None:
    hostile = built.hostile
    assert hostile.emails and hostile.phones
    leaks = {}
    for path in built.files(".html", ".json", ".ics", ".svg", ".xml", ".js", ".txt"):
        found = contacts_in(path.read_text(encoding="utf-8", errors="replace"), hostile)
        if found:
            leaks[str(path.relative_to(built.site))] = sorted(set(found))
    names = "\n".join(str(p.relative_to(built.site)) for p in built.site.rglob("*"))
    assert leaks == {} and contacts_in(names, hostile) == []
    everything = "".join(p.read_text(encoding="utf-8") for p in built.files(".html"))
    assert "[e-mail withheld]" in everything and "[phone withheld]" in everything  # they were there


# --- in a real browser ------------------------------------------------------------------------------


def _watch(page: Page, dialogs: list[str]) -> None:
    def dismiss(dialog: Dialog) -> None:
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)


def test_no_page_runs_script_from_evidence(built: HostileSite, browser: Browser) -> None:
    """Every page of the hostile site, loaded with its images and scripts: no dialog ever opens."""
    pages = [p.relative_to(built.site) for p in built.files(".html")]
    dialogs: list[str] = []
    with serve(built.site) as url:
        context = browser.new_context()
        page = context.new_page()
        _watch(page, dialogs)
        for path in pages:
            page.goto(url + path.as_posix(), wait_until="load")
        # Search renders the index's entries as HTML: look for a planted name.
        page.goto(url, wait_until="load")
        page.locator("input.md-search__input").click()
        page.keyboard.type(built.marker("customer.name"), delay=10)
        page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=20000)
        assert page.locator(".md-search-result__item").count() > 0
        page.wait_for_timeout(300)
        context.close()
    fields = {m: built.hostile.markers[m] for d in dialogs for m in re.findall(rf"{MARK}\d+", d)}
    assert dialogs == [], fields


def test_the_dialog_probe_sees_a_payload_that_runs(browser: Browser) -> None:
    """Control: the handler above would record the planted payloads if they ran."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    _watch(page, dialogs)
    hostile = Hostile()
    page.set_content(f"<p>{hostile.prose('customer.name')}</p>")
    page.wait_for_timeout(300)
    context.close()
    assert any(MARK in d for d in dialogs)
