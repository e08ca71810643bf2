"""The auditor site as plain code: evidence and findings in, ``{path: markdown}`` out.

Nothing here knows MkDocs. :func:`render` takes what the checks produced (the loaded
repository, the findings, the as-of date) and what git said (:class:`History`), and
returns every page as Markdown; :func:`navigation` the menu. Values from evidence
reach a page only through :mod:`markup` (escaped text, checked links) and evidence
Markdown only through :mod:`sanitize` (rendered, then cleaned by nh3).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from importlib import resources
from typing import Any, TypeVar

import yaml

from ..boundary import resolve
from ..coverage import DUE_SOON_STATUS, NOT_PLANNED, OVERDUE, Cadence, Coverage, CustomerCoverage, cadence, coverage
from ..coverage import performance_reviews as covering_reviews
from ..coverage import results_covering as covering_results
from ..findings import Finding, Severity
from ..load import Loaded, responses_path
from ..model import (
    Action,
    Complaint,
    Customer,
    Instrument,
    Person,
    Procedure,
    Repository,
    Representative,
    Requirements,
    Result,
    Review,
    Service,
    Waiver,
)
from ..policy import Policy
from ..reader import Problem, parse_yaml
from ..rules import FAMILIES, Rule, load_rules
from . import calendar, charts
from .markup import (
    anchor,
    box,
    bullets,
    code,
    external,
    link,
    mark,
    nowrap,
    relative,
    table,
    target,
    text,
)
from .provenance import History
from .sanitize import EvidenceRenderer, Redactor

DASH = "\u2014"
#: Customers are listed one by one in the menu up to this many; beyond, the index page lists them.
NAV_CUSTOMERS = 30
HEATMAP_MONTHS = 12
CUSTOMER_SEARCH_BOOST = 10
REGISTERS = ("people", "services", "customers", "requirements", "actions", "complaints", "waivers")
REGISTER_TITLES = {
    "people": "People",
    "services": "Services",
    "customers": "Customers",
    "requirements": "Agreed requirements",
    "actions": "Action tracker",
    "complaints": "Complaints",
    "waivers": "Waivers",
}
_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")
#: The longest folder name a page path gets from evidence (file systems stop at 255 bytes).
SEGMENT_LENGTH = 100


@dataclass(frozen=True)
class ClauseRequirement:
    id: str
    requirement: str
    clause_2011: str
    rules: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ClauseMap:
    standard: str
    clause: str
    title: str
    note: str
    edition_2011: str
    requirements: tuple[ClauseRequirement, ...]


def load_clause_map(text: str | None = None) -> ClauseMap:
    """The clause map data file (``checks/data/clause-map.yaml``), read by our strict reader."""
    if text is None:
        text = resources.files("checks").joinpath("data/clause-map.yaml").read_text(encoding="utf-8")
    document = parse_yaml(text, "checks/data/clause-map.yaml")
    if isinstance(document, Problem):
        raise ValueError(f"checks/data/clause-map.yaml:{document.line}: {document.message}")
    data: dict[str, Any] = document.data
    return ClauseMap(
        standard=data["standard"],
        clause=data["clause"],
        title=data["title"],
        note=data["note"],
        edition_2011=data["edition_2011"],
        requirements=tuple(
            ClauseRequirement(r["id"], r["requirement"], r["clause_2011"], tuple(r["rules"]), tuple(r["evidence"]))
            for r in data["requirements"]
        ),
    )


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


def render(evidence: Evidence) -> dict[str, str]:
    """Every page of the site: path (relative to the docs folder) -> Markdown."""
    return Site(evidence).pages()


def navigation(evidence: Evidence) -> list[Any]:
    """The menu, in MkDocs' ``nav`` form."""
    return Site(evidence).navigation()


def _date(value: date | None) -> str:
    return str(value) if value is not None else DASH


def _slug_path(path: str, drop: str) -> str:
    """A page path from an evidence path: ``reviews/2026/x y.md`` -> ``2026/x-y.md`` (under its section)."""
    relative_path = path[len(drop) :] if path.startswith(drop) else path
    stem = relative_path[:-3] if relative_path.endswith(".md") else relative_path
    segments = [(_SEGMENT.sub("-", s)[:SEGMENT_LENGTH].strip("-") or "page") for s in stem.split("/")]
    last = segments[-1]
    if last.lower() in ("index", "readme"):
        segments[-1] = f"doc-{last.lower()}"
    return "/".join(segments) + ".md"


