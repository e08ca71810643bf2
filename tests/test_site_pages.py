"""Page generation as plain code: evidence and findings in, Markdown pages out (no MkDocs)."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from checks.clauses import load_clause_map
from checks.coverage import coverage, representative_due, requirements_due
from checks.dates import Interval, in_words
from checks.findings import Severity
from checks.load import load
from checks.policy import Policy
from checks.rules import load_rules, run
from checks.site import charts, sanitize
from checks.site.markup import code, table, text
from checks.site.pages import Evidence, Site, heatmap, navigation, render
from checks.site.plugin import _pages_of, resolve_as_of
from checks.site.provenance import Commit, History, read_history
from checks.site.sanitize import EvidenceRenderer, Redactor

from .conftest import AS_OF, BASE, MEDTECH, dedent, write_repo
from .site_support import PLANTED, PLANTED_MINUTES

REVIEW = "reviews/2026/2026-11-10-retailco.md"
EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "fenced_code"]  # as in mkdocs.yml


def site(root: Path, as_of: date = AS_OF, **options) -> Site:
    loaded = load(root)
    return Site(Evidence(loaded, run(loaded, as_of), as_of, **options))


def html(page: str) -> str:
    return markdown.markdown(page, extensions=EXTENSIONS)


@pytest.fixture
def pages(repo) -> dict[str, str]:
    return site(repo()).pages()


# --- the set of pages -----------------------------------------------------------------------


def test_every_section_and_record_has_a_page(pages: dict[str, str]) -> None:
    expected = {
        "index.md", "customers/index.md", "customers/retailco.md", "registers/index.md", "registers/people.md",
        "registers/services.md", "registers/customers.md", "registers/requirements.md", "registers/actions.md",
        "registers/complaints.md", "registers/waivers.md", "minutes/index.md", "minutes/2026/2026-11-10-retailco.md",
        "minutes/2026/2026-06-30-process-review.md", "surveys/index.md", "surveys/instruments/csat-quarterly.md",
        "surveys/results/2026/2026-Q3-retailco.md", "procedures/index.md",
        "procedures/business-relationship-management.md", "findings.md", "rules/index.md", "clause-map.md",
        "calendar.md", "heatmap.md",
    }  # fmt: skip
    assert expected <= set(pages)
    assert {f"rules/{c}.md" for c in load_rules()} <= set(pages)


def test_navigation_names_only_generated_pages(repo) -> None:
    root = repo()
    loaded = load(root)
    evidence = Evidence(loaded, run(loaded, AS_OF), AS_OF)
    assert set(_pages_of(navigation(evidence))) <= set(render(evidence))
    assert "customers/retailco.md" in _pages_of(navigation(evidence))


def test_every_internal_link_points_at_a_page(pages: dict[str, str]) -> None:
    link = re.compile(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)")
    broken = []
    for path, page in pages.items():
        for target in link.findall(page):
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if resolved not in pages:
                broken.append((path, target))
    assert broken == []


def test_record_paths_that_would_clash_get_their_own_pages(repo) -> None:
    review = BASE[REVIEW]
    root = repo({"reviews/2026/index.md": review, "reviews/2026/a b.md": review, "reviews/2026/a-b.md": review})
    pages = site(root).pages()
    assert {"minutes/2026/doc-index.md", "minutes/2026/a-b.md", "minutes/2026/a-b-2.md"} <= set(pages)
    assert "minutes/index.md" in pages and pages["minutes/index.md"].startswith("# Minutes")


def test_long_ids_and_file_names_make_page_paths_a_file_system_takes(repo) -> None:
    customers = BASE["registers/customers.yaml"].replace("- id: retailco", f"- id: {'r' * 400}")
    long_name = f"reviews/2026/2026-11-10-{'x' * 220}.md"
    pages = site(repo({"registers/customers.yaml": customers, long_name: BASE[REVIEW]})).pages()
    assert all(len(segment.encode()) <= 120 for page in pages for segment in page.split("/"))
    assert f"customers/{'r' * 100}.md" in pages and f"minutes/2026/2026-11-10-{'x' * 89}.md" in pages


# --- the dashboard ---------------------------------------------------------------------------


def test_dashboard_states_as_of_commit_and_counts(repo) -> None:
    head = Commit("a" * 40, "aaaaaaa", "2026-11-20", "Alex Morgan")
    page = site(repo(), history=History(head=head, files={})).pages()["index.md"]
    assert "- **As of:** 2026-11-23" in page
    assert "- **Built from commit:** `aaaaaaa` (2026-11-20, Alex Morgan)" in page
    assert "| [Customers](customers/index.md) | 1 |" in page


def test_dashboard_matrix_is_the_coverage_computation(repo) -> None:
    root = repo()
    repository = load(root).repository
    expected = coverage(repository, Policy.from_repository(repository), AS_OF).customer("retailco")
    assert expected is not None and expected.review.due is not None and expected.survey.due is not None
    row = next(line for line in site(root).pages()["index.md"].splitlines() if line.startswith("| [RetailCo]"))
    # The next review is the date the last review set (2026-12-08), before the monthly cadence's 2026-12-10.
    assert expected.review.next == date(2026, 12, 8) and expected.review.due == date(2026, 12, 10)
    assert f"due {expected.review.next}" in row and f"due {expected.survey.due}" in row
    assert "✔ on time" in row


def test_dashboard_marks_an_overdue_review(repo) -> None:
    row = next(line for line in site(repo(), as_of=date(2027, 2, 1)).pages()["index.md"].splitlines()
               if line.startswith("| [RetailCo]"))  # fmt: skip
    assert "brm-overdue" in row and "✖ overdue" in row


def test_dashboard_counts_findings_by_family(repo) -> None:
    root = repo(
        {"registers/actions.yaml": BASE["registers/actions.yaml"].replace("due: 2026-12-15", "due: 2026-11-01")}
    )
    page = site(root).pages()["index.md"]
    family = next(line for line in page.splitlines() if line.startswith("| [Actions"))
    assert "brm-error" in family and "ACT003" in family


# --- a customer's page ------------------------------------------------------------------------


def test_customer_page_is_the_whole_bundle(pages: dict[str, str]) -> None:
    page = pages["customers/retailco.md"]
    for needed in (
        "Sam Patel", "Head of Platform Engineering", "`agree-requirements`, `review-performance`",  # representative
        "[Alex Morgan](../registers/people.md#alex-morgan) (Service Delivery Manager)",  # counterpart
        "[Cloud Hosting](../registers/services.md#cloud-hosting) | Platform Engineering",  # service, user group
        "- **Version:** 2\\.1", "- **Effective:** 2026-04-01", "✔ customer approval", "✔ service owner approval",
        '[<span class="brm-nowrap">2026-11-10</span>](../minutes/2026/2026-11-10-retailco.md)',  # links the minutes
        '<svg xmlns="http://www.w3.org/2000/svg" class="brm-chart" role="img"',  # satisfaction trend
        "[ACT\\-0001](../registers/actions.md#act-0001)",  # open action
        "## Complaints", "## Waivers", "## Open findings", "Provenance",
    ):  # fmt: skip
        assert needed in page, needed


def test_customer_page_shows_closure_evidence_and_complaints(repo) -> None:
    actions = BASE["registers/actions.yaml"] + dedent(
        """
        - id: ACT-0002
          title: Review backup retention
          source: CMP-0001
          customers: [retailco]
          owner: priya-shah
          raised: 2026-10-05
          due: 2026-10-30
          status: done
          closed: 2026-10-20
          evidence: Retention raised to 35 days under CHG-77.
        """
    )
    complaints = dedent(
        """
        - id: CMP-0001
          customer: retailco
          service: cloud-hosting
          channel: service-portal
          received: 2026-10-02T16:40:00+01:00
          acknowledged: 2026-10-02T17:10:00+01:00
          stage: closed
          escalations: []
          resolved: 2026-10-09
          feedback: Customer confirmed the fix.
          actions: [ACT-0002]
        """
    )
    page = site(repo({"registers/actions.yaml": actions, "registers/complaints.yaml": complaints})).pages()[
        "customers/retailco.md"
    ]
    closed = page[page.index("### Closed") :]
    assert "Retention raised to 35 days under CHG\\-77\\." in closed and "2026-10-20" in closed
    assert "[CMP\\-0001](../registers/complaints.md#cmp-0001)" in page
    assert "Customer confirmed the fix\\." in page


def test_customer_findings_and_waivers_are_on_its_page(repo) -> None:
    customers = BASE["registers/customers.yaml"].replace("confirmed: 2026-09-01", "confirmed: 2025-01-01")
    waivers = dedent(
        """
        - rule: REP004
          subject: sam-patel
          reason: Customer reorganisation; confirmation agreed for January.
          approved_by: olivia-reid
          approved: 2026-11-01
          expires: 2027-01-31
        """
    )
    pages = site(repo({"registers/customers.yaml": customers, "registers/waivers.yaml": waivers})).pages()
    page = pages["customers/retailco.md"]
    waivers_section = page[page.index("## Waivers") : page.index("## Open findings")]
    assert "[REP004](../rules/REP004.md)" in waivers_section and "Customer reorganisation" in waivers_section
    assert "REP004" in pages["findings.md"] and "waived" in pages["findings.md"]

    unwaived = site(repo({"registers/customers.yaml": customers})).pages()["customers/retailco.md"]
    findings_section = unwaived[unwaived.index("## Open findings") :]
    assert "[REP004](../rules/REP004.md)" in findings_section


# --- privacy -----------------------------------------------------------------------------------


CONTACTS = ("sam.patel@retailco.example", "+44 20 7946 0101", "alex.morgan@provider.example",
            "priya.shah@provider.example")  # fmt: skip


def test_contacts_are_not_published_by_default(repo) -> None:
    built = site(write_repo(repo(), {PLANTED: PLANTED_MINUTES}))
    pages = built.pages()
    # The plugin withholds contacts from each page's HTML (tests/test_site_build.py checks the built site).
    published = {path: built.redact(html(page)) for path, page in pages.items()}
    assert any(contact in html(page) for page in pages.values() for contact in CONTACTS)  # there were some
    for path, page in published.items():
        for contact in CONTACTS:
            assert contact not in page, (path, contact)
    assert "Sam Patel" in published["customers/retailco.md"] and "Sam Patel" in published["registers/people.md"]
    assert "[phone withheld]" in published[PLANTED.replace("reviews/", "minutes/")]


def test_contacts_are_published_when_asked(repo) -> None:
    pages = site(repo(), publish_contacts=True).pages()
    assert "sam\\.patel@retailco\\.example" in pages["customers/retailco.md"]
    assert "\\+44 20 7946 0101" in pages["customers/retailco.md"]
    assert "alex\\.morgan@provider\\.example" in pages["registers/people.md"]


def test_redactor_catches_phones_however_spaced() -> None:
    redact = Redactor(False, ["+44 20 7946 0101"])
    assert redact("call +44 (20) 7946-0101 or 442079460101, mail a.b@c.example") == (
        "call [phone withheld] or [phone withheld], mail [e-mail withheld]"
    )
    assert Redactor(True, ["+44 20 7946 0101"])("+44 20 7946 0101") == "+44 20 7946 0101"


WRITTEN = [
    ("plain address", "mail dana.whitfield@northgate.example today", "mail [e-mail withheld] today"),
    ("mailto", "`mailto:dana@northgate.example`", "`mailto:[e-mail withheld]`"),
    ("percent-encoded in a link", '<a href="https://x.example/?to=dana.whitfield%40northgate.example">',
     '<a href="https://x.example/?to=[e-mail withheld]">'),
    ("entity", "dana&#64;northgate.example and dana&#x40;northgate.example",
     "[e-mail withheld] and [e-mail withheld]"),
    ("full-width at", "dana\uff20northgate.example", "[e-mail withheld]"),
    ("in a file name", "reviews/2026/2026-11-20-dana@northgate.example.md", "reviews/2026/[e-mail withheld]"),
    ("phone with slashes", "call +44/20/7946/0101", "call [phone withheld]"),
    ("phone with no-break spaces, as HTML writes them", "+44&nbsp;20&nbsp;7946&nbsp;0101", "[phone withheld]"),
    ("phone without the country code", "(020) 7946 0101.", "[phone withheld]."),
    ("phone in other digits", "\uff14\uff14 20 7946 0101", "[phone withheld]"),
    ("phone beside a date, which stays", "+44 20 7946 0101 (2026-11-06)", "[phone withheld] (2026-11-06)"),
    ("date before a phone", "2026-11-06 020 7946 0101", "2026-11-06 [phone withheld]"),
    ("two phones in one run", "020 7946 0101 020 7946 0101", "[phone withheld] [phone withheld]"),
    ("other numbers stay", "due 2026-11-23, 99.95% of 1 200 000", "due 2026-11-23, 99.95% of 1 200 000"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "published"), [c[1:] for c in WRITTEN], ids=[c[0] for c in WRITTEN])
def test_redactor_withholds_contacts_however_written(written: str, published: str) -> None:
    # The register holds the number with a note beside it: the number inside is what is known.
    assert Redactor(False, ["+44 20 7946 0101 (mobile)"])(written) == published


#: Pieces a phone-like run is written with: digits (other scripts' too), gaps, entities, and what breaks a run.
RUN_PIECES = ["0", "1", "4", "20", "7946", "0101", "\uff14", "\u0663", " ", "-", "(", ")", "+", "/", ".", "&nbsp;",
              "&#160;", "&#xA0;", "&#1", ";", "&", "a", "@", "x@y.example"]  # fmt: skip


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(pieces=st.lists(st.sampled_from(RUN_PIECES), max_size=40), known=st.sampled_from([1, 2]))
def test_redactor_looks_at_exactly_the_runs_and_numbers_of_its_definition(pieces: list[str], known: int) -> None:
    """The fast patterns (a run tried from its first digit only; all known numbers in one search) find what the
    plain definition finds: every "\\+?\\(?\\d(?:GAP*\\d){n,}" run, and a known number at any of its digits."""
    text = "".join(pieces)
    redact = Redactor(False, ["+44 20 7946 0101", "0101 794"][:known])
    shortest = redact._lengths[0]  # the shortest known number or subscriber tail
    definition = re.compile(rf"\+?\(?\d(?:{sanitize._PHONE_GAP}*\d){{{shortest - 1},}}")
    assert [m.span() for m in redact._runs.finditer(text)] == [m.span() for m in definition.finditer(text)]
    for found in definition.finditer(text):
        digits = sanitize._digits(found.group())
        at_some_digit = any(redact._known_at(digits, index) for index in range(len(digits)))
        assert (redact._known is not None and redact._known.search(digits) is not None) == at_some_digit


class Reading:
    """A compiled pattern that counts how many characters it is given to read."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.read = pattern, 0

    def match(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        self.read += endpos - pos
        return self.pattern.match(text, pos, endpos)


LONG = 200_000
ADVERSARIAL = {
    "a long local part with no domain": "a." * (LONG // 2) + "@b",
    "at signs": "@" * LONG,
    "alternating": "a@" * (LONG // 2),
    "percent-encoded at signs": "%40" * (LONG // 3),
    "long domain with no top-level part": "x@" + "a." * (LONG // 2) + "1",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_email_redaction_reads_each_character_a_bounded_number_of_times(monkeypatch, text: str) -> None:
    """A pattern that restarts at every character is quadratic: '.a' * 100000 + '@b' took 88 s of a build."""
    local, domain = Reading(sanitize._LOCAL), Reading(sanitize._DOMAIN)
    monkeypatch.setattr(sanitize, "_LOCAL", local)
    monkeypatch.setattr(sanitize, "_DOMAIN", domain)
    sanitize.withhold_emails(text)
    assert local.read + domain.read <= 2 * len(text)


def test_email_redaction_of_a_long_line_completes() -> None:
    """The issue's line, with an address after it: the old pattern took minutes on it, this one well under one."""
    line = "a." * 100_000 + "@b " + "x" * 100_000 + " write to dana@northgate.example"
    assert Redactor(False)(line) == line.replace("dana@northgate.example", "[e-mail withheld]")


# --- safety ------------------------------------------------------------------------------------


UNSAFE = [
    ("script", "<script>alert(1)</script>", "<script"),
    ("event handler", '<img src="x" onerror="alert(1)">', "onerror"),
    ("iframe", '<iframe src="https://evil.invalid/"></iframe>', "<iframe"),
    ("object", '<object data="x.swf"></object>', "<object"),
    ("javascript link", "[go](javascript:alert(1))", "javascript:"),
    ("data link", "[go](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("svg script", '<svg><script>alert(1)</script></svg>', "alert"),
    ("style attribute", '<p style="background:url(https://evil.invalid/x)">x</p>', "evil.invalid"),
    ("remote image", "![x](https://tracker.invalid/p.png)", "tracker.invalid"),
    ("markdown attribute", '<div markdown="1">*x*</div>', "markdown="),
]  # fmt: skip


@pytest.mark.parametrize(("body", "forbidden"), [c[1:] for c in UNSAFE], ids=[c[0] for c in UNSAFE])
def test_sanitiser_removes_unsafe_content(body: str, forbidden: str) -> None:
    rendered = EvidenceRenderer().render(f"Before.\n\n{body}\n\nAfter.", REVIEW)
    assert forbidden not in rendered
    assert "Before." in rendered and "After." in rendered


def test_sanitiser_keeps_ordinary_markdown() -> None:
    rendered = EvidenceRenderer().render(
        "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[report](https://reports.example/q3)\n", REVIEW
    )
    assert "<h3>Title</h3>" in rendered  # headings shifted under the page's own
    assert "<table>" in rendered and "<td>1</td>" in rendered
    assert '<a href="https://reports.example/q3" rel="noopener noreferrer nofollow">report</a>' in rendered


def test_evidence_renders_as_github_shows_it_in_the_pull_request() -> None:
    rendered = EvidenceRenderer().render(
        "- [ ] ACT-0042 Open item\n- [x] ACT-0041 Done item\n\n"
        "| KPI | Met |\n|:---|:-:|\n| Availability | yes |\n\n"
        "~~withdrawn~~ and https://status.provider.example/ and a <kbd>Ctrl</kbd> key\n\n"
        "```\n<b>kept as code</b>\n```\n",
        REVIEW,
    )
    # Task-list boxes show their state (the state is evidence), as boxes nobody can tick on the site.
    assert '<li><input type="checkbox" disabled="" aria-label="not done"> ACT-0042 Open item</li>' in rendered
    assert '<li><input type="checkbox" checked="" disabled="" aria-label="done"> ACT-0041 Done item</li>' in rendered
    assert rendered.count("<input") == 2
    assert '<th align="left">KPI</th>' in rendered and '<td align="center">yes</td>' in rendered
    assert "<del>withdrawn</del>" in rendered
    assert '<a href="https://status.provider.example/" rel="noopener noreferrer nofollow">' in rendered
    assert "<kbd>Ctrl</kbd>" in rendered
    assert "<pre><code>&lt;b&gt;kept as code&lt;/b&gt;\n</code></pre>" in rendered


def test_relative_links_go_to_the_file_at_its_commit_or_nowhere() -> None:
    history = History(head=Commit("b" * 40, "bbbbbbb", "2026-11-20", "A"), prefix="evidence/")
    renderer = EvidenceRenderer(False, lambda p: history.link("https://forge.example/o/r", p))
    rendered = renderer.render("[pack](../../reports/q3.pdf) [up](../../../../etc/passwd)", REVIEW)
    assert f'href="https://forge.example/o/r/blob/{"b" * 40}/evidence/reports/q3.pdf"' in rendered
    assert rendered.count("href=") == 1 and "passwd" not in rendered  # outside the repository: no target
    assert "href" not in EvidenceRenderer().render("[pack](../../reports/q3.pdf)", REVIEW)


def test_planted_minutes_page_is_safe_and_complete(repo) -> None:
    page = site(write_repo(repo(), {PLANTED: PLANTED_MINUTES})).pages()["minutes/2026/2026-11-20-retailco-planted.md"]
    rendered = html(page)
    assert not re.search(r"<script|\son[a-z]+\s*=|href=\"javascript:|<iframe|<img", rendered, re.I)
    assert "&lt;script&gt;window.__pwned = 'front-matter'&lt;/script&gt;Keep the maintenance window." in rendered
    assert "with a blank line and &lt;b&gt;markup&lt;/b&gt; *inside*" in rendered  # stayed raw HTML
    assert rendered.index("The minutes end here.") < rendered.index('id="findings-on-these-minutes"')


@pytest.mark.parametrize("value", ["<b onmouseover=x>bold</b>", "*[HTML]: abbr", "[x](javascript:1)", "a | b",
                                   "# heading", "`tick`", "{: #id .cls }", "&amp;"])  # fmt: skip
def test_evidence_text_renders_as_written(value: str) -> None:
    rendered = markdown.markdown(table(["Value"], [[text(value)]]), extensions=EXTENSIONS)
    cell = re.search(r"<td>(.*)</td>", rendered)
    assert cell is not None
    assert cell.group(1) == value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_code_spans_hold_backticks() -> None:
    rendered = markdown.markdown(code("a `b` c"), extensions=EXTENSIONS)
    assert "<code>a `b` c</code>" in rendered


# --- provenance ------------------------------------------------------------------------------


def test_provenance_box_shows_the_last_commit_and_links_it(repo) -> None:
    commit = Commit("c" * 40, "ccccccc", "2026-11-11", "Priya Shah")
    history = History(head=commit, files={REVIEW: commit}, dirty=frozenset({REVIEW}))
    page = site(repo(), history=history, repo_url="https://github.com/o/r").pages()[
        "minutes/2026/2026-11-10-retailco.md"
    ]
    assert f"`{REVIEW}`: last changed in commit `ccccccc` on 2026-11-11 by Priya Shah" in page
    assert f"(https://github.com/o/r/blob/{'c' * 40}/{REVIEW})" in page
    assert "uncommitted changes" in page


def test_provenance_without_history_says_so(pages: dict[str, str]) -> None:
    assert "no git history (not read)" in pages["minutes/2026/2026-11-10-retailco.md"]
    assert "no git history" in pages["index.md"]


def _git(root: Path, *args: str) -> None:
    moment = "2026-11-01T10:00:00+00:00"
    environment = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Ann Author",
                   "GIT_AUTHOR_EMAIL": "ann@example.invalid", "GIT_COMMITTER_NAME": "Ann Author",
                   "GIT_COMMITTER_EMAIL": "ann@example.invalid", "PATH": os.environ["PATH"],
                   "GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=environment)


def test_read_history_from_a_real_repository(tmp_path: Path) -> None:
    assert read_history(tmp_path).missing == "not a git repository"
    evidence = tmp_path / "evidence"
    write_repo(evidence, {})
    _git(tmp_path, "init", "-q")
    assert read_history(evidence).missing == "no commits yet"
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "evidence")
    (evidence / REVIEW).write_text(BASE[REVIEW] + "\nMore.\n", encoding="utf-8")
    history = read_history(evidence)
    assert history.missing is None and history.prefix == "evidence/"
    commit = history.last(REVIEW)
    assert commit is not None and (commit.date, commit.author) == ("2026-11-01", "Ann Author")
    assert REVIEW in history.dirty and "registers/people.yaml" not in history.dirty
    assert (
        history.link("https://github.com/o/r", REVIEW) == f"https://github.com/o/r/blob/{commit.sha}/evidence/{REVIEW}"
    )


NEW_REVIEW = "reviews/2026/2026-11-20-retailco.md"


def test_a_page_whose_file_is_not_committed_says_so(tmp_path: Path) -> None:
    """A file deleted in a commit and written again, one staged, one new: no commit vouches for any."""
    evidence = write_repo(tmp_path / "evidence", {NEW_REVIEW: BASE[REVIEW].replace("2026-11-10", "2026-11-20")})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "evidence")
    _git(tmp_path, "rm", "-q", f"evidence/{REVIEW}", f"evidence/{NEW_REVIEW}")
    _git(tmp_path, "commit", "-q", "-m", "withdrawn")
    (evidence / REVIEW).write_text(BASE[REVIEW], encoding="utf-8")  # back, never committed again
    (evidence / NEW_REVIEW).write_text(BASE[REVIEW].replace("2026-11-10", "2026-11-20"), encoding="utf-8")
    _git(tmp_path, "add", f"evidence/{NEW_REVIEW}")  # staged, not committed
    planted = "reviews/2026/2026-11-21-retailco.md"
    (evidence / planted).write_text(BASE[REVIEW].replace("2026-11-10", "2026-11-21"), encoding="utf-8")
    history = read_history(evidence)
    assert history.files[REVIEW] == history.head  # the path's last commit is the one that deleted it
    assert history.last(REVIEW) is None and history.last(NEW_REVIEW) is None and history.last(planted) is None
    assert history.last("registers/people.yaml") is not None
    pages = site(evidence, history=history).pages()
    for path in (REVIEW, NEW_REVIEW, planted):
        page = pages[path.replace("reviews/", "minutes/")]
        box = page[page.index('!!! quote "Provenance"') :]
        assert f"`{path}`: **not committed**" in box and f"(`{history.head.short}`)" in box
        assert "last changed in commit" not in box
    assert "last changed in commit" in pages["registers/people.md"]


def test_a_symbolic_link_says_its_commit_is_the_links(tmp_path: Path) -> None:
    evidence = write_repo(tmp_path / "evidence", {})
    (evidence / "reviews/2026/2026-11-10-retailco.md").rename(evidence / "reviews/2026/minutes.md.txt")
    (evidence / REVIEW).symlink_to("minutes.md.txt")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "evidence")
    history = read_history(evidence)
    assert REVIEW in history.links and "registers/people.yaml" not in history.links
    page = site(evidence, history=history).pages()["minutes/2026/2026-11-10-retailco.md"]
    assert "a symbolic link: the commit is the link's, not its content's" in page


# --- findings, rules, clause map ----------------------------------------------------------------


def test_findings_link_their_rule_and_evidence(repo) -> None:
    root = repo(
        {"registers/actions.yaml": BASE["registers/actions.yaml"].replace("due: 2026-12-15", "due: 2026-11-01")}
    )
    page = site(root).pages()["findings.md"]
    row = next(line for line in page.splitlines() if "[ACT003](rules/ACT003.md)" in line)
    assert "[`registers/actions.yaml:" in row and "](registers/actions.md#act-0001)" in row


def test_rule_pages_come_from_the_rules_own_documentation(pages: dict[str, str]) -> None:
    for code_, declared in load_rules().items():
        page = pages[f"rules/{code_}.md"]
        assert page.startswith(f"# {code_}: ")
        for section in ("why", "fix", "example"):
            assert declared.section(section) in page, (code_, section)


def test_clause_map_names_real_rules_and_pages(pages: dict[str, str]) -> None:
    clause_map = load_clause_map()
    rules = load_rules()
    mapped = {c for r in clause_map.requirements for c in r.rules}
    assert mapped <= set(rules)
    assert set(rules) <= mapped  # every rule answers to some requirement
    assert {p for r in clause_map.requirements for p in r.evidence} <= set(pages)
    page = html(pages["clause-map.md"])
    assert clause_map.clause == "8.3.2" and "8.3.1" in page and "2011" in page and "7.1" in page
    assert '<a href="rules/REV001.md">REV001</a>' in page


# --- calendar, heat map, charts -------------------------------------------------------------------


def test_calendar_lists_overdue_and_upcoming(repo) -> None:
    the_site = site(repo(), as_of=date(2026, 12, 20))
    page = the_site.pages()["calendar.md"]
    overdue = page[page.index("## Overdue") : page.index("## Upcoming")]
    upcoming = page[page.index("## Upcoming") :]
    assert "Action due: ACT\\-0001" in overdue  # due 2026-12-15
    assert "Performance review due: RetailCo" in overdue  # due 2026-12-10
    assert "Satisfaction survey due: RetailCo" in upcoming  # due 2027-01-01
    assert "[calendar.ics](calendar.ics)" in page


def test_calendar_ics_is_rfc5545_with_stable_uids(repo) -> None:
    first = icalendar.Calendar.from_ical(site(repo()).calendar_ics())
    events = {str(e["uid"]): e for e in first.walk("VEVENT")}
    assert any("Action due: ACT-0001" in str(e["summary"]) for e in events.values())
    assert all(e.decoded("dtstart") and e.get("dtstamp") for e in events.values())
    later = icalendar.Calendar.from_ical(site(repo(), as_of=date(2027, 2, 1)).calendar_ics())
    assert {str(e["uid"]) for e in later.walk("VEVENT")} == set(events)  # same events, same UIDs


def test_heatmap_shows_reviews_surveys_and_overdue_months(repo) -> None:
    the_site = site(repo())
    labels, rows = heatmap.heatmap_rows(the_site)
    assert labels[0] == "2025-12" and labels[-1] == "2026-11"
    ((name, cells),) = rows
    by_month = dict(zip(labels, cells, strict=True))
    assert name == "RetailCo"
    assert by_month["2026-11"].review and not by_month["2026-11"].overdue
    assert by_month["2026-10"].survey
    assert by_month["2026-09"].overdue  # no review on record before November: monthly reviews overdue
    assert "<svg" in the_site.pages()["heatmap.md"]


def test_trend_chart_is_an_accessible_image() -> None:
    svg = charts.trend([charts.Point("2026-Q2", 78), charts.Point("2026-Q3", 90)], ident="t", title="CSAT <x>",
                       target=85, unit="%")  # fmt: skip
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">CSAT &lt;x&gt;</title>' in svg
    assert "2026-Q2: 78%; 2026-Q3: 90%; target 85%" in svg
    assert "<script" not in svg and "href" not in svg


# --- the plugin's options ------------------------------------------------------------------------


def test_as_of_comes_from_the_option_then_the_environment_then_today() -> None:
    assert resolve_as_of("2026-01-02", {"BRM_AS_OF": "2025-05-05"}) == date(2026, 1, 2)
    assert resolve_as_of(date(2026, 1, 3), {}) == date(2026, 1, 3)
    assert resolve_as_of(None, {"BRM_AS_OF": "2025-05-05"}) == date(2025, 5, 5)
    # Today is the day it is in the procedures' time zone (UTC by default), not the machine's.
    before = datetime.now(UTC).date()
    assert resolve_as_of(None, {}) in {before, datetime.now(UTC).date()}
    with pytest.raises(PluginError, match="BRM_AS_OF"):
        resolve_as_of(None, {"BRM_AS_OF": "soon"})


def test_unreadable_evidence_is_a_finding_not_a_crash(repo) -> None:
    the_site = site(repo({"registers/actions.yaml": "- id: ACT-0001\n  title: [unclosed\n"}))
    pages = the_site.pages()
    assert "BRM001" in pages["findings.md"]
    assert any(f.severity is Severity.ERROR for f in the_site.findings)


# --- dates: one computation, said in words --------------------------------------------------------

COMPLAINTS = dedent(
    """
    - id: CMP-0001
      customer: retailco
      service: cloud-hosting
      summary: Maintenance during the Friday peak.
      channel: service-portal
      received: 2026-10-02T16:40:00+01:00
      acknowledged: 2026-10-05T13:11:00+01:00
      stage: closed
      escalations:
        - {to: jordan-lee, at: 2026-10-06T09:00:00+01:00}
      resolved: 2026-10-09
      feedback: Customer confirmed the fix.
    - id: CMP-0002
      customer: retailco
      service: cloud-hosting
      channel: email
      received: 2026-11-02T10:00:00+00:00
      stage: investigation
      escalations: []
    """
)


@pytest.mark.parametrize(
    ("written", "options", "said"),
    [
        ("P1M", {"every": True}, "monthly"),
        ("P3M", {"every": True}, "every 3 months"),
        ("quarterly", {"every": True}, "quarterly"),
        ("P1Y", {"every": True}, "annually"),
        ("P2W", {"every": True}, "every 2 weeks"),
        ("P14D", {}, "14 days"),
        ("P1Y6M", {}, "1 year and 6 months"),
        ("PT4H", {"business": True}, "4 business hours"),
        ("P1D", {"business": True}, "24 business hours"),
        ("PT1H30M", {"business": True}, "1 business hour and 30 minutes"),
    ],
)
def test_durations_are_said_in_words(written: str, options: dict[str, bool], said: str) -> None:
    interval = Interval.parse(written, business_time=options.get("business", False))
    assert interval is not None and in_words(interval, **options) == said


def test_pages_say_durations_in_words(repo) -> None:
    pages = site(repo({"registers/complaints.yaml": COMPLAINTS})).pages()
    customer = pages["customers/retailco.md"]
    assert "- **Performance reviews:** monthly (its tier's interval)" in customer
    assert "- **Satisfaction surveys:** every 3 months (its tier's interval)" in customer
    assert "confirmed with the customer annually" in customer
    assert "within 4 business hours" in pages["registers/complaints.md"]
    assert "within 10 days of receipt" in pages["registers/complaints.md"]
    assert "an error after 14 days' grace" in pages["rules/REV001.md"]
    assert "| monthly |" in pages["registers/customers.md"]
    procedure = pages["procedures/complaint-handling.md"]
    assert "Acknowledged within 4 business hours; resolved within 10 days of receipt" in procedure
    own_words = {path: page.split("## Controlled settings")[0] for path, page in pages.items() if "rules/" not in path}
    iso = re.compile(r"\bP(?:T\d|\d+[YMWD])")  # the site's own text, not evidence or rule documentation
    assert {path: iso.findall(page) for path, page in own_words.items() if iso.search(page)} == {}


def test_complaint_timeliness_is_explicit(repo) -> None:
    pages = site(repo({"registers/complaints.yaml": COMPLAINTS})).pages()
    rows = {
        m.group(): row for row in shown_rows(pages["registers/complaints.md"]) if (m := re.search(r"CMP-000\d", row))
    }
    late = rows["CMP-0001"]  # received on a Friday at 16:40, acknowledged on Monday at 13:11
    assert "received 2026-10-02 16:40 BST" in late and "Maintenance during the Friday peak." in late
    assert "2026-10-05 13:11 BST, after 4 h 31 min of business time ✖ target missed" in late
    assert "due 2026-10-12; resolved 2026-10-09 ✔ in time" in late and "stage: closed" in late
    assert "Jordan Lee on 2026-10-06 09:00 BST" in late
    waiting = rows["CMP-0002"]
    assert "not yet: due by 2026-11-02 14:00 GMT ✖ overdue" in waiting
    assert "due 2026-11-12 ✖ overdue" in waiting and "stage: investigation" in waiting
    customer = "\n".join(shown_rows(pages["customers/retailco.md"]))
    assert "after 4 h 31 min of business time ✖ target missed" in customer


def shown_rows(page: str) -> list[str]:
    """Each table row of a page as its reader sees it: the text of its cells."""
    rendered = html(page)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).replace(" ,", ",").strip()
            for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.S)]  # fmt: skip


def test_an_overdue_complaint_is_in_the_calendar(repo) -> None:
    the_site = site(repo({"registers/complaints.yaml": COMPLAINTS}))
    page = the_site.pages()["calendar.md"]
    overdue = page[page.index("## Overdue") : page.index("## Upcoming")]
    assert "Complaint resolution due: CMP\\-0002 \\(retailco\\)" in overdue
    assert "Complaint acknowledgement due: CMP\\-0002" in overdue
    assert "CMP-0001" not in page  # resolved and closed: nothing more is due
    events = icalendar.Calendar.from_ical(the_site.calendar_ics()).walk("VEVENT")
    resolution = [e for e in events if str(e["summary"]).startswith("Complaint resolution due: CMP-0002")]
    assert len(resolution) == 1 and "(overdue)" in str(resolution[0]["summary"])
    assert resolution[0].decoded("dtstart") == date(2026, 11, 12)


def test_the_next_review_is_one_date_everywhere(repo) -> None:
    """The date the last review set (2026-12-08) comes before the monthly cadence's (2026-12-10): it is the one."""
    the_site = site(repo())
    pages = the_site.pages()
    customer = pages["customers/retailco.md"]
    rows = shown_rows(customer)
    status = next(row for row in rows if row.startswith("Performance review "))
    assert "2026-12-08 (set at the review of 2026-11-10; monthly, by 2026-12-10) ✔ on time" in status
    history = shown_rows(customer[customer.index("## Review history") : customer.index("## Satisfaction")])
    latest = next(row for row in history if row.startswith("2026-11-10 "))
    assert latest.endswith(" 2026-12-08")
    reviews = [e for e in the_site.events if e.kind == "Performance review" and e.customer == "retailco"]
    assert [e.when for e in reviews] == [date(2026, 12, 8)]  # one event, not one for each date


def test_the_site_judges_evidence_as_of_its_date(repo) -> None:
    """At a past date the pages show what the rules judged: later records are not there yet, and say so."""
    root = repo()
    earlier = date(2026, 11, 5)  # before the review of 2026-11-10 and the action it raised
    the_site = site(root, as_of=earlier)
    pages = the_site.pages()
    assert "minutes/2026/2026-11-10-retailco.md" not in pages
    dashboard = pages["index.md"]
    row = the_site.coverage.customer("retailco")
    assert row is not None and row.open_actions == ()
    assert "| [Open actions](registers/actions.md) | 0 (0 past due) |" in dashboard
    assert "- **Dated after the as-of date:** 1 review, 1 action: not yet on record at 2026-11-05" in dashboard
    assert "ACT\\-0001" not in pages["registers/actions.md"]


def test_representative_and_requirement_dates_are_the_rules(repo) -> None:
    root = repo()
    repository = load(root).repository
    policy = Policy.from_repository(repository)
    pages = site(root).pages()
    (representative,) = repository.representatives
    row = next(r for r in shown_rows(pages["customers/retailco.md"]) if r.startswith("Sam Patel"))
    assert row.endswith(f" {representative_due(representative, policy)} ✔ not yet due")
    (requirements,) = repository.requirements
    assert (
        f"- **Re-confirm by:** {requirements_due(requirements, policy)} (its `confirm_by`)"
        in pages["customers/retailco.md"]
    )


# --- what people read ---------------------------------------------------------------------------------


def test_rule_titles_show_code_as_code(pages: dict[str, str]) -> None:
    rendered = html(pages["rules/index.md"])
    assert "past <code>confirm_by</code>, or older than <code>requirements_confirmation</code>" in rendered
    assert "`confirm_by`" not in re.sub(r"<[^>]+>", "", rendered)
    assert html(pages["rules/REQ003.md"]).startswith('<h1 id="req003-requirements-are-past-confirm_by')


def test_counts_are_singular_or_plural(repo) -> None:
    customers = BASE["registers/customers.yaml"].replace("confirmed: 2026-09-01", "confirmed: 2025-11-15")
    page = site(repo({"registers/customers.yaml": customers})).pages()["index.md"]  # one REP004 warning
    assert "1 warning</span>" in page and "1 warnings" not in page and "0 errors" in page


def test_no_doubled_parentheses_or_labels(pages: dict[str, str]) -> None:
    doubled = re.compile(r"\)\s*\(|\(\(|\)\)")
    for path, page in pages.items():
        text_only = re.sub(r"\]\([^)]*\)", "]", page)  # link targets are not text
        assert not doubled.search(text_only), (path, doubled.findall(text_only))
    clause_map = pages["clause-map.md"]
    for line in clause_map.splitlines():
        labels = re.findall(r"\[([^\]]+)\]\([^)]+\.md\)", line)
        assert len(labels) == len(set(labels)), line


def test_clause_map_rows_show_titles(pages: dict[str, str]) -> None:
    clause_map = load_clause_map()
    page = pages["clause-map.md"]
    for requirement in clause_map.requirements:
        assert requirement.title != requirement.id
        assert f"[{text(requirement.title)}](clause-map.md#{requirement.id})" in page
        assert f"## {text(requirement.title)} {{#{requirement.id}}}" in page


def test_minutes_show_the_actions_of_each_kpi(repo) -> None:
    review = BASE[REVIEW].replace(
        '- {name: Availability, target: "99.9%", actual: "99.95%", met: true}',
        '- {name: Availability, target: "99.9%", actual: "99.5%", met: false, actions: [ACT-0001]}',
    )
    page = site(repo({REVIEW: review})).pages()["minutes/2026/2026-11-10-retailco.md"]
    row = next(line for line in page.splitlines() if "Availability" in line)
    assert "[ACT\\-0001](../../registers/actions.md#act-0001)" in row and "missed" in row


def test_an_instrument_page_names_each_results_customers(repo) -> None:
    tier = dedent(
        """
        ---
        type: satisfaction-result
        instrument: csat-quarterly
        instrument_version: "2"
        tier: standard
        period: 2026-Q2
        sent: 2026-07-01
        sent_by: alex-morgan
        analysed_by: olivia-reid
        invited: 10
        responses: 8
        scores: {csat: 88}
        ---
        Tier survey.
        """
    )
    root = repo({"registers/customers.yaml": BASE["registers/customers.yaml"] + MEDTECH,
                 "surveys/results/2026/2026-Q2-standard.md": tier})  # fmt: skip
    page = site(root).pages()["surveys/instruments/csat-quarterly.md"]
    results = page[page.index("## Results with this instrument") :]
    assert "2026\\-Q3](../results/2026/2026-Q3-retailco.md): [RetailCo](../../customers/retailco.md)" in results
    assert (
        "the standard tier ([RetailCo](../../customers/retailco.md), [MedTech](../../customers/medtech.md))" in results
    )


def test_a_responses_file_given_from_the_root_is_shown_with_its_findings(repo) -> None:
    result = BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
        "scores: {csat: 88}", "scores: {csat: 88}\nresponses_file: surveys/results/2026/responses.csv"
    )
    root = repo({"surveys/results/2026/2026-Q3-retailco.md": result,
                 "surveys/results/2026/responses.csv": "respondent,score\na,80\n"})  # fmt: skip
    the_site = site(root)
    page = the_site.pages()["surveys/results/2026/2026-Q3-retailco.md"]
    assert "- **Responses file:** `surveys/results/2026/responses.csv`" in page
    assert "surveys/results/2026/surveys/results" not in page
    assert "SAT004" in page[page.index("## Findings on this result") :]  # 80 declared as 88
    assert "`surveys/results/2026/responses.csv`: no git history" in page  # in the provenance
    assert the_site.page_of_path["surveys/results/2026/responses.csv"] == "surveys/results/2026/2026-Q3-retailco.md"


