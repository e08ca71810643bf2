"""The cadence watch: the issue body, and the workflow script that keeps one issue.

The body comes from the rules themselves (what they find today is overdue; what
they would find at the end of the horizon is due soon). The workflow's
github-script is run for real under Node with a fake GitHub, to prove it finds
its issue by the marker, updates it, never opens a second, and closes it when
nothing is overdue.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from checks.dates import Interval
from checks.load import load
from checks.rules import run
from checks.watch import MARKER, body, watch

from .conftest import AS_OF, BASE, ROOT

WORKFLOW = ROOT / ".github/workflows/cadence-watch.yml"
HORIZON = Interval.parse("P30D")
LATE = date(2027, 1, 20)  # the monthly review, the action and the quarterly survey are all late


def _rules(items: list) -> set[str]:  # type: ignore[type-arg]
    return {item.finding.rule for item in items}


def test_nothing_overdue_lists_what_falls_due_within_the_horizon(repo) -> None:
    assert HORIZON is not None
    result = watch(repo(), AS_OF, HORIZON)
    assert result.overdue == []
    # Last review 2026-11-10, monthly: due 2026-12-10; its next_review 2026-12-08;
    # ACT-0001 due 2026-12-15. The survey (sent 2026-10-01, quarterly) falls due after the horizon.
    assert _rules(result.upcoming) == {"REV001", "REV003", "ACT003"}
    dues = {item.finding.rule: item.due for item in result.upcoming}
    assert dues["REV001"] == date(2026, 12, 10)
    assert dues["ACT003"] == date(2026, 12, 15)
    text = body(result)
    assert text.startswith(MARKER + "\n")
    assert "**Nothing is overdue.** 3 due by 2026-12-23." in text
    assert result.title == "Cadence watch: nothing overdue (2026-11-23)"


def test_overdue_items_say_whether_they_are_past_grace(repo) -> None:
    assert HORIZON is not None
    result = watch(repo(), LATE, HORIZON)
    assert {"REV001", "REV003", "ACT003", "SAT001"} <= _rules(result.overdue)
    severities = {item.finding.rule: item.finding.severity.value for item in result.overdue}
    assert severities["REV001"] == "error"  # due 2026-12-10, grace P14D
    assert severities["REV003"] == "warning"  # REV003 is a warning by default
    text = body(result)
    assert "### Overdue" in text and "| Reviews | REV001 (error) | retailco | 2026-12-10 |" in text
    assert result.title.startswith(f"Cadence watch: {len(result.overdue)} overdue")


def test_waived_findings_are_listed_but_not_overdue(repo) -> None:
    assert HORIZON is not None
    waiver = """\
- rule: REV001
  subject: retailco
  reason: Customer froze governance meetings during its migration.
  approved_by: olivia-reid
  approved: 2026-12-01
  expires: 2027-03-31
"""
    result = watch(repo({"registers/waivers.yaml": waiver}), LATE, HORIZON)
    assert "REV001" not in _rules(result.overdue)
    assert _rules(result.waived) == {"REV001"}
    assert "### Waived" in body(result)


def test_the_watch_reads_due_dates_and_waivers_from_the_engine(repo) -> None:
    """Each item is a finding of ``brm check`` (overrides and waivers applied) with the due date it carries."""
    assert HORIZON is not None
    waiver = "- {rule: ACT003, subject: ACT-0001, reason: Agreed, approved_by: olivia-reid, approved: 2026-12-20}\n"
    procedure = "procedures/business-relationship-management.md"
    policy = BASE[procedure].replace("  grace: P14D\n", "  grace: P14D\n  severity: {REV001: warning}\n")
    root = repo({"registers/waivers.yaml": waiver, procedure: policy})
    result = watch(root, LATE, HORIZON)
    found = {(f.rule, f.subject): f for f in run(load(root), LATE)}
    items = [*result.overdue, *result.waived]
    assert items and all(item.due == found[(item.finding.rule, item.finding.subject)].due for item in items)
    by_rule = {item.finding.rule: item for item in items}
    assert by_rule["REV001"].finding.severity.value == "warning"  # the policy's override, not the rule's default
    assert by_rule["REV001"].due == date(2026, 12, 10)
    assert by_rule["REV003"].due == date(2026, 12, 8)  # the date the minutes planned
    assert _rules(result.waived) == {"ACT003"} and by_rule["ACT003"].due == date(2026, 12, 15)
    assert found[("REV001", "retailco")].as_json()["due"] == "2026-12-10"


def test_other_errors_are_counted_not_listed(repo) -> None:
    assert HORIZON is not None
    result = watch(repo({"registers/services.yaml": "- id: cloud-hosting\n  name: [unclosed\n"}), AS_OF, HORIZON)
    assert result.other_errors >= 1
    assert "not about cadence" in body(result)


def test_command_writes_the_json_the_workflow_reads(repo, tmp_path: Path) -> None:
    out = tmp_path / "watch.json"
    env = {**os.environ, "BRM_AS_OF": LATE.isoformat()}
    done = subprocess.run(
        [sys.executable, "-m", "checks.watch", str(repo()), "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert set(data) == {"marker", "as_of", "until", "overdue", "upcoming", "title", "body"}
    assert data["marker"] == MARKER and data["as_of"] == "2027-01-20" and data["overdue"] >= 4
    bad = subprocess.run(
        [sys.executable, "-m", "checks.watch", str(repo()), "--horizon", "soon"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "is not an interval" in bad.stderr


# -- the workflow's github-script, under Node with a fake GitHub -----------------

_HARNESS = r"""
const fs = require('fs');
const [scriptFile, stateFile] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const log = [];
const issues = state.issues;
const github = {
  paginate: async (method, params) => method(params),
  rest: {
    issues: {
      listForRepo: (params) => issues.filter(
        (i) => i.state === params.state && i.user.login === params.creator),
      update: async (params) => {
        const issue = issues.find((i) => i.number === params.issue_number);
        for (const key of ['title', 'body', 'state', 'state_reason']) {
          if (params[key] !== undefined) issue[key] = params[key];
        }
        log.push(['update', params.issue_number, params.state || 'open']);
      },
      create: async (params) => {
        const number = Math.max(0, ...issues.map((i) => i.number)) + 1;
        issues.push({ number, title: params.title, body: params.body, state: 'open',
                      user: { login: 'github-actions[bot]' } });
        log.push(['create', number]);
        return { data: { number } };
      },
    },
  },
};
const core = { notice: () => {}, warning: () => {} };
const context = { repo: { owner: 'provider', repo: 'brm-evidence' } };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const script = fs.readFileSync(scriptFile, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => { console.log(JSON.stringify({ issues, log })); })
  .catch((error) => { console.error(error); process.exit(1); });
