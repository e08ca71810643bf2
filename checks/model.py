"""Typed records and the Repository they form. Rules see this, never YAML.

Records are built leniently from data that may have failed its schema: a field of the
wrong type becomes ``None`` or empty, so one BRM002 finding does not cascade into a
dozen reference findings. Every record keeps the document and JSON path it came from,
so any later finding can point at a line.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from .boundary import resolve
from .dates import Interval, parse_date, parse_instant
from .findings import Location
from .markdown import Line, action_items
from .reader import Document, JsonPath

Date = date  # Review has a field named `date`


@dataclass(slots=True)
class Source:
    """Where a record stands: its document and its path inside that document."""

    document: Document
    json_path: JsonPath = ()
    #: For a record seen as of a date (:meth:`Repository.as_of`) whose lists lost entries
    #: that did not exist yet: list path -> the original index of each entry kept, so a
    #: finding still points at the line the entry stands on.
    renumbered: dict[tuple[str | int, ...], tuple[int, ...]] | None = None
    #: For a record seen as of a date whose fields were let go of (``brm check``): the
    #: fields it had then, applied when its fields are read again (:data:`DROPPED`: not yet).
    edits: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        return self.document.path

    def at(self, *fields: str | int) -> Location:
        if self.renumbered:
            fields = self._original(fields)
        line, column = self.document.where(*self.json_path, *fields)
        return Location(self.document.path, line, column)

    def fields(self) -> dict[str, Any]:
        """The mapping at this path of the document's data (read again if the document let go of it)."""
        value = self.document.data
        for part in self.json_path:
            inside = (isinstance(value, dict) and isinstance(part, str) and part in value) or (
                isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
            )
            if not inside:
                return {}
            value = value[part]
        if not isinstance(value, dict):
            return {}
        return edited(value, self.edits) if self.edits else value

    def _original(self, fields: tuple[str | int, ...]) -> tuple[str | int, ...]:
        mapped = list(fields)
        for depth, part in enumerate(fields):
            kept = self.renumbered.get(fields[:depth]) if isinstance(part, int) and self.renumbered else None
            if kept is not None and 0 <= int(part) < len(kept):
                mapped[depth] = kept[int(part)]
        return tuple(mapped)


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) and value.strip() else None


#: The text items of a field that has none: one list for every record (records never change their lists).
_NO_TEXTS: list[str] = []


def _texts(raw: dict[str, Any], key: str) -> list[str]:
    """The text items of a list field (the list itself when all are text: records share, never change, it)."""
    value = raw.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if not value:
            return _NO_TEXTS
        texts = [v for v in value if isinstance(v, str)]
        return value if len(texts) == len(value) else texts or _NO_TEXTS
    return _NO_TEXTS