def test_every_page_carries_the_print_stamp(pages: dict[str, str]) -> None:
    stamp = '<style>:root { --brm-stamp: "Evidence as of 2026-11-23, built from no git history (not read)"; }</style>'
    assert all(page.rstrip().endswith(stamp) for page in pages.values())


def test_registers_and_the_dashboard_are_wide(pages: dict[str, str]) -> None:
    wide = {p for p, page in pages.items() if page.startswith("---\nhide:\n  - toc\n") and 'class="brm-wide"' in page}
    assert {"index.md", "registers/actions.md", "registers/complaints.md", "heatmap.md"} <= wide
    assert "customers/retailco.md" not in wide and "findings.md" not in wide


def test_an_input_in_evidence_is_only_ever_a_box_nobody_can_tick() -> None:
    rendered = EvidenceRenderer().render('<input type="text" onfocus="alert(1)" autofocus value="x">', REVIEW)
    assert rendered == '<input type="checkbox" disabled="" aria-label="not done">'


# --- the page registry ------------------------------------------------------------------------------


def test_a_new_page_family_is_one_declaration(repo) -> None:
    """A family's pages reach the page list, the menu and the titles; paths made from evidence are made unique."""
    from checks.site.pages import FAMILIES, Family, Page

    def extra(the_site: Site):
        yield Page("report.md", "Management report", lambda here: "# Report\n", menu="Management report")
        yield Page("customers/retailco.md", "Clash", lambda here: "# Clash\n", fixed=False)

    root = repo()
    loaded = load(root)
    the_site = Site(Evidence(loaded, run(loaded, AS_OF), AS_OF), families=[*FAMILIES, Family("Report", extra)])
    pages = the_site.pages()
    assert pages["report.md"].startswith("# Report") and pages["customers/retailco-2.md"].startswith("# Clash")
    assert {"Report": "report.md"} not in the_site.navigation()  # labelled unlike its section: a section
    assert {"Report": [{"Management report": "report.md"}]} in the_site.navigation()
    assert the_site.title_of("report.md") == "Management report"
    with pytest.raises(ValueError, match="findings.md"):
        Site(
            Evidence(loaded, [], AS_OF),
            families=[*FAMILIES, Family("Again", lambda s: [Page("findings.md", "x", str)])],
        )


