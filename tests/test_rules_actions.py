"""ACT001-ACT004: action items are tracked, complete, on time and closed with evidence."""

from __future__ import annotations

import pytest

from .conftest import BASE, check, dedent

ACTIONS = BASE["registers/actions.yaml"]
REVIEW = "reviews/2026/2026-11-10-retailco.md"
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
TRACKER = "registers/actions.yaml"
COMPLAINTS = "registers/complaints.yaml"
#: BASE's minutes end with their one task line, line 18; appended lines start at 19.
NEXT_LINE = 19


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def minutes(*lines: str) -> dict[str, str]:
    return {REVIEW: BASE[REVIEW] + "".join(f"{line}\n" for line in lines)}


def test_base_is_clean_for_actions(repo) -> None:
    assert check(repo(), select=("ACT",)) == []


# --- ACT001 -------------------------------------------------------------------------------

# (name, extra lines after the minutes' task line, findings as (line, column))
ACT001_MINUTES = [
    ("task item without an id fails", ["- [ ] Send the revised SLA to Sam"], [(NEXT_LINE, 1)]),
    ("task item with a tracked id passes", ["- [ ] ACT-0001 Send the revised SLA to Sam"], []),
    ("ticked task item without an id fails", ["- [x] Sent the revised SLA"], [(NEXT_LINE, 1)]),
    ("star task item without an id fails", ["* [ ] Send the revised SLA"], [(NEXT_LINE, 1)]),
    ("numbered task item without an id fails", ["1. [ ] Send the revised SLA"], [(NEXT_LINE, 1)]),
    ("indented task item without an id fails", ["  - [ ] Send the revised SLA"], [(NEXT_LINE, 3)]),
    ("Action line without an id fails", ["Action: Sam to send the usage figures"], [(NEXT_LINE, 1)]),
    ("Action line with a tracked id passes", ["Action: ACT-0001 Sam to send the usage figures"], []),
    ("bold Action line without an id fails", ["**Action:** Sam to send the usage figures"], [(NEXT_LINE, 1)]),
    ("lower-case action line without an id fails", ["action: Sam to send the figures"], [(NEXT_LINE, 1)]),
    ("bulleted Action line without an id fails", ["- Action: Sam to send the figures"], [(NEXT_LINE, 1)]),
    ("plain list item is not an action", ["- Availability was on target all month."], []),
    ("the word action in prose is not an action", ["The action plan was agreed: see below."], []),
    ("id the tracker does not hold fails at the id", ["- [ ] ACT-0099 Send the SLA"], [(NEXT_LINE, 7)]),
    ("Action line with an unknown id fails", ["Action: ACT-0099 and ACT-0001"], [(NEXT_LINE, 9)]),
    (
        "task items inside a fenced code block are ignored",
        ["```markdown", "- [ ] Example without an id", "Action: example", "```"],
        [],
    ),
    (
        "a task item after the fence closes is read",
        ["~~~", "- [ ] Example", "~~~", "- [ ] Real action without an id"],
        [(NEXT_LINE + 3, 1)],
    ),
    (
        "a shorter fence does not close a longer one",
        ["````", "```", "- [ ] Example", "````", "- [ ] Real"],
        [(NEXT_LINE + 4, 1)],
    ),
]


@pytest.mark.parametrize(("name", "lines", "expected"), ACT001_MINUTES, ids=[c[0] for c in ACT001_MINUTES])
def test_act001_action_items_in_minutes(repo, name, lines, expected) -> None:
    findings = check(repo(minutes(*lines)), select=("ACT001",))
    assert [(f.rule, f.severity.value, f.path, f.line, f.column) for f in findings] == [
        ("ACT001", "error", REVIEW, line, column) for line, column in expected
    ]
    assert all(f.subject == REVIEW for f in findings)


