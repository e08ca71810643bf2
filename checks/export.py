"""``brm export --format xlsx|csv``: every register as a spreadsheet, for the people who ask for one.

One table per register (people, services, customers, representatives, requirements,
reviews, results, actions, complaints, waivers), one row per record with its file,
as a sheet of one workbook (with a cover sheet: the as-of date, the commit, whether
contacts are included) or as one CSV file each. Dates are dates in the workbook, not
text; instants are in UTC, since a spreadsheet cell holds no offset.

Contact details follow the auditor site's default: e-mail addresses and the phone
numbers the registers hold are withheld (the same :class:`Redactor`), in their own
columns and in every text cell, unless ``--include-contacts`` is given.

Evidence is untrusted: a cell is always written as text or as a typed value, never
as a formula (a workbook cell is typed as a string; a CSV cell that a spreadsheet
would read as a formula starts with an apostrophe), and characters a workbook cannot
hold are replaced.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .findings import display
from .model import Repository, Representative

#: A cell as the model gives it: text, a number, a date or an instant, or nothing.
Value = str | int | float | date | datetime | None
Column = tuple[str, Callable[[Any], Any]]

WITHHELD_EMAIL = "[e-mail withheld]"
WITHHELD_PHONE = "[phone withheld]"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0, and so a workbook, cannot hold
_MAX_CELL = 32_767  # a workbook cell holds at most this many characters


def _list(values: Iterable[Any]) -> str | None:
    text = ", ".join(str(v) for v in values if v is not None)
    return text or None


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None


def _interval(value: Any) -> str | None:
    return str(value) if value is not None else None


@dataclass(frozen=True)
class Table:
    """One register as rows: its sheet name, its columns, and where its records come from."""

    name: str
    title: str
    columns: tuple[Column, ...]
    records: Callable[[Repository], list[Any]]
    contact_columns: frozenset[str] = frozenset()


def _representatives(repository: Repository) -> list[Representative]:
    return repository.representatives


TABLES: tuple[Table, ...] = (
    Table(
        "people",
        "Our people (registers/people)",
        (
            ("id", lambda p: p.id),
            ("name", lambda p: p.name),
            ("role", lambda p: p.role),
            ("email", lambda p: p.email),
            ("phone", lambda p: p.phone),
            ("file", lambda p: p.source.path),
        ),
        lambda r: r.staff,
        frozenset({"email", "phone"}),
    ),
    Table(
        "services",
        "Service catalogue (registers/services)",
        (
            ("id", lambda s: s.id),
            ("name", lambda s: s.name),
            ("owner", lambda s: s.owner),
            ("in scope", lambda s: "yes" if s.in_scope else "no"),
            ("file", lambda s: s.source.path),
        ),
        lambda r: r.services,
    ),
    Table(
        "customers",
        "Customers (registers/customers)",
        (
            ("id", lambda c: c.id),
            ("name", lambda c: c.name),
            ("tier", lambda c: c.tier),
            ("counterpart", lambda c: c.counterpart),
            ("review interval (own)", lambda c: _interval(c.review_interval)),
            ("onboarded", lambda c: c.onboarded),
            ("services", lambda c: _list(s.service for s in c.services)),
            ("user groups", lambda c: _list(f"{s.service}: {', '.join(s.user_groups)}" for s in c.services)),
            ("representatives", lambda c: _list(r.id for r in c.representatives)),
            ("interim contact", lambda c: c.interim.contact if c.interim else None),
            ("interim requested", lambda c: c.interim.requested if c.interim else None),
            ("interim escalation", lambda c: _list(c.interim.escalation) if c.interim else None),
            ("file", lambda c: c.source.path),
        ),
        lambda r: r.customers,
    ),
    Table(
        "representatives",
        "Customer representatives (registers/customers)",
        (
            ("customer", lambda p: p.customer),
            ("id", lambda p: p.id),
            ("name", lambda p: p.name),
            ("role", lambda p: p.role),
            ("email", lambda p: p.email),
            ("phone", lambda p: p.phone),
            ("authority", lambda p: _list(p.authority)),
            ("services", lambda p: _list(p.services) or "all the customer's"),
            ("since", lambda p: p.since),
            ("confirmed", lambda p: p.confirmed),
            ("file", lambda p: p.source.path),
        ),
        _representatives,
        frozenset({"email", "phone"}),
    ),
    Table(
        "requirements",
        "Agreed requirements (registers/requirements)",
        (
            ("customer", lambda q: q.customer),
            ("service", lambda q: q.service),
            ("version", lambda q: q.version),
            ("effective", lambda q: q.effective),
            ("document", lambda q: q.document),
            ("approvals", lambda q: _list(f"{a.by} on {a.on}" for a in q.approvals)),
            ("confirm by", lambda q: q.confirm_by),
            ("file", lambda q: q.source.path),
        ),
        lambda r: r.requirements,
    ),
    Table(
        "reviews",
        "Performance and process reviews (reviews/)",
        (
            ("type", lambda v: v.type),
            ("date", lambda v: v.date),
            ("customers", lambda v: _list(v.customers)),
            ("services", lambda v: _list(v.services)),
            ("period", lambda v: v.period),
            ("attendees", lambda v: _list(v.attendees)),
            ("report", lambda v: v.report),
            ("KPIs met", lambda v: sum(1 for k in v.kpis if k.met) if v.kpis else None),
            ("KPIs reviewed", lambda v: len(v.kpis) if v.kpis else None),
            ("decisions", lambda v: "; ".join(v.decisions) or None),
            ("actions", lambda v: _list(v.actions)),
            ("next review", lambda v: v.next_review),
            ("file", lambda v: v.source.path),
        ),
        lambda r: sorted(r.reviews, key=lambda v: (v.date or date.min, v.source.path)),
    ),
    Table(
        "results",
        "Satisfaction results (surveys/results)",
        (
            ("instrument", lambda s: s.instrument),
            ("instrument version", lambda s: s.instrument_version),
            ("customers", lambda s: _list(s.customers)),
            ("tier", lambda s: s.tier),
            ("period", lambda s: s.period),
            ("sent", lambda s: s.sent),
            ("sent by", lambda s: s.sent_by),
            ("analysed by", lambda s: s.analysed_by),
            ("invited", lambda s: s.invited),
            ("responses", lambda s: s.responses),
            ("csat", lambda s: s.scores.get("csat")),
            ("nps", lambda s: s.scores.get("nps")),
            ("themes", lambda s: "; ".join(s.themes) or None),
            ("actions", lambda s: _list(s.actions)),
            ("file", lambda s: s.source.path),
        ),
        lambda r: sorted(r.results, key=lambda s: (s.sent or date.min, s.source.path)),
    ),
    Table(
        "actions",
        "Action tracker (registers/actions)",
        (
            ("id", lambda a: a.id),
            ("title", lambda a: a.title),
            ("source", lambda a: a.source_ref),
            ("customers", lambda a: _list(a.customers)),
            ("owner", lambda a: a.owner),
            ("raised", lambda a: a.raised),
            ("due", lambda a: a.due),
            ("status", lambda a: a.status),
            ("closed", lambda a: a.closed),
            ("evidence", lambda a: a.evidence),
            ("links", lambda a: _list(a.links)),
            ("file", lambda a: a.source.path),
        ),
        lambda r: r.actions,
    ),
    Table(
        "complaints",
        "Complaint register (registers/complaints)",
        (
            ("id", lambda c: c.id),
            ("customer", lambda c: c.customer),
            ("service", lambda c: c.service),
            ("channel", lambda c: c.channel),
            ("received (UTC)", lambda c: _utc(c.received)),
            ("acknowledged (UTC)", lambda c: _utc(c.acknowledged)),
            ("stage", lambda c: c.stage),
            ("escalations", lambda c: _list(f"{e.to} at {_utc(e.at)} UTC" for e in c.escalations)),
            ("resolved", lambda c: c.resolved),
            ("feedback", lambda c: c.feedback),
            ("actions", lambda c: _list(c.actions)),
            ("file", lambda c: c.source.path),
        ),
        lambda r: r.complaints,
    ),
    Table(
        "waivers",
        "Waivers (registers/waivers)",
        (
            ("rule", lambda w: w.rule),
            ("subject", lambda w: w.subject),
            ("reason", lambda w: w.reason),
            ("approved by", lambda w: w.approved_by),
            ("approved", lambda w: w.approved),
            ("expires", lambda w: w.expires),
            ("file", lambda w: w.source.path),
        ),
        lambda r: r.waivers,
    ),
)
REGISTERS = tuple(t.name for t in TABLES)


@dataclass(frozen=True)
class Cover:
    """What the cover sheet says: where the registers come from, and when."""

    root: str
    as_of: date
    commit: str
    contacts: bool

    def rows(self, counts: dict[str, int]) -> list[tuple[str, Value]]:
        return [
            ("Business relationship management registers", None),
            ("evidence repository", self.root),
            ("as of", self.as_of),
            ("commit", self.commit),
            ("contact details", "included" if self.contacts else "withheld (brm export --include-contacts)"),
            ("instants", "in UTC"),
            *((f"sheet {name}", count) for name, count in counts.items()),
        ]


def commit_of(root: Path) -> str:
    """The commit the evidence is at, as the site's provenance reads it, or why there is none."""
    from .site.provenance import read_history

    history = read_history(root)
    if history.head is None:
        return history.missing or "no commit"
    head = history.head
    dirty = f"; {len(history.dirty)} files with uncommitted changes" if history.dirty else ""
    return f"{head.sha} ({head.date}, {head.author}){dirty}"