def _int(raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mapping(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _mappings(raw: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(key)
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


@dataclass(frozen=True, slots=True)
class Shape:
    """Which fields a record gives: shared by every record with the same fields, so it costs a record nothing."""

    keys: frozenset[str]
    blank: frozenset[str]  # given as null or as blank text
    empty: frozenset[str]  # given as an empty list or mapping

    def edited(self, edits: dict[str, Any]) -> Shape:
        """The shape of a record's fields after ``edits`` (see :func:`edited`)."""
        changed = frozenset(edits)
        values = {k: v for k, v in edits.items() if v is not DROPPED}
        keys = (self.keys - changed) | frozenset(values)
        blank = (self.blank - changed) | {k for k, v in values.items() if _blank(v)}
        empty = (self.empty - changed) | {k for k, v in values.items() if _empty(v)}
        return Shape(keys, frozenset(blank), frozenset(empty))


#: An edit that removes a field (:attr:`Source.edits`).
DROPPED: Any = object()


def edited(raw: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with ``edits`` applied (a field set, or removed by :data:`DROPPED`)."""
    seen = {k: v for k, v in raw.items() if edits.get(k) is not DROPPED}
    seen.update((k, v) for k, v in edits.items() if v is not DROPPED)
    return seen


#: Shapes seen, by (keys, blank keys, empty keys): a few per record type in a real repository.
_SHAPES: dict[tuple[tuple[str, ...], ...], Shape] = {}
_SHAPES_KEPT = 4096  # past this many (generated, hostile evidence), a shape is made for each record


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _empty(value: object) -> bool:
    return isinstance(value, (list, dict)) and not value


def shape_of(raw: dict[str, Any]) -> Shape:
    blank: list[str] = []
    empty: list[str] = []
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):  # _blank, inline: a call per value costs
            blank.append(key)
        elif isinstance(value, (list, dict)) and not value:
            empty.append(key)
    index = (tuple(raw), tuple(blank), tuple(empty))
    found = _SHAPES.get(index)
    if found is None:
        found = Shape(frozenset(raw), frozenset(blank), frozenset(empty))
        if len(_SHAPES) < _SHAPES_KEPT:
            _SHAPES[index] = found
    return found


@dataclass(slots=True)
class Record:
    """One record: its typed fields (in each subclass), where it stands, and what it gives.

    ``kept`` is the record's fields as read. ``brm check`` lets go of them once the
    typed fields are built (see :func:`checks.load.load`): the rules read typed fields
    and :attr:`shape`, so memory holds what rules need, not every parsed value. What
    else asks for :attr:`raw` then has it read again from the record's file.
    """

    source: Source
    kept: dict[str, Any] | None
    shape: Shape = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.shape = shape_of(self.kept if self.kept is not None else self.source.fields())

    @property
    def raw(self) -> dict[str, Any]:
        """The record's fields as read: kept, or read again from its file."""
        return self.kept if self.kept is not None else self.source.fields()

    @property
    def body(self) -> Body | None:
        """The Markdown of the record's file (None for a register's records)."""
        document = self.source.document
        body = document.body
        return Body(body, document.body_line) if body is not None else None

    def has(self, key: str) -> bool:
        """The field is there (with any value, even null)."""
        return key in self.shape.keys

    def absent(self, key: str) -> bool:
        """The field is not there, is null, or is blank text."""
        return key not in self.shape.keys or key in self.shape.blank

    def empty(self, key: str) -> bool:
        """The field is not there, or is an empty list or mapping."""
        return key not in self.shape.keys or key in self.shape.empty

    def at(self, *fields: str | int) -> Location:
        return self.source.at(*fields)


@dataclass(slots=True)
class Person(Record):
    id: str | None = None
    name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    customer: str | None = None  # set for customer representatives

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any], customer: str | None = None) -> Person:
        phone = raw.get("phone")
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            name=_text(raw, "name"),
            role=_text(raw, "role"),
            email=_text(raw, "email"),
            phone=str(phone) if isinstance(phone, (str, int)) else None,
            customer=customer,
        )


@dataclass(slots=True)
class Representative(Person):
    authority: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)  # empty: all the customer's services
    since: date | None = None
    confirmed: date | None = None

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any], customer: str | None = None) -> Representative:
        base = Person.build(source, raw, customer)
        return cls(
            **{f: getattr(base, f) for f in ("source", "kept", "id", "name", "role", "email", "phone", "customer")},
            authority=_texts(raw, "authority"),
            services=_texts(raw, "services"),
            since=parse_date(raw.get("since")),
            confirmed=parse_date(raw.get("confirmed")),
        )

    def covers(self, service: str, customer_services: list[str]) -> bool:
        return service in (self.services or customer_services)


@dataclass(slots=True)
class Service(Record):
    id: str | None = None
    name: str | None = None
    owner: str | None = None
    in_scope: bool = True

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Service:
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            name=_text(raw, "name"),
            owner=_text(raw, "owner"),
            in_scope=raw.get("in_scope") is not False,
        )


@dataclass(slots=True)
class Consumption:
    """A service a customer consumes, and by which user groups."""

    service: str
    user_groups: list[str]
    index: int


@dataclass(slots=True)
class Interim:
    contact: str | None
    requested: date | None
    escalation: list[str]


