"""`brm status --plan`: the findings as the 30/60/90-day plan, in the source guidance's order."""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from checks.coverage import coverage
from checks.load import load
from checks.plan import EVERY_CUSTOMER, Plan, available, build, plan_data, render_markdown, render_text
from checks.policy import Policy
from checks.rules import load_rules, run
from checks.scaffold import KINDS

from .conftest import AS_OF, ROOT, brm, dedent


def plan_of(root: Path, as_of: date = AS_OF) -> Plan:
    loaded = load(root)
    repository = loaded.repository
    findings = run(loaded, as_of)
    return build(repository, findings, coverage(repository, Policy.from_repository(repository), as_of), str(root))


def steps(plan: Plan) -> list[tuple[str, str | None]]:
    return [(s.kind.id, s.customer) for s in plan.steps]


def test_every_rule_belongs_to_exactly_one_step() -> None:
    """A new rule without a step would crash the plan: this test names it first."""
    listed = [code for step in plan_data().steps for code in step.rules]
    rules = set(load_rules())
    assert set(listed) <= rules, set(listed) - rules
    assert rules <= set(listed), f"rules with no step in checks/data/plan.yaml: {sorted(rules - set(listed))}"
    conditional = {step.id for step in plan_data().steps if step.when}
    unconditional = [c for step in plan_data().steps if step.id not in conditional for c in step.rules]
    assert len(unconditional) == len(set(unconditional)), "a rule listed by two steps"


def test_the_phases_follow_the_guidance() -> None:
    data = plan_data()
    assert [p.days for p in data.phases] == [30, 60, 90]
    phase_of = {s.id: s.phase for s in data.steps}
    assert phase_of["representatives"] == phase_of["calendar"] == phase_of["actions"] == phase_of["procedures"] == 30
    assert phase_of["requirements"] == phase_of["reviews"] == phase_of["instrument"] == 60
    assert phase_of["surveys"] == phase_of["process-review"] == data.rehearsal.phase == 90
    assert [s.phase for s in data.steps] == sorted(s.phase for s in data.steps)


def test_the_bundled_example_needs_nothing() -> None:
    plan = plan_of(ROOT)
    assert plan.steps == []
    assert "nothing to do" in render_text(plan)
    result = brm("status", "--plan", str(ROOT), "--format", "json", "--as-of", AS_OF.isoformat())
    assert result.returncode == 0 and json.loads(result.stdout)["steps"] == []


