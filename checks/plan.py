"""``brm status --plan``: the findings, as the 30/60/90-day plan a BRM lead works through.

Nothing here judges the evidence again. Each finding of ``brm check`` goes to the step
its rule belongs to (``checks/data/plan.yaml``, in the order the source guidance
recommends), one step per customer, with the ``brm new`` command that starts the fix.
Two things the checks do not report as findings are added, because an onboarding
plan needs them: a customer's first review or survey that is not due yet (from the
same coverage computation the rules judge by), and a missing survey instrument. While
the customer register is empty, the per-customer steps are listed once, for every
customer. A plan with any step ends with rehearsing the evidence bundle.

On a repository that ``brm check`` passes, with every customer's first review and
survey held, the plan is empty.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from .coverage import Coverage
from .findings import Finding, Severity, display
from .model import Repository

EVERY_CUSTOMER = "every customer"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """Evidence text fit for a terminal and any encoding: no control character, no lone surrogate."""
    return display(_CONTROL.sub("\ufffd", text)).replace("\n", " ")


@dataclass(frozen=True)
class Phase:
    days: int
    title: str
    aim: str


@dataclass(frozen=True)
class StepKind:
    """One step of ``plan.yaml``."""

    id: str
    phase: int
    title: str
    rules: tuple[str, ...] = ()
    when: str | None = None
    command: str | None = None
    commands: dict[str, str] = field(default_factory=dict)
    first: dict[str, str] | None = None


@dataclass(frozen=True)
class PlanData:
    phases: tuple[Phase, ...]
    steps: tuple[StepKind, ...]
    rehearsal: StepKind


@cache
def plan_data() -> PlanData:
    """``checks/data/plan.yaml``, read by the strict reader."""
    from .reader import Problem, parse_yaml

    text = resources.files("checks").joinpath("data", "plan.yaml").read_text(encoding="utf-8")
    document = parse_yaml(text, "checks/data/plan.yaml")
    if isinstance(document, Problem):  # pragma: no cover - a bug in the package's data
        raise ValueError(f"checks/data/plan.yaml:{document.line}: {document.message}")
    data: dict[str, Any] = document.data

    def kind(raw: dict[str, Any]) -> StepKind:
        return StepKind(
            id=raw["id"],
            phase=raw["phase"],
            title=raw["title"],
            rules=tuple(raw.get("rules", ())),
            when=raw.get("when"),
            command=raw.get("command"),
            commands=dict(raw.get("commands", {})),
            first=raw.get("first"),
        )

    return PlanData(
        phases=tuple(Phase(p["days"], p["title"], p["aim"]) for p in data["phases"]),
        steps=tuple(kind(s) for s in data["steps"]),
        rehearsal=kind(data["rehearsal"]),
    )


@dataclass(frozen=True)
class Missing:
    """What is missing: a finding (rule, file, line, message), or a sentence."""

    message: str
    rule: str | None = None
    path: str | None = None
    line: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "path": self.path, "line": self.line, "message": self.message}


@dataclass
class Step:
    """One thing to do: what is missing, for which customer, and the command that starts it."""

    kind: StepKind
    customer: str | None  # a customer id, EVERY_CUSTOMER, or None when no customer is concerned
    customer_name: str | None
    title: str
    missing: list[Missing] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    @property
    def phase(self) -> int:
        return self.kind.phase

    def add_command(self, command: str | None) -> None:
        if command and command not in self.commands:
            self.commands.append(command)


@dataclass
class Plan:
    as_of: date
    root: str
    phases: tuple[Phase, ...]
    steps: list[Step]

    def in_phase(self, phase: Phase) -> list[Step]:
        return [s for s in self.steps if s.phase == phase.days]


def available(command: str) -> bool:
    """Whether a suggested command exists in this version of brm (``brm new KIND`` of a known kind)."""
    from .scaffold import KINDS

    words = command.split()
    if words[:2] == ["brm", "new"]:
        return len(words) > 2 and words[2] in KINDS
    return True


# -- which step, which customer ------------------------------------------------------


class _Lookup:
    """Which customers a finding concerns, and which service, from the loaded records."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.customers = repository.by_id(repository.customers)
        self.by_path: dict[str, list[str]] = {}
        for requirements in repository.requirements:
            if requirements.customer:
                self.by_path.setdefault(requirements.source.path, []).append(requirements.customer)
        for review in repository.reviews:
            self.by_path.setdefault(review.source.path, []).extend(review.customers)
        for result in repository.results:
            self.by_path.setdefault(result.source.path, []).extend(result.customers)
        self.by_id: dict[str, list[str]] = {}
        for action in repository.actions:
            if action.id:
                self.by_id.setdefault(action.id, []).extend(action.customers)
        for complaint in repository.complaints:
            if complaint.id and complaint.customer:
                self.by_id.setdefault(complaint.id, []).append(complaint.customer)
        for representative in repository.representatives:
            if representative.id and representative.customer:
                self.by_id.setdefault(representative.id, []).append(representative.customer)
        self.unnamed = {p.id for p in repository.staff if p.id and not p.name}

    def customers_of(self, finding: Finding) -> list[str]:
        if finding.subject in self.customers:
            return [finding.subject]
        found = self.by_id.get(finding.subject) or self.by_path.get(finding.path) or []
        return list(dict.fromkeys(c for c in found if c in self.customers))

    def service_at(self, customer_id: str, finding: Finding) -> str | None:
        """The service of the customer's register entry the finding points at (REQ001)."""
        customer = self.customers.get(customer_id)
        if customer is None:
            return None
        for consumption in customer.services:
            where = customer.at("services", consumption.index, "service")
            if (where.path, where.line) == (finding.path, finding.line):
                return str(consumption.service)
        return None

    def holds(self, when: str | None, finding: Finding | None) -> bool:
        if when is None:
            return True
        if when == "unnamed-person":
            return finding is not None and finding.subject in self.unnamed
        if when == "no-instrument":
            return not self.repository.instruments and "survey-instrument" not in self.repository.incomplete
        raise ValueError(f"checks/data/plan.yaml: unknown condition '{when}'")


