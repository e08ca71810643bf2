"""BRM002-BRM005: schema, references, duplicate ids, unsafe published content."""

from __future__ import annotations

import pytest

from .conftest import BASE, check

PEOPLE = BASE["registers/people.yaml"]
ACTIONS = BASE["registers/actions.yaml"]
REVIEW = "reviews/2026/2026-11-10-retailco.md"


def only(root, code: str):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, select=(code,))]


def test_base_is_clean(repo) -> None:
    assert check(repo()) == []


# --- BRM002 -------------------------------------------------------------------------------

SCHEMA_CASES = [
    ("unknown field", "registers/actions.yaml", ACTIONS + "  colour: red\n", 9, "unknown field 'colour'"),
    ("bad enum", "registers/actions.yaml", ACTIONS.replace("status: open", "status: finished"), 8, "finished"),
    (
        "version as a number",
        "registers/requirements/retailco--cloud-hosting.yaml",
        BASE["registers/requirements/retailco--cloud-hosting.yaml"].replace('version: "2.1"', "version: 2.1"),
        3,
        'quote it ("2.1")',
    ),
    ("missing required", "registers/people.yaml", PEOPLE + "- id: kim-lowe\n", 15, "'name'"),
    (
        "bad duration",
        "procedures/business-relationship-management.md",
        BASE["procedures/business-relationship-management.md"].replace("grace: P14D", "grace: two weeks"),
        12,
        "two weeks",
    ),
    (
        "bad date form",
        "registers/actions.yaml",
        ACTIONS.replace("due: 2026-12-15", 'due: "15/12/2026"'),
        7,
        "15/12/2026",
    ),
    ("list item not a mapping", "registers/people.yaml", PEOPLE + "- just a name\n", 15, "mapping"),
    ("unknown register", "registers/contracts.yaml", "- id: x\n", 1, "not a register"),
]


