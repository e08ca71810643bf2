"""What every page family shares: the evidence, its indexes, and the ways to name and link a record.

:class:`Site` is built once per build. It sees the evidence as it stood at the as-of
date (:meth:`Repository.as_of`, the view the rules judge), asks the registry which
page shows what, and gives the families one link helper (:meth:`Site.link`) and the
few phrases every page speaks in (a person, a date, a standing). Values from evidence
reach a page only through :mod:`..markup` (escaped text, checked links) and evidence
Markdown only through :mod:`..sanitize`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from ...boundary import resolve
from ...business_hours import describe
from ...clauses import ClauseMap, load_clause_map
from ...coverage import DUE_SOON, NOT_PLANNED, OVERDUE, Cadence, Coverage, coverage, grace_words
from ...dates import Interval, in_words
from ...findings import Finding, Severity
from ...load import Loaded
from ...model import (
    Action,
    Body,
    Complaint,
    Customer,
    Instrument,
    Person,
    Record,
    Repository,
    Representative,
    Requirements,
    Result,
    Review,
    Service,
    Waiver,
)
from ...policy import Policy
from ...rules import FAMILIES, Rule, load_rules
from ...schema import TYPES
from .. import calendar
from ..markup import anchor, box, code, external, link, mark, relative, target, text
from ..provenance import History
from ..sanitize import EvidenceRenderer, Redactor

if TYPE_CHECKING:
    from ...bundle.published import Download, Pending
    from ...kept import Kept
    from .registry import Family

DASH = "\u2014"
_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")
#: The longest folder name a page path gets from evidence (file systems stop at 255 bytes).
SEGMENT_LENGTH = 100


@dataclass
class Evidence:
    """Everything a site is built from."""

    loaded: Loaded
    findings: list[Finding]
    as_of: date
    history: History = field(default_factory=lambda: History(missing="not read"))
    publish_contacts: bool = False
    repo_url: str | None = None
    rules: dict[str, Rule] = field(default_factory=load_rules)
    clause_map: ClauseMap = field(default_factory=load_clause_map)
    #: Each customer's evidence bundle, by customer id (built by the plugin; empty: no bundles).
    downloads: dict[str, Download | Pending] = field(default_factory=dict)  # Pending: made while pages render
    #: Where the plugin keeps what a build of this evidence made for the next one (None: nothing kept).
    kept: Kept | None = None


def when(value: date | None) -> str:
    """A date as the pages show it, or a dash."""
    return str(value) if value is not None else DASH


def folder_of(type_name: str) -> str:
    """Where a record type's documents stand (its schema says), with a slash: ``reviews/``."""
    return TYPES[type_name].folder + "/"


def slug_path(path: str, drop: str) -> str:
    """A page path from an evidence path: ``reviews/2026/x y.md`` -> ``2026/x-y.md`` (under its section)."""
    relative_path = path[len(drop) :] if path.startswith(drop) else path
    stem = relative_path[:-3] if relative_path.endswith(".md") else relative_path
    segments = [(_SEGMENT.sub("-", s)[:SEGMENT_LENGTH].strip("-") or "page") for s in stem.split("/")]
    last = segments[-1]
    if last.lower() in ("index", "readme"):
        segments[-1] = f"doc-{last.lower()}"
    return "/".join(segments) + ".md"