def _fill(template: str, values: dict[str, str]) -> str:
    text = template
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def build(repository: Repository, findings: list[Finding], coverage: Coverage, root: str) -> Plan:
    """The plan: findings grouped into steps per customer, in the guidance's order."""
    data = plan_data()
    lookup = _Lookup(repository)
    steps: dict[tuple[str, str | None], Step] = {}

    def step(kind: StepKind, customer: str | None, title: str | None = None) -> Step:
        key = (kind.id, customer)
        if key not in steps:
            names = [lookup.customers[c].label if c in lookup.customers else c for c in (customer or "").split(", ")]
            steps[key] = Step(kind, customer, _safe(", ".join(names)) if customer else None, title or kind.title)
        return steps[key]

    for finding in findings:
        if finding.severity is Severity.WAIVED:
            continue  # accepted on purpose, until its waiver expires
        kind = next(
            (k for k in data.steps if finding.rule in k.rules and lookup.holds(k.when, finding)),
            None,
        )
        if kind is None:  # a rule no step lists: a bug in plan.yaml, which a test holds
            raise ValueError(f"checks/data/plan.yaml: no step for rule {finding.rule}")
        customers = lookup.customers_of(finding)
        customer = ", ".join(customers) or None
        values = {"customer": customers[0] if customers else "CUSTOMER", "subject": finding.subject}
        values["path"] = finding.path
        values["service"] = (lookup.service_at(customers[0], finding) if customers else None) or "SERVICE"
        entry = step(kind, customer)
        entry.missing.append(Missing(_safe(finding.message), finding.rule, _safe(finding.path), finding.line))
        template = kind.commands.get(finding.rule) or kind.commands.get(finding.subject) or kind.command
        entry.add_command(_safe(_fill(template, values)) if template else None)

    firsts = {k.id: k for k in data.steps if k.first}
    empty_register = any(f.rule == "SVC003" and f.subject == "customers" for f in findings)
    for row in coverage.customers:
        customer_id = row.customer.id
        if customer_id is None:
            continue
        for kind_id, cadence, noun in (("reviews", row.review, "review"), ("surveys", row.survey, "survey")):
            if cadence.never and not cadence.is_late(coverage.as_of) and cadence.due is not None:
                kind = firsts[kind_id]
                assert kind.first is not None
                entry = step(kind, customer_id, kind.first["title"])
                entry.missing.append(
                    Missing(_safe(f"{row.customer.label}: no {noun} on record yet; the first is due by {cadence.due}"))
                )
                entry.add_command(_fill(kind.first["command"], {"customer": customer_id}))
    if empty_register:
        for kind in firsts.values():
            assert kind.first is not None
            entry = step(kind, EVERY_CUSTOMER, kind.first["title"])
            entry.missing.append(Missing("the customer register is empty: once each customer is added"))
            entry.add_command(_fill(kind.first["command"], {"customer": "ID"}))
    for kind in data.steps:
        if not kind.rules and lookup.holds(kind.when, None):
            entry = step(kind, None)
            entry.missing.append(Missing("surveys/instruments/ holds no survey instrument"))
            entry.add_command(kind.command)

    order = {kind.id: index for index, kind in enumerate(data.steps)}
    customer_order = {c.id: index for index, c in enumerate(repository.customers)}

    def key(s: Step) -> tuple[int, int, int, str]:
        first_customer = (s.customer or "").split(", ")[0]
        position = customer_order.get(first_customer, -1 if s.customer in (None, EVERY_CUSTOMER) else len(order))
        return (s.phase, order[s.kind.id], position, s.customer or "")

    ordered = sorted(steps.values(), key=key)
    if ordered:
        rehearsal = step(data.rehearsal, None)
        rehearsal.add_command(data.rehearsal.command)
        ordered.append(rehearsal)
    for entry in ordered:
        entry.commands = [rooted(command, root) for command in entry.commands]
    return Plan(coverage.as_of, root, data.phases, ordered)


