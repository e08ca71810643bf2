"""The rule engine: every rule declared once, in the module of its family.

A rule is a pure generator: it takes the :class:`Context` (repository, policy, as-of
date) and yields :class:`Breach` values. It never reads files, prints, or asks for
today's date. The engine gives each breach its code and severity, applies the
policy's severity overrides and the waivers, and returns Findings.

A rule's docstring is its documentation, in four parts separated by the headings
``Why an auditor cares:``, ``How to fix:`` and ``Example:``; ``brm rules CODE`` and the
site's rule pages are generated from it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from ..coverage import Coverage, coverage
from ..failure import Crash
from ..findings import Finding, Location, Severity
from ..load import Loaded, LoadProblem
from ..model import Repository, Waiver
from ..policy import Policy

#: Rule families, in catalogue order: module name -> (code prefixes, title).
FAMILIES: dict[str, tuple[tuple[str, ...], str]] = {
    "reading": (("BRM",), "Reading"),
    "representatives": (("REP",), "Representatives (who speaks for the customer)"),
    "requirements": (("SVC", "REQ"), "Services and requirements (how requirements are agreed)"),
    "reviews": (("REV",), "Reviews (how performance is reviewed)"),
    "actions": (("ACT",), "Actions (evidence that feedback drives action)"),
    "satisfaction": (("SAT",), "Satisfaction (measured at planned intervals, and acted on)"),
    "complaints": (("CMP",), "Complaints"),
    "procedures": (("PRO", "COM"), "Procedures and the process itself"),
}

DEFAULT_SEVERITIES = ("error", "warning", "cadence")


@dataclass(frozen=True)
class Breach:
    """What a rule saw: where, about whom, and a sentence that says how to fix it.

    Cadence rules give ``due``, the date by which the evidence was due: the finding
    is a warning until the policy's grace has passed, an error after it.
    """

    location: Location
    subject: str
    message: str
    due: date | None = None


@dataclass
class Context:
    """What every rule sees."""

    repository: Repository
    policy: Policy
    as_of: date
    load_problems: list[LoadProblem] = field(default_factory=list)

    @cached_property
    def people(self) -> dict[str, Any]:
        return self.repository.people

    @cached_property
    def customers(self) -> dict[str, Any]:
        return self.repository.by_id(self.repository.customers)

    @cached_property
    def services(self) -> dict[str, Any]:
        return self.repository.by_id(self.repository.services)

    @cached_property
    def actions(self) -> dict[str, Any]:
        return self.repository.by_id(self.repository.actions)

    @cached_property
    def complaints(self) -> dict[str, Any]:
        return self.repository.by_id(self.repository.complaints)

    @cached_property
    def staff(self) -> dict[str, Any]:
        return self.repository.by_id(self.repository.staff)

    @cached_property
    def coverage(self) -> Coverage:
        """Each customer's cadences at the as-of date, computed once for every rule that needs it."""
        return coverage(self.repository, self.policy, self.as_of)


Check = Callable[[Context], Iterable[Breach]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # error | warning | cadence
    clause: str
    subject: str  # what a finding's subject names: customer, action, file ...
    check: Check
    family: str
    #: Kinds of evidence the rule judges from (register names, or "review", "procedure" ...).
    #: While a file of one of them cannot be read, the rule is not run: on part of a
    #: register it would report what the unread file holds as missing. The BRM001 error
    #: keeps the result from passing meanwhile.
    needs: frozenset[str] = frozenset()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def title(self) -> str:
        return self.doc.split("\n", 1)[0].strip()

    def section(self, heading: str) -> str:
        """One part of the documentation: 'what', 'why', 'fix' or 'example'."""
        parts = _sections(self.doc)
        return parts.get(heading, "")


_HEADINGS = {"Why an auditor cares:": "why", "How to fix:": "fix", "Example:": "example"}


def _sections(doc: str) -> dict[str, str]:
    parts: dict[str, list[str]] = {"what": []}
    current = "what"
    for line in doc.split("\n"):
        stripped = line.strip()
        if stripped in _HEADINGS:
            current = _HEADINGS[stripped]
            parts[current] = []
            continue
        parts[current].append(line)
    return {k: "\n".join(v).strip() for k, v in parts.items()}


REGISTRY: dict[str, Rule] = {}
_CODE = re.compile(r"[A-Z]{3}[0-9]{3}\Z")


def rule(code: str, severity: str, clause: str, subject: str, needs: Iterable[str] = ()) -> Callable[[Check], Check]:
    """Declare a rule; the decorated generator's docstring is its documentation."""
    if not _CODE.match(code) or severity not in DEFAULT_SEVERITIES:
        raise ValueError(f"bad rule declaration {code} {severity}")

    def register(check: Check) -> Check:
        if code in REGISTRY:
            raise ValueError(f"rule {code} declared twice")
        family = check.__module__.rsplit(".", 1)[-1]
        REGISTRY[code] = Rule(code, severity, clause, subject, check, family, frozenset(needs))
        return check

    return register


def load_rules() -> dict[str, Rule]:
    """Import every family module (each registers its rules) and return the registry."""
    for module in FAMILIES:
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{module}":
                raise
    return dict(sorted(REGISTRY.items(), key=lambda item: _order(item[0])))


def _order(code: str) -> tuple[int, str]:
    for index, (prefixes, _title) in enumerate(FAMILIES.values()):
        if code[:3] in prefixes:
            return index, code
    return len(FAMILIES), code


def matches(code: str, patterns: Iterable[str]) -> bool:
    """``REV``, ``REV00`` and ``REV001`` all select REV001 (prefix match, like ruff)."""
    return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())