def test_a_document_type_no_family_shows_gets_pages_of_its_own(repo) -> None:
    """As a new Markdown record type would: here the procedures, with their own family left out."""
    from checks.site.pages import FAMILIES, procedures

    root = repo()
    loaded = load(root)
    families = [f for f in FAMILIES if f is not procedures.FAMILY]
    the_site = Site(Evidence(loaded, run(loaded, AS_OF), AS_OF), families=families)
    pages = the_site.pages()
    assert "procedures/index.md" not in pages
    page = pages["documents/procedure/complaint-handling.md"]
    assert "| acknowledgement | PT4H |" in page and "# Complaint handling" not in page  # fields as written
    assert "Provenance" in page and "## Findings" in page
    assert {"Documents": "documents/procedure/index.md"} not in the_site.navigation()
    assert {"Documents": [{"Procedure": "documents/procedure/index.md"}]} in the_site.navigation()
    assert "documents/" not in "".join(site(root).pages())  # with its family, no generic pages


def test_a_register_without_a_page_of_its_own_shows_its_fields(repo, monkeypatch) -> None:
    from checks.site.pages import registers

    waivers = "- {rule: REP004, subject: sam-patel, reason: Agreed <b>late</b>, approved_by: olivia-reid}\n"
    monkeypatch.delitem(registers.WRITERS, "waivers")
    page = site(repo({"registers/waivers.yaml": waivers})).pages()["registers/waivers.md"]
    assert page.startswith("---\nhide:")
    assert "| rule | subject | reason | approved\\_by |" in page
    assert "| REP004 | sam\\-patel | Agreed &lt;b&gt;late&lt;/b&gt; | olivia\\-reid |" in page
