"""What every kind of ``brm new`` shares: flag values, the schemas' enums, answers, lookups, periods.

A kind (one module in :mod:`checks.scaffold.kinds`) declares its flags with the value
parsers below and builds a :class:`Draft` from a :class:`Scaffold`: the repository as
loaded, today, and the :class:`Answers` (flag, else prefill, else a question on a
terminal, else a missing flag named in one error). Enumerated values are read from the
JSON Schemas (:func:`enum`), never restated here.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import schema
from ..boundary import resolve
from ..dates import FIRST_YEAR, LAST_YEAR, Interval, parse_instant
from ..model import Customer, Instrument, Person, Repository


class ScaffoldError(Exception):
    """The file cannot be written as asked: one line that says why."""


@dataclass
class Draft:
    """A file about to be written."""

    path: str  # POSIX, relative to the root
    type_name: str
    record: dict[str, Any]
    body: str | None = None  # Markdown after the front-matter; None for a register file


# -- the schemas' enums --------------------------------------------------------------


def _resolved(root: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref`` (``#/definitions/X``) followed."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = root["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


def schema_node(type_name: str, *fields: str) -> dict[str, Any]:
    """The schema of a field of a record, through lists: ``("representatives", "authority")``."""
    root = schema.record_schema(type_name)
    node = _resolved(root, root)
    for name in fields:
        while "items" in node:
            node = _resolved(root, node["items"])
        node = _resolved(root, node["properties"][name])
    while "items" in node:
        node = _resolved(root, node["items"])
    if "enum" not in node and isinstance(node.get("additionalProperties"), dict):
        node = _resolved(root, node["additionalProperties"])  # a map's values (policy.severity)
    return node  # type: ignore[no-any-return]


def enum(type_name: str, *fields: str) -> tuple[str, ...]:
    """The values a field may take, as its schema lists them."""
    return tuple(schema_node(type_name, *fields)["enum"])


def keys(type_name: str, *fields: str) -> tuple[str, ...]:
    """The keys a mapping field may have, as its schema lists them (a result's scores)."""
    return tuple(schema_node(type_name, *fields)["properties"])


def pattern(type_name: str, *fields: str) -> re.Pattern[str]:
    return re.compile(schema_node(type_name, *fields)["pattern"])


class OneOf:
    """A flag value that is one of a schema's enumerated values, or a comma-separated list of them.

    Unlike argparse's ``choices``, it takes a list in one flag (``--business-days
    mon,tue``); ``choices`` says what it offers (the enum test reads it).
    """

    def __init__(self, choices: tuple[str, ...], many: bool = False) -> None:
        self.choices = choices
        self.many = many

    def __call__(self, text: str) -> Any:
        values = [v.strip() for v in text.split(",") if v.strip()] if self.many else [text]
        wrong = [v for v in values if v not in self.choices]
        if wrong or not values:
            raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(self.choices)}")
        return list(dict.fromkeys(values)) if self.many else text


# -- flag values ---------------------------------------------------------------------

YEARS = f"the years {FIRST_YEAR} to {LAST_YEAR} that evidence dates fall in"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
NUMBERED = {"ACT": re.compile(r"ACT-([0-9]{4,})\Z"), "CMP": re.compile(r"CMP-([0-9]{4,})\Z")}


def day(text: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: give YYYY-MM-DD") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"'{text}' is outside {YEARS}: give a date inside them")
    return value


def instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an instant with its offset, such as 2026-10-14T09:30+01:00")
    if parse_instant(moment.isoformat()) is None:  # the same bounds as the checks, in UTC too
        raise argparse.ArgumentTypeError(f"'{text}' is outside {YEARS}: give an instant inside them")
    return moment


def shown(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:60]) + ("…" if len(text) > 60 else "")


def period_text(text: str) -> str:
    """A period such as 2026-Q3: free text, but short, on one line, with a letter or digit."""
    if not text.strip() or len(text) > 40 or not text.isprintable() or not any(c.isalnum() for c in text):
        raise argparse.ArgumentTypeError(
            f"'{shown(text)}' is not a period such as 2026-Q3, 2026-H1, 2026-10 or 2026 (one line, up to 40 characters)"
        )
    return text


