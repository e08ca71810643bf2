"""``brm new``: a new evidence file, schema-valid and prefilled from the registers.

Every field is a flag. What the registers already know is filled in: a review's
attendees (the customer's representatives and counterpart), services, period and
next date, and the open actions of the previous review; the next free action and
complaint ids; the instrument's version; today's date (or ``--as-of``/``BRM_AS_OF``).
What only a person knows (the report, the decisions, the scores) is asked for on a
terminal and is otherwise an error that names the missing flags: nothing is ever
prompted for when standard input is not a terminal.

A new file is never written over an existing one. Register records are written as
new files in the register's folder (``registers/actions/ACT-0043.yaml``), which
FORMAT.md reads as part of the same register, so no existing line is rewritten and
two people adding actions at once never edit the same file. Before writing, the new
file is read back with the strict reader and validated against its schema: a
scaffolded file is evidence ``brm check`` accepts as written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .boundary import resolve
from .dates import FIRST_YEAR, LAST_YEAR, Interval, parse_instant
from .model import Customer, Repository, Review
from .writing import EXISTS, WriteError, write_new

KINDS = {
    "review": "review minutes (a performance review, or --type process-review)",
    "result": "a satisfaction survey result",
    "action": "an action in the tracker (registers/actions/ACT-NNNN.yaml)",
    "complaint": "a complaint (registers/complaints/CMP-NNNN.yaml)",
    "customer": "a customer with its representative or interim contact (registers/customers/ID.yaml)",
    "waiver": "a waiver accepting one finding until a date (registers/waivers/)",
}
#: Where the editor schemas are exported (``brm schema --export .vscode/schemas``).
SCHEMA_DIR = ".vscode/schemas"
AUTHORITIES = ("agree-requirements", "review-performance")
ACTION_STATUSES = ("open", "in-progress", "done", "cancelled")
STAGES = ("receipt", "logging", "investigation", "resolution", "feedback", "closed")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_NUMBERED = {"ACT": re.compile(r"ACT-([0-9]{4,})\Z"), "CMP": re.compile(r"CMP-([0-9]{4,})\Z")}


class ScaffoldError(Exception):
    """The file cannot be written as asked: one line that says why."""


# -- flags -------------------------------------------------------------------------


_YEARS = f"the years {FIRST_YEAR} to {LAST_YEAR} that evidence dates fall in"


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: give YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"'{text}' is outside {_YEARS}: give a date inside them")
    return day


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an instant with its offset, such as 2026-10-14T09:30+01:00")
    if parse_instant(moment.isoformat()) is None:  # the same bounds as the checks, in UTC too
        raise argparse.ArgumentTypeError(f"'{text}' is outside {_YEARS}: give an instant inside them")
    return moment


def _period_text(text: str) -> str:
    """A period such as 2026-Q3: free text, but short, on one line, with a letter or digit."""
    if not text.strip() or len(text) > 40 or not text.isprintable() or not any(c.isalnum() for c in text):
        raise argparse.ArgumentTypeError(
            f"'{_shown(text)}' is not a period such as 2026-Q3, 2026-H1, 2026-10 or 2026 "
            "(one line, up to 40 characters)"
        )
    return text


def _link(text: str) -> str:
    """A path or link field (``--report``): an https:// address or a path inside the repository."""
    reference = resolve(text)
    if reference.problem is not None:
        raise argparse.ArgumentTypeError(reference.problem)
    return text


def _shown(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:60]) + ("…" if len(text) > 60 else "")


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(text)