"""


def _script() -> str:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["watch"]["steps"]
    [step] = [s for s in steps if str(s.get("uses", "")).startswith("actions/github-script@")]
    return str(step["with"]["script"])


def _issue(number: int, body: str, state: str = "open", login: str = "github-actions[bot]") -> dict[str, object]:
    return {"number": number, "title": "t", "body": body, "state": state, "user": {"login": login}}


def _sync(tmp_path: Path, overdue: int, issues: list[dict[str, object]]) -> dict[str, list]:  # type: ignore[type-arg]
    node = shutil.which("node")
    assert node is not None, "Node.js runs the workflow's github-script in this test"
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    watch_json = {"marker": MARKER, "overdue": overdue, "title": f"{overdue} overdue", "body": f"{MARKER}\nnew body"}
    (runner / "cadence-watch.json").write_text(json.dumps(watch_json))
    (tmp_path / "script.js").write_text(_script())
    (tmp_path / "harness.js").write_text(_HARNESS)
    (tmp_path / "state.json").write_text(json.dumps({"issues": issues}))
    done = subprocess.run(
        [node, str(tmp_path / "harness.js"), str(tmp_path / "script.js"), str(tmp_path / "state.json")],
        env={**os.environ, "RUNNER_TEMP": str(runner)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _open_watch_issues(result: dict[str, list]) -> list[int]:  # type: ignore[type-arg]
    return [i["number"] for i in result["issues"] if i["state"] == "open" and MARKER in i["body"]]


def test_opens_one_issue_when_something_is_overdue(tmp_path: Path) -> None:
    result = _sync(tmp_path, 2, [_issue(1, "someone else's issue")])
    assert result["log"] == [["create", 2]]
    assert _open_watch_issues(result) == [2]


def test_updates_the_open_issue_found_by_its_marker_instead_of_opening_another(tmp_path: Path) -> None:
    result = _sync(tmp_path, 3, [_issue(4, f"{MARKER}\nold body"), _issue(5, "unrelated")])
    assert result["log"] == [["update", 4, "open"]]
    assert _open_watch_issues(result) == [4]
    assert result["issues"][0]["body"].endswith("new body")


@pytest.mark.parametrize("overdue", [0, 1])
def test_ignores_a_marker_in_an_issue_a_person_opened(tmp_path: Path, overdue: int) -> None:
    result = _sync(tmp_path, overdue, [_issue(7, f"{MARKER} copied by hand", login="someone")])
    assert result["log"] == ([["create", 8]] if overdue else [])


def test_closes_the_issue_when_nothing_is_overdue(tmp_path: Path) -> None:
    result = _sync(tmp_path, 0, [_issue(9, f"{MARKER}\nold")])
    assert result["log"] == [["update", 9, "closed"]]
    assert result["issues"][0]["state_reason"] == "completed"
    assert _open_watch_issues(result) == []


def test_nothing_overdue_and_no_issue_does_nothing(tmp_path: Path) -> None:
    assert _sync(tmp_path, 0, [_issue(3, f"{MARKER}\nold", state="closed")])["log"] == []


def test_a_duplicate_is_closed_and_the_oldest_kept(tmp_path: Path) -> None:
    result = _sync(tmp_path, 1, [_issue(12, f"{MARKER}\nb"), _issue(10, f"{MARKER}\na")])
    assert result["log"] == [["update", 12, "closed"], ["update", 10, "open"]]
    assert _open_watch_issues(result) == [10]