@pytest.mark.parametrize(("name", "path", "content", "line", "phrase"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_brm002_names_the_field_and_its_line(repo, name, path, content, line, phrase) -> None:
    findings = check(repo({path: content}), select=("BRM002",))
    assert [(f.rule, f.path, f.line) for f in findings] == [("BRM002", path, line)], findings
    assert phrase in findings[0].message


def test_brm002_invalid_record_does_not_cascade(repo) -> None:
    # An action with a bad status is still in the tracker: the review's reference holds.
    root = repo({"registers/actions.yaml": ACTIONS.replace("status: open", "status: finished")})
    assert {f.rule for f in check(root)} == {"BRM002"}


# --- BRM003 -------------------------------------------------------------------------------

REFERENCE_CASES = [
    ("unknown owner", "registers/actions.yaml", ACTIONS.replace("owner: alex-morgan", "owner: alex-morgen"), 5),
    (
        "unknown attendee",
        REVIEW,
        BASE[REVIEW].replace("attendees: [sam-patel, alex-morgan]", "attendees: [sam-patel, alex-morgen]"),
        7,
    ),
    (
        "unknown action in minutes list",
        REVIEW,
        BASE[REVIEW].replace("actions: [ACT-0001]", "actions: [ACT-0001, ACT-0099]"),
        13,
    ),
    (
        "report path that does not exist",
        REVIEW,
        BASE[REVIEW].replace("https://reports.provider.example/2026-10-retailco.pdf", "reports/2026-10.pdf"),
        8,
    ),
    (
        "unknown tier",
        "registers/customers.yaml",
        BASE["registers/customers.yaml"].replace("tier: standard", "tier: platinum"),
        3,
    ),
    (
        "action source file missing",
        "registers/actions.yaml",
        ACTIONS.replace("source: reviews/2026/2026-11-10-retailco.md", "source: reviews/2026/nope.md"),
        3,
    ),
    (
        "unknown instrument",
        "surveys/results/2026/2026-Q3-retailco.md",
        BASE["surveys/results/2026/2026-Q3-retailco.md"].replace(
            "instrument: csat-quarterly", "instrument: nps-annual"
        ),
        3,
    ),
    (
        "unknown instrument version",
        "surveys/results/2026/2026-Q3-retailco.md",
        BASE["surveys/results/2026/2026-Q3-retailco.md"].replace('instrument_version: "2"', 'instrument_version: "9"'),
        4,
    ),
]


@pytest.mark.parametrize(("name", "path", "content", "line"), REFERENCE_CASES, ids=[c[0] for c in REFERENCE_CASES])
def test_brm003_dangling_reference(repo, name, path, content, line) -> None:
    assert only(repo({path: content}), "BRM003") == [("BRM003", "error", path, line)]


def test_brm003_existing_repository_path_passes(repo) -> None:
    root = repo(
        {
            REVIEW: BASE[REVIEW].replace(
                "https://reports.provider.example/2026-10-retailco.pdf", "reviews/packs/2026-10.pdf"
            ),
            "reviews/packs/2026-10.pdf": b"%PDF-1.4\n",
        }
    )
    assert only(root, "BRM003") == []


# --- BRM004 -------------------------------------------------------------------------------


def test_brm004_duplicate_action_id(repo) -> None:
    duplicate = ACTIONS + ACTIONS.replace("Publish a monthly capacity report", "Another")
    assert only(repo({"registers/actions.yaml": duplicate}), "BRM004") == [
        ("BRM004", "error", "registers/actions.yaml", 9)
    ]


def test_brm004_person_ids_are_one_namespace_across_staff_and_representatives(repo) -> None:
    clash = PEOPLE + "- id: sam-patel\n  name: Sam Patel (ours)\n"
    findings = check(repo({"registers/people.yaml": clash}), select=("BRM004",))
    assert [(f.path, f.subject) for f in findings] == [("registers/customers.yaml", "sam-patel")]
    assert "registers/people.yaml:15" in findings[0].message


def test_brm004_register_split_across_a_folder_is_one_register(repo) -> None:
    root = repo(
        {
            "registers/actions.yaml": None,
            "registers/actions/2026-a.yaml": ACTIONS,
            "registers/actions/2026-b.yaml": ACTIONS,
        }
    )
    assert only(root, "BRM004") == [("BRM004", "error", "registers/actions/2026-b.yaml", 1)]


def test_folder_register_passes_when_ids_differ(repo) -> None:
    root = repo(
        {
            "registers/actions.yaml": None,
            "registers/actions/one.yaml": ACTIONS,
            "registers/actions/two.yml": ACTIONS.replace("ACT-0001", "ACT-0002")
            .replace("- id", "id")
            .replace("\n  ", "\n"),
        }
    )
    assert check(root) == []


# --- BRM005 -------------------------------------------------------------------------------

UNSAFE = [
    ("script", "<script>alert(1)</script>"),
    ("event handler", '<img src="x.png" onerror="alert(1)">'),
    ("iframe", '<iframe src="https://evil.example"></iframe>'),
    ("object", '<object data="x.swf"></object>'),
    ("javascript link", "[the report](javascript:alert(1))"),
    ("data link", "[pack](data:text/html;base64,PHNjcmlwdD4=)"),
    ("reference-style javascript link", "[pack]: javascript:alert(1)"),
    ("upper-case", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
]


@pytest.mark.parametrize(("name", "html"), UNSAFE, ids=[c[0] for c in UNSAFE])
def test_brm005_unsafe_markdown_in_minutes(repo, name: str, html: str) -> None:
    root = repo({REVIEW: BASE[REVIEW] + "\nSome notes.\n\n" + html + "\n"})
    findings = check(root, select=("BRM005",))
    assert [(f.rule, f.path) for f in findings] == [("BRM005", REVIEW)]
    assert findings[0].line == BASE[REVIEW].count("\n") + 4


def test_brm005_unsafe_front_matter_value(repo) -> None:
    root = repo({REVIEW: BASE[REVIEW].replace("- Keep the current maintenance window.", '- "<script>x()</script>"')})
    assert only(root, "BRM005") == [("BRM005", "error", REVIEW, 12)]


def test_brm005_sees_through_yaml_escapes(repo) -> None:
    # "\x3c" is '<' once YAML has read it: the raw text never shows the element.
    escaped = '- "\\x3cscript>x()\\x3c/script>"'
    root = repo({REVIEW: BASE[REVIEW].replace("- Keep the current maintenance window.", escaped)})
    assert only(root, "BRM005") == [("BRM005", "error", REVIEW, 12)]


REGISTER_VALUES = [
    ("customer name", "registers/customers.yaml", "  name: RetailCo", "  name: <img src=x onerror=alert(1)>", 2),
    ("representative role", "registers/customers.yaml", "      role: Head of Platform Engineering",
     '      role: "</title><script>alert(1)</script>"', 11),
    ("person name", "registers/people.yaml", "  name: Priya Shah", '  name: "\\"><svg onload=alert(1)>"', 6),
    ("action title", "registers/actions.yaml", "  title: Publish a monthly capacity report",
     "  title: <iframe src=https://evil.example></iframe>", 2),
    ("yaml escape", "registers/services.yaml", "  name: Cloud Hosting", '  name: "\\x3cscript>x()\\x3c/script>"', 2),
]  # fmt: skip


@pytest.mark.parametrize(("path", "line", "hostile", "at"), [c[1:] for c in REGISTER_VALUES],
                         ids=[c[0] for c in REGISTER_VALUES])  # fmt: skip
def test_brm005_unsafe_register_value(repo, path: str, line: str, hostile: str, at: int) -> None:
    assert line in BASE[path]
    root = repo({path: BASE[path].replace(line, hostile)})
    findings = check(root, select=("BRM005",))
    assert [(f.rule, f.path, f.line) for f in findings] == [("BRM005", path, at)]
    assert "register value" in findings[0].message


def test_brm005_unsafe_register_key(repo) -> None:
    procedure = "procedures/business-relationship-management.md"
    hostile = BASE[procedure].replace("    standard: {", '    "<svg onload=alert(1)>": {')
    assert only(repo({procedure: hostile}), "BRM005") == [("BRM005", "error", procedure, 11)]


def test_brm005_unsafe_file_name(repo) -> None:
    name = "reviews/2026/2026-11-10 <img src=x onerror=alert(1)>.md"
    findings = check(repo({name: BASE[REVIEW]}), select=("BRM005",))
    assert [(f.rule, f.path) for f in findings] == [("BRM005", name)]
    assert "name" in findings[0].message and "rename" in findings[0].message


def test_brm005_plain_register_values_pass(repo) -> None:
    people = PEOPLE.replace("Alex Morgan", "Alex <Morgan> & Co: on=call, scripts: data")
    assert only(repo({"registers/people.yaml": people}), "BRM005") == []


@pytest.mark.parametrize(
    "markdown",
    [
        "[report](https://reports.provider.example/q3.pdf)",
        "Scripts were discussed: the deploy script runs on=Tuesdays.",
        "A `<br>` is fine, and so is <kbd>Ctrl</kbd>.",
        "Online meetings (on-site = false) are fine.",
    ],
)
def test_brm005_plain_markdown_passes(repo, markdown: str) -> None:
    assert only(repo({REVIEW: BASE[REVIEW] + "\n" + markdown + "\n"}), "BRM005") == []


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("registers/services.yaml", "- id: cloud-hosting\n\tname: x\n"),
        ("registers/people.yaml", "- id: alex-morgan\n  name: on\n"),
        ("registers/actions.yaml", ""),
        ("registers/customers.yaml", "- id: retailco\n  name: RetailCo\n  name: Again\n"),
    ],
    ids=["services", "people", "actions empty", "customers"],
)
def test_one_unreadable_register_is_one_finding_not_a_cascade(repo, path: str, content: str) -> None:
    findings = check(repo({path: content}), select=("BRM",))
    assert [(f.rule, f.path) for f in findings] == [("BRM001", path)]