def _slug(text: str) -> str:
    if not _SLUG.match(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a lower-case id such as northgate-financial")
    return text


def _numbered(prefix: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not _NUMBERED[prefix].match(text):
            raise argparse.ArgumentTypeError(f"'{text}' is not an id such as {prefix}-0042")
        return text

    return parse


def _interval(text: str) -> str:
    if Interval.parse(text) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an interval such as P3M or quarterly")
    return text


def _rule_code(text: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[A-Z]{3}[0-9]{3}", code):
        raise argparse.ArgumentTypeError(f"'{text}' is not a rule code such as REV001")
    return code


def _score(text: str) -> tuple[str | None, float]:
    key, _, value = text.rpartition("=")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a score such as csat=82 or nps=15") from None
    if key not in ("", "csat", "nps"):
        raise argparse.ArgumentTypeError(f"'{key}' is not a score: give csat=N or nps=N")
    return (key or None), number


_MET = {"yes": True, "true": True, "met": True, "no": False, "false": False, "missed": False}


def _kpi(values: list[str]) -> dict[str, Any]:
    name, target, actual, met = values
    if met.lower() not in _MET:
        raise argparse.ArgumentTypeError(f"--kpi {name}: met must be yes or no, not '{met}'")
    return {"name": name, "target": target, "actual": actual, "met": _MET[met.lower()]}


def configure(new: argparse.ArgumentParser) -> None:
    """The flags of ``brm new KIND``: one for every field of every kind."""
    kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND", parser_class=type(new))

    def kind(name: str, fields: str) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=KINDS[name], description=f"Write {KINDS[name]}. {fields}")
        parser.add_argument("--root", default=".", help="the evidence repository (default: .)")
        parser.add_argument("--as-of", metavar="DATE", help="today for defaults (default: $BRM_AS_OF, else today)")
        return parser

    review = kind(
        "review",
        "Attendees (the customers' representatives and counterparts), services, period, next review and the "
        "previous review's open actions are prefilled from the registers.",
    )
    review.add_argument("--type", choices=("performance-review", "process-review"), default="performance-review")
    who = review.add_mutually_exclusive_group()
    who.add_argument("--customer", action="append", type=_slug, metavar="ID", help="a customer reviewed (repeat)")
    who.add_argument("--tier", type=_slug, help="a group review of every customer in this tier")
    review.add_argument("--service", action="append", type=_slug, metavar="ID", help="a service reviewed (repeat)")
    review.add_argument("--date", type=_date, help="the meeting date (default: today)")
    review.add_argument(
        "--period", type=_period_text, help="the period reviewed, e.g. 2026-Q3 (default: the one before the date)"
    )
    review.add_argument("--attendee", action="append", type=_slug, metavar="ID", help="a person id (repeat)")
    review.add_argument("--report", type=_link, metavar="URL_OR_PATH", help="the performance pack")
    review.add_argument(
        "--kpi",
        action="append",
        nargs=4,
        metavar=("NAME", "TARGET", "ACTUAL", "MET"),
        help="a KPI reviewed; MET is yes or no (repeat)",
    )
    review.add_argument("--decision", action="append", metavar="TEXT", help="a decision taken (repeat)")
    review.add_argument("--action", action="append", type=_numbered("ACT"), metavar="ID", help="a tracker id (repeat)")
    review.add_argument("--next-review", type=_date, metavar="DATE", help="default: the date plus the cadence")

    result = kind("result", "Instrument version, period and sender are prefilled from the registers.")
    surveyed = result.add_mutually_exclusive_group()
    surveyed.add_argument("--customer", action="append", type=_slug, metavar="ID", help="a customer surveyed (repeat)")
    surveyed.add_argument("--tier", type=_slug, help="a segment survey of this tier")
    result.add_argument("--instrument", type=_slug, metavar="ID", help="the survey instrument's id")
    result.add_argument("--instrument-version", metavar="VERSION", help="default: the instrument's version")
    result.add_argument(
        "--period", type=_period_text, help="the period covered (default: the one before the date sent)"
    )
    result.add_argument("--sent", type=_date, metavar="DATE", help="default: today")
    result.add_argument("--sent-by", type=_slug, metavar="ID", help="default: the customer's counterpart")
    result.add_argument("--analysed-by", type=_slug, metavar="ID")
    result.add_argument("--invited", type=_count, metavar="N")
    result.add_argument("--responses", type=_count, metavar="N")
    result.add_argument("--responses-file", metavar="FILE", help="a responses CSV beside the result")
    result.add_argument("--score", action="append", type=_score, metavar="KIND=N", help="csat=82 or nps=15 (repeat)")
    result.add_argument("--theme", action="append", metavar="TEXT", help="a theme of the responses (repeat)")
    result.add_argument("--action", action="append", type=_numbered("ACT"), metavar="ID", help="a tracker id (repeat)")

    action = kind("action", "The id is the next free one; the owner defaults to the customer's counterpart.")
    action.add_argument("--id", type=_numbered("ACT"), help="default: the next free id")
    action.add_argument("--title", metavar="TEXT")
    action.add_argument(
        "--source", type=_link, metavar="PATH_OR_ID", help="the review or result path, or a complaint id"
    )
    action.add_argument("--customer", action="append", type=_slug, metavar="ID", help="a customer concerned (repeat)")
    action.add_argument("--owner", type=_slug, metavar="ID")
    action.add_argument("--raised", type=_date, metavar="DATE", help="default: today")
    action.add_argument("--due", type=_date, metavar="DATE")
    action.add_argument("--status", choices=ACTION_STATUSES, default="open")
    action.add_argument("--link", action="append", metavar="REF", help="an improvement, problem or change record")

    complaint = kind("complaint", "The id is the next free one; received defaults to now.")
    complaint.add_argument("--id", type=_numbered("CMP"), help="default: the next free id")
    complaint.add_argument("--customer", type=_slug, metavar="ID")
    complaint.add_argument("--service", type=_slug, metavar="ID", help="default: the customer's only service")
    complaint.add_argument("--summary", metavar="TEXT", help="what the complaint is about")
    complaint.add_argument("--channel", metavar="TEXT", help="e.g. service-portal, email, phone")
    complaint.add_argument("--received", type=_instant, metavar="INSTANT", help="default: now")
    complaint.add_argument("--acknowledged", type=_instant, metavar="INSTANT")
    complaint.add_argument("--stage", choices=STAGES, help="default: receipt, or logging once acknowledged")
    complaint.add_argument("--action", action="append", type=_numbered("ACT"), metavar="ID", help="a tracker id")

    customer = kind("customer", "Since, confirmed and the interim escalation path are prefilled.")
    customer.add_argument("--id", type=_slug)
    customer.add_argument("--name", metavar="TEXT")
    customer.add_argument("--tier", type=_slug, help="default: the policy's only tier")
    customer.add_argument("--counterpart", type=_slug, metavar="ID", help="our accountable person")
    customer.add_argument("--review-interval", type=_interval, metavar="INTERVAL", help="overrides the tier's")
    customer.add_argument(
        "--service", action="append", metavar="ID[:GROUP,GROUP]", help="a service consumed, with user groups (repeat)"
    )
    customer.add_argument("--representative-id", type=_slug, metavar="ID")
    customer.add_argument("--representative-name", metavar="TEXT")
    customer.add_argument("--representative-role", metavar="TEXT")
    customer.add_argument("--representative-email", metavar="EMAIL")
    customer.add_argument("--representative-phone", metavar="TEXT")
    customer.add_argument("--authority", action="append", choices=AUTHORITIES, help="default: both authorities")
    customer.add_argument("--interim-contact", metavar="TEXT", help="where no representative is named yet")
    customer.add_argument("--interim-requested", type=_date, metavar="DATE", help="default: today")
    customer.add_argument("--escalation", action="append", type=_slug, metavar="ID", help="default: counterpart first")

    waiver = kind("waiver", "Approved defaults to today.")
    waiver.add_argument("--rule", type=_rule_code, metavar="CODE")
    waiver.add_argument("--subject", metavar="ID_OR_PATH", help="the finding's subject")
    waiver.add_argument("--reason", metavar="TEXT")
    waiver.add_argument("--approved-by", type=_slug, metavar="ID")
    waiver.add_argument("--approved", type=_date, metavar="DATE", help="default: today")
    waiver.add_argument("--expires", type=_date, metavar="DATE")


# -- answers: flags, prefill, then a prompt (terminal only) -------------------------


class Answers:
    """A field's value: its flag, else its prefill, else a prompt on a terminal, else missing."""

    def __init__(self, args: argparse.Namespace, interactive: bool, ask: Callable[[str], str] = input) -> None:
        self.args = args
        self.interactive = interactive
        self.ask = ask
        self.missing: list[str] = []

    def flag(self, dest: str) -> Any:
        value = getattr(self.args, dest, None)
        return None if value in (None, []) else value

    def get(
        self,
        dest: str,
        question: str,
        parse: Callable[[str], Any] = str,
        *,
        default: Any = None,
        many: bool = False,
        flags: str | None = None,
    ) -> Any:
        value = self.flag(dest)
        if value is not None:
            return value
        if default not in (None, []):
            return default
        if self.interactive:
            return self._prompt(question, parse, many)
        self.missing.append(flags or "--" + dest.replace("_", "-"))
        return [] if many else None

    def _prompt(self, question: str, parse: Callable[[str], Any], many: bool) -> Any:
        answers: list[Any] = []
        label = f"{question} (one a line, an empty line to finish): " if many else f"{question}: "
        while True:
            text = self._read(label if not answers else "  and: ")
            if not text:
                if many and answers:
                    return answers
                print("  an answer is needed")
                continue
            try:
                value = parse(text)
            except (argparse.ArgumentTypeError, ValueError) as error:
                print(f"  {error}")
                continue
            if not many:
                return value
            answers.append(value)

    def optional(self, question: str, parse: Callable[[str], Any]) -> Any:
        """A question that may be left empty (terminal only)."""
        while True:
            text = self._read(question)
            if not text:
                return None
            try:
                return parse(text)
            except (argparse.ArgumentTypeError, ValueError) as error:
                print(f"  {error}")

    def _read(self, label: str) -> str:
        try:
            return self.ask(label).strip()
        except EOFError:
            raise ScaffoldError("no answer given: nothing written") from None

    def done(self) -> None:
        if self.missing:
            names = list(dict.fromkeys(self.missing))
            them = "it as a flag" if len(names) == 1 else "them as flags"
            raise ScaffoldError(f"missing {', '.join(names)}: give {them}, or run on a terminal to be asked")


@dataclass
class Draft:
    """A file about to be written."""

    path: str  # POSIX, relative to the root
    type_name: str
    record: dict[str, Any]
    body: str | None = None  # Markdown after the front-matter; None for a register file


@dataclass
class Scaffold:
    root: Path
    repository: Repository
    today: date
    answers: Answers

    # -- lookups that fail with the list of what exists --

    def customer(self, customer_id: str) -> Customer:
        found = self.repository.by_id(self.repository.customers).get(customer_id)
        if found is None:
            known = ", ".join(sorted(c.id for c in self.repository.customers if c.id)) or "none yet"
            raise ScaffoldError(f"no customer '{customer_id}' in registers/customers (known: {known})")
        return found  # type: ignore[no-any-return]

    def person(self, person_id: str, role: str) -> str:
        if person_id not in self.repository.people:
            raise ScaffoldError(f"{role} '{person_id}' is not a person in the registers (people or representatives)")
        return person_id

    def staff(self, person_id: str, role: str) -> str:
        if person_id not in {p.id for p in self.repository.staff}:
            raise ScaffoldError(f"{role} '{person_id}' is not one of our staff in registers/people")
        return person_id

    def service(self, service_id: str) -> str:
        if service_id not in {s.id for s in self.repository.services}:
            known = ", ".join(sorted(s.id for s in self.repository.services if s.id)) or "none yet"
            raise ScaffoldError(f"no service '{service_id}' in registers/services (known: {known})")
        return service_id

    def action(self, action_id: str) -> str:
        if action_id not in {a.id for a in self.repository.actions}:
            raise ScaffoldError(f"action {action_id} is not in the tracker: add it first with 'brm new action'")
        return action_id

    def tier_customers(self, tier: str) -> list[Customer]:
        customers = [c for c in self.repository.customers if c.tier == tier and c.id]
        if not customers:
            raise ScaffoldError(f"no customer is in tier '{tier}'")
        return customers

    def next_id(self, prefix: str) -> str:
        """One more than the highest id of this kind used anywhere in the evidence."""
        repo = self.repository
        used = [a.id or "" for a in repo.actions] + [c.id or "" for c in repo.complaints]
        used += [i for r in repo.reviews for i in r.actions] + [i for r in repo.results for i in r.actions]
        used += [i for c in repo.complaints for i in c.actions]
        numbers = [int(m.group(1)) for u in used for m in [_NUMBERED[prefix].match(u)] if m]
        return f"{prefix}-{max(numbers, default=0) + 1:04d}"


# -- the kinds ----------------------------------------------------------------------


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _period(day: date, interval: Interval | None) -> str:
    """The period that ended before ``day``, in the cadence's unit (2026-10, 2026-Q3, 2026-H1, 2025)."""
    months = interval.delta.years * 12 + interval.delta.months if interval is not None else 3
    month_index = day.year * 12 + day.month - 1  # months since year 0, this month
    if months >= 12:
        return str(day.year - 1)
    if months >= 6:
        half = (month_index // 6) - 1
        return f"{half // 2}-H{half % 2 + 1}"
    if months >= 3:
        quarter = (month_index // 3) - 1
        return f"{quarter // 4}-Q{quarter % 4 + 1}"
    previous = month_index - 1
    return f"{previous // 12}-{previous % 12 + 1:02d}"


def _year_folder(period: str, fallback: date) -> str:
    return period[:4] if re.match(r"[0-9]{4}", period) else str(fallback.year)


#: The longest file name ``brm new`` makes (file systems allow 255 bytes).
NAME_LIMIT = 100


def _name(*parts: str) -> str:
    """A file name (without suffix) from free text: letters, digits and single hyphens, and short.

    Nothing from a flag becomes a folder or a '..': every other character is a hyphen. A
    name cut to :data:`NAME_LIMIT`, or one with nothing left, ends with a digest of the
    text, so different subjects still get different files.
    """
    text = "-".join(parts)
    name = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    if name and len(name) <= NAME_LIMIT:
        return name
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{name[: NAME_LIMIT - 11].rstrip('-')}-{digest}".lstrip("-")


def _review_interval(s: Scaffold, customers: list[Customer]) -> Interval | None:
    from .policy import Policy

    policy = Policy.from_repository(s.repository)
    intervals = [policy.review_interval(c.review_interval, c.tier) for c in customers]
    known = [i for i in intervals if i is not None]
    return min(known, key=lambda i: i.after(date(2000, 1, 1))) if known else None


def _previous_review(s: Scaffold, customer_ids: list[str], day: date) -> Review | None:
    earlier = [
        r
        for r in s.repository.reviews
        if r.is_performance_review and r.date is not None and r.date <= day and set(r.customers) & set(customer_ids)
    ]
    return max(earlier, key=lambda r: (r.date, r.source.path), default=None)


def _open_actions(s: Scaffold, review: Review | None) -> list[str]:
    if review is None:
        return []
    tracker = {a.id: a for a in s.repository.actions if a.id}
    listed = [i for i in review.actions if i in tracker and tracker[i].is_open]
    sourced = [a.id for a in s.repository.actions if a.source_path == review.source.path and a.is_open]
    return _unique([*listed, *sourced])


def _action_line(s: Scaffold, action_id: str) -> str:
    tracker = {a.id: a for a in s.repository.actions if a.id}
    action = tracker.get(action_id)
    if action is None:
        return f"- [ ] {action_id}"
    details = ", ".join(x for x in (action.owner, f"due {action.due}" if action.due else None) if x)
    return f"- [ ] {action_id} {action.title or ''}".rstrip() + (f" ({details})" if details else "")


def new_review(s: Scaffold) -> Draft:
    a = s.answers
    day: date = a.flag("date") or s.today
    if a.args.type == "process-review":
        return _process_review(s, day)
    if a.flag("tier"):
        customers = s.tier_customers(a.args.tier)
        subject = f"{a.args.tier}-tier"
    else:
        ids = a.get("customer", "Customer id(s), comma-separated", _ids, flags="--customer (or --tier)")
        a.done()
        customers = [s.customer(i) for i in _unique(ids)]
        subject = "-".join(c.id or "" for c in customers)
    customer_ids = [c.id for c in customers if c.id]
    services = [s.service(x) for x in a.flag("service") or []] or _unique(
        c.service for customer in customers for c in customer.services
    )
    attendees = [s.person(x, "attendee") for x in a.flag("attendee") or []] or _unique(
        [*(r.id for c in customers for r in c.representatives), *(c.counterpart for c in customers)]
    )
    interval = _review_interval(s, customers)
    period = a.flag("period") or _period(day, interval)
    carried = _open_actions(s, _previous_review(s, customer_ids, day))
    actions = _unique([*carried, *(s.action(x) for x in a.flag("action") or [])])
    kpis = [_kpi(list(k)) for k in a.flag("kpi") or []]
    report = a.flag("report")
    if report is None and not kpis:
        report = a.get("report", "Performance report (a URL or a repository path)", flags="--report (or --kpi)")
    decisions = a.flag("decision") or []
    if not decisions and not actions:
        decisions = a.get("decision", "Decisions taken", many=True)
    a.done()
    next_review = a.flag("next_review") or (interval.after(day) if interval is not None else None)
    record: dict[str, Any] = {
        "type": "performance-review",
        "customers": customer_ids,
        "services": services,
        "date": day,
        "period": period,
        "attendees": attendees,
        "report": report,
        "kpis": kpis or None,
        "decisions": decisions or None,
        "actions": actions or None,
        "next_review": next_review,
    }
    names = ", ".join(c.label for c in customers)
    body = [f"# {names}: {period} service review", "", f"Held on {day.isoformat()}."]
    body += ["", "## Performance", "", "<!-- How the services performed against the agreed requirements. -->"]
    body += ["", "## Decisions", ""] + ([f"- {d}" for d in decisions] or ["<!-- What was decided. -->"])
    body += ["", "## Actions", ""]
    body += [_action_line(s, i) for i in actions] or [
        "<!-- One line each: - [ ] ACT-0043 what (owner, due YYYY-MM-DD); create it with 'brm new action'. -->"
    ]
    name = _name(day.isoformat(), subject)
    return Draft(f"reviews/{day.year}/{name}.md", "review", record, "\n".join(body) + "\n")


def _process_review(s: Scaffold, day: date) -> Draft:
    from .policy import BRM_PROCEDURE, Policy

    a = s.answers
    procedure = s.repository.procedure(BRM_PROCEDURE)
    owners = [procedure.owner, procedure.approved_by] if procedure is not None else []
    attendees = [s.person(x, "attendee") for x in a.flag("attendee") or []] or _unique(owners)
    if not attendees:
        attendees = a.get("attendee", "Attendees (person ids, comma-separated)", _ids)
    actions = [s.action(x) for x in a.flag("action") or []]
    decisions = a.flag("decision") or []
    if not decisions and not actions:
        decisions = a.get("decision", "Decisions taken", many=True)
    a.done()
    period = a.flag("period") or str(day.year)
    record: dict[str, Any] = {
        "type": "process-review",
        "date": day,
        "period": period,
        "attendees": attendees,
        "decisions": decisions or None,
        "actions": actions or None,
        "next_review": a.flag("next_review") or Policy.from_repository(s.repository).process_review_interval.after(day),
    }
    body = [f"# Review of the BRM process, {period}", "", f"Held on {day.isoformat()}.", "", "## Decisions", ""]
    body += [f"- {d}" for d in decisions] or ["<!-- What was decided. -->"]
    if actions:
        body += ["", "## Actions", "", *(_action_line(s, i) for i in actions)]
    return Draft(f"reviews/{day.year}/{day.isoformat()}-process-review.md", "review", record, "\n".join(body) + "\n")


def new_result(s: Scaffold) -> Draft:
    from .policy import Policy

    a = s.answers
    if a.flag("tier"):
        customers = s.tier_customers(a.args.tier)
        subject = f"{a.args.tier}-tier"
        tier: str | None = a.args.tier
    else:
        ids = a.get("customer", "Customer id(s), comma-separated", _ids, flags="--customer (or --tier)")
        a.done()
        customers = [s.customer(i) for i in _unique(ids)]
        subject = "-".join(c.id or "" for c in customers)
        tier = None
    instruments = {i.id: i for i in s.repository.instruments if i.id}
    previous = [r for r in s.repository.results if set(r.customers) & {c.id for c in customers} and r.instrument]
    usual = max(previous, key=lambda r: (r.sent or date.min, r.source.path)).instrument if previous else None
    only = next(iter(instruments)) if len(instruments) == 1 else None
    instrument_id = a.get("instrument", f"Instrument ({', '.join(instruments)})", _slug, default=usual or only)
    sent: date = a.flag("sent") or s.today
    sent_by = a.flag("sent_by") or customers[0].counterpart
    analysed_by = a.get("analysed_by", "Analysed by (a person id)", _slug)
    invited = a.get("invited", "How many were invited", _count)
    responses = a.get("responses", "How many responded", _count)
    scores = a.get("score", "Score (csat=N or nps=N)", _score_text, many=True)
    a.done()
    instrument = instruments.get(instrument_id)
    if instrument is None:
        raise ScaffoldError(f"no survey instrument '{instrument_id}' (known: {', '.join(instruments) or 'none yet'})")
    policy = Policy.from_repository(s.repository)
    period = a.flag("period") or _period(sent, policy.survey_interval(tier or customers[0].tier))
    method = instrument.method if instrument.method in ("csat", "nps") else "csat"
    record: dict[str, Any] = {
        "type": "satisfaction-result",
        "instrument": instrument_id,
        "instrument_version": a.flag("instrument_version") or instrument.version,
        "customers": None if tier else [c.id for c in customers],
        "tier": tier,
        "period": period,
        "sent": sent,
        "sent_by": s.person(sent_by, "sent by") if sent_by else None,
        "analysed_by": s.person(analysed_by, "analysed by"),
        "invited": invited,
        "responses": responses,
        "responses_file": a.flag("responses_file"),
        "scores": {key or method: _number(value) for key, value in scores},
        "themes": a.flag("theme"),
        "actions": [s.action(x) for x in a.flag("action") or []] or None,
    }
    names = ", ".join(c.label for c in customers) if not tier else f"{tier} tier"
    body = [f"# {names}: {period} satisfaction results", "", "<!-- What the results say, and what we will do. -->"]
    if record["actions"]:
        body += ["", "## Actions", "", *(_action_line(s, i) for i in record["actions"])]
    path = f"surveys/results/{_year_folder(period, sent)}/{_name(period, subject)}.md"
    if record["responses_file"] is not None:
        beside = resolve(record["responses_file"], beside=path)
        if beside.problem is not None:
            raise ScaffoldError(f"--responses-file: {beside.problem}")
    return Draft(path, "satisfaction-result", record, "\n".join(body) + "\n")


def new_action(s: Scaffold) -> Draft:
    a = s.answers
    action_id = a.flag("id") or s.next_id("ACT")
    if action_id in {x.id for x in s.repository.actions}:
        raise ScaffoldError(f"action {action_id} is already in the tracker: leave out --id to take the next free one")
    customers = [s.customer(c) for c in _unique(a.flag("customer") or [])]
    title = a.get("title", "What is to be done")
    source = a.get("source", "Source (the review or result path, or a complaint id)")
    owner = a.get("owner", "Owner (a person id)", _slug, default=customers[0].counterpart if customers else None)
    due = a.get("due", "Due date (YYYY-MM-DD)", _date)
    a.done()
    complaints = {c.id for c in s.repository.complaints}
    named = resolve(source)
    if named.problem is not None:
        raise ScaffoldError(f"source: {named.problem}")
    if source in complaints or named.url is not None:
        pass
    elif named.path in s.repository.paths:
        source = named.path
    else:
        raise ScaffoldError(f"source '{source}' is neither a file in the repository nor a complaint id")
    record = {
        "id": action_id,
        "title": title,
        "source": source,
        "customers": [c.id for c in customers] or None,
        "owner": s.person(owner, "owner"),
        "raised": a.flag("raised") or s.today,
        "due": due,
        "status": a.args.status,
        "links": a.flag("link"),
    }
    return Draft(f"registers/actions/{action_id}.yaml", "action", record)


def new_complaint(s: Scaffold) -> Draft:
    a = s.answers
    complaint_id = a.flag("id") or s.next_id("CMP")
    if complaint_id in {c.id for c in s.repository.complaints}:
        raise ScaffoldError(f"complaint {complaint_id} is already in the register: leave out --id for the next one")
    customer_id = a.get("customer", "Customer id", _slug)
    a.done()
    customer = s.customer(customer_id)
    only = customer.service_ids[0] if len(customer.service_ids) == 1 else None
    service = a.get("service", f"Service ({', '.join(customer.service_ids)})", _slug, default=only)
    summary = a.get("summary", "What the complaint is about")
    channel = a.get("channel", "Channel (service-portal, email, phone ...)")
    a.done()
    received = a.flag("received") or _now(s.today)
    acknowledged = a.flag("acknowledged")
    if acknowledged is not None and acknowledged < received:
        raise ScaffoldError(f"the complaint was acknowledged before it was received ({acknowledged} < {received})")
    record = {
        "id": complaint_id,
        "customer": customer_id,
        "service": s.service(service),
        "summary": summary,
        "channel": channel,
        "received": received,
        "acknowledged": acknowledged,
        "stage": a.flag("stage") or ("logging" if acknowledged else "receipt"),
        "actions": [s.action(x) for x in a.flag("action") or []] or None,
    }
    return Draft(f"registers/complaints/{complaint_id}.yaml", "complaint", record)


def new_customer(s: Scaffold) -> Draft:
    from .policy import Policy

    a = s.answers
    policy = Policy.from_repository(s.repository)
    tiers = list(policy.tiers)
    customer_id = a.get("id", "Customer id (lower-case, such as northgate-financial)", _slug)
    name = a.get("name", "Customer name")
    tier = a.get("tier", f"Tier ({', '.join(tiers)})", _slug, default=tiers[0] if len(tiers) == 1 else None)
    counterpart = a.get("counterpart", "Counterpart (one of our staff, a person id)", _slug)
    representative_id = a.flag("representative_id")
    if representative_id is None and a.flag("interim_contact") is None:
        if a.interactive:
            representative_id = a.optional("Representative id (empty if the customer has not named one yet): ", _slug)
        else:
            a.missing.append("--representative-id and --representative-name (or --interim-contact)")
    representative_name = a.flag("representative_name")
    if representative_id:
        representative_name = a.get("representative_name", "Representative's full name")
    interim_contact = None if representative_id else a.get("interim_contact", "Interim contact (mailbox or person)")
    a.done()
    if customer_id in {c.id for c in s.repository.customers}:
        raise ScaffoldError(f"customer '{customer_id}' is already in the customer register")
    if tier not in policy.tiers:
        raise ScaffoldError(f"tier '{tier}' is not one the BRM procedure defines ({', '.join(tiers) or 'none'})")
    s.staff(counterpart, "counterpart")
    services = []
    for text in a.flag("service") or []:
        service, _, groups = text.partition(":")
        services.append(
            {"service": s.service(service), "user_groups": [g.strip() for g in groups.split(",") if g.strip()] or None}
        )
    record: dict[str, Any] = {
        "id": customer_id,
        "name": name,
        "tier": tier,
        "counterpart": counterpart,
        "review_interval": a.flag("review_interval"),
        "onboarded": s.today,  # the first review and survey are due one interval from today
        "services": services,
    }
    if representative_id:
        if representative_id in s.repository.people:
            raise ScaffoldError(f"person id '{representative_id}' is taken: ids are unique across the registers")
        record["representatives"] = [
            {
                "id": representative_id,
                "name": representative_name,
                "role": a.flag("representative_role"),
                "email": a.flag("representative_email"),
                "phone": a.flag("representative_phone"),
                "authority": _unique(a.flag("authority") or AUTHORITIES),
                "since": s.today,
                "confirmed": s.today,
            }
        ]
    else:
        escalation = [s.person(x, "escalation") for x in a.flag("escalation") or []]
        record["interim"] = {
            "contact": interim_contact,
            "requested": a.flag("interim_requested") or s.today,
            "escalation": escalation or _unique([counterpart, *policy.escalation_path]),
        }
    return Draft(f"registers/customers/{customer_id}.yaml", "customer", record)


def new_waiver(s: Scaffold) -> Draft:
    from .rules import load_rules

    a = s.answers
    rule = a.get("rule", "Rule code (such as REV001)", _rule_code)
    subject = a.get("subject", "The finding's subject (a record id or a path)")
    reason = a.get("reason", "Why the finding is accepted")
    approved_by = a.get("approved_by", "Approved by (a person id)", _slug)
    expires = a.get("expires", "Expires (YYYY-MM-DD)", _date)
    a.done()
    if rule not in load_rules():
        raise ScaffoldError(f"no rule '{rule}' (see 'brm rules')")
    approved: date = a.flag("approved") or s.today
    if expires < approved:
        raise ScaffoldError(f"the waiver expires ({expires}) before it is approved ({approved})")
    record = {
        "rule": rule,
        "subject": subject,
        "reason": reason,
        "approved_by": s.staff(approved_by, "approver"),
        "approved": approved,
        "expires": expires,
    }
    return Draft(f"registers/waivers/{rule.lower()}--{_name(subject.lower())}.yaml", "waiver", record)


BUILDERS: dict[str, Callable[[Scaffold], Draft]] = {
    "review": new_review,
    "result": new_result,
    "action": new_action,
    "complaint": new_complaint,
    "customer": new_customer,
    "waiver": new_waiver,
}


def _ids(text: str) -> list[str]:
    return [_slug(part.strip()) for part in text.split(",") if part.strip()]


def _score_text(text: str) -> tuple[str | None, float]:
    return _score(text)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _now(today: date) -> datetime:
    """Now, to the minute and with the local offset, moved to ``today`` if --as-of says so."""
    now = datetime.now().astimezone().replace(second=0, microsecond=0)
    return now if now.date() == today else now.replace(year=today.year, month=today.month, day=today.day)


# -- writing ------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9(][A-Za-z0-9 .,_/()'+@%:#?=&*~-]*\Z")


def _scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    plain = (
        _PLAIN.match(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and "&" not in text  # the strict reader refuses anything that looks like an anchor
        and "*" not in text
        and (not flow or "," not in text)
    )
    if plain and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(record: dict[str, Any], indent: str = "") -> list[str]:
    lines: list[str] = []
    for key, value in record.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines += _emit(value, indent + "  ")
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            lines.append(f"{indent}{key}:")
            for item in value:
                item_lines = _emit(item, indent + "    ")
                lines.append(f"{indent}  - {item_lines[0].lstrip()}")
                lines += item_lines[1:]
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")
    return lines


def _prune(value: Any) -> Any:
    """The record as written: no empty optional fields, dates as their ISO text."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def render(draft: Draft, root: Path) -> str:
    schema = os.path.relpath(root / SCHEMA_DIR / f"{draft.type_name}.schema.json", (root / draft.path).parent)
    modeline = f"# yaml-language-server: $schema={Path(schema).as_posix()}"
    fields = _emit(draft.record)
    if draft.body is None:
        return "\n".join([modeline, *fields]) + "\n"
    return "\n".join(["---", modeline, *fields, "---", draft.body.rstrip("\n")]) + "\n"


def _verify(draft: Draft, text: str) -> None:
    """Read the file back as ``brm check`` will, and validate it against its schema."""
    from .reader import Problem, parse_yaml, read_markdown
    from .schema import validator

    document = read_markdown(text, draft.path) if draft.body is not None else parse_yaml(text, draft.path)
    if isinstance(document, Problem):
        raise ScaffoldError(f"the new file would not be readable (line {document.line}: {document.message})")
    expected = _prune(draft.record)
    if document.data != expected:
        raise ScaffoldError(f"the new file would not read back as written: {document.data!r} != {expected!r}")
    for violation in validator(draft.type_name).violations(document.data):
        raise ScaffoldError(f"the new {draft.type_name} would not match its schema: {violation.message}")


def new(
    args: argparse.Namespace,
    root: Path,
    today: date,
    interactive: bool,
    ask: Callable[[str], str] = input,
) -> str:
    """Build, verify and write the new file; return its path relative to the root."""
    from .load import load

    if not FIRST_YEAR <= today.year <= LAST_YEAR:
        raise ScaffoldError(f"today ({today}) is outside {_YEARS}: give --as-of a date inside them")
    repository = load(root).repository
    scaffold = Scaffold(root, repository, today, Answers(args, interactive, ask))
    draft = BUILDERS[args.kind](scaffold)
    text = render(draft, root)
    _verify(draft, text)
    write(root, draft.path, text)
    return draft.path


# -- the file system ------------------------------------------------------------------


def write(root: Path, path: str, text: str) -> None:
    """Write the new file ``path`` inside ``root`` whole or not at all, never over another.

    :func:`checks.writing.write_new` does it for ``brm init`` and ``brm import`` too: a
    temporary file in the same folder, hard-linked to its name (which refuses a name
    that exists, even a dangling link); a folder that leads outside the repository is
    refused; a failed write (a full disk) leaves neither file nor new folder behind.
    """
    try:
        outcome = write_new(root, path, text)
    except WriteError as error:
        raise ScaffoldError(str(error)) from None
    if outcome == EXISTS:
        raise ScaffoldError(f"{path} already exists: not overwriting it")