@dataclass(slots=True)
class Customer(Record):
    id: str | None = None
    name: str | None = None
    tier: str | None = None
    counterpart: str | None = None
    review_interval: Interval | None = None
    services: list[Consumption] = field(default_factory=list)
    representatives: list[Representative] = field(default_factory=list)
    interim: Interim | None = None
    onboarded: date | None = None

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Customer:
        customer_id = _text(raw, "id")
        services = [
            Consumption(s["service"], _texts(s, "user_groups"), i)
            for i, s in _mappings(raw, "services")
            if isinstance(s.get("service"), str)
        ]
        representatives = [
            Representative.build(Source(source.document, (*source.json_path, "representatives", i)), r, customer_id)
            for i, r in _mappings(raw, "representatives")
        ]
        interim_raw = raw.get("interim")
        interim = None
        if isinstance(interim_raw, dict):
            interim = Interim(
                _text(interim_raw, "contact"),
                parse_date(interim_raw.get("requested")),
                _texts(interim_raw, "escalation"),
            )
        return cls(
            source,
            raw,
            id=customer_id,
            name=_text(raw, "name"),
            tier=_text(raw, "tier"),
            counterpart=_text(raw, "counterpart"),
            review_interval=Interval.parse(raw.get("review_interval")),
            services=services,
            representatives=representatives,
            interim=interim,
            onboarded=parse_date(raw.get("onboarded")),
        )

    @property
    def service_ids(self) -> list[str]:
        return [c.service for c in self.services]

    @property
    def label(self) -> str:
        return self.name or self.id or "?"


@dataclass(slots=True)
class Approval:
    by: str | None
    on: date | None
    index: int


@dataclass(slots=True)
class Requirements(Record):
    customer: str | None = None
    service: str | None = None
    version: str | None = None
    effective: date | None = None
    document: str | None = None
    approvals: list[Approval] = field(default_factory=list)
    confirm_by: date | None = None

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Requirements:
        return cls(
            source,
            raw,
            customer=_text(raw, "customer"),
            service=_text(raw, "service"),
            version=_text(raw, "version"),
            effective=parse_date(raw.get("effective")),
            document=_text(raw, "document"),
            approvals=[Approval(_text(a, "by"), parse_date(a.get("on")), i) for i, a in _mappings(raw, "approvals")],
            confirm_by=parse_date(raw.get("confirm_by")),
        )


@dataclass(slots=True)
class Body:
    """The Markdown of an evidence document, with the line it starts on."""

    text: str
    first_line: int

    def lines(self) -> list[tuple[int, str]]:
        return [(self.first_line + i, line) for i, line in enumerate(self.text.split("\n"))]


@dataclass(slots=True)
class Kpi:
    name: str | None
    target: str | None
    actual: str | None
    met: bool | None
    actions: list[str] = field(default_factory=list)  # tracker actions that address a missed target
    index: int = 0


@dataclass(slots=True)
class Review(Record):
    type: str | None = None
    customers: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    date: Date | None = None
    period: str | None = None
    attendees: list[str] = field(default_factory=list)
    report: str | None = None
    kpis: list[Kpi] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    next_review: Date | None = None
    items: tuple[Line, ...] = ()  # the minutes' action items (:func:`checks.markdown.action_items`)

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Review:
        return cls(
            source,
            raw,
            type=_text(raw, "type"),
            customers=_texts(raw, "customers"),
            services=_texts(raw, "services"),
            date=parse_date(raw.get("date")),
            period=str(raw["period"]) if isinstance(raw.get("period"), (str, int)) else None,
            attendees=_texts(raw, "attendees"),
            report=_text(raw, "report"),
            kpis=[
                Kpi(
                    _text(k, "name"),
                    _str(k.get("target")),
                    _str(k.get("actual")),
                    _bool(k.get("met")),
                    _texts(k, "actions"),
                    i,
                )
                for i, k in _mappings(raw, "kpis")
            ],
            decisions=_texts(raw, "decisions"),
            actions=_texts(raw, "actions"),
            next_review=parse_date(raw.get("next_review")),
            items=_items(source),
        )

    @property
    def is_performance_review(self) -> bool:
        return self.type == "performance-review"