class Site:
    """The shared state of one build: evidence, indexes, the page catalogue and the link helpers."""

    def __init__(self, evidence: Evidence, families: Sequence[Family] | None = None) -> None:
        from . import FAMILIES as PAGE_FAMILIES
        from .registry import Catalogue

        self.evidence = evidence
        self.whole = evidence.loaded.repository
        self.as_of = evidence.as_of
        self.findings = evidence.findings
        self.rules = evidence.rules
        self.history = evidence.history
        self.policy = Policy.from_repository(self.whole)
        #: The evidence as it stood at the as-of date: what the rules judged, and all the pages show.
        self.repository = self.whole.as_of(self.as_of, self.policy.zone)
        self.coverage: Coverage = coverage(self.repository, self.policy, self.as_of)
        phones = [p.phone for p in [*self.repository.staff, *self.repository.representatives] if p.phone]
        #: Withholds contact details from everything published: the plugin applies it to every page
        #: MkDocs writes; the site applies it to what it publishes itself (page paths, the calendar).
        self.redact = Redactor(evidence.publish_contacts, phones)
        self.renderer = EvidenceRenderer(evidence.publish_contacts, self._repository_link)
        self._said: dict[str, str] = {}  # names and titles repeat on thousands of pages
        self._links: dict[tuple[Any, ...], str] = {}
        self._anchors: dict[str, str] = {}  # a link from a folder to a record: the same on every page there
        #: Records dated after the as-of date: they did not exist yet, so no page shows them.
        self.later = {
            "reviews": len(self.whole.reviews) - len(self.repository.reviews),
            "satisfaction results": len(self.whole.results) - len(self.repository.results),
            "actions": len(self.whole.actions) - len(self.repository.actions),
            "complaints": len(self.whole.complaints) - len(self.repository.complaints),
            "waivers": len(self.whole.waivers) - len(self.repository.waivers),
        }
        self.families = tuple(families if families is not None else PAGE_FAMILIES)
        self.catalogue = Catalogue(self, self.families)

    # ----------------------------------------------------------------- the catalogue

    def pages(self) -> dict[str, str]:
        """Every page of the site: path (relative to the docs folder) -> Markdown.

        A wide page (a register, the dashboard) gives its table of contents' room to its
        tables; every page carries the stamp a printed page shows in its margin.
        """
        stamp = self.stamp()
        written = {}
        for path, markdown in self.catalogue.write().items():
            if self.catalogue.pages[path].wide:
                markdown = _front_matter(markdown, "hide:\n  - toc") + '\n\n<div class="brm-wide" hidden></div>'
            written[path] = f"{markdown}\n\n{stamp}\n"
        return written

    def stamp(self) -> str:
        """The as-of date and the commit, for the margin of every printed page (the stylesheet puts it there).

        Only dates and a commit id go into it, never evidence text: it is written into a CSS string.
        """
        head = self.history.head
        commit = f"commit {head.short} of {head.date}" if head is not None and self.history.missing is None else (
            f"no git history ({self.history.missing or 'no commits'})"
        )  # fmt: skip
        said = _UNSTAMPABLE.sub("", f"Evidence as of {self.as_of}, built from {commit}")
        return f'<style>:root {{ --brm-stamp: "{said}"; }}</style>'

    def navigation(self) -> list[Any]:
        """The menu, in MkDocs' ``nav`` form (titles as plain text: the plugin escapes them)."""
        return self.catalogue.navigation()

    def page_of(self, record: Record) -> str:
        """The page that shows a record (a review, a result, a procedure ...)."""
        return self.catalogue.page_of_record[id(record)]

    def title_of(self, page: str) -> str:
        return self.catalogue.pages[page].title

    @property
    def page_of_path(self) -> dict[str, str]:
        """Evidence file -> the page that shows it."""
        return self.catalogue.page_of_path

    def calendar_ics(self) -> bytes:
        return calendar.ics(self.events, self.as_of, published=self.redact)

    # ----------------------------------------------------------------- text and links

    def say(self, value: object) -> str:
        """Evidence text as escaped inline Markdown (contact details are withheld from the built page)."""
        if value is None:
            return ""
        key = str(value)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = text(key)
        return said

    def link(self, here: str, page: str, label: str, at: str | None = None) -> str:
        """The one link helper: from page ``here`` to ``page`` (at the anchor ``at``); ``label`` is Markdown."""
        return link(label, relative(here, f"{page}#{at}" if at else page))

    def anchor_of(self, value: str) -> str:
        """The anchor of a record on its page, made from its id or path with contact details withheld."""
        found = self._anchors.get(value)
        if found is None:
            found = self._anchors[value] = anchor(self.redact(value))
        return found

    def file_anchor(self, path: str) -> str:
        """The anchor of an evidence file in a page's provenance box."""
        return f"file-{self.anchor_of(path)}"

    def _repository_link(self, path: str) -> str | None:
        return self.history.link(self.evidence.repo_url, path)

    def _memo(self, make: Callable[..., str], here: str, *args: Any) -> str:
        """``make(here, *args)``, once per folder: a link from a folder is the same on every page there."""
        key = (make.__name__, here.rpartition("/")[0], *args)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = make(here, *args)
        return found

    def person(self, here: str, person_id: str | None, with_role: bool = True) -> str:
        return self._memo(self._person, here, person_id, with_role)

    def _person(self, here: str, person_id: str | None, with_role: bool = True) -> str:
        """A person by id: name, role (and customer, for a representative), linked to the register."""
        if not person_id:
            return DASH
        person = self.people.get(person_id)
        if person is None:
            return f"{code(person_id)} (not in the registers)"
        name = self.say(person.name or person.id)
        if isinstance(person, Representative) and person.customer in self.customer_page and not with_role:
            return self.link(here, self.customer_page[person.customer or ""], name, self.anchor_of(person_id))
        if isinstance(person, Representative) and person.customer in self.customer_page:
            customer = self.customers.get(person.customer or "")
            extra = [self.say(person.role)] if with_role and person.role else []
            extra.append(
                self.link(
                    here,
                    self.customer_page[person.customer or ""],
                    self.say(customer.label if customer else person.customer),
                )
            )
            if person.role and with_role and ("(" in person.role or ")" in person.role):
                return f"{name}, {', '.join(extra)}"
            return f"{name} ({', '.join(extra)})"
        label = self.link(here, "registers/people.md", name, self.anchor_of(person_id))
        if with_role and person.role:
            # A role with brackets of its own follows a comma: no brackets inside brackets.
            role = self.say(person.role)
            return f"{label}, {role}" if "(" in person.role or ")" in person.role else f"{label} ({role})"
        return label

    @property
    def customer_page(self) -> dict[str, str]:
        return self.catalogue.customer_page

    def customer_link(self, here: str, customer_id: str | None) -> str:
        return self._memo(self._customer_link, here, customer_id)

    def _customer_link(self, here: str, customer_id: str | None) -> str:
        if not customer_id:
            return DASH
        customer = self.customers.get(customer_id)
        if customer is None or customer_id not in self.customer_page:
            return f"{code(customer_id)} (not in the register)"
        return self.link(here, self.customer_page[customer_id], self.say(customer.label))

    def service_link(self, here: str, service_id: str | None) -> str:
        return self._memo(self._service_link, here, service_id)

    def _service_link(self, here: str, service_id: str | None) -> str:
        if not service_id:
            return DASH
        service = self.services.get(service_id)
        if service is None:
            return f"{code(service_id)} (not in the catalogue)"
        return self.link(
            here, "registers/services.md", self.say(service.name or service_id), self.anchor_of(service_id)
        )

    def action_link(self, here: str, action_id: str) -> str:
        return self._memo(self._action_link, here, action_id)

    def _action_link(self, here: str, action_id: str) -> str:
        action = self.actions.get(action_id)
        if action is None:
            return f"{code(action_id)} (not in the tracker)"
        return self.link(here, "registers/actions.md", text(action_id), self.anchor_of(action_id))

    def complaint_link(self, here: str, complaint_id: str) -> str:
        if complaint_id not in self.complaints:
            return f"{code(complaint_id)} (not in the register)"
        return self.link(here, "registers/complaints.md", text(complaint_id), self.anchor_of(complaint_id))

    def evidence_link(self, here: str, path: str | None, label: str | None = None) -> str:
        """A link to the page that shows an evidence file, or the path as code if none does."""
        if not path:
            return DASH
        page = self.page_of_path.get(path)
        if page is None:
            return code(path)
        at = self.anchor_of(path) if page == "registers/requirements.md" else None
        return self.link(here, page, label if label is not None else code(path), at)

    def reference(self, here: str, value: str | None) -> str:
        """A document reference (report, SLA, source): a page, an http(s) link, or the value as code."""
        if not value:
            return DASH
        if value in self.complaints:
            return self.complaint_link(here, value)
        resolved = resolve(value)  # the one decision on path and link fields (checks.boundary)
        if resolved.url is not None:
            return external(resolved.url)
        path = resolved.path
        if path is None:
            return code(value)  # refused (BRM003): shown, never linked
        if path in self.page_of_path:
            return self.evidence_link(here, path, self.document_label(path))
        blob = self._repository_link(path) if path in self.repository.paths else None
        return external(blob, value) if blob else code(value)

    def document_label(self, path: str) -> str:
        """A short name for an evidence document: "minutes 2026-10-14", "survey 2026-Q3"."""
        record = self.record_of_path.get(path)
        if isinstance(record, Review):
            return f"minutes {when(record.date)}"
        if isinstance(record, Result):
            return f"survey {self.say(record.period or when(record.sent))}"
        return code(path)

    @cached_property
    def record_of_path(self) -> dict[str, Review | Result]:
        found: dict[str, Review | Result] = {r.source.path: r for r in self.repository.reviews}
        found.update((r.source.path, r) for r in self.repository.results)
        return found

    # ----------------------------------------------------------------- marks

    def standing(self, cadence: Cadence) -> str:
        """Where a cadence stands, judged at its next due date (:attr:`Cadence.next`)."""
        state = cadence.standing(self.as_of)
        if state == NOT_PLANNED:
            return mark("none", "not planned")
        if state == OVERDUE:
            return mark("overdue", "none on record" if cadence.never else "overdue")
        upcoming = cadence.next
        if upcoming is not None and upcoming < self.as_of:  # the date the last review set has passed (REV003)
            return mark("warning", "date set has passed")
        if upcoming is not None and upcoming - self.as_of <= DUE_SOON:
            return mark("due", "due soon")
        return mark("ok", "on time")

    def next_due(self, cadence: Cadence) -> str:
        """The next due date, and where it comes from when the last review set it."""
        if cadence.next is None:
            return "none on record" if cadence.never else DASH
        if cadence.set_for is not None and cadence.next == cadence.set_for and cadence.due != cadence.next:
            by = f"; {in_words(cadence.interval, every=True)}, by {cadence.due}" if cadence.interval else ""
            return f"{cadence.next} (set at the review of {cadence.last}{by})"
        return str(cadence.next)

    def moment(self, instant: datetime | None) -> str:
        """An instant as the complaint procedure reads it: in its time zone (``2026-10-05 13:10 BST``)."""
        if instant is None:
            return DASH
        zone = self.policy.zone
        try:
            shown = instant.astimezone(zone) if zone is not None else instant
        except (OverflowError, ValueError):
            shown = instant
        return text(describe(shown))

    def grace(self) -> str:
        """The policy's grace in words: ``14 days' grace``."""
        return grace_words(self.policy.grace)

    def every(self, interval: Interval | None) -> str:
        return in_words(interval, every=True) if interval is not None else "not planned"

    def due_mark(self, due: date | None, open_: bool = True) -> str:
        if due is None or not open_:
            return ""
        if due < self.as_of:
            return mark("overdue")
        if due - self.as_of <= DUE_SOON:
            return mark("due")
        return mark("ok", "not yet due")

    def severity_mark(self, finding: Finding) -> str:
        return {
            Severity.ERROR: mark("error"),
            Severity.WARNING: mark("warning"),
            Severity.WAIVED: mark("waived"),
        }[finding.severity]

    # ----------------------------------------------------------------- blocks every family uses

    def provenance(self, paths: Iterable[str]) -> str:
        """The provenance box: each source file (an anchor a finding about the file links to) and its last commit."""
        unique = list(dict.fromkeys(p for p in paths if p))
        history = self.history
        lines = [f"- {target(self.file_anchor(path))}{self._provenance(path)}" for path in unique]
        if history.shallow and history.missing is None:
            lines.append("")
            lines.append(
                "*Built from a shallow clone: a commit shown may be later than the one that last changed "
                "the file. Build with the full history (`fetch-depth: 0`) for exact provenance.*"
            )
        if not lines:
            lines.append("*No source file.*")
        return box("quote", "Provenance", "\n".join(lines))

    def _provenance(self, path: str) -> str:
        history = self.history
        if history.missing is not None:
            return f"{code(path)}: no git history ({history.missing})."
        if not history.is_committed(path):
            # Whatever the history of its path says: a file can be deleted, then written again.
            built = f" ({code(history.head.short)})" if history.head else ""
            return (f"{code(path)}: **not committed**: the file is not in the commit this site was "
                    f"built from{built}, so no commit vouches for what this page shows.")  # fmt: skip
        commit = history.last(path)
        if commit is None:
            return f"{code(path)}: committed, but no commit that changed it is in this clone's history."
        at = f"last changed in commit {code(commit.short)} on {commit.date} by {self.say(commit.author)}"
        url = history.link(self.evidence.repo_url, path, commit)
        view = f"; {external(url, 'view the file at this commit')}" if url else ""
        dirty = "; it has uncommitted changes in this build" if path in history.dirty else ""
        symbolic = "; a symbolic link: the commit is the link's, not its content's" if path in history.links else ""
        return f"{code(path)}: {at}{view}{dirty}{symbolic}."

    def body(self, record: Record) -> str:
        """The evidence document's own Markdown, rendered and sanitised, as a raw HTML block."""
        body = getattr(record, "body", None)
        if not isinstance(body, Body) or not body.text.strip():
            return "*The document has no text below its front-matter.*"
        html = self.renderer.render(body.text, record.source.path)
        return f'<div class="brm-evidence" lang="en">\n{html}\n</div>'

    def contacts(self, person: Person) -> list[str]:
        if not self.evidence.publish_contacts:
            return []
        return [self.say(person.email or DASH), self.say(person.phone or DASH)]

    # ----------------------------------------------------------------- indexes

    @cached_property
    def people(self) -> dict[str, Person]:
        return self.repository.people

    @cached_property
    def customers(self) -> dict[str, Customer]:
        return self.repository.by_id(self.repository.customers)

    @cached_property
    def services(self) -> dict[str, Service]:
        return self.repository.by_id(self.repository.services)

    @cached_property
    def actions(self) -> dict[str, Action]:
        return self.repository.by_id(self.repository.actions)

    @cached_property
    def complaints(self) -> dict[str, Complaint]:
        return self.repository.by_id(self.repository.complaints)

    @cached_property
    def instruments(self) -> dict[str, list[Instrument]]:
        index: dict[str, list[Instrument]] = defaultdict(list)
        for instrument in self.repository.instruments:
            if instrument.id:
                index[instrument.id].append(instrument)
        return index

    @cached_property
    def findings_by_customer(self) -> dict[str, list[Finding]]:
        """Findings about a customer: its own record, representatives, actions, complaints and documents."""
        by_subject: dict[str, set[str]] = defaultdict(set)
        by_path: dict[str, set[str]] = defaultdict(set)
        for customer in self.repository.customers:
            if customer.id is None:
                continue
            by_subject[customer.id].add(customer.id)
            for representative in customer.representatives:
                if representative.id:
                    by_subject[f"{representative.id}"].add(customer.id)
        for action in self.repository.actions:
            for customer_id in action.customers:
                by_subject[action.id or action.source.path].add(customer_id)
        for complaint in self.repository.complaints:
            if complaint.customer:
                by_subject[complaint.id or complaint.source.path].add(complaint.customer)
        for requirements in self.repository.requirements:
            if requirements.customer:
                by_path[requirements.source.path].add(requirements.customer)
        for review in self.repository.reviews:
            for customer_id in review.customers:
                by_path[review.source.path].add(customer_id)
        for result in self.repository.results:
            for customer_id in result.customers:
                by_path[result.source.path].add(customer_id)
        found: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            for customer_id in by_subject.get(finding.subject, set()) | by_path.get(finding.path, set()):
                found[customer_id].append(finding)
        return found

    @cached_property
    def reviews_by_customer(self) -> dict[str, list[Review]]:
        index = grouped(self.repository.reviews, lambda r: r.customers)
        for reviews in index.values():
            reviews.sort(key=lambda r: (r.date or date.min, r.source.path))
        return index

    @cached_property
    def actions_by_customer(self) -> dict[str, list[Action]]:
        return grouped(self.repository.actions, lambda a: a.customers)

    @cached_property
    def complaints_by_customer(self) -> dict[str, list[Complaint]]:
        return grouped(self.repository.complaints, lambda c: [c.customer])

    @cached_property
    def requirements_by_customer(self) -> dict[str, list[Requirements]]:
        return grouped(self.repository.requirements, lambda r: [r.customer])

    @cached_property
    def results_by_instrument(self) -> dict[str, list[Result]]:
        return grouped(self.repository.results, lambda r: [r.instrument])

    @cached_property
    def results_by_customer(self) -> dict[str, list[Result]]:
        return grouped(self.repository.results, lambda r: r.customers)

    @cached_property
    def results_by_tier(self) -> dict[str, list[Result]]:
        return grouped(self.repository.results, lambda r: [r.tier])

    @cached_property
    def findings_by_path(self) -> dict[str, list[Finding]]:
        return grouped(self.findings, lambda f: [f.path])

    @cached_property
    def findings_by_rule(self) -> dict[str, list[Finding]]:
        return grouped(self.findings, lambda f: [f.rule])

    @cached_property
    def family_of_prefix(self) -> dict[str, str]:
        return {prefix: title for prefixes, title in FAMILIES.values() for prefix in prefixes}

    @cached_property
    def events(self) -> list[calendar.Event]:
        return calendar.events(self.repository, self.policy, self.coverage)

    def evidence_of(self, customer: Customer) -> Repository:
        """The reviews and results that name the customer (or its tier), as a repository of their own.

        The coverage module's selections (``performance_reviews``, ``results_covering``)
        run on it unchanged, and give what they give on the whole repository, without
        scanning every review for every customer.
        """
        results = self.results_by_customer.get(customer.id or "", [])
        tier = self.results_by_tier.get(customer.tier or "", []) if customer.tier else []
        return Repository(
            root=self.repository.root,
            reviews=self.reviews_by_customer.get(customer.id or "", []),
            results=list({id(r): r for r in [*results, *tier]}.values()),
        )

    def waivers_for(self, customer: Customer) -> list[Waiver]:
        subjects = {customer.id, *(r.id for r in customer.representatives)}
        subjects |= {a.id for a in self.actions_by_customer.get(customer.id or "", [])}
        subjects |= {c.id for c in self.complaints_by_customer.get(customer.id or "", [])}
        subjects |= {r.source.path for r in self.requirements_by_customer.get(customer.id or "", [])}
        subjects |= {r.source.path for r in self.reviews_by_customer.get(customer.id or "", [])}
        subjects.discard(None)
        return [w for w in self.repository.waivers if w.subject in subjects]


T = TypeVar("T")

#: What the print stamp may not hold: dates, a commit id, plain words (it is written into a CSS string).
_UNSTAMPABLE = re.compile(r"[^A-Za-z0-9 ,.()-]")


def _front_matter(markdown: str, lines: str) -> str:
    """The page with ``lines`` in its front-matter (added to the one it has, if it has one)."""
    if markdown.startswith("---\n"):
        return f"---\n{lines}\n{markdown[4:]}"
    return f"---\n{lines}\n---\n\n{markdown}"


def grouped(records: Iterable[T], keys: Callable[[T], Iterable[str | None]]) -> dict[str, list[T]]:
    """Records by each of their keys (a record under each distinct key once; empty keys skipped)."""
    index: dict[str, list[T]] = defaultdict(list)
    for record in records:
        for key in dict.fromkeys(keys(record)):
            if key:
                index[key].append(record)
    return index