class Cells:
    """Turns a model value into a safe cell: contacts withheld, never a formula, nothing a workbook refuses."""

    def __init__(self, repository: Repository, contacts: bool) -> None:
        from .site.sanitize import Redactor

        phones = [p.phone for p in [*repository.staff, *repository.representatives] if p.phone]
        self.contacts = contacts
        self.redact = Redactor(contacts, phones)

    def value(self, column: str, value: Any, table: Table) -> Value:
        if value is None or isinstance(value, (bool, int, float, date)):
            return value if not isinstance(value, bool) else ("yes" if value else "no")
        text = display(str(value))
        if column in table.contact_columns and not self.contacts:
            return WITHHELD_EMAIL if column == "email" else WITHHELD_PHONE
        return self.redact(text)

    def rows(self, table: Table, repository: Repository) -> list[list[Value]]:
        return [
            [self.value(header, read(record), table) for header, read in table.columns]
            for record in table.records(repository)
        ]


def _text_cell(value: str) -> str:
    return _ILLEGAL.sub("\ufffd", value)[:_MAX_CELL]


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(table: Table, rows: list[list[Value]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in table.columns])
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return out.getvalue()


def render_cover_csv(cover: Cover, counts: dict[str, int]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[label, _csv_cell(value)] for label, value in cover.rows(counts)])
    return out.getvalue()