def test_act001_message_names_the_item_and_the_next_free_id(repo) -> None:
    [finding] = check(repo(minutes("- [ ] Send the revised SLA to Sam")), select=("ACT001",))
    assert "'- [ ] Send the revised SLA to Sam'" in finding.message
    assert "ACT-0002" in finding.message  # the tracker holds ACT-0001


def test_act001_unknown_id_in_text_names_it(repo) -> None:
    [finding] = check(repo(minutes("- [ ] ACT-0099 Send the SLA")), select=("ACT001",))
    assert "ACT-0099 is not in the tracker" in finding.message


def test_act001_leaves_the_actions_list_to_brm003(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("actions: [ACT-0001]", "actions: [ACT-0001, ACT-0099]")})
    assert only(root, "ACT001") == []
    assert only(root, "BRM003") == [("BRM003", "error", REVIEW, 13)]


@pytest.mark.parametrize(
    ("name", "extra", "expected"),
    [
        ("satisfaction result with an untracked action fails", "- [ ] Call every detractor\n", [16]),
        ("satisfaction result with a tracked action passes", "- [ ] ACT-0001 Call every detractor\n", []),
    ],
    ids=["result fails", "result passes"],
)
def test_act001_reads_satisfaction_results(repo, name, extra, expected) -> None:
    root = repo({RESULT: BASE[RESULT] + extra})
    assert only(root, "ACT001") == [("ACT001", "error", RESULT, line) for line in expected]


def complaint(**text: str) -> str:
    """One open complaint with the given free-text fields (YAML written as given)."""
    fields = "".join(f"  {key}: {value}\n" for key, value in text.items())
    return (
        dedent(
            """
            - id: CMP-0001
              customer: retailco
              service: cloud-hosting
              channel: service-portal
              received: 2026-11-20T10:00:00+00:00
              acknowledged: 2026-11-20T11:00:00+00:00
              stage: closed
              escalations: []
              resolved: 2026-11-21
            """
        )
        + fields
    )


ACT001_COMPLAINTS = [
    ("feedback with an untracked action fails", {"feedback": "'Action: send Sam the RCA'"}, [10]),
    ("feedback with a tracked action passes", {"feedback": "'Action: ACT-0001 send Sam the RCA'"}, []),
    ("feedback without an action passes", {"feedback": "Sam confirmed the fix on 2026-11-22."}, []),
    (
        "block notes point at the line of the item",
        {"feedback": "Confirmed.", "notes": "|\n    Called Sam on Monday.\n    - [ ] Send the RCA"},
        [13],
    ),
    (
        "an unknown id in notes fails",
        {"feedback": "Confirmed.", "notes": "|\n    Agreed:\n    - [ ] ACT-0042 Send the RCA"},
        [13],
    ),
]


@pytest.mark.parametrize(("name", "fields", "expected"), ACT001_COMPLAINTS, ids=[c[0] for c in ACT001_COMPLAINTS])
def test_act001_reads_complaint_feedback_and_notes(repo, name, fields, expected) -> None:
    findings = check(repo({COMPLAINTS: complaint(**fields)}), select=("ACT001",))
    assert [(f.rule, f.severity.value, f.path, f.line) for f in findings] == [
        ("ACT001", "error", COMPLAINTS, line) for line in expected
    ]
    assert all(f.subject == "CMP-0001" for f in findings)


# --- ACT002 -------------------------------------------------------------------------------

ACT002_CASES = [
    ("owner, due date and source present passes", ACTIONS, []),
    ("owner null fails at the owner", ACTIONS.replace("owner: alex-morgan", "owner: null"), [5]),
    ("due date missing fails at the action", ACTIONS.replace("  due: 2026-12-15\n", ""), [1]),
    ("source missing fails at the action", ACTIONS.replace("  source: reviews/2026/2026-11-10-retailco.md\n", ""), [1]),
    (
        "owner and due missing are two findings",
        ACTIONS.replace("  owner: alex-morgan\n", "").replace("  due: 2026-12-15\n", ""),
        [1, 1],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), ACT002_CASES, ids=[c[0] for c in ACT002_CASES])