def rooted(command: str, root: str) -> str:
    """The command as run from anywhere: the repository given as ``--root`` (as every brm command takes it)."""
    if root == ".":
        return command
    where = shlex.quote(root)
    words = command.split(" ", 3)
    if words[:2] == ["brm", "new"] and len(words) > 2:
        return " ".join([*words[:3], "--root", where, *words[3:]])
    if words[:1] == ["brm"]:
        return " ".join([*words[:2], "--root", where, *words[2:]])
    if words[:2] == ["mkdocs", "serve"]:
        return f"{command} -f {shlex.quote(posixpath.join(root, 'mkdocs.yml'))}"
    if words[:1] == ["edit"]:
        return f"edit {shlex.quote(posixpath.join(root, ''))}{command[len('edit ') :]}"
    return command


# -- output ------------------------------------------------------------------------


def _md(text: str) -> str:
    """Evidence text in Markdown: no HTML, no link, no table cell break (code spans are kept)."""
    for character, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(character, escaped)
    return text.replace("\n", " ")


def _code(text: str) -> str:
    """A code span that no backtick in ``text`` can close early (CommonMark: a longer fence)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"`{text}`"


def _heading(step: Step) -> str:
    who = f"{step.customer_name}: " if step.customer else ""
    return f"{who}{step.title}"


def render_text(plan: Plan) -> str:
    if not plan.steps:
        return f"Plan for {plan.root} at {plan.as_of}: nothing to do; every check passes.\n"
    lines = [f"Plan for {plan.root} at {plan.as_of}: {len(plan.steps)} steps."]
    number = 0
    for phase in plan.phases:
        steps = plan.in_phase(phase)
        if not steps:
            continue
        lines += ["", f"{phase.title}: {phase.aim}", ""]
        for step in steps:
            number += 1
            lines.append(f"{number:>3}. {_heading(step)}")
            for missing in step.missing:
                where = f"{missing.path}:{missing.line}: {missing.rule} " if missing.path else ""
                lines.append(f"       - {where}{missing.message}")
            lines += [f"       > {c}" for c in step.commands]
    return "\n".join(lines) + "\n"


def render_markdown(plan: Plan) -> str:
    lines = [f"# Plan for {_md(plan.root)}", "", f"As of {plan.as_of}."]
    if not plan.steps:
        return "\n".join([*lines, "", "Nothing to do: every check passes."]) + "\n"
    for phase in plan.phases:
        steps = plan.in_phase(phase)
        if not steps:
            continue
        lines += ["", f"## {phase.title}", "", f"*{phase.aim}*", ""]
        for step in steps:
            lines.append(f"- [ ] **{_md(_heading(step))}**")
            for missing in step.missing:
                where = f"{_code(f'{missing.path}:{missing.line}')} {missing.rule}: " if missing.path else ""
                lines.append(f"  - {where}{_md(missing.message)}")
            for command in step.commands:
                lines.append(f"  - Start with: {_code(command)}")
    return "\n".join(lines) + "\n"


def as_json(plan: Plan) -> dict[str, Any]:
    return {
        "as_of": str(plan.as_of),
        "root": plan.root,
        "phases": [{"days": p.days, "title": p.title, "aim": p.aim} for p in plan.phases],
        "steps": [
            {
                "phase": s.phase,
                "step": s.kind.id,
                "title": s.title,
                "customer": s.customer,
                "customer_name": s.customer_name,
                "missing": [m.as_json() for m in s.missing],
                "commands": [{"command": c, "available": available(c)} for c in s.commands],
            }
            for s in plan.steps
        ],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(as_json(plan), indent=2) + "\n"