def _items(source: Source) -> tuple[Line, ...]:
    """The action items of the record's file: found once per reading (and kept with it in the parse cache)."""
    document = source.document
    if document.items is None:
        document.items = action_items(document.body, document.body_line) if document.body else ()
    return document.items


def _str(value: object) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(slots=True)
class Instrument(Record):
    id: str | None = None
    version: str | None = None
    method: str | None = None
    scale: int | None = None
    questions: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Instrument:
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            version=_text(raw, "version"),
            method=_text(raw, "method"),
            scale=_int(raw, "scale"),
            questions=_texts(raw, "questions"),
        )


@dataclass(slots=True)
class Result(Record):
    instrument: str | None = None
    instrument_version: str | None = None
    incident: str | None = None  # for a post-incident survey: the incident it follows (an id or a URL)
    customers: list[str] = field(default_factory=list)
    tier: str | None = None
    period: str | None = None
    sent: date | None = None
    sent_by: str | None = None
    analysed_by: str | None = None
    invited: int | None = None
    responses: int | None = None
    responses_file: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    items: tuple[Line, ...] = ()  # the analysis's action items (:func:`checks.markdown.action_items`)
    response_scores: list[float] | None = None  # the responses file's `score` column, read at load time
    responses_problem: str | None = None  # why the responses file could not be read ("line N: ...")

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Result:
        scores = {
            k: float(v)
            for k, v in _mapping(raw, "scores").items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
        return cls(
            source,
            raw,
            instrument=_text(raw, "instrument"),
            instrument_version=_text(raw, "instrument_version"),
            incident=_text(raw, "incident"),
            customers=_texts(raw, "customers"),
            tier=_text(raw, "tier"),
            period=str(raw["period"]) if isinstance(raw.get("period"), (str, int)) else None,
            sent=parse_date(raw.get("sent")),
            sent_by=_text(raw, "sent_by"),
            analysed_by=_text(raw, "analysed_by"),
            invited=_int(raw, "invited"),
            responses=_int(raw, "responses"),
            responses_file=_text(raw, "responses_file"),
            scores=scores,
            themes=_texts(raw, "themes"),
            actions=_texts(raw, "actions"),
            items=_items(source),
        )


@dataclass(slots=True)
class Action(Record):
    id: str | None = None
    title: str | None = None
    source_ref: str | None = None  # FORMAT.md's `source`: a review, result or complaint id
    customers: list[str] = field(default_factory=list)
    owner: str | None = None
    raised: date | None = None
    due: date | None = None
    status: str | None = None
    closed: date | None = None
    evidence: str | None = None
    links: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Action:
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            title=_text(raw, "title"),
            source_ref=_text(raw, "source"),
            customers=_texts(raw, "customers"),
            owner=_text(raw, "owner"),
            raised=parse_date(raw.get("raised")),
            due=parse_date(raw.get("due")),
            status=_text(raw, "status"),
            closed=parse_date(raw.get("closed")),
            evidence=_text(raw, "evidence"),
            links=_texts(raw, "links"),
        )

    @property
    def is_open(self) -> bool:
        return self.status in (None, "open", "in-progress")

    @property
    def source_path(self) -> str | None:
        """The repository path ``source`` names, resolved as every path field is (None: a URL, or refused)."""
        return resolve(self.source_ref).path if self.source_ref is not None else None


@dataclass(slots=True)
class Escalation:
    to: str | None
    at: datetime | None
    index: int