def test_act002_incomplete_action(repo, name, content, expected) -> None:
    findings = check(repo({TRACKER: content}), select=("ACT002",))
    assert [(f.rule, f.severity.value, f.path, f.line) for f in findings] == [
        ("ACT002", "error", TRACKER, line) for line in expected
    ]
    assert all(f.subject == "ACT-0001" for f in findings)


def test_act002_dangling_source_is_brm003_only(repo) -> None:
    root = repo({TRACKER: ACTIONS.replace("reviews/2026/2026-11-10-retailco.md", "reviews/2026/nope.md")})
    assert only(root, "ACT002") == []
    assert only(root, "BRM003") == [("BRM003", "error", TRACKER, 3)]


def test_act002_complaint_source_passes(repo) -> None:
    root = repo(
        {
            TRACKER: ACTIONS.replace("reviews/2026/2026-11-10-retailco.md", "CMP-0001"),
            COMPLAINTS: complaint(feedback="Confirmed."),
        }
    )
    assert only(root, "ACT002") == []
    assert only(root, "BRM003") == []


# --- ACT003 -------------------------------------------------------------------------------

ACT003_CASES = [
    ("due in the future passes", "due: 2026-12-15", "status: open", []),
    ("due today passes", "due: 2026-11-23", "status: open", []),
    ("one day overdue is a warning", "due: 2026-11-22", "status: open", [("warning", 7)]),
    ("overdue within grace is a warning", "due: 2026-11-09", "status: in-progress", [("warning", 7)]),
    ("overdue past grace is an error", "due: 2026-11-08", "status: open", [("error", 7)]),
    ("cancelled past due passes", "due: 2026-11-01", "status: cancelled\n  closed: 2026-11-02", []),
    (
        "done past due passes",
        "due: 2026-11-01",
        "status: done\n  closed: 2026-11-20\n  evidence: Report sent.",
        [],
    ),
]


@pytest.mark.parametrize(("name", "due", "status", "expected"), ACT003_CASES, ids=[c[0] for c in ACT003_CASES])
def test_act003_overdue_action(repo, name, due, status, expected) -> None:
    content = ACTIONS.replace("due: 2026-12-15", due).replace("status: open", status)
    assert only(repo({TRACKER: content}), "ACT003") == [
        ("ACT003", severity, TRACKER, line) for severity, line in expected
    ]


def test_act003_message_says_when_it_was_due(repo) -> None:
    root = repo({TRACKER: ACTIONS.replace("due: 2026-12-15", "due: 2026-11-01")})
    [finding] = check(root, select=("ACT003",))
    assert "ACT-0001 (owner alex-morgan) is still open; it was due on 2026-11-01" in finding.message
    assert "+14 days' grace" in finding.message


# --- ACT004 -------------------------------------------------------------------------------

ACT004_CASES = [
    ("done with closed and evidence passes", "status: done\n  closed: 2026-11-20\n  evidence: Report sent.", []),
    ("cancelled with closed passes", "status: cancelled\n  closed: 2026-11-20", []),
    ("done without closed fails at the action", "status: done\n  evidence: Report sent.", [1]),
    ("done with closed null fails at closed", "status: done\n  closed: null\n  evidence: Report sent.", [9]),
    ("done without evidence fails at evidence", "status: done\n  closed: 2026-11-20\n  evidence: null", [10]),
    ("done without either is two findings", "status: done", [1, 1]),
    ("cancelled without closed fails", "status: cancelled\n  evidence: null", [1]),
    ("open without closure passes", "status: open\n  closed: null\n  evidence: null", []),
]


@pytest.mark.parametrize(("name", "status", "expected"), ACT004_CASES, ids=[c[0] for c in ACT004_CASES])
def test_act004_closure_without_date_or_evidence(repo, name, status, expected) -> None:
    root = repo({TRACKER: ACTIONS.replace("status: open", status)})
    assert only(root, "ACT004") == [("ACT004", "error", TRACKER, line) for line in expected]
