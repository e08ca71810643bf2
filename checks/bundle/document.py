"""The bundle's ``index.html``: one customer's evidence (or every customer's) as one document.

Self-contained: the stylesheet is inline (``bundle.css``), charts are inline SVG
(:mod:`checks.site.charts`), and there is no script, font, image or anything else
fetched from anywhere; links to the evidence point into the bundle's own ``evidence/``
folder. The sections come in the order an auditor asks for them (``sections.yaml``),
each with the clause-map rows it answers. The first page states the as-of date, the
commit, whether the working tree was clean, and the tool's version; printed on A4,
every page carries the customer, the as-of date and the commit (an ``@page`` rule).

Every string from the evidence is untrusted. Values are escaped here (``_t``), with
contact details withheld unless they are included on purpose, by the site's one
:class:`~checks.site.sanitize.Redactor`; evidence Markdown (minutes, result analyses)
is rendered and cleaned by the site's :class:`~checks.site.sanitize.EvidenceRenderer`;
the finished document is passed through the Redactor once more, as the site's pages are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from ..boundary import resolve
from ..business_hours import describe, describe_duration
from ..coverage import cadence, is_periodic, representative_due, requirements_due
from ..dates import in_words
from ..findings import Finding, Severity
from ..load import responses_path
from ..management.figures import measured_on, timing
from ..management.period import Period
from ..model import Action, Complaint, Customer, Person, Repository, Representative, Requirements, Result, Review
from ..policy import BRM_PROCEDURE, COMMUNICATION_PLAN, COMPLAINT_PROCEDURE, Policy
from ..reader import Problem, parse_yaml
from ..site import charts
from ..site.sanitize import EvidenceRenderer, Redactor
from .scope import Part

DASH = "\u2014"
#: Evidence files the document links to: text a browser shows as it is, and PDF.
LINKED = (".yaml", ".yml", ".md", ".csv", ".txt", ".pdf")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    answers: tuple[str, ...]


@cache
def sections() -> tuple[Section, ...]:
    """The sections in the auditor's order (``checks/bundle/sections.yaml``), read by our strict reader."""
    text = resources.files("checks").joinpath("bundle/sections.yaml").read_text(encoding="utf-8")
    document = parse_yaml(text, "checks/bundle/sections.yaml")
    if isinstance(document, Problem):  # pragma: no cover - a test reads the shipped file
        raise ValueError(f"checks/bundle/sections.yaml:{document.line}: {document.message}")
    return tuple(Section(s["id"], s["title"], tuple(s["answers"])) for s in document.data["sections"])