@dataclass(slots=True)
class Complaint(Record):
    id: str | None = None
    customer: str | None = None
    service: str | None = None
    channel: str | None = None
    received: datetime | None = None
    acknowledged: datetime | None = None
    stage: str | None = None
    escalations: list[Escalation] = field(default_factory=list)
    resolved: date | None = None
    feedback: str | None = None
    notes: str | None = None
    actions: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Complaint:
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            customer=_text(raw, "customer"),
            service=_text(raw, "service"),
            channel=_text(raw, "channel"),
            received=parse_instant(raw.get("received")),
            acknowledged=parse_instant(raw.get("acknowledged")),
            stage=_text(raw, "stage"),
            escalations=[
                Escalation(_text(e, "to"), parse_instant(e.get("at")), i) for i, e in _mappings(raw, "escalations")
            ],
            resolved=parse_date(raw.get("resolved")),
            feedback=_text(raw, "feedback"),
            notes=_text(raw, "notes"),
            actions=_texts(raw, "actions"),
        )


@dataclass(slots=True)
class Waiver(Record):
    rule: str | None = None
    subject: str | None = None
    reason: str | None = None
    approved_by: str | None = None
    approved: date | None = None
    expires: date | None = None

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Waiver:
        return cls(
            source,
            raw,
            rule=_text(raw, "rule"),
            subject=_text(raw, "subject"),
            reason=_text(raw, "reason"),
            approved_by=_text(raw, "approved_by"),
            approved=parse_date(raw.get("approved")),
            expires=parse_date(raw.get("expires")),
        )


@dataclass(slots=True)
class Procedure(Record):
    id: str | None = None
    title: str | None = None
    version: str | None = None
    owner: str | None = None
    approved_by: str | None = None
    approved: date | None = None
    next_review: date | None = None

    @classmethod
    def build(cls, source: Source, raw: dict[str, Any]) -> Procedure:
        return cls(
            source,
            raw,
            id=_text(raw, "id"),
            title=_text(raw, "title"),
            version=_text(raw, "version"),
            owner=_text(raw, "owner"),
            approved_by=_text(raw, "approved_by"),
            approved=parse_date(raw.get("approved")),
            next_review=parse_date(raw.get("next_review")),
        )


@dataclass
class Repository:
    """All the evidence of one repository, as records."""

    root: Path
    files: int = 0
    staff: list[Person] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    requirements: list[Requirements] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    procedures: list[Procedure] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # every file read, in order
    #: Paths of every file below the root (POSIX, relative), for file references.
    paths: set[str] = field(default_factory=set)
    #: Entries below the root the checks will not read (a link out of the repository, a
    #: pipe, a device), with why: such a path does not exist for references.
    refused: dict[str, str] = field(default_factory=dict)
    #: Kinds of evidence with at least one unreadable file (register names such as
    #: "services", or "review", "survey-instrument" ...): references into an incomplete
    #: kind are not judged, so one BRM001 does not cascade into dozens of findings.
    incomplete: set[str] = field(default_factory=set)
    #: Set on a view made by :meth:`as_of`: the day it shows, and the whole evidence.
    seen_as_of: date | None = None
    whole: Repository | None = field(default=None, repr=False)

    @property
    def representatives(self) -> list[Representative]:
        return [r for c in self.customers for r in c.representatives]

    @property
    def people(self) -> dict[str, Person]:
        """One namespace: staff and representatives, by id (the first wins on a clash)."""
        people: dict[str, Person] = {}
        for person in [*self.staff, *self.representatives]:
            if person.id is not None:
                people.setdefault(person.id, person)
        return people

    def by_id(self, records: list[Any]) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for record in records:
            if record.id is not None:
                index.setdefault(record.id, record)
        return index

    def procedure(self, procedure_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)

    def instrument_of(self, result: Result) -> Instrument | None:
        """The instrument a result used: the version it names, else any version of that id."""
        matching = [i for i in self.instruments if i.id == result.instrument]
        exact = [i for i in matching if i.version == result.instrument_version]
        return next(iter(exact or matching), None)

    def as_of(self, day: date, zone: tzinfo | None = None) -> Repository:
        """The evidence as it stood at the end of ``day``: what an auditor on that day would have seen.

        A record dated after ``day`` did not exist yet: a review held, a result sent, an
        action raised, a complaint received or a waiver approved later is left out, and
        so is a reference to an action raised later. A later date inside a record had
        not happened yet: an action closed later was still open, a complaint
        acknowledged, escalated or resolved later was not (its feedback came later
        too). Instants are placed on a day in ``zone`` (the procedure's time zone; their
        own offset without one). Registers edited in place (people, services,
        customers and their representatives, requirements, procedures) keep no
        history here: they are shown as they stand. Records are shared, not copied,
        where nothing changed; the view of a view is made from the whole evidence.
        """
        whole = self.whole or self
        if self.seen_as_of == day:
            return self
        seen = _AsOf(day, zone)
        actions = [a for a in whole.actions if not seen.later(a.raised)]
        seen.later_actions = {a.id for a in whole.actions if a.id is not None} - {a.id for a in actions}
        return replace(
            whole,
            reviews=[r for r in (seen.review(r) for r in whole.reviews) if r is not None],
            results=[r for r in (seen.result(r) for r in whole.results) if r is not None],
            actions=[seen.action(a) for a in actions],
            complaints=[c for c in (seen.complaint(c) for c in whole.complaints) if c is not None],
            waivers=[w for w in whole.waivers if not seen.later(w.approved)],
            seen_as_of=day,
            whole=whole,
        )


