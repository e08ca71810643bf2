"""Reading: the evidence can be read, matches its schemas, and hangs together."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..boundary import refusal, resolve
from ..findings import Location
from ..model import Body, Record
from ..reader import Document, may_hold_markup
from . import Breach, Context, rule

_ACTION_ID = re.compile(r"ACT-[0-9]{4,}\Z")
_COMPLAINT_ID = re.compile(r"CMP-[0-9]{4,}\Z")


@rule("BRM001", "error", clause="7.5.3", subject="file")
def unreadable(context: Context) -> Iterator[Breach]:
    """A file cannot be read.

    The file is not UTF-8, has a YAML syntax error (a tab, bad indentation), a
    duplicate key, a YAML anchor, alias or merge key, a value that YAML 1.1 would
    silently retype (`no`, `on`, `12:30`, `010` unquoted), an impossible date, or
    Markdown front-matter that is missing, unterminated or not a mapping. Or it is
    not a regular file inside the repository: a symbolic link (to a file or a
    folder of evidence) that leads outside the repository or nowhere, a named
    pipe, a device or a socket. Such an entry is found without opening it, and
    nothing behind it is read or published.

    Why an auditor cares:
    Evidence that cannot be read reliably is not evidence. PyYAML keeps the last of
    two duplicate keys without a word, and `no` becomes `false`: the record the
    auditor reads would not be the one the team wrote.

    How to fix:
    Go to the line named in the finding and do what the message says: quote the
    value, indent with spaces, remove the duplicate key, write the aliased value
    out in full, or add the missing `---` line. Replace a link that leads outside
    the repository with the file itself.

    Example:
    Fails: `active: no` (read as false), `start: 09:30` (read as 570).
    Passes: `active: "no"`, `start: "09:30"`.
    """
    for problem in context.load_problems:
        if problem.code == "BRM001":
            yield Breach(problem.location, problem.subject, problem.message)


@rule("BRM002", "error", clause="7.5.3", subject="record")
def schema_mismatch(context: Context) -> Iterator[Breach]:
    """A record does not match its schema.

    A field is missing or unknown, has the wrong type (a version written as a
    number), a value outside its list (`status: finished`), or a date or duration
    in the wrong form. `brm schema TYPE` prints the schema of each record type.

    Why an auditor cares:
    The checks, the site and the auditor all rely on every record meaning the same
    thing. A misspelt field is silently ignored evidence.

    How to fix:
    Correct the field named in the finding. Editors with the YAML extension show
    the same schema as you type (see `brm schema --export`).

    Example:
    Fails: `version: 3.0` (a number), `status: finished`.
    Passes: `version: "3.0"`, `status: done`.
    """
    for problem in context.load_problems:
        if problem.code == "BRM002":
            yield Breach(problem.location, problem.subject, problem.message)


@rule("BRM003", "error", clause="7.5.3", subject="record")
def dangling_reference(context: Context) -> Iterator[Breach]:
    """A reference names nothing.

    A person, customer, service, tier, action, instrument, complaint or file named
    in a record does not exist: every person is an id in `registers/people.yaml` or
    a representative of a customer. A field that holds a path or a link (`report`,
    `document`, an action's `source`, `responses_file`) is an `https://` address or
    the path of a regular file inside the repository; a path that climbs out with
    `..`, an absolute path, an `http:`, `file:`, `javascript:`, `mailto:` or other
    link, or a symbolic link that leads outside the repository names nothing.

    Why an auditor cares:
    Traceability is the point of the evidence: an owner nobody can find, or minutes
    that point at an action the tracker never held, break the chain from feedback
    to improvement.

    How to fix:
    Correct the spelling of the id, add the missing record, or fix the path: give
    it from the repository root (a responses file: beside the result), or give the
    document's `https://` address.

    Example:
    Fails: `owner: alex-morgen` when the register holds `alex-morgan`;
    `report: file:///etc/passwd`; `report: ../../reports/q3.pdf`.
    Passes: `owner: alex-morgan`; `report: reports/2026-Q3-northgate.pdf`;
    `report: https://reports.provider.example/q3`.
    """
    refs = _References(context)
    repo = context.repository
    for service in repo.services:
        yield from refs.person(service, service.owner, "owner")
    for customer in repo.customers:
        yield from refs.tier(customer, customer.tier, "tier")
        yield from refs.person(customer, customer.counterpart, "counterpart")
        for consumption in customer.services:
            yield from refs.service(customer, consumption.service, "services", consumption.index, "service")
        for index, representative in enumerate(customer.representatives):
            for i, covered in enumerate(representative.services):
                yield from refs.service(customer, covered, "representatives", index, "services", i)
        if customer.interim is not None:
            for i, person in enumerate(customer.interim.escalation):
                yield from refs.person(customer, person, "interim", "escalation", i)
    for requirements in repo.requirements:
        yield from refs.customer(requirements, requirements.customer, "customer")
        yield from refs.service(requirements, requirements.service, "service")
        yield from refs.file(requirements, requirements.document, "document")
        for approval in requirements.approvals:
            yield from refs.person(requirements, approval.by, "approvals", approval.index, "by")
    for review in repo.reviews:
        yield from refs.customers(review, review.customers, "customers")
        yield from refs.services(review, review.services, "services")
        yield from refs.people(review, review.attendees, "attendees")
        yield from refs.file(review, review.report, "report")
        yield from refs.actions(review, review.actions, "actions")
    instruments = {(i.id, i.version) for i in repo.instruments}
    instrument_ids = {i.id for i in repo.instruments}
    for result in repo.results:
        if "survey-instrument" in repo.incomplete:
            pass
        elif result.instrument is not None and result.instrument not in instrument_ids:
            yield refs.missing(result, "instrument", result.instrument, "survey instrument", "instrument")
        elif (
            result.instrument is not None
            and result.instrument_version is not None
            and (result.instrument, result.instrument_version) not in instruments
        ):
            yield refs.missing(
                result,
                "instrument version",
                f"{result.instrument} v{result.instrument_version}",
                "survey instrument version (surveys/instruments/)",
                "instrument_version",
            )
        yield from refs.customers(result, result.customers, "customers")
        yield from refs.tier(result, result.tier, "tier")
        yield from refs.person(result, result.sent_by, "sent_by")
        yield from refs.person(result, result.analysed_by, "analysed_by")
        yield from refs.actions(result, result.actions, "actions")
        if result.responses_file is not None:
            yield from refs.file(result, result.responses_file, "responses_file", beside=True)
    for action in repo.actions:
        yield from refs.person(action, action.owner, "owner")
        yield from refs.customers(action, action.customers, "customers")
        if action.source_ref is not None:
            yield from refs.source(action, action.source_ref)
    for complaint in repo.complaints:
        yield from refs.customer(complaint, complaint.customer, "customer")
        yield from refs.service(complaint, complaint.service, "service")
        for escalation in complaint.escalations:
            yield from refs.person(complaint, escalation.to, "escalations", escalation.index, "to")
        yield from refs.actions(complaint, complaint.actions, "actions")
    for waiver in repo.waivers:
        yield from refs.person(waiver, waiver.approved_by, "approved_by")
    for procedure in repo.procedures:
        yield from refs.person(procedure, procedure.owner, "owner")
        yield from refs.person(procedure, procedure.approved_by, "approved_by")
        path = procedure.raw.get("escalation_path")
        if isinstance(path, list):
            for i, person in enumerate(path):
                if isinstance(person, str):
                    yield from refs.person(procedure, person, "escalation_path", i)
        communications = procedure.raw.get("communications")
        if isinstance(communications, list):
            for i, communication in enumerate(communications):
                if isinstance(communication, dict) and isinstance(communication.get("owner"), str):
                    yield from refs.person(procedure, communication["owner"], "communications", i, "owner")


def subject_of(record: Record) -> str:
    """The id a finding about this record names: its id, or its file."""
    record_id = getattr(record, "id", None)
    if isinstance(record_id, str):
        return record_id
    return record.source.path


class _References:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.tiers = set(context.policy.tiers)
        self.incomplete = context.repository.incomplete

    def missing(self, record: Record, what: str, value: str, where: str, *fields: str | int) -> Breach:
        return Breach(
            record.at(*fields),
            subject_of(record),
            f"{what} '{value}' is not a known {where}: correct the id or add the record",
        )

    def person(self, record: Record, person: str | None, *fields: str | int) -> Iterator[Breach]:
        if self.incomplete & {"people", "customers"}:
            return
        if person is not None and person not in self.context.people:
            yield self.missing(record, "person", person, "person (registers/people.yaml or a representative)", *fields)

    def people(self, record: Record, people: list[str], field: str) -> Iterator[Breach]:
        for i, person in enumerate(people):
            yield from self.person(record, person, field, i)

    def customer(self, record: Record, customer: str | None, *fields: str | int) -> Iterator[Breach]:
        if "customers" in self.incomplete:
            return
        if customer is not None and customer not in self.context.customers:
            yield self.missing(record, "customer", customer, "customer (registers/customers.yaml)", *fields)

    def customers(self, record: Record, customers: list[str], field: str) -> Iterator[Breach]:
        for i, customer in enumerate(customers):
            yield from self.customer(record, customer, field, i)

    def service(self, record: Record, service: str | None, *fields: str | int) -> Iterator[Breach]:
        if "services" in self.incomplete:
            return
        if service is not None and service not in self.context.services:
            yield self.missing(record, "service", service, "service (registers/services.yaml)", *fields)

    def services(self, record: Record, services: list[str], field: str) -> Iterator[Breach]:
        for i, service in enumerate(services):
            yield from self.service(record, service, field, i)

    def tier(self, record: Record, tier: str | None, *fields: str | int) -> Iterator[Breach]:
        if "procedure" in self.incomplete:
            return
        if tier is not None and tier not in self.tiers:
            defined = ", ".join(sorted(self.tiers)) or "none"
            yield Breach(
                record.at(*fields),
                subject_of(record),
                f"tier '{tier}' is not defined in the BRM procedure's policy.tiers (defined: {defined}): "
                "use a defined tier or add it to the procedure",
            )

    def actions(self, record: Record, actions: list[str], field: str) -> Iterator[Breach]:
        if "actions" in self.incomplete:
            return
        for i, action in enumerate(actions):
            if action not in self.context.actions:
                yield self.missing(record, "action", action, "tracker action (registers/actions.yaml)", field, i)

    def file(self, record: Record, reference: str | None, *fields: str | int, beside: bool = False) -> Iterator[Breach]:
        """A field that holds a path or a link: an https:// address, or a file inside the repository."""
        if reference is None:
            return
        resolved = resolve(reference, beside=record.source.path if beside else None)
        repository = self.context.repository
        if resolved.problem is not None:
            yield Breach(record.at(*fields), subject_of(record), resolved.problem)
        elif resolved.path is not None and resolved.path not in repository.paths:
            why = refusal(repository.refused, resolved.path)
            yield Breach(
                record.at(*fields),
                subject_of(record),
                f"file '{resolved.path}' is {why}"
                if why
                else f"file '{resolved.path}' does not exist in the repository: give an https:// address, or add "
                "the file and give its path from the repository root",
            )

    def source(self, action: Record, reference: str) -> Iterator[Breach]:
        """An action's source: a complaint id, or the path of a review or survey result."""
        if _COMPLAINT_ID.match(reference):
            if reference not in self.context.complaints and "complaints" not in self.incomplete:
                yield self.missing(action, "complaint", reference, "complaint (registers/complaints.yaml)", "source")
            return
        yield from self.file(action, reference, "source")


@rule("BRM004", "error", clause="7.5.3", subject="id")
def duplicate_id(context: Context) -> Iterator[Breach]:
    """Two records share one id.

    Ids are unique within their kind, and person ids are unique across the whole
    repository (staff and every customer's representatives are one namespace).
    Requirements are unique per customer and service; instruments per id and version.

    Why an auditor cares:
    An id that names two records makes every reference to it ambiguous: which
    action did the minutes mean, which Dana approved the requirements?

    How to fix:
    Give one of the two records a new id (the next free `ACT-` number for actions)
    and update the references that meant it.

    Example:
    Fails: two actions both `id: ACT-0042`.
    Passes: `ACT-0042` and `ACT-0043`.
    """
    repo = context.repository
    groups: list[tuple[str, list[tuple[Any, Record, tuple[str | int, ...]]]]] = [
        ("person", [(p.id, p, ("id",)) for p in [*repo.staff, *repo.representatives]]),
        ("service", [(s.id, s, ("id",)) for s in repo.services]),
        ("customer", [(c.id, c, ("id",)) for c in repo.customers]),
        ("action", [(a.id, a, ("id",)) for a in repo.actions]),
        ("complaint", [(c.id, c, ("id",)) for c in repo.complaints]),
        ("procedure", [(p.id, p, ("id",)) for p in repo.procedures]),
        (
            "survey instrument version",
            [((i.id, i.version), i, ("version",)) for i in repo.instruments if i.id],
        ),
        (
            "requirements record for customer and service",
            [((r.customer, r.service), r, ("service",)) for r in repo.requirements if r.customer and r.service],
        ),
    ]
    for kind, entries in groups:
        first: dict[Any, Record] = {}
        for key, record, fields in entries:
            if key is None:
                continue
            if key in first:
                original = first[key].at()
                label = " / ".join(map(str, key)) if isinstance(key, tuple) else key
                yield Breach(
                    record.at(*fields),
                    label,
                    f"{kind} '{label}' is already used at {original.path}:{original.line}: "
                    "give this record its own id and update the references that meant it",
                )
            else:
                first[key] = record


# Raw HTML that runs script, and links that run script or smuggle content (reader.may_hold_markup: a superset).
_UNSAFE = (
    (re.compile(r"<\s*script\b", re.IGNORECASE), "a <script> element"),
    (re.compile(r"<\s*(iframe|object|embed|frame|frameset|applet)\b", re.IGNORECASE), "an <{0}> element"),
    (
        re.compile(r"<[a-zA-Z][^>]*?\s(on[a-zA-Z]+)\s*=", re.IGNORECASE | re.DOTALL),
        "an event-handler attribute ({0}=)",
    ),
    (
        re.compile(
            r"(?:\]\(\s*<?|\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*|^[ \t]*\[[^\]]+\]:\s*<?)"
            r"(javascript|vbscript|data)\s*:",
            re.IGNORECASE | re.MULTILINE,
        ),
        "a {0}: link",
    ),
)


@rule("BRM005", "error", clause="7.5.3", subject="file")
def unsafe_content(context: Context) -> Iterator[Breach]:
    """Unsafe content in a document that the site publishes.

    Raw HTML that runs script (`<script>`, `on*=` event handlers, `<iframe>`,
    `<object>`, `<embed>`), or a `javascript:`, `vbscript:` or `data:` link, in the
    Markdown of minutes, survey instruments and results, or procedures, in their
    front-matter, in any value or key of a register (a name, a role, a title), or in
    an evidence file's name.

    Why an auditor cares:
    The evidence site is opened by auditors and customers; minutes arrive by pull
    request. Script in a published page could act with the reader's session. The
    site strips it regardless, so what the author meant would silently differ from
    what is shown.

    How to fix:
    Remove the HTML and write plain Markdown; link to `https://` addresses only.

    Example:
    Fails: `<img src=x onerror=alert(1)>`, `[report](javascript:alert(1))`,
    `name: <svg onload=alert(1)>` in registers/customers.yaml.
    Passes: `![chart](charts/q3.png)`, `[report](https://reports.provider.example/q3)`.
    """
    for document in context.repository.documents:
        if may_hold_markup(document.path):
            yield from _scan(document, Body(document.path, 1), "in the file's name", "rename the file")
        if not document.markup:  # neither its YAML nor its body could spell it (the reader looked)
            continue
        if document.body:
            yield from _scan(document, Body(document.body, document.body_line))
        yield from _scan_values(document, document.data, ())


def _scan(
    document: Document,
    body: Body,
    where: str = "in published Markdown",
    fix: str = "remove the HTML and write plain Markdown, linking only to https:// addresses",
) -> Iterator[Breach]:
    text = body.text
    if not may_hold_markup(text):
        return
    for pattern, what in _UNSAFE:
        for match in pattern.finditer(text):
            line = body.first_line + text.count("\n", 0, match.start())
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            name = match.group(1).lower() if match.groups() else ""
            yield Breach(Location(document.path, line, column), document.path, f"{what.format(name)} {where}: {fix}")


def _scan_values(document: Document, value: Any, path: tuple[str | int, ...]) -> Iterator[Breach]:
    # A register is data, not Markdown: its values are to be plain text.
    wording = () if document.path.endswith(".md") else ("in a register value", "remove the HTML, write plain text")
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and may_hold_markup(key):
                yield from _scan(document, Body(key, document.where(*path, key)[0]), *wording)
            yield from _scan_values(document, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _scan_values(document, item, (*path, index))
    elif isinstance(value, str) and may_hold_markup(value):
        yield from _scan(document, Body(value, document.where(*path)[0]), *wording)