@cache
def stylesheet() -> str:
    return resources.files("checks").joinpath("bundle/bundle.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Listed:
    """A file of the bundle as the document lists it (from the manifest)."""

    source: str  # the repository path
    sha256: str
    size: int
    in_bundle: bool  # False: withheld (contact details) or unreadable; the reason says which
    reason: str = ""
    commit: str = ""  # the short id of the last commit that changed it, with its date
    uncommitted: bool = False


@dataclass
class Facts:
    """What the first page states."""

    as_of: date
    tool: str
    state: str  # clean | dirty | past | no-git
    commit_sha: str | None
    commit_date: str | None
    commit_author: str | None
    dirty: frozenset[str] = frozenset()
    from_disk: bool = False  # uncommitted files are in the bundle as on disk (a site's), not as committed
    missing: str | None = None  # why there is no commit
    contacts: bool = False
    period: Period | None = None
    everyone: bool = False
    files: dict[str, Listed] = field(default_factory=dict)  # repository path -> how it is in the bundle

    @property
    def short(self) -> str:
        return self.commit_sha[:12] if self.commit_sha else "no commit"


def css_string(value: str) -> str:
    """A CSS string literal that holds ``value`` as text: anything but letters, digits and spaces escaped."""
    escaped = "".join(c if (c.isascii() and (c.isalnum() or c in " .,:-_()")) else f"\\{ord(c):x} " for c in value)
    return f'"{escaped}"'


class Document:
    """Renders one bundle's document; see the module docstring."""

    def __init__(
        self,
        repository: Repository,
        policy: Policy,
        parts: list[Part],
        findings: list[Finding],
        facts: Facts,
        clause_map: Any,
        rules_titles: dict[str, str],
    ) -> None:
        self.repository = repository
        self.policy = policy
        self.parts = parts
        self.findings = findings
        self.facts = facts
        self.clause_map = clause_map
        self.rule_titles = rules_titles
        phones = [p.phone for p in [*repository.staff, *repository.representatives] if p.phone]
        self.redact = Redactor(facts.contacts, phones)
        self.people = repository.people
        self.services = repository.by_id(repository.services)
        self.actions = repository.by_id(repository.actions)
        self.complaints = repository.by_id(repository.complaints)
        self.renderer = EvidenceRenderer(facts.contacts, self._evidence_href, heading_shift=3)
        self.level = 3 if facts.everyone else 2  # a section's heading level
        self._ids: set[str] = set()

    # ------------------------------------------------------------------ helpers

    def _t(self, value: object) -> str:
        """Evidence text as escaped HTML (contacts are withheld from the finished document, in one pass)."""
        if value is None:
            return ""
        return html.escape(str(value), quote=True)

    def _code(self, value: object) -> str:
        return f"<code>{self._t(value)}</code>" if value not in (None, "") else DASH

    def _date(self, value: date | None) -> str:
        return value.isoformat() if value is not None else DASH

    def _evidence_href(self, path: str) -> str | None:
        """A link into the bundle's evidence folder, for a file a browser shows as text or a document.

        A file a browser would run (HTML, SVG, anything else) is in the bundle, but not linked:
        opened from the document, it would run with the document's access to the folder.
        """
        listed = self.facts.files.get(path)
        if listed is None or not listed.in_bundle or not path.lower().endswith(LINKED):
            return None
        return "evidence/" + quote(path, safe="/")

    def _file(self, path: str | None, label: str | None = None) -> str:
        """A link to a file in the bundle's evidence folder, or its path as code (withheld, or not cited)."""
        if not path:
            return DASH
        href = self._evidence_href(path)
        shown = self._code(label if label is not None else path)
        if href is None:
            return shown
        return f'<a href="{html.escape(href, quote=True)}">{shown}</a>'

    def _reference(self, value: str | None) -> str:
        """A report, SLA or source: a complaint id, an https address, a file of the bundle, or the value as code."""
        if not value:
            return DASH
        if value in self.complaints:
            return self._t(value)
        found = resolve(value)
        if found.url is not None:
            return f'<a href="{html.escape(found.url, quote=True)}" rel="noreferrer">{self._t(value)}</a>'
        if found.path is not None:
            return self._file(found.path, value)
        return self._code(value)

    def _person(self, person_id: str | None, with_role: bool = True) -> str:
        if not person_id:
            return DASH
        person = self.people.get(person_id)
        if person is None:
            return f"{self._code(person_id)} <span class='mark bad'>\u2716 unknown person</span>"
        name = self._t(person.name or person_id)
        if with_role and person.role:
            name += f" ({self._t(person.role)})"
        return name

    @staticmethod
    def _mark(good: bool | None, yes: str, no: str, unknown: str = "not judged") -> str:
        """A status: a symbol and words, so colour is never the only signal (short ones never break)."""
        kind, symbol, words = (
            ("neutral", "\u2013", unknown) if good is None else ("ok", "\u2714", yes) if good else ("bad", "\u2716", no)
        )
        short = " nowrap" if len(words) <= 24 else ""
        return f'<span class="mark {kind}{short}">{symbol} {html.escape(words)}</span>'

    def _table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
        body = list(rows)
        if not body:
            return f'<p class="note"><em>{html.escape(empty)}</em></p>'
        head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
        lines = ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
        lines += ["<tr>" + "".join(f"<td>{cell or DASH}</td>" for cell in row) + "</tr>" for row in body]
        lines.append("</tbody></table>")
        return "\n".join(lines)

    def _heading(self, level: int, text: str, ident: str | None = None) -> str:
        attribute = ""
        if ident is not None:
            unique, n = ident, 1
            while unique in self._ids:
                n += 1
                unique = f"{ident}-{n}"
            self._ids.add(unique)
            attribute = f' id="{html.escape(unique, quote=True)}"'
        level = min(level, 6)
        return f"<h{level}{attribute}>{text}</h{level}>"

    def _body(self, text: str | None, path: str) -> str:
        if not text or not text.strip():
            return ""
        return f'<div class="minutes">{self.renderer.render(text, path)}</div>'

    # ------------------------------------------------------------------ the document

    @property
    def subject(self) -> str:
        """Who the bundle is about, as plain text (evidence: escape before use)."""
        if self.facts.everyone:
            return "all customers"
        return ", ".join(p.customer.label for p in self.parts) or "no customer"

    def render(self) -> str:
        facts = self.facts
        title = f"Evidence bundle: {self.subject}"
        commit = facts.short + (" (uncommitted changes)" if facts.state == "dirty" else "")
        running = f"as of {facts.as_of} \u00b7 commit {commit}"
        page_rule = (
            "@page { @top-left { content: "
            + css_string(self.redact(title))
            + "; font-size: 8pt; color: #424242; } @top-right { content: "
            + css_string(running)
            + "; font-size: 8pt; color: #424242; } }"
        )
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Nothing may be fetched, and nothing may run: the policy says so to any browser that opens the file.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'\">",
            '<meta name="referrer" content="no-referrer">',
            f"<title>{self._t(title)}</title>",
            f"<style>\n{stylesheet()}\n{page_rule}\n</style>",
            "</head>",
            "<body>",
            self.cover(title),
        ]
        if facts.everyone:
            for part in self.parts:
                out.append(f'<section class="part" id="customer-{html.escape(_slug(part.customer.id))}">')
                out.append(self._heading(2, self._t(part.customer.label)))
                out += self.customer_sections(part)
                out.append("</section>")
            out.append('<section class="part">')
            out.append(self._heading(2, "Across all customers", "across"))
            out.append(self.findings_section(self.findings, self.level, everyone=True))
        else:
            out.append('<section class="part">')
            for part in self.parts:
                out += self.customer_sections(part)
            shown = [f for p in self.parts for f in p.findings]
            out.append(self.findings_section(shown, self.level, everyone=False))
        out.append(self.procedures_section(self.level))
        out.append(self.clause_map_section(self.level))
        out.append("</section>")
        out.append(self.files_section())
        out += ["</body>", "</html>", ""]
        return self.redact("\n".join(out))

    def cover(self, title: str) -> str:
        facts = self.facts
        if facts.state == "clean":
            tree = self._mark(True, "clean: no uncommitted change to the evidence", "")
        elif facts.state == "dirty":
            listed = ", ".join(self._code(p) for p in sorted(facts.dirty)[:20])
            more = f" and {len(facts.dirty) - 20} more" if len(facts.dirty) > 20 else ""
            tree = (
                '<span class="mark bad">\u2716 not clean</span>: '
                f"{len(facts.dirty)} file(s) had uncommitted changes ({listed}{more}). "
                + (
                    "This bundle holds those files as they were on disk, marked below: no commit vouches for them."
                    if facts.from_disk
                    else "This bundle holds every file as committed; those changes are not in it, and each file "
                    "they touch is marked below."
                )
            )
        elif facts.state == "past":
            tree = (
                "not read: this is the repository as it stood on the as-of date, the last commit on or before "
                f"{facts.as_of}"
            )
        else:
            tree = (
                f'<span class="mark bad">\u2716 no git</span> ({self._t(facts.missing or "no commit")}): the '
                "files are as read from disk; no commit vouches for them"
            )
        if facts.commit_sha:
            made = f"{self._t(facts.commit_date)}, {self._t(facts.commit_author)}"
            commit = f"<code>{html.escape(facts.commit_sha)}</code> ({made})"
        else:
            commit = "none"
        if facts.period is not None:
            period = f"{facts.period.start} to {facts.period.end} ({html.escape(facts.period.label)})"
        else:
            period = f"everything on record up to {facts.as_of}"
        counts = {s: 0 for s in Severity}
        for finding in self.findings if facts.everyone else [f for p in self.parts for f in p.findings]:
            counts[finding.severity] += 1
        facts_rows = [
            ("Customer", self._t(self.subject) if facts.everyone else self._customers_line()),
            ("Judged as of", f"{facts.as_of}"),
            ("Records covered", period),
            ("Commit", commit),
            ("Working tree", tree),
            ("Tool", html.escape(facts.tool)),
            (
                "Findings",
                f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
                f"{counts[Severity.WAIVED]} waived (<a href='#findings'>current findings</a>)",
            ),
            (
                "Contact details",
                "included"
                if facts.contacts
                else "withheld: e-mail addresses and phone numbers are replaced in this document, and evidence "
                "files that hold any are not in the bundle (listed, with their SHA-256, in the manifest)",
            ),
        ]
        lines = [
            '<header class="cover">',
            f"<h1>{self._t(title)}</h1>",
            f'<p class="subtitle">{self._t(self.clause_map.standard)} clause {self._t(self.clause_map.clause)}, '
            f"{self._t(self.clause_map.title.lower())}: the evidence, as the repository holds it.</p>",
            '<dl class="facts">',
        ]
        lines += [f"<dt>{html.escape(name)}</dt><dd>{value}</dd>" for name, value in facts_rows]
        lines.append("</dl>")
        lines.append('<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>')
        for section in sections():
            lines.append(f'<li><a href="#{section.id}">{html.escape(section.title)}</a></li>')
        lines.append('<li><a href="#files">Files in this bundle</a></li>')
        lines.append("</ol></nav>")
        lines.append(
            "<p class='note'>To check that nothing was changed: in the unpacked bundle, run "
            "<code>sha256sum -c SHA256SUMS</code>; or <code>brm verify BUNDLE</code> (inside the repository it "
            "also compares each file with the commit; with <code>--allowed-signers FILE</code> it checks the "
            "signature of the manifest).</p>"
        )
        lines.append("</header>")
        return "\n".join(lines)

    def _customers_line(self) -> str:
        shown = []
        for part in self.parts:
            customer = part.customer
            tier = f", tier {self._t(customer.tier)}" if customer.tier else ""
            shown.append(
                f"{self._t(customer.label)} ({self._code(customer.id)}{tier}; counterpart "
                f"{self._person(customer.counterpart)})"
            )
        return "; ".join(shown) or DASH

    def _section_head(self, section_id: str, customer: Customer | None) -> str:
        section = next(s for s in sections() if s.id == section_id)
        ident = section_id if customer is None or not self.facts.everyone else f"{_slug(customer.id)}-{section_id}"
        head = self._heading(self.level, html.escape(section.title), ident)
        rows = {r.id: r for r in self.clause_map.requirements}
        answers = [rows[a] for a in section.answers if a in rows]
        if not answers:
            return head
        items = "".join(f"<li><strong>{html.escape(r.id)}</strong>: {html.escape(r.requirement)}</li>" for r in answers)
        clause = f"{html.escape(self.clause_map.standard)} clause {html.escape(self.clause_map.clause)}"
        return f'{head}\n<div class="answers"><p>Answers {clause}:</p><ul>{items}</ul></div>'

    def customer_sections(self, part: Part) -> list[str]:
        customer = part.customer
        return [
            self._section_head("representatives", customer),
            self.representatives(customer),
            self._section_head("requirements", customer),
            self.requirements(part),
            self._section_head("reviews", customer),
            self.reviews(part),
            self._section_head("satisfaction", customer),
            self.satisfaction(part),
            self._section_head("actions", customer),
            self.actions_section(part.actions),
            self._section_head("complaints", customer),
            self.complaints_section(part.complaints),
            self._section_head("waivers", customer),
            self.waivers(part),
        ]

    # ------------------------------------------------------------------ sections

    def representatives(self, customer: Customer) -> str:
        rows = []
        for representative in customer.representatives:
            due = representative_due(representative, self.policy)
            authority = ", ".join(self._code(a) for a in representative.authority)
            rows.append(
                [
                    self._t(representative.name or representative.id),
                    self._t(representative.role),
                    authority or self._mark(False, "", "no authority recorded"),
                    ", ".join(self._t(self._service_name(s)) for s in representative.services)
                    or "all the customer's services",
                    self._date(representative.since),
                    self._date(representative.confirmed),
                    f"{self._date(due)} {self._mark(due >= self.facts.as_of, 'in time', 'overdue') if due else ''}",
                    *self._contacts(representative),
                ]
            )
        headers = ["Name", "Role", "Authority", "Services", "Since", "Confirmed", "Re-confirm by"]
        if self.facts.contacts:
            headers += ["E-mail", "Phone"]
        parts = [
            f"<p>Counterpart (accountable for the relationship): {self._person(customer.counterpart)}. "
            f"Register entry: {self._file(customer.source.path)}.</p>",
            self._table(headers, rows, "No named representative."),
        ]
        if customer.interim is not None:
            interim = customer.interim
            escalation = ", ".join(self._person(p) for p in interim.escalation) or DASH
            parts.append(
                '<div class="warning"><p><strong>Interim contact, no named representative yet.</strong> '
                f"Contact: {self._t(interim.contact) or DASH}; nomination requested "
                f"{self._date(interim.requested)}; escalation: {escalation}.</p></div>"
            )
        services = [
            [self._t(self._service_name(c.service)), ", ".join(self._t(g) for g in c.user_groups) or DASH]
            for c in customer.services
        ]
        parts.append(self._table(["Service consumed", "User groups"], services, "No service recorded."))
        return "\n".join(parts)

    def _contacts(self, person: Person) -> list[str]:
        if not self.facts.contacts:
            return []
        return [self._t(person.email) or DASH, self._t(person.phone) or DASH]

    def _service_name(self, service_id: str | None) -> str:
        service = self.services.get(service_id or "")
        return (service.name if service is not None else None) or service_id or "?"

    def requirements(self, part: Part) -> str:
        out = []
        customer = part.customer
        for service_id in dict.fromkeys([*customer.service_ids, *(r.service for r in part.requirements)]):
            records = [r for r in part.requirements if r.service == service_id]
            label = self._t(self._service_name(service_id))
            if service_id not in customer.service_ids:
                label += " (not a service the customer consumes)"
            shown: list[Requirements | None] = [*records] or [None]
            for record in shown:
                out.append("<div class='record'>")
                out.append(self._heading(self.level + 1, label))
                if record is None:
                    out.append(f"<p>{self._mark(False, '', 'no agreed requirements record for this service')}</p>")
                else:
                    out.append(self.requirements_card(record))
                out.append("</div>")
        return "\n".join(out) or "<p class='note'><em>No service recorded.</em></p>"

    def requirements_card(self, record: Requirements) -> str:
        due = requirements_due(record, self.policy)
        service = self.services.get(record.service or "")
        approvals, customer_ok, owner_ok = [], False, False
        for approval in record.approvals:
            person = self.people.get(approval.by or "")
            if isinstance(person, Representative):
                role = "customer"
                customer_ok = customer_ok or person.customer == record.customer
            elif service is not None and approval.by == service.owner:
                role, owner_ok = "service owner", True
            else:
                role = "provider"
            approvals.append(f"{self._person(approval.by)}, {role}, on {self._date(approval.on)}")
        rows = [
            ("Version", self._t(record.version) or DASH),
            ("Effective", self._date(record.effective)),
            ("Document", self._reference(record.document)),
            (
                "Approvals",
                ("; ".join(approvals) or DASH)
                + " "
                + self._mark(customer_ok, "customer approval", "no customer approval")
                + " "
                + self._mark(owner_ok, "service owner approval", "no service owner approval"),
            ),
            (
                "Re-confirm by",
                f"{self._date(due)} {self._mark(due >= self.facts.as_of, 'in time', 'overdue') if due else ''}",
            ),
            ("Record", self._file(record.source.path)),
        ]
        lines = ['<dl class="facts">'] + [f"<dt>{n}</dt><dd>{v}</dd>" for n, v in rows] + ["</dl>"]
        summary = record.raw.get("summary")
        if isinstance(summary, dict) and summary:
            agreed = []
            for key, value in summary.items():
                shown = ", ".join(self._t(v) for v in value) if isinstance(value, list) else self._t(value)
                agreed.append([self._t(str(key).replace("_", " ").capitalize()), shown])
            lines.append(self._table(["Agreed", "Value"], agreed, ""))
        return "\n".join(lines)

    def reviews(self, part: Part) -> str:
        interval = self.policy.review_interval(part.customer.review_interval, part.customer.tier)
        performance = [r for r in part.reviews if r.is_performance_review]
        last = performance[-1] if performance else None
        planned = cadence(interval, last.date if last else None, None, part.customer.onboarded)
        cadence_line = (
            f"Performance reviews {in_words(interval, every=True)} (the customer's own interval, else its tier's); "
            "next due "
            f"{self._date(planned.due)}."
            if interval is not None
            else "No review cadence is planned for this customer's tier."
        )
        rows = []
        for review in part.reviews:
            met = sum(1 for k in review.kpis if k.met is True)
            rows.append(
                [
                    f'<a href="#{self._review_anchor(review)}">{self._date(review.date)}</a>',
                    self._t(review.type),
                    self._t(review.period),
                    f"{met} of {len(review.kpis)} met" if review.kpis else DASH,
                    str(len(review.decisions)),
                    ", ".join(self._t(a) for a in review.actions) or DASH,
                ]
            )
        out = [
            f"<p>{cadence_line}</p>",
            self._table(
                ["Date", "Type", "Period", "KPIs", "Decisions", "Actions"], rows, "No performance review on record."
            ),
        ]
        for review in part.reviews:
            out.append(self.review(review))
        return "\n".join(out)

    def _review_anchor(self, review: Review) -> str:
        return "review-" + _slug(review.source.path)

    def review(self, review: Review) -> str:
        heading = self._heading(
            self.level + 1,
            f"{self._date(review.date)}: {self._t(review.type)} {self._t(review.period)}",
            self._review_anchor(review),
        )
        facts = [
            ("Held", self._date(review.date)),
            ("Period", self._t(review.period) or DASH),
            ("Attendees", ", ".join(self._person(a) for a in review.attendees) or DASH),
            ("Services", ", ".join(self._t(self._service_name(s)) for s in review.services) or DASH),
            ("Performance report", self._reference(review.report)),
            ("Next review", self._date(review.next_review)),
            ("Minutes", self._file(review.source.path)),
        ]
        out = ["<div class='record'>", heading, '<dl class="facts">']
        out += [f"<dt>{n}</dt><dd>{v}</dd>" for n, v in facts]
        out.append("</dl>")
        if review.kpis:
            kpis = [
                [
                    self._t(k.name),
                    self._t(k.target),
                    self._t(k.actual),
                    self._mark(k.met, "met", "missed"),
                    ", ".join(self._t(a) for a in k.actions) or DASH,
                ]
                for k in review.kpis
            ]
            out.append(self._table(["KPI", "Target", "Actual", "Met", "Actions"], kpis, ""))
        if review.decisions:
            out.append("<p><strong>Decisions</strong></p><ul>")
            out += [f"<li>{self._t(d)}</li>" for d in review.decisions]
            out.append("</ul>")
        if review.actions:
            out.append("<p><strong>Actions</strong></p><ul>")
            for action_id in review.actions:
                action = self.actions.get(action_id)
                title = f": {self._t(action.title)} ({self._t(action.status)})" if action is not None else ""
                out.append(f"<li>{self._t(action_id)}{title}</li>")
            out.append("</ul>")
        out.append(self._body(review.body.text if review.body else None, review.source.path))
        out.append("</div>")
        return "\n".join(out)

    def satisfaction(self, part: Part) -> str:
        customer = part.customer
        periodic = [r for r in part.results if is_periodic(self.repository, r)]
        out = []
        for kind in sorted({k for r in periodic for k in r.scores}):
            points = [
                charts.Point(
                    r.period or self._date(r.sent),
                    r.scores[kind],
                    "own survey" if customer.id in r.customers else "tier survey",
                )
                for r in periodic
                if kind in r.scores
            ]
            low, unit = (-100.0, "") if kind == "nps" else (0.0, "%")
            svg = charts.trend(
                points,
                ident=f"trend-{_slug(customer.id)}-{_slug(kind)}",
                title=f"{customer.label}: {kind.upper()} by period",
                low=low,
                high=100.0,
                target=self.policy.satisfaction_targets.get(kind),
                unit=unit,
            )
            caption = html.escape(f"{kind.upper()} by period, own and tier surveys, with the target dashed.")
            out.append(f"<figure>{svg}<figcaption>{caption}</figcaption></figure>")
        rows = []
        for result in part.results:
            rows.append(
                [
                    f'<a href="#{self._result_anchor(result)}">{self._t(result.period or self._date(result.sent))}</a>',
                    self._date(result.sent),
                    "own" if customer.id in result.customers else f"tier {self._t(result.tier)}",
                    f"{self._t(result.instrument)} v{self._t(result.instrument_version)}",
                    self._scores(result),
                    f"{_n(result.responses)} of {_n(result.invited)}",
                    ", ".join(self._t(t) for t in result.themes) or DASH,
                    ", ".join(self._t(a) for a in result.actions) or DASH,
                ]
            )
        out.append(
            self._table(
                ["Period", "Sent", "Survey", "Instrument", "Score", "Responses", "Themes", "Actions"],
                rows,
                "No satisfaction result on record.",
            )
        )
        for result in part.results:
            out.append(self.result(result))
        return "\n".join(out)

    def _result_anchor(self, result: Result) -> str:
        return "result-" + _slug(result.source.path)

    def _scores(self, result: Result) -> str:
        shown = []
        for kind, value in result.scores.items():
            target = self.policy.satisfaction_targets.get(kind)
            mark = (
                ""
                if target is None
                else " " + self._mark(value >= target, f"target {target:g} met", f"below {target:g}")
            )
            shown.append(f"{self._t(kind)} {value:g}{mark}")
        return "; ".join(shown) or DASH

    def result(self, result: Result) -> str:
        heading = self._heading(
            self.level + 1,
            f"Survey {self._t(result.period or self._date(result.sent))}",
            self._result_anchor(result),
        )
        measured = measured_on(result)
        beside = responses_path(result)
        facts = [
            ("Sent", f"{self._date(result.sent)} by {self._person(result.sent_by, with_role=False)}"),
            ("Measures up to", self._date(measured)),
            ("Analysed by", self._person(result.analysed_by, with_role=False)),
            ("Responses", f"{_n(result.responses)} of {_n(result.invited)} invited"),
            ("Responses file", self._file(beside) if beside else DASH),
            ("Result", self._file(result.source.path)),
        ]
        if result.incident:
            facts.insert(0, ("After incident", self._reference(result.incident)))
        out = ["<div class='record'>", heading, '<dl class="facts">']
        out += [f"<dt>{n}</dt><dd>{v}</dd>" for n, v in facts]
        out.append("</dl>")
        out.append(self._body(result.body.text if result.body else None, result.source.path))
        out.append("</div>")
        return "\n".join(out)

    def actions_section(self, actions: list[Action]) -> str:
        rows = []
        for action in actions:
            if action.is_open:
                overdue = action.due is not None and action.due < self.facts.as_of
                state = self._mark(not overdue, "open, in time", "open, past due")
                closure = DASH
            else:
                state = self._t(action.status)
                closure = self._t(action.evidence) if action.evidence else self._mark(False, "", "no evidence recorded")
            rows.append(
                [
                    self._t(action.id),
                    self._t(action.title),
                    self._reference(action.source_ref),
                    self._person(action.owner, with_role=False),
                    self._date(action.raised),
                    self._date(action.due),
                    state,
                    self._date(action.closed),
                    closure,
                ]
            )
        return self._table(
            ["Action", "Title", "Source", "Owner", "Raised", "Due", "Status", "Closed", "Closure evidence"],
            rows,
            "No action on record.",
        )

    def _when(self, instant: datetime | None) -> str:
        """An instant in the procedure's time zone, as people read it."""
        if instant is None:
            return DASH
        zone = self.policy.zone
        try:
            return html.escape(describe(instant.astimezone(zone) if zone is not None else instant))
        except (OverflowError, ValueError):
            return html.escape(instant.isoformat())

    def complaints_section(self, complaints: list[Complaint]) -> str:
        out = []
        target = self.policy.acknowledgement
        path = list(self.policy.escalation_path)
        for complaint in complaints:
            timed = timing(complaint, self.policy, self.facts.as_of)
            events: list[list[str]] = []
            when = self._when
            events.append(["Received", when(complaint.received), f"channel {self._t(complaint.channel) or DASH}"])
            if timed is not None and timed.acknowledgement is not None:
                judged = self._mark(timed.acknowledgement_met, "within target", "later than target")
                events.append(
                    [
                        "Acknowledged",
                        when(complaint.acknowledged),
                        f"{html.escape(describe_duration(timed.acknowledgement))} of business time; target "
                        f"{in_words(target, business=True) if target else DASH} {judged}",
                    ]
                )
            elif complaint.acknowledged is None:
                missed = timed is not None and timed.acknowledgement_met is False
                events.append(
                    ["Acknowledged", DASH, self._mark(not missed, "not yet due", "not acknowledged, past due")]
                )
            for escalation in complaint.escalations:
                level = (
                    f"level {path.index(escalation.to) + 1} of the escalation path"
                    if escalation.to in path
                    else "not on the escalation path"
                )
                events.append(["Escalated", when(escalation.at), f"to {self._person(escalation.to)} ({level})"])
            if complaint.resolved is not None:
                detail = (
                    f"{timed.resolution_days} day(s) after receipt"
                    if timed and timed.resolution_days is not None
                    else ""
                )
                if timed and timed.resolution_due is not None:
                    detail += f"; due {timed.resolution_due} " + self._mark(timed.resolution_met, "in time", "late")
                events.append(["Resolved", self._date(complaint.resolved), detail])
            elif timed is not None and timed.resolution_due is not None:
                events.append(
                    [
                        "Resolution due",
                        self._date(timed.resolution_due),
                        self._mark(timed.resolution_met is not False, "not yet due", "unresolved, past due"),
                    ]
                )
            events.append(["Feedback", DASH, self._t(complaint.feedback) or self._mark(None, "", "", "none recorded")])
            actions = ", ".join(self._t(a) for a in complaint.actions) or DASH
            out.append("<div class='record'>")
            out.append(
                self._heading(
                    self.level + 1,
                    f"{self._t(complaint.id)}: {self._t(self._service_name(complaint.service))}, "
                    f"stage {self._t(complaint.stage) or DASH}",
                    "complaint-" + _slug(complaint.id or complaint.source.path),
                )
            )
            out.append(self._table(["Step", "When", "Detail"], events, ""))
            out.append(f"<p>Actions: {actions}. Register: {self._file(complaint.source.path)}.</p>")
            out.append("</div>")
        return "\n".join(out) or "<p class='note'><em>No complaint on record.</em></p>"

    def waivers(self, part: Part) -> str:
        rows = [
            [
                self._code(w.rule),
                self._t(w.subject),
                self._t(w.reason),
                self._person(w.approved_by, with_role=False),
                self._date(w.approved),
                self._date(w.expires),
                self._mark(w.expires is None or w.expires >= self.facts.as_of, "in force", "expired"),
            ]
            for w in part.waivers
        ]
        return self._table(
            ["Rule", "Subject", "Reason", "Approved by", "Approved", "Expires", "State"], rows, "No waiver."
        )

    def findings_section(self, findings: list[Finding], level: int, everyone: bool) -> str:
        head = self._heading(level, "Current findings", "findings")
        section = next(s for s in sections() if s.id == "findings")
        rows_ = {r.id: r for r in self.clause_map.requirements}
        answers = "".join(
            f"<li><strong>{html.escape(a)}</strong>: {html.escape(rows_[a].requirement)}</li>"
            for a in section.answers
            if a in rows_
        )
        rows = [
            [
                f"{self._code(f.rule)} {self._t(self.rule_titles.get(f.rule, ''))}",
                self._mark(
                    None if f.severity is Severity.WAIVED else f.severity is not Severity.ERROR,
                    "warning",
                    "error",
                    "waived",
                ),
                self._file(f.path, f"{f.path}:{f.line}"),
                self._t(f.message),
            ]
            for f in findings
        ]
        scope = "in the whole repository" if everyone else "about this customer's records"
        return "\n".join(
            [
                head,
                f'<div class="answers"><p>Answers {html.escape(self.clause_map.standard)} clause '
                f"{html.escape(self.clause_map.clause)}:</p><ul>{answers}</ul></div>",
                f"<p>The findings {scope}, judged as of {self.facts.as_of} (all of them, for the whole repository, "
                "are in <code>findings.json</code> and <code>findings.sarif</code>).</p>",
                self._table(["Rule", "Severity", "Where", "Finding"], rows, "No findings."),
            ]
        )

    def procedures_section(self, level: int) -> str:
        head = self._section_head("procedures", None)
        policy = self.policy
        tiers = [
            [
                self._t(t.name),
                in_words(t.review_interval, every=True) if t.review_interval else DASH,
                in_words(t.survey_interval, every=True) if t.survey_interval else DASH,
            ]
            for t in policy.tiers.values()
        ]
        hours = policy.business_hours
        days = ", ".join(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d] for d in hours.days)
        settings = [
            ("Grace after a due date", in_words(policy.grace)),
            (
                "Satisfaction targets",
                ", ".join(f"{self._t(k)} {v:g}" for k, v in policy.satisfaction_targets.items()) or DASH,
            ),
            ("Representative re-confirmation", in_words(policy.representative_confirmation, every=True)),
            ("Requirements re-confirmation", in_words(policy.requirements_confirmation, every=True)),
            (
                "Complaint acknowledgement",
                in_words(policy.acknowledgement, business=True) if policy.acknowledgement else DASH,
            ),
            (
                "Business hours",
                f"{days}, {hours.start:%H:%M} to {hours.end:%H:%M} {self._t(hours.timezone)}"
                + (f", public holidays of {self._t(hours.holidays)}" if hours.holidays else ""),
            ),
            (
                "Complaint resolution target",
                in_words(policy.resolution_target) if policy.resolution_target else DASH,
            ),
            ("Escalation path", ", ".join(self._person(p) for p in policy.escalation_path) or DASH),
        ]
        procedures = []
        for procedure_id in (BRM_PROCEDURE, COMPLAINT_PROCEDURE, COMMUNICATION_PLAN):
            procedure = self.repository.procedure(procedure_id)
            if procedure is None:
                procedures.append([self._code(procedure_id), self._mark(False, "", "missing"), DASH, DASH, DASH, DASH])
                continue
            procedures.append(
                [
                    self._t(procedure.title or procedure.id),
                    self._t(procedure.version),
                    self._person(procedure.owner, with_role=False),
                    f"{self._person(procedure.approved_by, with_role=False)} on {self._date(procedure.approved)}",
                    self._date(procedure.next_review),
                    self._file(procedure.source.path),
                ]
            )
        return "\n".join(
            [
                head,
                self._table(["Procedure", "Version", "Owner", "Approved", "Next review", "File"], procedures, ""),
                "<p>The policy these records are judged by, read from the procedures' front-matter:</p>",
                self._table(["Tier", "Review interval", "Survey interval"], tiers, "No tier defined."),
                '<dl class="facts">' + "".join(f"<dt>{n}</dt><dd>{v}</dd>" for n, v in settings) + "</dl>",
            ]
        )

    def clause_map_section(self, level: int) -> str:
        head = self._heading(level, "Clause map", "clause-map")
        answered: dict[str, list[Section]] = {}
        for section in sections():
            for requirement in section.answers:
                answered.setdefault(requirement, []).append(section)
        shown = self.findings if self.facts.everyone else [f for p in self.parts for f in p.findings]
        rows = []
        for requirement in self.clause_map.requirements:
            open_ = [f for f in shown if f.rule in requirement.rules and f.severity is not Severity.WAIVED]
            rows.append(
                [
                    f"<strong>{html.escape(requirement.id)}</strong>: {html.escape(requirement.requirement)}",
                    html.escape(requirement.clause_2011),
                    ", ".join(f"<code>{html.escape(r)}</code>" for r in requirement.rules),
                    ", ".join(
                        f'<a href="#{self._first_anchor(s.id)}">{html.escape(s.title)}</a>'
                        for s in answered.get(requirement.id, [])
                    )
                    or DASH,
                    self._mark(not open_, "no open finding", f"{len(open_)} open finding(s)"),
                ]
            )
        note = html.escape(self.clause_map.note)
        return "\n".join(
            [
                head,
                f"<p>What {html.escape(self.clause_map.standard)} clause {html.escape(self.clause_map.clause)} asks "
                f"(the requirements paraphrased; clause {html.escape(self.clause_map.edition_2011)} in the 2011 "
                f"edition), the rules that check each, and the sections of this bundle that answer it. {note}</p>",
                self._table(["Requirement", "2011", "Rules", "Answered in", "Standing"], rows, ""),
            ]
        )

    def _first_anchor(self, section_id: str) -> str:
        if not self.facts.everyone or section_id in ("findings", "procedures", "clause-map"):
            return section_id
        first = self.parts[0].customer.id if self.parts else None
        return f"{_slug(first)}-{section_id}" if first else section_id

    def files_section(self) -> str:
        rows = []
        for path in sorted(self.facts.files):
            listed = self.facts.files[path]
            notes = []
            if not listed.in_bundle:
                notes.append(self._mark(None, "", "", f"not in the bundle: {listed.reason}"))
            if listed.uncommitted:
                notes.append(
                    self._mark(False, "", "uncommitted changes: as on disk, no commit vouches for it")
                    if self.facts.from_disk
                    else self._mark(False, "", "uncommitted changes in the working tree, not in this bundle")
                )
            rows.append(
                [
                    self._file(path),
                    f"<code>{html.escape(listed.sha256)}</code>",
                    str(listed.size),
                    html.escape(listed.commit) or DASH,
                    " ".join(notes) or "as committed",
                ]
            )
        return "\n".join(
            [
                '<section class="part">',
                self._heading(2, "Files in this bundle", "files"),
                "<p>Every file the document cites, byte for byte as committed, under <code>evidence/</code>; "
                "<code>manifest.json</code> gives each one's size, SHA-256, git blob id and last commit.</p>",
                self._table(["File", "SHA-256", "Bytes", "Last changed in", "State"], rows, "No file."),
                "</section>",
            ]
        )


def _n(value: int | None) -> str:
    return str(value) if value is not None else DASH


def _slug(value: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (value or "").lower()).strip("-") or "x"


def render(
    repository: Repository,
    policy: Policy,
    parts: list[Part],
    findings: list[Finding],
    facts: Facts,
    titles: Callable[[], dict[str, str]] | None = None,
) -> str:
    """The document's HTML (UTF-8 text)."""
    from ..clauses import load_clause_map
    from ..rules import load_rules

    rule_titles = titles() if titles is not None else {code: rule.title for code, rule in load_rules().items()}
    return Document(repository, policy, parts, findings, facts, load_clause_map(), rule_titles).render()