def workbook(tables: list[tuple[Table, list[list[Value]]]], cover: Cover) -> bytes:
    """The workbook: the cover sheet, then one sheet per register."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "cover"
    counts = {table.name: len(rows) for table, rows in tables}
    for line, (label, value) in enumerate(cover.rows(counts), 1):
        _put(sheet.cell(row=line, column=1), label)
        _put(sheet.cell(row=line, column=2), value)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70
    for table, rows in tables:
        sheet = book.create_sheet(table.name)
        headers = [header for header, _ in table.columns]
        for column, header in enumerate(headers, 1):
            cell = sheet.cell(row=1, column=column)
            _put(cell, header)
            cell.font = Font(bold=True)
        for row_number, row in enumerate(rows, 2):
            for column, value in enumerate(row, 1):
                _put(sheet.cell(row=row_number, column=column), value)
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        for column, header in enumerate(headers, 1):
            longest = max([len(header), *(len(_csv_cell(r[column - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell: Any, value: Value) -> None:
    """A typed cell: dates and numbers as such; text always as text, never as a formula."""
    if value is None:
        return
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        cell.value = _text_cell(str(value))
        cell.data_type = "s"  # openpyxl would take text starting with "=" for a formula


def tables_for(register: str | None) -> list[Table]:
    return [t for t in TABLES if register is None or t.name == register]


def export(repository: Repository, tables: list[Table], contacts: bool) -> list[tuple[Table, list[list[Value]]]]:
    cells = Cells(repository, contacts)
    return [(table, cells.rows(table, repository)) for table in tables]