def run(
    loaded: Loaded,
    as_of: date,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> list[Finding]:
    rules = load_rules()
    select, ignore = list(select), list(ignore)
    policy = Policy.from_repository(loaded.repository)
    # Rules and waivers see the evidence as it stood at the judging date: a record dated later does not exist yet.
    repository = loaded.repository.as_of(as_of, policy.zone)
    context = Context(repository, policy, as_of, loaded.problems)

    def found() -> Iterator[Finding]:
        for code, declared in rules.items():
            if (select and not matches(code, select)) or matches(code, ignore):
                continue
            setting = policy.severity.get(code, declared.severity)
            if setting == "off" or declared.needs & repository.incomplete:
                continue
            try:
                for breach in declared.check(context):
                    yield Finding(
                        rule=code,
                        severity=_severity(setting, breach.due, policy, as_of),
                        path=breach.location.path,
                        line=breach.location.line,
                        column=breach.location.column,
                        subject=breach.subject,
                        message=breach.message,
                        due=breach.due,
                    )
            except Exception as error:  # a bug in the rule: one line naming the record's file, never a verdict
                raise Crash(error, f"running rule {code} on") from error

    findings = capped(apply_waivers(found(), repository.waivers, as_of))
    findings.sort(key=Finding.sort_key)
    return findings


#: Findings of one rule in one file beyond this many are counted, not listed: a
#: generated register of a million bad items gives a report a person can read, in
#: bounded memory.
MAX_PER_RULE_AND_FILE = 100
_WORST = (Severity.ERROR, Severity.WARNING, Severity.WAIVED)


def capped(findings: Iterable[Finding], limit: int = MAX_PER_RULE_AND_FILE) -> list[Finding]:
    """The first ``limit`` findings of each rule in each file, then one that counts the rest.

    The summary finding stands at the first finding not listed, with the most severe
    severity among those it counts, so the verdict (exit status, error count) never
    changes because of the cap. Every text is made writable as UTF-8 here, once.
    """
    kept: list[Finding] = []
    listed: dict[tuple[str, str], int] = {}
    rest: dict[tuple[str, str], tuple[Finding, int, Severity]] = {}
    for finding in findings:
        key = (finding.rule, finding.path)
        count = listed.get(key, 0)
        if count < limit:
            listed[key] = count + 1
            kept.append(finding.displayable())
            continue
        first, more, worst = rest.get(key, (finding, 0, finding.severity))
        rest[key] = (first, more + 1, min(worst, finding.severity, key=_WORST.index))
    for (code, _path), (first, more, worst) in rest.items():
        kept.append(
            Finding(
                rule=code,
                severity=worst,
                path=first.path,
                line=first.line,
                column=first.column,
                subject=first.path,
                message=f"{more} more {code} finding{'' if more == 1 else 's'} in this file not listed "
                f"(a report lists at most {limit} per rule and file): fix the ones listed, then check again",
            ).displayable()
        )
    return kept


def _severity(setting: str, due: date | None, policy: Policy, as_of: date) -> Severity:
    if setting == "warning":
        return Severity.WARNING
    if setting == "cadence" and due is not None and not policy.is_late(due, as_of):
        return Severity.WARNING
    return Severity.ERROR


def apply_waivers(findings: Iterable[Finding], waivers: list[Waiver], as_of: date) -> Iterator[Finding]:
    """A waived finding is reported as ``waived``, never dropped; an expired waiver says so.

    A waiver in force wins over an expired one for the same finding, so a waiver can be
    renewed by adding a new entry and keeping the old one as history.
    """
    for finding in findings:
        matching = [w for w in waivers if w.rule == finding.rule and w.subject in (finding.subject, finding.path)]
        if not matching or finding.severity is Severity.WAIVED:
            yield finding
            continue
        waiver = next((w for w in matching if w.expires is None or w.expires >= as_of), None)
        if waiver is None:
            expired = max(matching, key=lambda w: w.expires or as_of)
            yield replace(
                finding,
                message=f"{finding.message} (the waiver for this finding expired on "
                f"{expired.expires}: renew it in {expired.source.path} or fix the finding)",
            )
            continue
        yield replace(
            finding,
            severity=Severity.WAIVED,
            waiver={
                "reason": waiver.reason or "",
                "approved_by": waiver.approved_by or "",
                "approved": str(waiver.approved or ""),
                "expires": str(waiver.expires or ""),
                "path": waiver.source.path,
            },
        )