def test_a_fresh_init_is_the_whole_onboarding_checklist(tmp_path: Path) -> None:
    done = brm("init", str(tmp_path), "--provider", "Acme", "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    plan = plan_of(tmp_path)
    assert steps(plan) == [
        ("people", None),
        ("procedures", None),
        ("scope", None),
        ("requirements", EVERY_CUSTOMER),
        ("reviews", EVERY_CUSTOMER),
        ("instrument", None),
        ("surveys", EVERY_CUSTOMER),
        ("process-review", None),
        ("rehearsal", None),
    ]
    assert [s.phase for s in plan.steps] == [30, 30, 30, 60, 60, 60, 90, 90, 90]
    scope = plan.steps[2]
    assert {m.rule for m in scope.missing} == {"SVC003"}
    assert any(c.startswith("brm new customer ") for c in scope.commands)
    assert any(c.startswith("brm new service ") for c in scope.commands)
    text = render_text(plan)
    assert text.index("First 30 days") < text.index("By day 60") < text.index("By day 90")


def test_each_step_names_the_customer_and_the_command(repo: Any) -> None:
    customers = dedent(
        """
        - id: retailco
          name: RetailCo
          tier: standard
          counterpart: alex-morgan
          services:
            - service: cloud-hosting
              user_groups: [Platform Engineering]
        """
    )
    root = repo({"registers/customers.yaml": customers, "registers/requirements/retailco--cloud-hosting.yaml": None})
    plan = plan_of(root)
    by_kind = {s.kind.id: s for s in plan.steps}
    representatives = by_kind["representatives"]
    assert (representatives.customer, representatives.customer_name) == ("retailco", "RetailCo")
    assert {m.rule for m in representatives.missing} == {"REP001"}
    requirements = by_kind["requirements"]
    assert requirements.commands == [
        f"brm new requirement --root {root} --customer retailco --service cloud-hosting "
        "--customer-approval YYYY-MM-DD --owner-approval YYYY-MM-DD --document URL"
    ]
    assert requirements.missing[0].path == "registers/customers.yaml"
    assert list(by_kind)[-1] == "rehearsal"


def test_a_new_customers_first_review_and_survey_are_planned_before_they_fall_due(repo: Any) -> None:
    onboarded = (AS_OF - timedelta(days=10)).isoformat()
    customers = dedent(
        f"""
        - id: retailco
          name: RetailCo
          tier: standard
          counterpart: alex-morgan
          onboarded: {onboarded}
          services:
            - service: cloud-hosting
              user_groups: [Platform Engineering]
          representatives:
            - id: sam-patel
              name: Sam Patel
              authority: [agree-requirements, review-performance]
              since: 2025-01-10
              confirmed: 2026-09-01
        """
    )
    root = repo(
        {
            "registers/customers.yaml": customers,
            "reviews/2026/2026-11-10-retailco.md": None,
            "surveys/results/2026/2026-Q3-retailco.md": None,
            "registers/actions.yaml": "[]\n",
        }
    )
    plan = plan_of(root)
    assert [f for f in run(load(root), AS_OF) if f.rule in ("REV001", "SAT001")] == []  # nothing is due yet
    by_kind = {s.kind.id: s for s in plan.steps}
    assert by_kind["reviews"].title == "Hold the first performance review"
    assert "the first is due by 2026-12-13" in by_kind["reviews"].missing[0].message
    assert by_kind["reviews"].commands[0].startswith(f"brm new review --root {root} --customer retailco ")
    assert "the first is due by 2027-02-13" in by_kind["surveys"].missing[0].message


def test_waived_findings_are_not_steps(repo: Any) -> None:
    waiver = dedent(
        """
        - rule: REV001
          subject: retailco
          reason: The customer froze governance meetings during a migration.
          approved_by: olivia-reid
          approved: 2026-11-01
          expires: 2027-03-31
        """
    )
    judged = date(2027, 1, 15)
    waived = [f for f in run(load(repo({"registers/waivers.yaml": waiver})), judged) if f.rule == "REV001"]
    assert [f.severity.value for f in waived] == ["waived"]
    plan = plan_of(repo({"registers/waivers.yaml": waiver}), judged)
    assert plan.steps and "reviews" not in [s.kind.id for s in plan.steps]


def test_markdown_keeps_evidence_text_as_text(repo: Any) -> None:
    customers = (
        '- id: retailco\n  name: "<img src=x onerror=alert(1)> [click](javascript:alert(1))"\n'
        "  tier: standard\n  counterpart: alex-morgan\n  services:\n    - service: cloud-hosting\n"
    )
    root = repo({"registers/customers.yaml": customers})
    markdown = render_markdown(plan_of(root))
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown) and "\\[click\\]" in markdown  # not a link


def test_a_command_with_backticks_is_one_code_span() -> None:
    from checks.plan import _code

    assert _code("plain") == "`plain`"
    assert _code("a `b` c") == "`` a `b` c ``"
    assert _code("x ``y`` z") == "``` x ``y`` z ```"


def test_commands_are_marked_when_this_version_has_no_such_kind() -> None:
    for kind in KINDS:
        assert available(f"brm new {kind} --flag")
    assert not available("brm new no-such-kind")
    assert available("brm init") and available("mkdocs serve")


@pytest.mark.parametrize("fmt", ["text", "json", "md"])
def test_the_plan_through_the_console_script(tmp_path: Path, fmt: str) -> None:
    brm("init", str(tmp_path), "--provider", "Acme", "--as-of", AS_OF.isoformat())
    result = brm("status", "--plan", str(tmp_path), "--format", fmt, "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["as_of"] == AS_OF.isoformat() and [p["days"] for p in data["phases"]] == [30, 60, 90]
        assert all({"phase", "step", "customer", "missing", "commands"} <= set(s) for s in data["steps"])
    else:
        assert "SVC003" in result.stdout


def test_markdown_is_only_for_the_plan() -> None:
    result = brm("status", str(ROOT), "--format", "md")
    assert result.returncode == 2 and "--plan" in result.stderr


def test_terminal_control_and_undecodable_file_names_never_reach_the_output(repo: Any) -> None:
    customers = (
        '- id: retailco\n  name: "Retail\\e[2J\\u009bCo"\n  tier: standard\n  counterpart: alex-morgan\n'
        "  services:\n    - service: cloud-hosting\n"
    )
    root = repo({"registers/customers.yaml": customers})
    (root / "reviews/2026").joinpath(os.fsdecode(b"caf\xe9.md")).write_text("---\ntype: performance-review\n---\n")
    for fmt in ("text", "md", "json"):
        result = brm("status", "--plan", str(root), "--format", fmt, "--as-of", AS_OF.isoformat())
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
        assert "caf%E9.md" in result.stdout
        if fmt == "text":
            assert "Retail\ufffd[2J\ufffdCo" in result.stdout  # the name was read, and defused