#: Each record type (the name of its schema, ``checks/schemas/NAME.schema.json``, which also says where
#: its files stand) -> how a record is built, and the Repository list that holds the records. In the
#: order the registers and documents are listed everywhere (loader, editor settings, ``brm new``).
RECORD_TYPES: dict[str, tuple[Callable[..., Record], str]] = {
    "person": (Person.build, "staff"),
    "service": (Service.build, "services"),
    "customer": (Customer.build, "customers"),
    "requirements": (Requirements.build, "requirements"),
    "action": (Action.build, "actions"),
    "complaint": (Complaint.build, "complaints"),
    "waiver": (Waiver.build, "waivers"),
    "review": (Review.build, "reviews"),
    "survey-instrument": (Instrument.build, "instruments"),
    "satisfaction-result": (Result.build, "results"),
    "procedure": (Procedure.build, "procedures"),
}

_Built = TypeVar("_Built", bound=Record)
Renumbered = dict[tuple[str | int, ...], tuple[int, ...]]

#: Action states that end with a `closed` date.
CLOSED_STATES = ("done", "cancelled")
#: Complaint stages that come after its resolution.
AFTER_RESOLUTION = ("feedback", "closed")


class _AsOf:
    """How one record looked at the end of a day (see :meth:`Repository.as_of`)."""

    def __init__(self, day: date, zone: tzinfo | None) -> None:
        self.day = day
        self.zone = zone
        self.later_actions: set[str] = set()

    def later(self, when: date | None) -> bool:
        return when is not None and when > self.day

    def day_of(self, value: object) -> date | None:
        """The day of an instant in the procedure's time zone (of a plain date, that date)."""
        moment = parse_instant(value)
        if moment is None:
            return parse_date(value)
        return self.day_of_instant(moment)

    def day_of_instant(self, moment: datetime) -> date:
        if self.zone is not None:
            try:
                return moment.astimezone(self.zone).date()
            except (OverflowError, ValueError):
                pass  # at the edge of the calendar: its own offset's day
        return moment.date()

    def without_later_actions(self, raw: dict[str, Any], at: tuple[str | int, ...], renumbered: Renumbered) -> None:
        """Drop ids of actions raised after the day from the list ``raw[at[-1]]``, in place."""
        key = at[-1]
        value = raw.get(str(key))
        if not isinstance(value, list) or not any(v in self.later_actions for v in value if isinstance(v, str)):
            return
        kept = tuple(i for i, v in enumerate(value) if not (isinstance(v, str) and v in self.later_actions))
        raw[str(key)] = [value[i] for i in kept]
        renumbered[at] = kept

    def review(self, review: Review) -> Review | None:
        if self.later(review.date):
            return None
        later = self.later_actions
        if later.isdisjoint(review.actions) and all(later.isdisjoint(kpi.actions) for kpi in review.kpis):
            return review  # nearly every review: nothing in it names an action raised later
        raw, renumbered = dict(review.raw), Renumbered()
        self.without_later_actions(raw, ("actions",), renumbered)
        kpis = raw.get("kpis")
        if isinstance(kpis, list):
            seen_kpis = list(kpis)
            for index, kpi in enumerate(kpis):
                if isinstance(kpi, dict):
                    seen_kpis[index] = dict(kpi)
                    self.without_later_actions(seen_kpis[index], ("kpis", index, "actions"), renumbered)
            raw["kpis"] = seen_kpis
        return _rebuilt(review, raw, renumbered) if renumbered else review

    def result(self, result: Result) -> Result | None:
        if self.later(result.sent):
            return None
        if self.later_actions.isdisjoint(result.actions):
            return result
        raw, renumbered = dict(result.raw), Renumbered()
        self.without_later_actions(raw, ("actions",), renumbered)
        if not renumbered:
            return result
        seen = _rebuilt(result, raw, renumbered)
        seen.response_scores, seen.responses_problem = result.response_scores, result.responses_problem
        return seen

    def action(self, action: Action) -> Action:
        if not (action.status in CLOSED_STATES and self.later(action.closed)):
            return action
        # Still open then, with no closure yet: its typed fields and shape say so, and its
        # fields say so if they are read (again) at all.
        edits = {"closed": DROPPED, "evidence": DROPPED, "status": "open"}
        seen = copy(action)
        seen.source = replace(action.source, edits=edits)
        seen.kept = edited(action.kept, edits) if action.kept is not None else None
        seen.status, seen.closed, seen.evidence = "open", None, None
        seen.shape = shape_of(seen.kept) if seen.kept is not None else action.shape.edited(edits)
        return seen

    def settled(self, complaint: Complaint) -> bool:
        """Nothing in the complaint is dated after the day, as its typed fields say (when they cannot say: False)."""
        moments = [complaint.received, complaint.acknowledged, *(e.at for e in complaint.escalations)]
        unsure = (
            (complaint.received is None and complaint.has("received"))
            or (complaint.acknowledged is None and complaint.has("acknowledged"))
            or (complaint.resolved is None and complaint.has("resolved"))
            or any(e.at is None for e in complaint.escalations)
        )
        return not (
            unsure
            or any(m is not None and self.later(self.day_of_instant(m)) for m in moments)
            or self.later(complaint.resolved)
            or not self.later_actions.isdisjoint(complaint.actions)
        )

    def complaint(self, complaint: Complaint) -> Complaint | None:
        if self.settled(complaint):
            return complaint  # nearly every complaint: its fields need not be read again
        raw, renumbered = dict(complaint.raw), Renumbered()
        if self.later(self.day_of(raw.get("received"))):
            return None
        if self.later(self.day_of(raw.get("acknowledged"))):
            del raw["acknowledged"]
        escalations = raw.get("escalations")
        if isinstance(escalations, list):
            kept = tuple(
                i
                for i, e in enumerate(escalations)
                if not (isinstance(e, dict) and self.later(self.day_of(e.get("at"))))
            )
            if len(kept) < len(escalations):
                raw["escalations"] = [escalations[i] for i in kept]
                renumbered[("escalations",)] = kept
        if self.later(self.day_of(raw.get("resolved"))):
            del raw["resolved"]
            raw.pop("feedback", None)
            if raw.get("stage") in AFTER_RESOLUTION:
                del raw["stage"]  # it stood at some stage before its resolution
        self.without_later_actions(raw, ("actions",), renumbered)
        changed = renumbered or any(key not in raw for key in complaint.raw)
        return _rebuilt(complaint, raw, renumbered) if changed else complaint


def _rebuilt(record: _Built, raw: dict[str, Any], renumbered: Renumbered) -> _Built:
    # Every record type has a `build`; the base class declares none (their signatures differ).
    build: Callable[[Source, dict[str, Any]], _Built] = getattr(type(record), "build")  # noqa: B009
    return build(Source(record.source.document, record.source.json_path, renumbered), raw)