class Site:
    """Builds every page; holds the indexes the pages share, so each page costs its own size."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.repository = evidence.loaded.repository
        self.as_of = evidence.as_of
        self.findings = evidence.findings
        self.rules = evidence.rules
        self.history = evidence.history
        self.policy = Policy.from_repository(self.repository)
        self.coverage: Coverage = coverage(self.repository, self.policy, self.as_of)
        phones = [p.phone for p in [*self.repository.staff, *self.repository.representatives] if p.phone]
        #: Withholds contact details from everything published: the plugin applies it to every page
        #: MkDocs writes; the site applies it to what it publishes itself (page paths, the calendar).
        self.redact = Redactor(evidence.publish_contacts, phones)
        self.renderer = EvidenceRenderer(evidence.publish_contacts, self._repository_link)
        self._said: dict[str, str] = {}  # names and titles repeat on thousands of pages
        self._links: dict[tuple[Any, ...], str] = {}  # a link from a folder to a record: the same on every page there
        self._assign_pages()

    # ----------------------------------------------------------------- helpers

    def say(self, value: object) -> str:
        """Evidence text as escaped inline Markdown (contact details are withheld from the built page)."""
        if value is None:
            return ""
        key = str(value)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = text(key)
        return said

    def _repository_link(self, path: str) -> str | None:
        return self.history.link(self.evidence.repo_url, path)

    def _assign_pages(self) -> None:
        """Which page shows which evidence file, decided once (paths made unique)."""
        self.page_of_path: dict[str, str] = {}
        taken: set[str] = set()

        def claim(path: str) -> str:
            candidate, n = path, 1
            while candidate in taken:
                n += 1
                candidate = f"{path[:-3]}-{n}.md"
            taken.add(candidate)
            return candidate

        def slug(path: str, drop: str) -> str:
            return _slug_path(self.redact(path), drop)  # a file name can hold an e-mail address

        for section in ("index.md", "findings.md", "clause-map.md", "calendar.md", "heatmap.md"):
            taken.add(section)
        for folder in ("customers", "registers", "minutes", "surveys", "procedures", "rules"):
            taken.add(f"{folder}/index.md")
        for name in REGISTERS:
            taken.add(f"registers/{name}.md")
        self.review_page: dict[int, str] = {}
        for review in self.repository.reviews:
            page = claim("minutes/" + slug(review.source.path, "reviews/"))
            self.review_page[id(review)] = page
            self.page_of_path[review.source.path] = page
        self.instrument_page: dict[int, str] = {}
        for instrument in self.repository.instruments:
            page = claim("surveys/instruments/" + slug(instrument.source.path, "surveys/instruments/"))
            self.instrument_page[id(instrument)] = page
            self.page_of_path[instrument.source.path] = page
        self.result_page: dict[int, str] = {}
        for result in self.repository.results:
            page = claim("surveys/results/" + slug(result.source.path, "surveys/results/"))
            self.result_page[id(result)] = page
            self.page_of_path[result.source.path] = page
            beside = responses_path(result)  # the one resolution of path fields (checks.boundary)
            if beside is not None:
                self.page_of_path.setdefault(beside, page)
        self.procedure_page: dict[int, str] = {}
        for procedure in self.repository.procedures:
            page = claim("procedures/" + slug(procedure.source.path, "procedures/"))
            self.procedure_page[id(procedure)] = page
            self.page_of_path[procedure.source.path] = page
        self.customer_page: dict[str, str] = {}
        for customer in self.repository.customers:
            if customer.id is None or customer.id in self.customer_page:
                continue
            self.customer_page[customer.id] = claim(f"customers/{anchor(self.redact(customer.id))[:SEGMENT_LENGTH]}.md")
        for document in self.repository.documents:
            path = document.path
            if path.startswith("registers/") and path not in self.page_of_path:
                register = path.split("/")[1]
                register = register.rsplit(".", 1)[0] if register.endswith((".yaml", ".yml")) else register
                if register in REGISTERS:
                    self.page_of_path[path] = f"registers/{register}.md"

    def to(self, here: str, page: str, label: str) -> str:
        """A link from ``here`` to another generated page; ``label`` is Markdown already."""
        return link(label, relative(here, page))

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
        if isinstance(person, Representative) and person.customer in self.customer_page:
            customer = self.customers.get(person.customer or "")
            label = name
            extra = [self.say(person.role)] if with_role and person.role else []
            extra.append(
                self.to(
                    here,
                    self.customer_page[person.customer or ""],
                    self.say(customer.label if customer else person.customer),
                )
            )
            return f"{label} ({', '.join(extra)})"
        target_page = relative(here, f"registers/people.md#{anchor(person_id)}")
        label = link(name, target_page)
        if with_role and person.role:
            return f"{label} ({self.say(person.role)})"
        return label

    def customer_link(self, here: str, customer_id: str | None) -> str:
        return self._memo(self._customer_link, here, customer_id)

    def _customer_link(self, here: str, customer_id: str | None) -> str:
        if not customer_id:
            return DASH
        customer = self.customers.get(customer_id)
        if customer is None or customer_id not in self.customer_page:
            return f"{code(customer_id)} (not in the register)"
        return self.to(here, self.customer_page[customer_id], self.say(customer.label))

    def service_link(self, here: str, service_id: str | None) -> str:
        return self._memo(self._service_link, here, service_id)

    def _service_link(self, here: str, service_id: str | None) -> str:
        if not service_id:
            return DASH
        service = self.services.get(service_id)
        if service is None:
            return f"{code(service_id)} (not in the catalogue)"
        return link(self.say(service.name or service_id), relative(here, f"registers/services.md#{anchor(service_id)}"))

    def action_link(self, here: str, action_id: str) -> str:
        return self._memo(self._action_link, here, action_id)

    def _action_link(self, here: str, action_id: str) -> str:
        action = self.actions.get(action_id)
        if action is None:
            return f"{code(action_id)} (not in the tracker)"
        return link(text(action_id), relative(here, f"registers/actions.md#{anchor(action_id)}"))

    def complaint_link(self, here: str, complaint_id: str) -> str:
        if complaint_id not in self.complaints:
            return f"{code(complaint_id)} (not in the register)"
        return link(text(complaint_id), relative(here, f"registers/complaints.md#{anchor(complaint_id)}"))

    def evidence_link(self, here: str, path: str | None, label: str | None = None) -> str:
        """A link to the page that shows an evidence file, or the path as code if none does."""
        if not path:
            return DASH
        page = self.page_of_path.get(path)
        if page is None:
            return code(path)
        if page == "registers/requirements.md":
            page = f"{page}#{anchor(path)}"
        return self.to(here, page, label if label is not None else code(path))

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
            return f"minutes {_date(record.date)}"
        if isinstance(record, Result):
            return f"survey {self.say(record.period or _date(record.sent))}"
        return code(path)

    @cached_property
    def record_of_path(self) -> dict[str, Review | Result]:
        found: dict[str, Review | Result] = {r.source.path: r for r in self.repository.reviews}
        found.update((r.source.path, r) for r in self.repository.results)
        return found

    def standing(self, cadence: Cadence) -> str:
        state = cadence.standing(self.as_of)
        if state == NOT_PLANNED:
            return mark("none", "not planned")
        if state == OVERDUE:
            return mark("overdue", "none on record" if cadence.never else "overdue")
        if state == DUE_SOON_STATUS:
            return mark("due", "due soon")
        return mark("ok", "on time")

    def due_mark(self, due: date | None, open_: bool = True) -> str:
        if due is None or not open_:
            return ""
        if due < self.as_of:
            return mark("overdue")
        if (due - self.as_of).days <= 14:
            return mark("due")
        return mark("ok", "not yet due")

    def severity_mark(self, finding: Finding) -> str:
        return {
            Severity.ERROR: mark("error"),
            Severity.WARNING: mark("warning"),
            Severity.WAIVED: mark("waived"),
        }[finding.severity]

    def provenance(self, paths: Iterable[str]) -> str:
        """The provenance box: each source file and the last commit that changed it."""
        unique = list(dict.fromkeys(p for p in paths if p))
        lines = []
        history = self.history
        for path in unique:
            if history.missing is not None:
                lines.append(f"- {code(path)}: no git history ({history.missing}).")
                continue
            if not history.is_committed(path):
                # Whatever the history of its path says: a file can be deleted, then written again.
                built = f" ({code(history.head.short)})" if history.head else ""
                lines.append(f"- {code(path)}: **not committed**: the file is not in the commit this site was "
                             f"built from{built}, so no commit vouches for what this page shows.")  # fmt: skip
                continue
            commit = history.last(path)
            if commit is None:
                lines.append(f"- {code(path)}: committed, but no commit that changed it is in this clone's history.")
                continue
            at = f"last changed in commit {code(commit.short)} on {commit.date} by {self.say(commit.author)}"
            url = history.link(self.evidence.repo_url, path, commit)
            view = f"; {external(url, 'view the file at this commit')}" if url else ""
            dirty = "; it has uncommitted changes in this build" if path in history.dirty else ""
            link = "; a symbolic link: the commit is the link's, not its content's" if path in history.links else ""
            lines.append(f"- {code(path)}: {at}{view}{dirty}{link}.")
        if history.shallow and history.missing is None:
            lines.append("")
            lines.append(
                "*Built from a shallow clone: a commit shown may be later than the one that last changed "
                "the file. Build with the full history (`fetch-depth: 0`) for exact provenance.*"
            )
        if not lines:
            lines.append("*No source file.*")
        return box("quote", "Provenance", "\n".join(lines))

    # ----------------------------------------------------------------- indexes

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
        index = _grouped(self.repository.reviews, lambda r: r.customers)
        for reviews in index.values():
            reviews.sort(key=lambda r: (r.date or date.min, r.source.path))
        return index

    @cached_property
    def actions_by_customer(self) -> dict[str, list[Action]]:
        return _grouped(self.repository.actions, lambda a: a.customers)

    @cached_property
    def complaints_by_customer(self) -> dict[str, list[Complaint]]:
        return _grouped(self.repository.complaints, lambda c: [c.customer])

    @cached_property
    def requirements_by_customer(self) -> dict[str, list[Requirements]]:
        return _grouped(self.repository.requirements, lambda r: [r.customer])

    @cached_property
    def results_by_instrument(self) -> dict[str, list[Result]]:
        return _grouped(self.repository.results, lambda r: [r.instrument])

    @cached_property
    def findings_by_path(self) -> dict[str, list[Finding]]:
        return _grouped(self.findings, lambda f: [f.path])

    @cached_property
    def findings_by_rule(self) -> dict[str, list[Finding]]:
        return _grouped(self.findings, lambda f: [f.rule])

    @cached_property
    def family_of_prefix(self) -> dict[str, str]:
        return {prefix: title for prefixes, title in FAMILIES.values() for prefix in prefixes}

    @cached_property
    def events(self) -> list[calendar.Event]:
        return calendar.events(self.repository, self.policy, self.coverage)

    def calendar_ics(self) -> bytes:
        return calendar.ics(self.events, self.as_of, published=self.redact)

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

    @cached_property
    def results_by_customer(self) -> dict[str, list[Result]]:
        return _grouped(self.repository.results, lambda r: r.customers)

    @cached_property
    def results_by_tier(self) -> dict[str, list[Result]]:
        return _grouped(self.repository.results, lambda r: [r.tier])

    def waivers_for(self, customer: Customer) -> list[Waiver]:
        subjects = {customer.id, *(r.id for r in customer.representatives)}
        subjects |= {a.id for a in self.actions_by_customer.get(customer.id or "", [])}
        subjects |= {c.id for c in self.complaints_by_customer.get(customer.id or "", [])}
        subjects |= {r.source.path for r in self.requirements_by_customer.get(customer.id or "", [])}
        subjects |= {r.source.path for r in self.reviews_by_customer.get(customer.id or "", [])}
        subjects.discard(None)
        return [w for w in self.repository.waivers if w.subject in subjects]

    # ----------------------------------------------------------------- the pages

    def pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        pages["index.md"] = self.dashboard()
        pages["customers/index.md"] = self.customers_index()
        for customer in self.repository.customers:
            page = self.customer_page.get(customer.id or "")
            if page is not None and page not in pages:
                pages[page] = self.customer(customer, page)
        pages["registers/index.md"] = self.registers_index()
        pages["registers/people.md"] = self.register_people()
        pages["registers/services.md"] = self.register_services()
        pages["registers/customers.md"] = self.register_customers()
        pages["registers/requirements.md"] = self.register_requirements()
        pages["registers/actions.md"] = self.register_actions()
        pages["registers/complaints.md"] = self.register_complaints()
        pages["registers/waivers.md"] = self.register_waivers()
        pages["minutes/index.md"] = self.minutes_index()
        for review in self.repository.reviews:
            page = self.review_page[id(review)]
            pages[page] = self.minutes(review, page)
        pages["surveys/index.md"] = self.surveys_index()
        for instrument in self.repository.instruments:
            page = self.instrument_page[id(instrument)]
            pages[page] = self.instrument(instrument, page)
        for result in self.repository.results:
            page = self.result_page[id(result)]
            pages[page] = self.result(result, page)
        pages["procedures/index.md"] = self.procedures_index()
        for procedure in self.repository.procedures:
            page = self.procedure_page[id(procedure)]
            pages[page] = self.procedure(procedure, page)
        pages["findings.md"] = self.findings_page()
        pages["rules/index.md"] = self.rules_index()
        for code_, declared in self.rules.items():
            pages[f"rules/{code_}.md"] = self.rule(declared)
        pages["clause-map.md"] = self.clause_map()
        pages["calendar.md"] = self.calendar_page()
        pages["heatmap.md"] = self.heatmap_page()
        return pages

    def navigation(self) -> list[Any]:
        customers: list[Any] = [{"All customers": "customers/index.md"}]
        if len(self.customer_page) <= NAV_CUSTOMERS:
            for customer in self.repository.customers:
                page = self.customer_page.get(customer.id or "")
                if page is not None:
                    customers.append({customer.label: page})
        procedures: list[Any] = [{"All procedures": "procedures/index.md"}]
        for procedure in self.repository.procedures:
            procedures.append(
                {procedure.title or procedure.id or procedure.source.path: self.procedure_page[id(procedure)]}
            )
        return [
            {"Dashboard": "index.md"},
            {"Customers": customers},
            {"Registers": [{"All registers": "registers/index.md"}]
             + [{REGISTER_TITLES[name]: f"registers/{name}.md"} for name in REGISTERS]},
            {"Minutes": "minutes/index.md"},
            {"Surveys": "surveys/index.md"},
            {"Procedures": procedures},
            {"Findings": "findings.md"},
            {"Rules": "rules/index.md"},
            {"Clause map": "clause-map.md"},
            {"Calendar": "calendar.md"},
            {"Heat map": "heatmap.md"},
        ]  # fmt: skip

    # ----------------------------------------------------------------- dashboard

    def commit_line(self) -> str:
        history = self.history
        if history.missing is not None or history.head is None:
            return f"no git history ({history.missing or 'no commits'})"
        head = history.head
        url = f"{self.evidence.repo_url.rstrip('/')}/commit/{head.sha}" if self.evidence.repo_url else None
        sha = external(url, head.short) if url else code(head.short)
        dirty = f", with uncommitted changes in {len(history.dirty)} file(s)" if history.dirty else ""
        return f"{sha} ({head.date}, {self.say(head.author)}){dirty}"

    def dashboard(self) -> str:
        here = "index.md"
        repo = self.repository
        counts: dict[str, int] = defaultdict(int)
        for finding in self.findings:
            counts[finding.severity.value] += 1
        open_actions = [a for a in repo.actions if a.is_open]
        overdue_actions = [a for a in open_actions if a.due is not None and a.due < self.as_of]
        open_complaints = [c for c in repo.complaints if c.stage != "closed" and c.resolved is None]
        reviews = [r for r in repo.reviews if r.is_performance_review]
        process = self.coverage.process_review
        lines = [
            "# Business relationship management: evidence dashboard",
            "",
            f"Evidence for **{self.evidence.clause_map.standard} clause {self.evidence.clause_map.clause}**, "
            f"{text(self.evidence.clause_map.title.lower())}, judged **as of {self.as_of}**.",
            "",
            f"- **As of:** {self.as_of}",
            f"- **Built from commit:** {self.commit_line()}",
            f"- **Findings:** {mark('error' if counts['error'] else 'ok', str(counts['error']) + ' errors')}, "
            f"{mark('warning' if counts['warning'] else 'ok', str(counts['warning']) + ' warnings')}, "
            f"{mark('waived', str(counts['waived']) + ' waived')}"
            f" ({self.to(here, 'findings.md', 'all findings')})",
            "",
            "## Counts",
            "",
            table(
                ["Evidence", "Count"],
                [
                    [self.to(here, "customers/index.md", "Customers"), str(len(repo.customers))],
                    ["Customer representatives", str(len(repo.representatives))],
                    [
                        self.to(here, "registers/services.md", "Services in scope"),
                        str(sum(1 for s in repo.services if s.in_scope)),
                    ],
                    [self.to(here, "registers/requirements.md", "Agreed requirements"), str(len(repo.requirements))],
                    [self.to(here, "minutes/index.md", "Performance reviews"), str(len(reviews))],
                    ["Process reviews", str(sum(1 for r in repo.reviews if r.type == "process-review"))],
                    [self.to(here, "surveys/index.md", "Satisfaction results"), str(len(repo.results))],
                    [
                        self.to(here, "registers/actions.md", "Open actions"),
                        f"{len(open_actions)} ({len(overdue_actions)} past due)",
                    ],
                    [self.to(here, "registers/complaints.md", "Open complaints"), str(len(open_complaints))],
                    [self.to(here, "registers/waivers.md", "Waivers"), str(len(repo.waivers))],
                    ["Evidence files read", str(repo.files)],
                ],
            ),  # fmt: skip
            "",
            "## Coverage",
            "",
            "Where every customer stands on its cadences: the same computation as `brm status` and the "
            f"checks (a due date within 14 days is *due soon*). See also the {self.to(here, 'heatmap.md', 'heat map')} "
            f"and the {self.to(here, 'calendar.md', 'calendar')}.",
            "",
            self.coverage_matrix(here),
            "",
            f"**Process review** of business relationship management: last "
            f"{self.evidence_link(here, process.evidence, _date(process.last))}"
            f", next due {_date(process.due)} {self.standing(process)}",
            "",
            "## Findings by rule family",
            "",
            self.family_table(here),
            "",
        ]
        return "\n".join(lines)

    def coverage_matrix(self, here: str) -> str:
        rows = []
        for row in self.coverage.customers:
            customer_id = row.customer.id or ""
            findings = [f for f in self.findings_by_customer.get(customer_id, []) if f.severity is not Severity.WAIVED]
            errors = sum(1 for f in findings if f.severity is Severity.ERROR)
            finding_mark = (
                mark("error", f"{errors} errors, {len(findings) - errors} warnings")
                if errors
                else mark("warning", f"{len(findings)} warnings")
                if findings
                else mark("ok", "none")
            )
            agreed, total = row.services_agreed, len(row.requirements)
            rows.append(
                [
                    self.customer_link(here, customer_id),
                    self.say(row.customer.tier or DASH),
                    str(len(row.customer.representatives)),
                    mark("ok" if agreed == total else "error", f"{agreed} of {total}"),
                    self.cadence_cell(here, row.review),
                    self.cadence_cell(here, row.survey),
                    f"{len(row.open_actions)} open"
                    + (f"<br>{mark('overdue', f'{len(row.overdue_actions)} past due')}" if row.overdue_actions else ""),
                    f"{len(row.open_complaints)} open",
                    finding_mark,
                ]
            )
        return table(
            ["Customer", "Tier", "Representatives", "Requirements agreed", "Performance review",
             "Satisfaction survey", "Actions", "Complaints", "Findings"],
            rows,
            empty="No customers in the register.",
        )  # fmt: skip

    def cadence_cell(self, here: str, cadence: Cadence) -> str:
        """Last evidence, next due date and standing, in one cell."""
        last = self.evidence_link(here, cadence.evidence, _date(cadence.last)) if cadence.last else "none"
        return (f"{self.standing(cadence)}<br>{nowrap('last ' + last)}<br>"
                f"{nowrap('due ' + _date(cadence.due))}")  # fmt: skip

    def family_table(self, here: str) -> str:
        rows = []
        for _module, (prefixes, title) in FAMILIES.items():
            found = [f for f in self.findings if f.family in prefixes]
            counts = {s: sum(1 for f in found if f.severity is s) for s in Severity}
            codes = [c for c in self.rules if c[:3] in prefixes]
            rows.append(
                [
                    self.to(here, f"findings.md#{anchor(title)}", text(title)),
                    ", ".join(self.to(here, f"rules/{c}.md", c) for c in codes),
                    mark("error", str(counts[Severity.ERROR])) if counts[Severity.ERROR] else "0",
                    mark("warning", str(counts[Severity.WARNING])) if counts[Severity.WARNING] else "0",
                    mark("waived", str(counts[Severity.WAIVED])) if counts[Severity.WAIVED] else "0",
                ]
            )
        return table(["Family", "Rules", "Errors", "Warnings", "Waived"], rows)

    # ----------------------------------------------------------------- customers

    def customers_index(self) -> str:
        here = "customers/index.md"
        rows = []
        for customer in self.repository.customers:
            rows.append(
                [
                    self.customer_link(here, customer.id),
                    self.say(customer.tier or DASH),
                    self.person(here, customer.counterpart),
                    ", ".join(self.say(r.name or r.id) for r in customer.representatives) or DASH,
                    ", ".join(self.service_link(here, s) for s in customer.service_ids) or DASH,
                ]
            )
        return "\n".join(
            [
                "# Customers",
                "",
                "One page per customer: the whole evidence bundle in one place.",
                "",
                table(["Customer", "Tier", "Counterpart", "Representatives", "Services"], rows,
                      empty="No customers in the register."),
                "",
            ]
        )  # fmt: skip

    def customer(self, customer: Customer, here: str) -> str:
        customer_id = customer.id or ""
        row = self.coverage.customer(customer_id)
        assert row is not None
        review_interval = row.review.interval
        survey_interval = row.survey.interval
        lines = [
            # Our own front-matter (not evidence): Material ranks a customer's page first in search.
            "---",
            "search:",
            f"  boost: {CUSTOMER_SEARCH_BOOST}",
            "---",
            "",
            f"# {self.say(customer.label)}",
            "",
            f"- **Customer id:** {code(customer_id)}",
            f"- **Tier:** {self.say(customer.tier or DASH)}",
            f"- **Our counterpart:** {self.person(here, customer.counterpart)}",
            f"- **Review interval:** {code(review_interval) if review_interval else 'not planned'}"
            + (" (the customer's own)" if customer.review_interval else " (its tier's)"),
            f"- **Survey interval:** {code(survey_interval) if survey_interval else 'not planned'} (its tier's)",
            "",
            "## Status",
            "",
            self.customer_status(row, here),
            "",
            "## Representatives",
            "",
            self.representatives_table(customer, here),
            "",
        ]
        if customer.interim is not None:
            interim = customer.interim
            contact = self.say(interim.contact) if interim.contact else DASH
            lines += [
                box(
                    "warning",
                    "Interim contact (no named representative yet)",
                    "\n".join(
                        [
                            f"- **Contact:** {contact}",
                            f"- **Nomination requested:** {_date(interim.requested)}",
                            f"- **Escalation:** {', '.join(self.person(here, p) for p in interim.escalation) or DASH}",
                        ]
                    ),
                ),
                "",
            ]
        lines += [
            "## Services and user groups",
            "",
            table(
                ["Service", "User groups", "Service owner"],
                [
                    [
                        self.service_link(here, c.service),
                        ", ".join(self.say(g) for g in c.user_groups) or DASH,
                        self.person(here, self.services[c.service].owner if c.service in self.services else None),
                    ]
                    for c in customer.services
                ],
                empty="No services recorded.",
            ),
            "",
            "## Agreed requirements",
            "",
            self.customer_requirements(customer, row, here),
            "",
            "## Review history",
            "",
            self.review_history(customer_id, here),
            "",
            "## Satisfaction",
            "",
            self.satisfaction(customer, here),
            "",
            "## Actions",
            "",
            self.customer_actions(customer_id, here),
            "",
            "## Complaints",
            "",
            self.complaints_table(self.complaints_by_customer.get(customer_id, []), here, with_customer=False),
            "",
            "## Waivers",
            "",
            self.waivers_table(self.waivers_for(customer), here),
            "",
            "## Open findings",
            "",
            self.findings_table(
                [f for f in self.findings_by_customer.get(customer_id, []) if f.severity is not Severity.WAIVED],
                here,
                empty="No open findings.",
            ),
            "",
            self.provenance(
                [
                    customer.source.path,
                    *(r.source.path for r in self.requirements_by_customer.get(customer_id, [])),
                ]
            ),
        ]
        return "\n".join(lines)

    def customer_status(self, row: CustomerCoverage, here: str) -> str:
        return table(
            ["Activity", "Last", "Next due", "Standing"],
            [
                ["Performance review", self.evidence_link(here, row.review.evidence, _date(row.review.last)),
                 _date(row.review.due), self.standing(row.review)],
                ["Satisfaction survey", self.evidence_link(here, row.survey.evidence, _date(row.survey.last)),
                 _date(row.survey.due), self.standing(row.survey)],
                ["Open actions", str(len(row.open_actions)), DASH,
                 mark("overdue", f"{len(row.overdue_actions)} past due") if row.overdue_actions
                 else mark("ok", "none past due")],
                ["Open complaints", str(len(row.open_complaints)), DASH,
                 mark("open", f"{len(row.open_complaints)} open") if row.open_complaints else mark("ok", "none open")],
            ],
        )  # fmt: skip

    def contacts(self, person: Person) -> list[str]:
        if not self.evidence.publish_contacts:
            return []
        return [self.say(person.email or DASH), self.say(person.phone or DASH)]

    def representatives_table(self, customer: Customer, here: str) -> str:
        headers = ["Name", "Role", "Authority", "Services", "Since", "Confirmed", "Confirmation due"]
        if self.evidence.publish_contacts:
            headers += ["E-mail", "Phone"]
        rows = []
        interval = self.policy.representative_confirmation
        used: set[str] = set()
        for representative in customer.representatives:
            basis = representative.confirmed or representative.since
            due = interval.after(basis) if basis else None
            anchor_id = anchor(representative.id or "")
            name = self.say(representative.name or representative.id)
            if anchor_id not in used:
                used.add(anchor_id)
                name = target(anchor_id) + name
            rows.append(
                [
                    name,
                    self.say(representative.role or DASH),
                    ", ".join(code(a) for a in representative.authority) or mark("error", "none"),
                    ", ".join(self.service_link(here, s) for s in representative.services) or "all the customer's",
                    _date(representative.since),
                    _date(representative.confirmed),
                    f"{_date(due)} {self.due_mark(due)}",
                    *self.contacts(representative),
                ]
            )
        note = (
            ""
            if self.evidence.publish_contacts
            else ("\n\n*Contact details are not published on this site (plugin option `publish_contacts`).*")
        )
        return table(headers, rows, empty="No named representative.") + note

    def customer_requirements(self, customer: Customer, row: CustomerCoverage, here: str) -> str:
        parts = []
        records = self.requirements_by_customer.get(customer.id or "", [])
        for service_id, _agreed in row.requirements:
            matching: list[Requirements | None] = [r for r in records if r.service == service_id]
            for requirements in matching or [None]:
                parts.append(f"### {self.service_link(here, service_id)}")
                parts.append("")
                if requirements is None:
                    parts.append(mark("error", "no agreed requirements record for this service"))
                    parts.append("")
                    continue
                parts.append(self.requirements_card(requirements, here))
                parts.append("")
        extra = [r for r in records if r.service not in customer.service_ids]
        for requirements in extra:
            parts.append(f"### {self.service_link(here, requirements.service)} (not a service the customer consumes)")
            parts.append("")
            parts.append(self.requirements_card(requirements, here))
            parts.append("")
        return "\n".join(parts) if parts else "*No services recorded.*"

    def requirements_card(self, requirements: Requirements, here: str) -> str:
        if requirements.confirm_by is not None:
            due = requirements.confirm_by
        elif requirements.effective is not None:
            due = self.policy.requirements_confirmation.after(requirements.effective)
        else:
            due = None
        lines = [
            f"- **Version:** {self.say(requirements.version or DASH)}",
            f"- **Effective:** {_date(requirements.effective)}",
            f"- **Document:** {self.reference(here, requirements.document)}",
            f"- **Approvals:** {self.approvals(requirements, here)}",
            f"- **Re-confirm by:** {_date(due)} {self.due_mark(due)}",
            f"- **Record:** {self.evidence_link(here, requirements.source.path)}",
        ]
        summary = requirements.raw.get("summary")
        if isinstance(summary, dict) and summary:
            rows = []
            for key, value in summary.items():
                shown = ", ".join(self.say(v) for v in value) if isinstance(value, list) else self.say(value)
                rows.append([text(str(key).replace("_", " ").capitalize()), shown or DASH])
            lines += ["", table(["Agreed", "Value"], rows)]
        return "\n".join(lines)

    def approvals(self, requirements: Requirements, here: str) -> str:
        service = self.services.get(requirements.service or "")
        found = []
        customer_approval = owner_approval = False
        for approval in requirements.approvals:
            person = self.people.get(approval.by or "")
            if isinstance(person, Representative):
                who, customer_approval = "customer", customer_approval or person.customer == requirements.customer
            elif service is not None and approval.by == service.owner:
                who, owner_approval = "service owner", True
            else:
                who = "provider"
            found.append(f"{self.person(here, approval.by, with_role=False)} ({who}) on {_date(approval.on)}")
        state = [
            mark("ok", "customer approval") if customer_approval else mark("missed", "no customer approval"),
            mark("ok", "service owner approval") if owner_approval else mark("missed", "no service owner approval"),
        ]  # fmt: skip
        return "; ".join(found or [DASH]) + " " + " ".join(state)

    def review_history(self, customer_id: str, here: str) -> str:
        rows = []
        for review in reversed(self.reviews_by_customer.get(customer_id, [])):
            met = sum(1 for k in review.kpis if k.met is True)
            rows.append(
                [
                    self.to(here, self.review_page[id(review)], _date(review.date)),
                    self.say(review.type or DASH),
                    self.say(review.period or DASH),
                    f"{met} of {len(review.kpis)} met" if review.kpis else DASH,
                    str(len(review.decisions)),
                    ", ".join(self.action_link(here, a) for a in review.actions) or DASH,
                    _date(review.next_review),
                ]
            )
        return table(["Date", "Type", "Period", "KPIs", "Decisions", "Actions", "Next review"], rows,
                     empty="No performance review on record.")  # fmt: skip

    def satisfaction(self, customer: Customer, here: str) -> str:
        own = self.evidence_of(customer)
        results = covering_results(own, customer, self.as_of)
        later = [r for r in own.results if r.sent is not None and r.sent > self.as_of]
        parts = []
        kinds = sorted({k for r in results for k in r.scores})
        for kind in kinds:
            points = [
                charts.Point(r.period or _date(r.sent), r.scores[kind],
                             "own survey" if customer.id in r.customers else "tier survey")
                for r in results
                if kind in r.scores
            ]  # fmt: skip
            low, unit = (-100.0, "") if kind == "nps" else (0.0, "%")
            svg = charts.trend(
                points,
                ident=f"trend-{anchor(kind)}",
                title=f"{customer.label}: {kind.upper()} by period",
                low=low,
                high=100.0,
                target=self.policy.satisfaction_targets.get(kind),
                unit=unit,
            )
            parts += [charts.figure(svg, f"{kind.upper()} trend, own and tier surveys, as of {self.as_of}."), ""]
        rows = []
        for result in reversed(results + later):
            rows.append(
                [
                    self.to(here, self.result_page[id(result)], self.say(result.period or _date(result.sent))),
                    _date(result.sent),
                    "own" if customer.id in result.customers else f"tier {self.say(result.tier)}",
                    self.say(result.instrument or DASH),
                    self.scores(result),
                    f"{result.responses if result.responses is not None else DASH} of "
                    f"{result.invited if result.invited is not None else DASH}",
                    ", ".join(self.action_link(here, a) for a in result.actions) or DASH,
                ]
            )
        parts.append(table(["Period", "Sent", "Survey", "Instrument", "Score", "Responses", "Actions"], rows,
                           empty="No satisfaction result on record."))  # fmt: skip
        return "\n".join(parts)

    def scores(self, result: Result) -> str:
        shown = []
        for kind, value in result.scores.items():
            number = f"{value:g}"
            target_value = self.policy.satisfaction_targets.get(kind)
            if target_value is None:
                shown.append(f"{text(kind)} {number}")
            elif value >= target_value:
                shown.append(f"{text(kind)} {number} {mark('met', f'target {target_value:g} met')}")
            else:
                shown.append(f"{text(kind)} {number} {mark('missed', f'below target {target_value:g}')}")
        return "; ".join(shown) or DASH

    def customer_actions(self, customer_id: str, here: str) -> str:
        actions = self.actions_by_customer.get(customer_id, [])
        open_ = [a for a in actions if a.is_open]
        closed = [a for a in actions if not a.is_open]
        return "\n".join(
            [
                "### Open",
                "",
                table(
                    ["Action", "Title", "Owner", "Raised", "Due", "Status", "Source"],
                    [
                        [self.action_link(here, a.id or ""), self.say(a.title), self.person(here, a.owner, False),
                         _date(a.raised), f"{_date(a.due)} {self.due_mark(a.due)}", self.say(a.status or DASH),
                         self.reference(here, a.source_ref)]
                        for a in open_
                    ],
                    empty="No open action.",
                ),
                "",
                "### Closed",
                "",
                table(
                    ["Action", "Title", "Owner", "Status", "Closed", "Closure evidence"],
                    [
                        [self.action_link(here, a.id or ""), self.say(a.title), self.person(here, a.owner, False),
                         self.say(a.status or DASH), _date(a.closed),
                         self.say(a.evidence) if a.evidence else mark("missed", "no evidence recorded")]
                        for a in closed
                    ],
                    empty="No closed action.",
                ),
            ]
        )  # fmt: skip

    # ----------------------------------------------------------------- registers

    def registers_index(self) -> str:
        here = "registers/index.md"
        sources: dict[str, list[str]] = defaultdict(list)
        for path, page in self.page_of_path.items():
            if page.startswith("registers/"):
                sources[page].append(path)
        rows = [
            [self.to(here, f"registers/{name}.md", REGISTER_TITLES[name]),
             ", ".join(code(p) for p in sorted(sources.get(f"registers/{name}.md", []))) or DASH]
            for name in REGISTERS
        ]  # fmt: skip
        return "\n".join(["# Registers", "", "The registers as the checks read them.", "",
                          table(["Register", "Source files"], rows), ""])  # fmt: skip

    def register_sources(self, name: str) -> list[str]:
        return sorted(p for p, page in self.page_of_path.items() if page == f"registers/{name}.md")

    def register_people(self) -> str:
        here = "registers/people.md"
        counterpart_of: dict[str, list[str]] = defaultdict(list)
        for customer in self.repository.customers:
            if customer.counterpart:
                counterpart_of[customer.counterpart].append(customer.id or "")
        owner_of: dict[str, list[str]] = defaultdict(list)
        for service in self.repository.services:
            if service.owner:
                owner_of[service.owner].append(service.id or "")
        used: set[str] = set()
        staff_headers = ["Name", "Role", "Counterpart for", "Owns services"]
        if self.evidence.publish_contacts:
            staff_headers += ["E-mail", "Phone"]
        staff_rows = []
        for person in self.repository.staff:
            anchor_id = anchor(person.id or "")
            name = self.say(person.name or person.id)
            if anchor_id not in used:
                used.add(anchor_id)
                name = target(anchor_id) + name
            staff_rows.append(
                [
                    name,
                    self.say(person.role or DASH),
                    ", ".join(self.customer_link(here, c) for c in counterpart_of.get(person.id or "", [])) or DASH,
                    ", ".join(self.service_link(here, s) for s in owner_of.get(person.id or "", [])) or DASH,
                    *self.contacts(person),
                ]
            )
        representative_headers = ["Name", "Customer", "Role", "Authority", "Services", "Confirmed"]
        if self.evidence.publish_contacts:
            representative_headers += ["E-mail", "Phone"]
        representative_rows = [
            [
                self.say(r.name or r.id),
                self.customer_link(here, r.customer),
                self.say(r.role or DASH),
                ", ".join(code(a) for a in r.authority) or DASH,
                ", ".join(self.service_link(here, s) for s in r.services) or "all the customer's",
                _date(r.confirmed),
                *self.contacts(r),
            ]
            for r in self.repository.representatives
        ]
        note = "" if self.evidence.publish_contacts else (
            "Contact details (e-mail addresses and phone numbers) are not published on this site; "
            "they are kept in the registers. Set the plugin option `publish_contacts: true` to publish them."
        )  # fmt: skip
        return "\n".join(
            [
                "# People",
                "",
                note,
                "",
                "## Our staff",
                "",
                table(staff_headers, staff_rows, empty="No staff in the register."),
                "",
                "## Customer representatives",
                "",
                table(representative_headers, representative_rows, empty="No representatives."),
                "",
                self.provenance([*self.register_sources("people"), *self.register_sources("customers")]),
            ]
        )

    def register_services(self) -> str:
        here = "registers/services.md"
        consumers: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for customer in self.repository.customers:
            for consumption in customer.services:
                consumers[consumption.service].append((customer.id or "", consumption.user_groups))
        used: set[str] = set()
        rows = []
        for service in self.repository.services:
            anchor_id = anchor(service.id or "")
            name = self.say(service.name or service.id)
            if anchor_id not in used:
                used.add(anchor_id)
                name = target(anchor_id) + name
            rows.append(
                [
                    name,
                    code(service.id or DASH),
                    self.person(here, service.owner),
                    "yes" if service.in_scope else "no",
                    "; ".join(
                        f"{self.customer_link(here, c)} ({', '.join(self.say(g) for g in groups) or DASH})"
                        for c, groups in consumers.get(service.id or "", [])
                    )
                    or mark("none", "no customer"),
                ]
            )
        return "\n".join(
            ["# Services", "", table(["Service", "Id", "Owner", "In scope", "Customers (user groups)"], rows,
                                     empty="No services in the catalogue."), "",
             self.provenance(self.register_sources("services"))]
        )  # fmt: skip

    def register_customers(self) -> str:
        here = "registers/customers.md"
        rows = []
        for customer in self.repository.customers:
            interval = self.policy.review_interval(customer.review_interval, customer.tier)
            rows.append(
                [
                    self.customer_link(here, customer.id),
                    self.say(customer.tier or DASH),
                    self.person(here, customer.counterpart, with_role=False),
                    code(interval) if interval else DASH,
                    ", ".join(self.service_link(here, s) for s in customer.service_ids) or DASH,
                    str(len(customer.representatives)),
                    "yes" if customer.interim else DASH,
                ]
            )
        return "\n".join(
            ["# Customers register", "",
             table(["Customer", "Tier", "Counterpart", "Review interval", "Services", "Representatives",
                    "Interim contact"], rows, empty="No customers in the register."), "",
             self.provenance(self.register_sources("customers"))]
        )  # fmt: skip

    def register_requirements(self) -> str:
        here = "registers/requirements.md"
        rows = []
        used: set[str] = set()
        for requirements in self.repository.requirements:
            if requirements.confirm_by is not None:
                due = requirements.confirm_by
            elif requirements.effective is not None:
                due = self.policy.requirements_confirmation.after(requirements.effective)
            else:
                due = None
            anchor_id = anchor(requirements.source.path)
            first = self.customer_link(here, requirements.customer)
            if anchor_id not in used:
                used.add(anchor_id)
                first = target(anchor_id) + first
            rows.append(
                [
                    first,
                    self.service_link(here, requirements.service),
                    self.say(requirements.version or DASH),
                    _date(requirements.effective),
                    self.approvals(requirements, here),
                    f"{_date(due)} {self.due_mark(due)}",
                    self.reference(here, requirements.document),
                    code(requirements.source.path),
                ]
            )
        return "\n".join(
            ["# Agreed requirements", "",
             table(["Customer", "Service", "Version", "Effective", "Approvals", "Re-confirm by", "Document",
                    "Record"], rows, empty="No requirements on record."), "",
             self.provenance(self.register_sources("requirements"))]
        )  # fmt: skip

    def register_actions(self) -> str:
        here = "registers/actions.md"
        used: set[str] = set()
        rows = []
        for action in self.repository.actions:
            anchor_id = anchor(action.id or action.source.path)
            first = code(action.id or DASH)
            if anchor_id not in used:
                used.add(anchor_id)
                first = target(anchor_id) + first
            status = self.say(action.status or DASH)
            rows.append(
                [
                    first,
                    self.say(action.title),
                    self.reference(here, action.source_ref),
                    ", ".join(self.customer_link(here, c) for c in action.customers) or DASH,
                    self.person(here, action.owner, with_role=False),
                    _date(action.raised),
                    f"{_date(action.due)} {self.due_mark(action.due, action.is_open)}",
                    status,
                    _date(action.closed),
                    self.say(action.evidence) if action.evidence else DASH,
                    ", ".join(self.say(x) for x in action.links) or DASH,
                ]
            )
        return "\n".join(
            ["# Action tracker", "",
             table(["Id", "Title", "Source", "Customers", "Owner", "Raised", "Due", "Status", "Closed",
                    "Closure evidence", "Links"], rows, empty="No actions in the tracker."), "",
             self.provenance(self.register_sources("actions"))]
        )  # fmt: skip

    def complaints_table(self, complaints: list[Complaint], here: str, with_customer: bool = True) -> str:
        used: set[str] = set()
        rows = []
        for complaint in complaints:
            first = code(complaint.id or DASH)
            if here == "registers/complaints.md":
                anchor_id = anchor(complaint.id or complaint.source.path)
                if anchor_id not in used:
                    used.add(anchor_id)
                    first = target(anchor_id) + first
            else:
                first = self.complaint_link(here, complaint.id) if complaint.id else first
            rows.append(
                [
                    first,
                    *([self.customer_link(here, complaint.customer)] if with_customer else []),
                    self.service_link(here, complaint.service),
                    self.say(complaint.channel or DASH),
                    self.say(complaint.received.isoformat(timespec="minutes")) if complaint.received else DASH,
                    self.say(complaint.acknowledged.isoformat(timespec="minutes")) if complaint.acknowledged else DASH,
                    self.say(complaint.stage or DASH),
                    "; ".join(
                        f"{self.person(here, e.to, with_role=False)} at "
                        f"{self.say(e.at.isoformat(timespec='minutes')) if e.at else DASH}"
                        for e in complaint.escalations
                    )
                    or DASH,
                    _date(complaint.resolved),
                    self.say(complaint.feedback) if complaint.feedback else DASH,
                    ", ".join(self.action_link(here, a) for a in complaint.actions) or DASH,
                ]
            )
        headers = ["Id", *(["Customer"] if with_customer else []), "Service", "Channel", "Received", "Acknowledged",
                   "Stage", "Escalations", "Resolved", "Feedback", "Actions"]  # fmt: skip
        return table(headers, rows, empty="No complaints.")

    def register_complaints(self) -> str:
        here = "registers/complaints.md"
        return "\n".join(
            ["# Complaints", "", self.complaints_table(self.repository.complaints, here), "",
             self.provenance(self.register_sources("complaints"))]
        )  # fmt: skip

    def waivers_table(self, waivers: list[Waiver], here: str) -> str:
        rows = []
        for waiver in waivers:
            expired = waiver.expires is not None and waiver.expires < self.as_of
            rule_link = (self.to(here, f"rules/{waiver.rule}.md", text(waiver.rule))
                         if waiver.rule in self.rules else code(waiver.rule or DASH))  # fmt: skip
            rows.append(
                [
                    rule_link,
                    code(waiver.subject or DASH),
                    self.say(waiver.reason or DASH),
                    self.person(here, waiver.approved_by, with_role=False),
                    _date(waiver.approved),
                    f"{_date(waiver.expires)} " + (mark("overdue", "expired") if expired else mark("ok", "in force")),
                ]
            )
        return table(["Rule", "Subject", "Reason", "Approved by", "Approved", "Expires"], rows, empty="No waivers.")

    def register_waivers(self) -> str:
        here = "registers/waivers.md"
        return "\n".join(
            ["# Waivers", "",
             "A waiver accepts a finding on purpose, with a reason and an expiry. A waived finding is still "
             f"reported (see {self.to(here, 'findings.md', 'findings')}), never hidden.", "",
             self.waivers_table(self.repository.waivers, here), "",
             self.provenance(self.register_sources("waivers"))]
        )  # fmt: skip

    # ----------------------------------------------------------------- minutes

    def minutes_index(self) -> str:
        here = "minutes/index.md"
        lines = ["# Minutes", "", "Every performance review and process review, by customer and by year.", "",
                 "## By customer", ""]  # fmt: skip
        for customer in self.repository.customers:
            reviews = self.reviews_by_customer.get(customer.id or "", [])
            entries = [
                f"{self.to(here, self.review_page[id(r)], _date(r.date))} ({self.say(r.period or r.type or DASH)})"
                for r in reversed(reviews)
            ]
            lines.append(f"- **{self.customer_link(here, customer.id)}:** " + (", ".join(entries) or "none on record"))
        process = [r for r in self.repository.reviews if r.type == "process-review"]
        if process:
            entries = [self.to(here, self.review_page[id(r)], _date(r.date)) for r in process]
            lines.append(f"- **Process reviews of business relationship management:** {', '.join(entries)}")
        lines += ["", "## By year", ""]
        by_year: dict[str, list[Review]] = defaultdict(list)
        for review in self.repository.reviews:
            by_year[str(review.date.year) if review.date else "undated"].append(review)
        for year in sorted(by_year, reverse=True):
            reviews = sorted(by_year[year], key=lambda r: (r.date or date.min, r.source.path), reverse=True)
            lines += [f"### {year}", ""]
            lines.append(
                table(
                    ["Date", "Type", "Customers", "Period", "KPIs", "Minutes"],
                    [
                        [_date(r.date), self.say(r.type or DASH),
                         ", ".join(self.customer_link(here, c) for c in r.customers) or DASH,
                         self.say(r.period or DASH),
                         f"{sum(1 for k in r.kpis if k.met is True)} of {len(r.kpis)} met" if r.kpis else DASH,
                         self.to(here, self.review_page[id(r)], code(r.source.path))]
                        for r in reviews
                    ],
                )
            )  # fmt: skip
            lines.append("")
        if not by_year:
            lines.append("*No minutes on record.*")
        return "\n".join(lines)

    def attendee(self, here: str, person_id: str) -> str:
        person = self.people.get(person_id)
        if isinstance(person, Representative):
            return f"{self.person(here, person_id)}: customer representative"
        if person is not None:
            return f"{self.person(here, person_id)}: provider"
        return self.person(here, person_id)

    def body(self, record: Review | Instrument | Result | Procedure) -> str:
        """The evidence document's own Markdown, rendered and sanitised, as a raw HTML block."""
        if record.body is None or not record.body.text.strip():
            return "*The document has no text below its front-matter.*"
        html = self.renderer.render(record.body.text, record.source.path)
        return f'<div class="brm-evidence" lang="en">\n{html}\n</div>'

    def minutes(self, review: Review, here: str) -> str:
        customers = ", ".join(self.customer_link(here, c) for c in review.customers)
        title = "Process review" if review.type == "process-review" else "Performance review"
        heading = f"{title}: {customers}" if customers else title
        met = [k for k in review.kpis if k.met is True]
        card = [
            f"- **Date:** {_date(review.date)}",
            f"- **Type:** {self.say(review.type or DASH)}",
            f"- **Period:** {self.say(review.period or DASH)}",
            f"- **Customers:** {customers or DASH}",
            f"- **Services:** {', '.join(self.service_link(here, s) for s in review.services) or DASH}",
            f"- **Performance report:** {self.reference(here, review.report)}",
            f"- **Next review:** {_date(review.next_review)}",
            "",
            "**Attendees**",
            "",
            bullets((self.attendee(here, a) for a in review.attendees), empty="No attendees recorded."),
            "",
            f"**KPIs** ({len(met)} of {len(review.kpis)} met)",
            "",
            table(
                ["KPI", "Target", "Actual", "Met"],
                [
                    [self.say(k.name or DASH), self.say(k.target or DASH), self.say(k.actual or DASH),
                     mark("met") if k.met is True else mark("missed") if k.met is False else DASH]
                    for k in review.kpis
                ],
                empty="No KPIs recorded.",
            ),
            "",
            "**Decisions**",
            "",
            bullets((self.say(d) for d in review.decisions), empty="No decisions recorded."),
            "",
            "**Linked actions**",
            "",
            bullets(
                (f"{self.action_link(here, a)}: {self.say(self.actions[a].title) if a in self.actions else ''} "
                 f"({self.say(self.actions[a].status) if a in self.actions else DASH})" for a in review.actions),
                empty="No linked actions.",
            ),
        ]  # fmt: skip
        findings = self.findings_by_path.get(review.source.path, [])
        return "\n".join(
            [
                f"# {heading} ({_date(review.date)})",
                "",
                box("abstract", "Review", "\n".join(card)),
                "",
                "## Minutes",
                "",
                self.body(review),
                "",
                "## Findings on these minutes",
                "",
                self.findings_table(findings, here, empty="No findings."),
                "",
                self.provenance([review.source.path]),
            ]
        )

    # ----------------------------------------------------------------- surveys

    def surveys_index(self) -> str:
        here = "surveys/index.md"
        instruments = [
            [self.to(here, self.instrument_page[id(i)], code(i.id or i.source.path)), self.say(i.version or DASH),
             self.say(i.method or DASH), str(i.scale) if i.scale is not None else DASH, str(len(i.questions)),
             str(len(self.results_by_instrument.get(i.id or "", [])))]
            for i in self.repository.instruments
        ]  # fmt: skip
        results = sorted(self.repository.results, key=lambda r: (r.sent or date.min, r.source.path), reverse=True)
        result_rows = [
            [self.to(here, self.result_page[id(r)], self.say(r.period or _date(r.sent))), _date(r.sent),
             ", ".join(self.customer_link(here, c) for c in r.customers)
             or (f"tier {self.say(r.tier)}" if r.tier else DASH),
             self.say(r.instrument or DASH), self.scores(r),
             f"{r.responses if r.responses is not None else DASH} of {r.invited if r.invited is not None else DASH}"]
            for r in results
        ]  # fmt: skip
        return "\n".join(
            ["# Surveys", "", "## Instruments", "",
             table(["Instrument", "Version", "Method", "Scale", "Questions", "Results"], instruments,
                   empty="No survey instruments."), "",
             "## Results", "",
             table(["Period", "Sent", "Customers", "Instrument", "Score", "Responses"], result_rows,
                   empty="No satisfaction results."), ""]
        )  # fmt: skip

    def instrument(self, instrument: Instrument, here: str) -> str:
        results = self.results_by_instrument.get(instrument.id or "", [])
        card = [
            f"- **Id:** {code(instrument.id or DASH)}",
            f"- **Version:** {self.say(instrument.version or DASH)}",
            f"- **Method:** {self.say(instrument.method or DASH)}",
            f"- **Scale:** {instrument.scale if instrument.scale is not None else DASH}",
        ]
        return "\n".join(
            [f"# Survey instrument: {self.say(instrument.id or instrument.source.path)} "
             f"(version {self.say(instrument.version or DASH)})", "",
             box("abstract", "Instrument", "\n".join(card)), "",
             "## Questions", "", bullets((self.say(q) for q in instrument.questions), empty="No questions."), "",
             "## Notes", "", self.body(instrument), "",
             "## Results with this instrument", "",
             bullets((self.to(here, self.result_page[id(r)], self.say(r.period or r.source.path)) for r in results),
                     empty="None yet."), "",
             self.provenance([instrument.source.path])]
        )  # fmt: skip

    def result(self, result: Result, here: str) -> str:
        versions = self.instruments.get(result.instrument or "", [])
        instrument = next(
            (i for i in versions if i.version == result.instrument_version), versions[0] if versions else None
        )
        instrument_shown = (
            self.to(here, self.instrument_page[id(instrument)], code(result.instrument or DASH))
            if instrument is not None
            else code(result.instrument or DASH)
        )
        rate = (f" ({100 * result.responses / result.invited:.0f}% response rate)"
                if result.invited and result.responses is not None else "")  # fmt: skip
        csv_path = responses_path(result)
        who = ", ".join(self.customer_link(here, c) for c in result.customers) or (
            f"tier {self.say(result.tier)}" if result.tier else DASH
        )
        card = [
            f"- **Customers:** {who}",
            f"- **Period:** {self.say(result.period or DASH)}",
            f"- **Instrument:** {instrument_shown} version {self.say(result.instrument_version or DASH)}",
            f"- **Sent:** {_date(result.sent)} by {self.person(here, result.sent_by, with_role=False)}",
            f"- **Analysed by:** {self.person(here, result.analysed_by, with_role=False)}",
            f"- **Responses:** {result.responses if result.responses is not None else DASH} of "
            f"{result.invited if result.invited is not None else DASH} invited{rate}",
            f"- **Responses file:** {code(csv_path) if csv_path else DASH}",
            f"- **Scores:** {self.scores(result)}",
            "",
            "**Themes**",
            "",
            bullets((self.say(t) for t in result.themes), empty="No themes recorded."),
            "",
            "**Linked actions**",
            "",
            bullets((self.action_link(here, a) for a in result.actions), empty="No linked actions."),
        ]
        findings = [*self.findings_by_path.get(result.source.path, []), *self.findings_by_path.get(csv_path or "", [])]
        return "\n".join(
            [f"# Satisfaction result: {self.say(result.period or DASH)}, {who}", "",
             box("abstract", "Result", "\n".join(card)), "",
             "## Analysis", "", self.body(result), "",
             "## Findings on this result", "", self.findings_table(findings, here, empty="No findings."), "",
             self.provenance([result.source.path, *([csv_path] if csv_path in self.repository.paths else [])])]
        )  # fmt: skip

    # ----------------------------------------------------------------- procedures

    def procedures_index(self) -> str:
        here = "procedures/index.md"
        rows = [
            [self.to(here, self.procedure_page[id(p)], self.say(p.title or p.id or p.source.path)), code(p.id or DASH),
             self.say(p.version or DASH), self.person(here, p.owner, with_role=False), _date(p.approved),
             f"{_date(p.next_review)} {self.due_mark(p.next_review)}"]
            for p in self.repository.procedures
        ]  # fmt: skip
        return "\n".join(["# Procedures", "",
                          table(["Procedure", "Id", "Version", "Owner", "Approved", "Next review"], rows,
                                empty="No procedures."), ""])  # fmt: skip

    def procedure(self, procedure: Procedure, here: str) -> str:
        control = [
            f"- **Document id:** {code(procedure.id or DASH)}",
            f"- **Title:** {self.say(procedure.title or DASH)}",
            f"- **Version:** {self.say(procedure.version or DASH)}",
            f"- **Owner:** {self.person(here, procedure.owner)}",
            f"- **Approved by:** {self.person(here, procedure.approved_by)}",
            f"- **Approved:** {_date(procedure.approved)}",
            f"- **Next review:** {_date(procedure.next_review)} {self.due_mark(procedure.next_review)}",
        ]
        control_fields = ("id", "title", "version", "owner", "approved_by", "approved", "next_review")
        controlled = {k: v for k, v in procedure.raw.items() if k not in control_fields}
        settings = ""
        if controlled:
            dumped = yaml.safe_dump(controlled, sort_keys=False, allow_unicode=True, width=100)
            fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", dumped)), default=0) + 1)
            settings = "\n".join(
                ["## Controlled settings", "",
                 "The front-matter of this procedure, which the checks read as their configuration:", "",
                 f"{fence}yaml", dumped.rstrip("\n"), fence, ""]
            )  # fmt: skip
        findings = self.findings_by_path.get(procedure.source.path, [])
        return "\n".join(
            [f"# {self.say(procedure.title or procedure.id or procedure.source.path)}", "",
             box("info", "Document control", "\n".join(control)), "",
             settings,
             "## Procedure", "", self.body(procedure), "",
             "## Findings on this procedure", "", self.findings_table(findings, here, empty="No findings."), "",
             self.provenance([procedure.source.path])]
        )  # fmt: skip

    # ----------------------------------------------------------------- findings and rules

    def finding_evidence(self, finding: Finding, here: str) -> str:
        where = code(f"{finding.path}:{finding.line}")
        customer = self.customers.get(finding.subject)
        if customer is not None and finding.subject in self.customer_page:
            return self.to(here, self.customer_page[finding.subject], where)
        representative = self.people.get(finding.subject)
        if isinstance(representative, Representative) and (representative.customer or "") in self.customer_page:
            # A representative's row is on its customer's page.
            shown = self.customer_page[representative.customer or ""]
            return self.to(here, f"{shown}#{anchor(finding.subject)}", where)
        page = self.page_of_path.get(finding.path)
        if page is None:
            return where
        if page.startswith("registers/"):
            return self.to(here, f"{page}#{anchor(finding.subject)}", where)
        return self.to(here, page, where)

    def findings_table(self, findings: list[Finding], here: str, empty: str = "No findings.") -> str:
        rows = []
        for finding in findings:
            message = self.say(finding.message)
            if finding.waiver:
                message += (f" *(waived until {self.say(finding.waiver.get('expires') or DASH)}: "
                            f"{self.say(finding.waiver.get('reason') or '')})*")  # fmt: skip
            rows.append(
                [
                    self.severity_mark(finding),
                    self.to(here, f"rules/{finding.rule}.md", finding.rule) if finding.rule in self.rules
                    else code(finding.rule),
                    self.finding_evidence(finding, here),
                    code(finding.subject),
                    message,
                ]
            )  # fmt: skip
        return table(["Severity", "Rule", "Evidence", "Subject", "Finding"], rows, empty=empty)

    def findings_page(self) -> str:
        here = "findings.md"
        lines = [
            "# Findings",
            "",
            f"Every finding of the checks as of {self.as_of}, by rule family. Each links to its rule "
            "(what it checks, why an auditor cares, how to fix it) and to the evidence it is about. "
            "Findings never stop the site from being built: they are shown here.",
            "",
        ]
        for _module, (prefixes, title) in FAMILIES.items():
            found = [f for f in self.findings if f.family in prefixes]
            lines += [f"## {text(title)}", "", self.findings_table(found, here, empty="No findings."), ""]
        other = [f for f in self.findings if f.family not in self.family_of_prefix]
        if other:
            lines += ["## Other", "", self.findings_table(other, here), ""]
        return "\n".join(lines)

    @cached_property
    def requirements_of_rule(self) -> dict[str, list[ClauseRequirement]]:
        index: dict[str, list[ClauseRequirement]] = defaultdict(list)
        for requirement in self.evidence.clause_map.requirements:
            for code_ in requirement.rules:
                index[code_].append(requirement)
        return index

    def rules_index(self) -> str:
        here = "rules/index.md"
        lines = ["# Rules", "", "Every rule the checks apply. A rule's page is generated from its own "
                 "documentation in the code, as `brm rules CODE` prints it.", ""]  # fmt: skip
        for _module, (prefixes, title) in FAMILIES.items():
            rows = [
                [self.to(here, f"rules/{c}.md", c), text(r.title), code(self.policy.severity.get(c, r.severity)),
                 text(r.clause), str(len(self.findings_by_rule.get(c, [])))]
                for c, r in self.rules.items() if c[:3] in prefixes
            ]  # fmt: skip
            lines += [f"## {text(title)}", "", table(["Rule", "Checks that", "Severity", "Clause", "Findings"], rows,
                                                      empty="No rules in this family."), ""]  # fmt: skip
        return "\n".join(lines)

    def rule(self, declared: Rule) -> str:
        here = f"rules/{declared.code}.md"
        severity = self.policy.severity.get(declared.code, declared.severity)
        severity_note = {
            "cadence": "cadence: a warning once due, an error after the policy's grace",
            "off": "off (turned off in the BRM procedure's policy)",
        }.get(severity, severity)
        requirements = self.requirements_of_rule.get(declared.code, [])
        lines = [
            f"# {declared.code}: {text(declared.title)}",
            "",
            f"- **Default severity:** {code(declared.severity)}; **in force:** {text(severity_note)}",
            f"- **Clause:** ISO/IEC 20000-1:2018 {text(declared.clause)}",
            f"- **A finding names:** {text(declared.subject)}",
            "- **Clause map:** "
            + (", ".join(self.to(here, f"clause-map.md#{anchor(r.id)}", text(r.id)) for r in requirements) or DASH),
            "",
        ]
        what = declared.section("what")
        first, _, rest = what.partition("\n")
        lines += ["## What it checks", "", rest.strip() or first, ""]
        for heading, key in (("Why an auditor cares", "why"), ("How to fix", "fix"), ("Example", "example")):
            section = declared.section(key)
            if section:
                lines += [f"## {heading}", "", section, ""]
        lines += ["## Current findings", "", self.findings_table(self.findings_by_rule.get(declared.code, []), here),
                  ""]  # fmt: skip
        return "\n".join(lines)

    def clause_map(self) -> str:
        here = "clause-map.md"
        clause_map = self.evidence.clause_map
        lines = [
            f"# Clause map: {text(clause_map.standard)} {text(clause_map.clause)}",
            "",
            f"**{text(clause_map.title)}.** {text(clause_map.note)}",
            "",
            "Requirement by requirement: the rules that check it, their findings today, and the pages that show "
            "the evidence. The requirements are paraphrased; the standard's text is normative.",
            "",
            table(
                ["Requirement", f"2018 ({text(clause_map.clause)})", f"2011 ({text(clause_map.edition_2011)})",
                 "Rules", "Findings", "Evidence"],
                [
                    [self.to(here, f"clause-map.md#{anchor(r.id)}", text(r.id)), text(clause_map.clause),
                     text(r.clause_2011),
                     ", ".join(self.to(here, f"rules/{c}.md", c) for c in r.rules if c in self.rules),
                     self.rules_standing(r.rules),
                     ", ".join(self.to(here, p, text(self.page_title(p))) for p in r.evidence)]
                    for r in clause_map.requirements
                ],
            ),
            "",
        ]  # fmt: skip
        for requirement in clause_map.requirements:
            lines += [
                f"## {text(requirement.id)} {{#{anchor(requirement.id)}}}",
                "",
                text(requirement.requirement),
                "",
                f"- **ISO/IEC 20000-1:2018:** {text(clause_map.clause)} (some guidance: 8.3.1); "
                f"**ISO/IEC 20000-1:2011:** {text(requirement.clause_2011)}",
                "- **Rules:** "
                + ", ".join(
                    f"{self.to(here, f'rules/{c}.md', c)} ({text(self.rules[c].title)})" if c in self.rules else code(c)
                    for c in requirement.rules
                ),
                f"- **Findings today:** {self.rules_standing(requirement.rules)}",
                "- **Evidence:** "
                + ", ".join(self.to(here, p, text(self.page_title(p))) for p in requirement.evidence),
                "",
            ]
        return "\n".join(lines)

    def rules_standing(self, codes: Iterable[str]) -> str:
        found = [f for c in codes for f in self.findings_by_rule.get(c, []) if f.severity is not Severity.WAIVED]
        errors = sum(1 for f in found if f.severity is Severity.ERROR)
        if errors:
            return mark("error", f"{errors} errors, {len(found) - errors} warnings")
        if found:
            return mark("warning", f"{len(found)} warnings")
        return mark("ok", "none")

    @staticmethod
    def page_title(page: str) -> str:
        titles = {
            "index.md": "Dashboard", "findings.md": "Findings", "calendar.md": "Calendar", "heatmap.md": "Heat map",
            "clause-map.md": "Clause map", "customers/index.md": "Customers", "minutes/index.md": "Minutes",
            "surveys/index.md": "Surveys", "procedures/index.md": "Procedures", "rules/index.md": "Rules",
            "registers/index.md": "Registers",
        }  # fmt: skip
        if page in titles:
            return titles[page]
        name = page.rsplit("/", 1)[-1][:-3]
        return REGISTER_TITLES.get(name, name)

    # ----------------------------------------------------------------- calendar and heat map

    def event_link(self, event: calendar.Event, here: str) -> str:
        if event.kind == calendar.ACTION:
            return self.action_link(here, event.subject) if event.subject in self.actions else code(event.subject)
        if event.customer and event.customer in self.customer_page and event.kind != calendar.REQUIREMENTS:
            return self.customer_link(here, event.customer)
        if event.kind == calendar.REQUIREMENTS:
            return self.to(here, f"registers/requirements.md#{anchor(event.subject)}", code(event.subject))
        return self.evidence_link(here, event.path) if event.path else DASH

    def calendar_page(self) -> str:
        here = "calendar.md"
        overdue = [e for e in self.events if e.overdue(self.as_of)]
        upcoming = [e for e in self.events if not e.overdue(self.as_of)]

        def rows(found: list[calendar.Event]) -> list[list[str]]:
            return [[str(e.when), text(e.kind), self.say(e.summary), self.event_link(e, here)] for e in found]

        return "\n".join(
            ["# Calendar", "",
             f"What is due, as of {self.as_of}: performance reviews and satisfaction surveys (next due by each "
             "customer's cadence, and the next review set at the last one), representative and requirements "
             "confirmations, open actions' due dates, the process review and procedure reviews.", "",
             f"Subscribe to {link('calendar.ics', 'calendar.ics')} in your calendar application "
             "(RFC 5545; it is rebuilt with the site).", "",
             f"## Overdue ({len(overdue)})", "",
             table(["Due", "What", "Summary", "Evidence"], rows(overdue), empty="Nothing overdue."), "",
             f"## Upcoming ({len(upcoming)})", "",
             table(["Due", "What", "Summary", "Evidence"], rows(upcoming), empty="Nothing planned."), ""]
        )  # fmt: skip

    def months(self) -> list[date]:
        """The first day of each of the last HEATMAP_MONTHS months, ending with the as-of month."""
        year, month = self.as_of.year, self.as_of.month
        found = []
        for _ in range(HEATMAP_MONTHS):
            found.append(date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return list(reversed(found))

    def heatmap_rows(self) -> tuple[list[str], list[tuple[str, list[charts.Cell]]]]:
        """For every customer and month: a review held, a survey held, and whether either was overdue.

        "Overdue" is judged at the month's end (the as-of date for the current month) by
        the coverage computation's own cadence rule: the last evidence on or before
        that day, plus the interval.
        """
        starts = self.months()
        ends = [(starts[i + 1] if i + 1 < len(starts) else None) for i in range(len(starts))]
        labels = [f"{m.year}-{m.month:02d}" for m in starts]
        rows = []
        for row in self.coverage.customers:
            customer = row.customer
            own = self.evidence_of(customer)
            reviews = [r.date for r in covering_reviews(own, customer.id or "", self.as_of) if r.date]
            results = [r.sent for r in covering_results(own, customer, self.as_of) if r.sent]
            cells = []
            for start, next_start in zip(starts, ends, strict=True):
                end = self.as_of if next_start is None else min(self.as_of, next_start - timedelta(days=1))
                held_review = any(start <= d <= end for d in reviews)
                held_survey = any(start <= d <= end for d in results)
                late = False
                for interval, dates in ((row.review.interval, reviews), (row.survey.interval, results)):
                    if interval is None:
                        continue
                    position = bisect_right(dates, end)
                    last = dates[position - 1] if position else None
                    if cadence(interval, last, None).is_late(end):
                        late = True
                cells.append(charts.Cell(held_review, held_survey, late))
            rows.append((customer.label, cells))
        return labels, rows

    def heatmap_page(self) -> str:
        here = "heatmap.md"
        labels, rows = self.heatmap_rows()
        svg = charts.heatmap(rows, labels, ident="heatmap", title=f"Coverage heat map, {labels[0]} to {labels[-1]}")
        # The table's customer links also make its scrolling region reachable by keyboard.
        table_rows = [
            [self.customer_link(here, row.customer.id), *(text(c.label) or DASH for c in cells)]
            for row, (_name, cells) in zip(self.coverage.customers, rows, strict=True)
        ]
        return "\n".join(
            ["# Coverage heat map", "",
             f"Customers by month, {labels[0]} to {labels[-1]} (as of {self.as_of}): **R** a performance review "
             "held, **S** a satisfaction survey held (the customer's own or its tier's), **!** a review or survey "
             "overdue at the end of the month by the customer's cadence.", "",
             charts.figure(svg, "Coverage heat map: R review held, S survey held, ! overdue."), "",
             f"Details for each customer are on its page ({self.to(here, 'customers/index.md', 'customers')}).", "",
             "## The same figures as a table", "",
             table(["Customer", *labels], table_rows, empty="No customers in the register."), ""]
        )  # fmt: skip


T = TypeVar("T")


def _grouped(records: Iterable[T], keys: Callable[[T], Iterable[str | None]]) -> dict[str, list[T]]:
    """Records by each of their keys (a record under each distinct key once; empty keys skipped)."""
    index: dict[str, list[T]] = defaultdict(list)
    for record in records:
        for key in dict.fromkeys(keys(record)):
            if key:
                index[key].append(record)
    return index