def line(text: str) -> str:
    """Free text on one line (a name, a title): what a register shows in one cell."""
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not text on one line")
    return text.strip()


def link(text: str) -> str:
    """A path or link field (``--report``): an https:// address or a path inside the repository."""
    reference = resolve(text)
    if reference.problem is not None:
        raise argparse.ArgumentTypeError(reference.problem)
    return text


def count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(text)


def slug(text: str) -> str:
    if not _SLUG.match(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a lower-case id such as northgate-financial")
    return text


def numbered(prefix: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not NUMBERED[prefix].match(text):
            raise argparse.ArgumentTypeError(f"'{text}' is not an id such as {prefix}-0042")
        return text

    return parse


def interval(text: str) -> str:
    if Interval.parse(text) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an interval such as P3M or quarterly")
    return text


def rule_code(text: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[A-Z]{3}[0-9]{3}", code):
        raise argparse.ArgumentTypeError(f"'{text}' is not a rule code such as REV001")
    return code


def version(text: str) -> str:
    if not text.strip() or len(text) > 20 or not text.isprintable():
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not a version such as 2 or 3.0")
    return text.strip()


def email(text: str) -> str:
    if not pattern("person", "email").match(text):
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not an email address")
    return text


def ids(text: str) -> list[str]:
    return [slug(part.strip()) for part in text.split(",") if part.strip()]


def unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


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
        parse: Callable[[str], Any] = line,
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


# -- the registers, asked --------------------------------------------------------------


@dataclass
class Scaffold:
    root: Path
    repository: Repository
    today: date
    answers: Answers

    def customer(self, customer_id: str) -> Customer:
        found = self.repository.by_id(self.repository.customers).get(customer_id)
        if found is None:
            known = ", ".join(sorted(c.id for c in self.repository.customers if c.id)) or "none yet"
            raise ScaffoldError(
                f"no customer '{customer_id}' in registers/customers (known: {known}); add it with 'brm new customer'"
            )
        return found  # type: ignore[no-any-return]

    def person(self, person_id: str, role: str) -> str:
        if person_id not in self.repository.people:
            raise ScaffoldError(
                f"{role} '{person_id}' is not a person in the registers (people or representatives); "
                "add our staff with 'brm new person'"
            )
        return person_id

    def staff(self, person_id: str, role: str) -> str:
        if person_id not in {p.id for p in self.repository.staff}:
            raise ScaffoldError(
                f"{role} '{person_id}' is not one of our staff in registers/people; add them with 'brm new person'"
            )
        return person_id

    def staff_member(self, person_id: str | None) -> Person | None:
        return next((p for p in self.repository.staff if p.id == person_id), None)

    def service(self, service_id: str) -> str:
        if service_id not in {s.id for s in self.repository.services}:
            known = ", ".join(sorted(s.id for s in self.repository.services if s.id)) or "none yet"
            raise ScaffoldError(
                f"no service '{service_id}' in registers/services (known: {known}); add it with 'brm new service'"
            )
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

    def person_id_free(self, person_id: str) -> str:
        if person_id in self.repository.people:
            raise ScaffoldError(
                f"person id '{person_id}' is already used: ids are unique across the registers, give another --id"
            )
        return person_id

    def next_id(self, prefix: str) -> str:
        """One more than the highest id of this kind used anywhere in the evidence."""
        repo = self.repository
        used = [a.id or "" for a in repo.actions] + [c.id or "" for c in repo.complaints]
        used += [i for r in repo.reviews for i in r.actions] + [i for r in repo.results for i in r.actions]
        used += [i for c in repo.complaints for i in c.actions]
        numbers = [int(m.group(1)) for u in used for m in [NUMBERED[prefix].match(u)] if m]
        return f"{prefix}-{max(numbers, default=0) + 1:04d}"

    def action_line(self, action_id: str) -> str:
        """A task line for the minutes: ``- [ ] ACT-0042 what (owner, due date)``."""
        action = self.repository.by_id(self.repository.actions).get(action_id)
        if action is None:
            return f"- [ ] {action_id}"
        details = ", ".join(x for x in (action.owner, f"due {action.due}" if action.due else None) if x)
        return f"- [ ] {action_id} {action.title or ''}".rstrip() + (f" ({details})" if details else "")

    def customers_asked(self) -> tuple[list[Customer], str, str | None]:
        """``--customer`` (repeat) or ``--tier``: the customers, the file name's subject, and the tier."""
        a = self.answers
        if a.flag("tier"):
            return self.tier_customers(a.args.tier), f"{a.args.tier}-tier", a.args.tier
        chosen = a.get("customer", "Customer id(s), comma-separated", ids, flags="--customer (or --tier)")
        a.done()
        customers = [self.customer(i) for i in unique(chosen)]
        return customers, "-".join(c.id or "" for c in customers), None


def version_order(version_text: str | None) -> tuple[int, ...]:
    """A version's numbers, to compare "10" after "9" and "2.1" after "2"."""
    return tuple(int(n) for n in re.findall(r"[0-9]+", version_text or ""))


def latest(instruments: list[Instrument]) -> dict[str, Instrument]:
    """Each survey instrument's latest version, by id."""
    found: dict[str, Instrument] = {}
    for instrument in instruments:
        if instrument.id is None:
            continue
        known = found.get(instrument.id)
        if known is None or version_order(instrument.version) > version_order(known.version):
            found[instrument.id] = instrument
    return found


# -- periods and file names ------------------------------------------------------------


def _unit_months(cadence: Interval | None) -> int:
    """The calendar unit a cadence's periods are named in: months (1), quarters (3), halves (6), years (12)."""
    months = cadence.delta.years * 12 + cadence.delta.months if cadence is not None else 3
    return 12 if months >= 12 else 6 if months >= 6 else 3 if months >= 3 else 1


def _unit_start(index: int, months: int) -> date:
    month = index * months
    return date(month // 12, month % 12 + 1, 1)


def _unit_label(index: int, months: int) -> str:
    start = _unit_start(index, months)
    if months == 12:
        return str(start.year)
    if months == 6:
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    if months == 3:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period(held: date, cadence: Interval | None, previous: str | None = None) -> str:
    """The period a review or survey on ``held`` covers, named in the cadence's unit.

    The unit (month, quarter, half, year) that ``held`` is at least halfway through,
    else the one before it: a monthly review on 2026-11-27 covers 2026-11, one on
    2026-11-06 covers 2026-10; a quarterly one on 2026-10-14 covers 2026-Q3. When that
    is the period the previous review (or result) already covered, it is the next one,
    up to the unit ``held`` falls in.
    """
    months = _unit_months(cadence)
    current = (held.year * 12 + held.month - 1) // months
    start, end = _unit_start(current, months), _unit_start(current + 1, months)
    index = current if (held - start).days * 2 >= (end - start).days else current - 1
    if previous is not None and _unit_label(index, months) == str(previous) and index < current:
        index += 1
    return _unit_label(index, months)


def year_folder(period_label: str, fallback: date) -> str:
    return period_label[:4] if re.match(r"[0-9]{4}", period_label) else str(fallback.year)


#: The longest file name ``brm new`` makes (file systems allow 255 bytes).
NAME_LIMIT = 100


def name(*parts: str) -> str:
    """A file name (without suffix) from free text: letters, digits and single hyphens, and short.

    Nothing from a flag becomes a folder or a '..': every other character is a hyphen. A
    name cut to :data:`NAME_LIMIT`, or one with nothing left, ends with a digest of the
    text, so different subjects still get different files.
    """
    text = "-".join(parts)
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    if cleaned and len(cleaned) <= NAME_LIMIT:
        return cleaned
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned[: NAME_LIMIT - 11].rstrip('-')}-{digest}".lstrip("-")


def register_file(type_name: str, record_id: str) -> str:
    """Where a new record of a register goes: its own file in the register's folder (FORMAT.md's layout)."""
    from ..load import REGISTERS

    folder = next(name for name, (kind, _build, _list) in REGISTERS.items() if kind == type_name)
    return f"registers/{folder}/{record_id}.yaml"


def now(today: date) -> datetime:
    """Now, to the minute and with the local offset, moved to ``today`` if --as-of says so."""
    moment = datetime.now().astimezone().replace(second=0, microsecond=0)
    return moment if moment.date() == today else moment.replace(year=today.year, month=today.month, day=today.day)
