"""`brm new`: every kind through the real console script, then `brm check` on the result.

A scaffolded file must be evidence `brm check` accepts as written, prefilled from the
registers, never written over an existing file, and never prompted for unless
standard input is a terminal.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from checks.reader import parse_yaml, read_markdown

from .conftest import AS_OF, BRM, dedent

ENV = {"BRM_AS_OF": AS_OF.isoformat()}


def run(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real `brm`, with no terminal on standard input (as in CI and editors)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "GITHUB_STEP_SUMMARY")}
    environment.update(ENV if env is None else env)
    return subprocess.run(
        [*prefix, str(BRM), *args],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )


def new(root: Path, *args: str) -> Path:
    result = run("new", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote "), result.stdout
    return root / result.stdout.split(" ", 1)[1].strip()


def findings(root: Path) -> list[dict[str, object]]:
    result = run("check", "--format", "json", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]  # type: ignore[no-any-return]


def fields(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    document = read_markdown(text, path.name) if path.suffix == ".md" else parse_yaml(text, path.name)
    assert not hasattr(document, "message"), document
    return document.data  # type: ignore[union-attr, no-any-return]


def modeline(path: Path) -> Path:
    """The schema the file's `# yaml-language-server: $schema=` line points at, resolved."""
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines[1] if lines[0] == "---" else lines[0]  # front-matter: the first line inside it
    prefix = "# yaml-language-server: $schema="
    assert line.startswith(prefix), line
    return Path(os.path.normpath(path.parent / line[len(prefix) :]))


# -- each kind passes `brm check` as written, with its prefill --------------------


def test_review_is_prefilled_from_the_registers_and_passes(repo) -> None:
    root = repo()
    path = new(root, "review", "--customer", "retailco", "--report", "https://reports.provider.example/2026-11.pdf")
    assert path == root / "reviews/2026/2026-11-23-retailco.md"
    review = fields(path)
    assert review["attendees"] == ["sam-patel", "alex-morgan"]  # the representative, then the counterpart
    assert review["services"] == ["cloud-hosting"]
    assert review["date"] == "2026-11-23"  # BRM_AS_OF
    assert review["period"] == "2026-11"  # monthly cadence: the 23rd is past the middle of November
    assert review["next_review"] == "2026-12-23"  # + the tier's P1M
    assert review["actions"] == ["ACT-0001"]  # open in the tracker, from the previous review
    assert "- [ ] ACT-0001 Publish a monthly capacity report (alex-morgan, due 2026-12-15)" in path.read_text()
    assert modeline(path) == root / ".vscode/schemas/review.schema.json"
    assert findings(root) == []


def test_review_leaves_out_actions_that_are_done(repo) -> None:
    root = repo(
        {
            "registers/actions.yaml": dedent(
                """
                - id: ACT-0001
                  title: Publish a monthly capacity report
                  source: reviews/2026/2026-11-10-retailco.md
                  customers: [retailco]
                  owner: alex-morgan
                  raised: 2026-11-10
                  due: 2026-12-15
                  status: done
                  closed: 2026-11-20
                  evidence: First report sent on 2026-11-20.
                """
            )
        }
    )
    refused = run("new", "review", "--customer", "retailco", "--report", "https://r.example/x.pdf", cwd=root)
    assert refused.returncode == 2
    assert "missing --decision" in refused.stderr  # nothing carried over, so a decision is needed
    path = new(root, "review", "--customer", "retailco", "--kpi", "Availability", "99.9%", "99.97%", "yes",
               "--decision", "Keep the maintenance window: Sunday 02:00-04:00.")  # fmt: skip
    review = fields(path)
    assert "actions" not in review
    assert review["kpis"] == [{"name": "Availability", "target": "99.9%", "actual": "99.97%", "met": True}]
    assert review["decisions"] == ["Keep the maintenance window: Sunday 02:00-04:00."]
    assert findings(root) == []


def test_group_review_of_a_tier_and_process_review(repo) -> None:
    root = repo()
    group = new(root, "review", "--tier", "standard", "--date", "2026-11-24", "--report", "reports/pack.pdf",
                "--decision", "Agreed the winter change freeze.")  # fmt: skip
    (root / "reports").mkdir()
    (root / "reports/pack.pdf").write_bytes(b"%PDF-1.7\n")
    assert group.name == "2026-11-24-standard-tier.md"
    assert fields(group)["customers"] == ["retailco"]
    process = new(root, "review", "--type", "process-review", "--decision", "The process stays as it is.")
    review = fields(process)
    assert review["attendees"] == ["olivia-reid"]  # the BRM procedure's owner and approver
    assert review["period"] == "2026"
    assert review["next_review"] == "2027-11-23"  # + process_review_interval
    assert findings(root) == []


def test_result_is_prefilled_from_the_instrument_and_the_counterpart(repo) -> None:
    root = repo()
    path = new(root, "result", "--customer", "retailco", "--sent", "2027-01-05", "--analysed-by", "olivia-reid",
               "--invited", "12", "--responses", "9", "--score", "89", "--theme", "Faster restores")  # fmt: skip
    assert path == root / "surveys/results/2026/2026-Q4-retailco.md"
    result = fields(path)
    assert result["instrument"] == "csat-quarterly"  # the only instrument
    assert result["instrument_version"] == "2"
    assert result["sent_by"] == "alex-morgan"  # the counterpart
    assert result["period"] == "2026-Q4"  # quarterly survey: the quarter before it was sent
    assert result["scores"] == {"csat": 89}  # a bare number is the instrument's method
    assert modeline(path) == root / ".vscode/schemas/satisfaction-result.schema.json"
    assert findings(root) == []


def test_action_takes_the_next_free_id_in_a_new_file_and_never_touches_the_tracker(repo) -> None:
    root = repo()
    tracker = (root / "registers/actions.yaml").read_bytes()
    source = "reviews/2026/2026-11-10-retailco.md"
    first = new(root, "action", "--title", "Send the revised SLA", "--source", source, "--customer", "retailco",
                "--due", "2026-12-31")  # fmt: skip
    second = new(root, "action", "--title", "Book the Q1 review", "--source", source, "--owner", "jordan-lee",
                 "--due", "2027-01-15", "--link", "SIP-12")  # fmt: skip
    assert first == root / "registers/actions/ACT-0002.yaml"
    assert second == root / "registers/actions/ACT-0003.yaml"  # the folder counts as the same register
    assert (root / "registers/actions.yaml").read_bytes() == tracker
    action = fields(first)
    assert action == {
        "id": "ACT-0002",
        "title": "Send the revised SLA",
        "source": source,
        "customers": ["retailco"],
        "owner": "alex-morgan",  # the customer's counterpart
        "raised": "2026-11-10",  # the date of the review it came from
        "due": "2026-12-31",
        "status": "open",
    }
    assert modeline(first) == root / ".vscode/schemas/action.schema.json"
    assert findings(root) == []


def test_complaint_takes_the_next_free_id_and_the_customers_only_service(repo) -> None:
    root = repo()
    path = new(root, "complaint", "--customer", "retailco", "--summary", "Restore took two days",
               "--channel", "email", "--received", "2026-11-20T10:00:00+00:00",
               "--acknowledged", "2026-11-20T11:30:00+00:00")  # fmt: skip
    assert path == root / "registers/complaints/CMP-0001.yaml"
    complaint = fields(path)
    assert complaint["service"] == "cloud-hosting"
    assert complaint["stage"] == "logging"  # acknowledged, so past receipt
    assert complaint["received"] == "2026-11-20T10:00:00+00:00"
    assert findings(root) == []


@pytest.mark.parametrize(
    ("flags", "part"),
    [
        (
            ["--representative-id", "jo-bloggs", "--representative-name", "Jo Bloggs",
             "--representative-email", "jo.bloggs@acme.example"],
            "representatives",
        ),
        (["--interim-contact", "it-director@acme.example"], "interim"),
    ],
    ids=["with-a-representative", "with-an-interim-contact"],
)  # fmt: skip
def test_customer_is_valid_and_only_awaits_its_first_review_and_survey(repo, flags: list[str], part: str) -> None:
    root = repo()
    path = new(root, "customer", "--id", "acme", "--name", "Acme Ltd", "--counterpart", "alex-morgan", *flags)
    assert path == root / "registers/customers/acme.yaml"
    customer = fields(path)
    assert customer["tier"] == "standard"  # the policy's only tier
    if part == "interim":
        assert customer["interim"] == {
            "contact": "it-director@acme.example",
            "requested": "2026-11-23",
            "escalation": ["alex-morgan", "jordan-lee", "olivia-reid"],  # counterpart, then the escalation path
        }
    else:
        representatives: list[dict[str, Any]] = customer["representatives"]  # type: ignore[assignment]
        [representative] = representatives
        assert representative["authority"] == ["agree-requirements", "review-performance"]
        assert representative["since"] == representative["confirmed"] == "2026-11-23"
    # The file is sound and the new customer is onboarded today: nothing is due yet.
    assert customer["onboarded"] == "2026-11-23"
    assert findings(root) == []
    # One month on (the tier's monthly cadence, past the P14D grace) its first review is missing.
    late = json.loads(run("check", "--format", "json", cwd=root, env={"BRM_AS_OF": "2027-01-07"}).stdout)
    assert {(f["rule"], f["path"], f["severity"]) for f in late["findings"] if f["subject"] == "acme"} == {
        ("REV001", "registers/customers/acme.yaml", "error")
    }


def test_waiver_is_written_to_the_waiver_folder_and_waives(repo) -> None:
    root = repo()
    late = {"BRM_AS_OF": "2027-01-20"}  # the monthly review and the quarterly survey are late by then
    assert {f["rule"] for f in json.loads(run("check", "--format", "json", cwd=root, env=late).stdout)["findings"]} >= {
        "REV001"
    }
    path = new(root, "waiver", "--rule", "rev001", "--subject", "retailco", "--reason",
               "Customer froze governance meetings during its migration; agreed in writing.",
               "--approved-by", "olivia-reid", "--expires", "2027-03-31")  # fmt: skip
    assert path == root / "registers/waivers/rev001--retailco.yaml"
    assert fields(path)["approved"] == "2026-11-23"
    report = json.loads(run("check", "--format", "json", cwd=root, env=late).stdout)
    assert [f["severity"] for f in report["findings"] if f["rule"] == "REV001"] == ["waived"]


def test_text_that_yaml_would_retype_is_quoted_and_reads_back_as_written(repo) -> None:
    root = repo()
    tricky = ["no", "12:30", "Fix: the #1 thing & the *other*", "010", "null", "- dash", '"quoted"', "R&D @ 9"]
    for number, title in enumerate(tricky, start=2):
        path = new(root, "action", "--title", title, "--source", "reviews/2026/2026-11-10-retailco.md",
                   "--owner", "alex-morgan", "--due", "2026-12-31", "--link", title)  # fmt: skip
        assert path.name == f"ACT-{number:04d}.yaml"
        assert fields(path)["title"] == title
        assert fields(path)["links"] == [title]
    assert findings(root) == []


# -- refusals ----------------------------------------------------------------------


def test_refuses_to_overwrite_an_existing_file(repo) -> None:
    root = repo()
    existing = root / "surveys/results/2026/2026-Q3-retailco.md"  # where a result for 2026-Q3 goes
    before = existing.read_bytes()
    result = run("new", "result", "--customer", "retailco", "--analysed-by", "olivia-reid", "--invited", "3",
                 "--responses", "2", "--score", "csat=100", "--period", "2026-Q3", cwd=root)  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "brm: error: surveys/results/2026/2026-Q3-retailco.md already exists: not overwriting it"
    ]
    assert existing.read_bytes() == before


def test_refuses_a_register_file_that_exists_and_an_id_the_register_holds(repo) -> None:
    root = repo({"registers/actions/ACT-0002.yaml": "[]\n"})
    common = ["--title", "x", "--source", "reviews/2026/2026-11-10-retailco.md", "--owner", "alex-morgan",
              "--due", "2026-12-31"]  # fmt: skip
    taken = run("new", "action", "--id", "ACT-0002", *common, cwd=root)
    assert taken.returncode == 2 and "ACT-0002.yaml already exists" in taken.stderr
    assert (root / "registers/actions/ACT-0002.yaml").read_text() == "[]\n"
    held = run("new", "action", "--id", "ACT-0001", *common, cwd=root)
    assert held.returncode == 2 and "already in the tracker" in held.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "--customer", "nobody"], "no customer 'nobody' in registers/customers (known: retailco)"),
        (["action", "--title", "x", "--source", "nowhere.md", "--owner", "alex-morgan", "--due", "2026-12-01"],
         "source 'nowhere.md' is neither a file in the repository nor a complaint id"),
        (["waiver", "--rule", "XYZ999", "--subject", "s", "--reason", "r", "--approved-by", "olivia-reid",
          "--expires", "2027-01-01"], "no rule 'XYZ999'"),
        (["review", "--customer", "retailco", "--date", "23/11/2026"], "is not a date"),
    ],
    ids=["unknown-customer", "missing-source", "unknown-rule", "bad-date"],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(repo, args: list[str], message: str) -> None:
    root = repo()
    result = run("new", *args, cwd=root)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


# -- prompting: only on a terminal -------------------------------------------------


def test_no_prompt_without_a_terminal_names_every_missing_flag(repo) -> None:
    root = repo()
    started = time.monotonic()
    result = run("new", "waiver", "--rule", "REV001", cwd=root)
    assert time.monotonic() - started < 60  # it did not wait for an answer
    assert result.returncode == 2
    assert result.stdout == ""  # no question was printed
    assert result.stderr.splitlines() == [
        "brm: error: missing --subject, --reason, --approved-by, --expires: give them as flags, "
        "or run on a terminal to be asked"
    ]
    assert not (root / "registers/waivers").exists()


def test_prompts_for_what_is_missing_on_a_terminal(repo) -> None:
    root = repo()
    answers = {
        "What is to be done": "Send the revised SLA",
        "Source": "reviews/2026/2026-11-10-retailco.md",
        "Due date": "2026-12-31",
    }
    output = _on_a_terminal([str(BRM), "new", "action", "--customer", "retailco"], root, answers, {**os.environ, **ENV})
    assert "wrote registers/actions/ACT-0002.yaml" in output
    action = fields(root / "registers/actions/ACT-0002.yaml")
    assert (action["title"], action["owner"], action["due"]) == ("Send the revised SLA", "alex-morgan", "2026-12-31")


def test_a_requirement_asks_for_each_approval_date_on_a_terminal(repo) -> None:
    from .test_scaffold_kinds import HELPDESK

    root = repo(HELPDESK)
    answers = {"When sam-patel approved": "2026-11-20", "When the service owner jordan-lee approved": "2026-11-19"}
    argv = [str(BRM), "new", "requirement", "--customer", "retailco"]
    output = _on_a_terminal(argv, root, answers, {**os.environ, **ENV})
    assert "wrote registers/requirements/retailco--it-helpdesk.yaml" in output
    requirement = fields(root / "registers/requirements/retailco--it-helpdesk.yaml")
    approvals = [{"by": "sam-patel", "on": "2026-11-20"}, {"by": "jordan-lee", "on": "2026-11-19"}]
    assert requirement["approvals"] == approvals
    assert findings(root) == []


def _on_a_terminal(argv: list[str], cwd: Path, answers: dict[str, str], env: dict[str, str]) -> str:
    """Run ``argv`` with a pseudo-terminal as its standard streams, answering each question."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen, pending, deadline = "", dict(answers), time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 4096).decode()
                except OSError:  # the terminal closed: the process is done
                    break
                seen += chunk
                for question in list(pending):
                    if question in seen.rsplit("\n", 1)[-1]:
                        os.write(controller, (pending.pop(question) + "\n").encode())
            elif process.poll() is not None:
                break
        assert process.wait(timeout=30) == 0, seen
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    assert not pending, f"never asked: {list(pending)}\n{seen}"
    return seen


# -- the file system: inside the repository, whole or not at all -------------------

WAIVER = ["new", "waiver", "--rule", "REV001", "--reason", "Agreed in writing.", "--approved-by", "olivia-reid",
          "--expires", "2027-03-31"]  # fmt: skip
RESULT = ["new", "result", "--customer", "retailco", "--analysed-by", "olivia-reid", "--invited", "3",
          "--responses", "2", "--score", "csat=100", "--sent", "2027-01-05"]  # fmt: skip


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (links as their target text), to prove what a command left behind."""
    found: dict[str, bytes] = {}
    for directory, _folders, files in os.walk(folder):
        for name in files:
            path = Path(directory, name)
            key = path.relative_to(folder).as_posix()
            found[key] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


def one_line_error(result: subprocess.CompletedProcess[str], phrase: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("brm: error: ") and phrase in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "written"),
    [
        ([*RESULT, "--period", "2026-Q4/../../../../../outside"], "surveys/results/2026/2026-Q4-outside-retailco.md"),
        ([*RESULT, "--period", "../../../../../../../outside"], "surveys/results/2027/outside-retailco.md"),
        ([*WAIVER, "--subject", "../../../../../outside"], "registers/waivers/rev001--outside.yaml"),
        ([*WAIVER, "--subject", "/etc/passwd"], "registers/waivers/rev001--etc-passwd.yaml"),
        ([*WAIVER, "--subject", "..."], "registers/waivers/rev001--ab5df625bc.yaml"),
    ],
    ids=["period-climbing", "period-dots-only", "subject-climbing", "subject-absolute", "subject-no-letters"],
)  # fmt: skip
def test_text_that_becomes_a_file_name_never_leaves_its_folder(repo, args: list[str], written: str) -> None:
    root = repo()
    before = every_file(root.parent)
    result = run(*args, cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {written}\n"
    assert set(every_file(root.parent)) - set(before) == {f"evidence/{written}"}
    assert not [f for f in findings(root) if f["path"] == written and str(f["rule"]).startswith("BRM")]


def test_a_400_character_subject_gets_a_short_name_of_its_own(repo) -> None:
    root = repo()
    long = "retailco-" + "x" * 391
    first = run(*WAIVER, "--subject", long, cwd=root)
    second = run(*WAIVER, "--subject", long[:-1] + "y", cwd=root)
    names = [r.stdout.removeprefix("wrote registers/waivers/").strip() for r in (first, second)]
    assert [r.returncode for r in (first, second)] == [0, 0], (first.stderr, second.stderr)
    assert names[0] != names[1]
    assert all(name.startswith("rev001--retailco-xxx") and len(name.encode()) <= 120 for name in names)
    assert fields(root / "registers/waivers" / names[0])["subject"] == long


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["review", "--customer", "retailco", "--date", "9999-12-31"], "argument --date: '9999-12-31' is outside"),
        (["action", "--title", "x", "--source", "reviews/2026/2026-11-10-retailco.md", "--owner", "alex-morgan",
          "--due", "0001-01-01"], "argument --due: '0001-01-01' is outside the years 1900 to 2999"),
        (["complaint", "--customer", "retailco", "--summary", "s", "--channel", "email", "--received",
          "9999-12-31T23:00+00:00"], "argument --received: '9999-12-31T23:00+00:00' is outside"),
        (["complaint", "--customer", "retailco", "--summary", "s", "--channel", "email", "--received",
          "2999-12-31T23:00-12:00"], "is outside the years 1900 to 2999"),
        (["complaint", "--customer", "retailco", "--summary", "s", "--channel", "email", "--as-of", "9999-12-20"],
         "today (9999-12-20) is outside the years 1900 to 2999"),
        (["complaint", "--customer", "retailco", "--summary", "s", "--channel", "email", "--received",
          "2026-11-20T10:00+00:00", "--acknowledged", "2026-11-19T10:00+00:00"], "acknowledged before it was received"),
        (["review", "--customer", "retailco", "--report", "file:///etc/passwd", "--decision", "d"],
         "argument --report: 'file:///etc/passwd' is a file: link"),
        (["action", "--title", "x", "--source", "../../../etc/passwd", "--owner", "alex-morgan", "--due",
          "2026-12-31"], "leads outside the repository"),
        ([*RESULT[1:], "--responses-file", "../../../../answers.csv"],
         "--responses-file: '../../../../answers.csv' leads outside"),
        ([*RESULT[1:], "--period", "\x1b[2J"], "is not a period such as 2026-Q3"),
    ],
    ids=["date-9999", "due-year-1", "received-9999", "received-3000-in-utc", "as-of-9999", "acknowledged-first",
         "report-file-scheme", "source-climbing", "responses-climbing", "period-control"],
)  # fmt: skip
def test_what_the_checks_would_refuse_is_refused_before_writing(repo, args: list[str], phrase: str) -> None:
    root = repo()
    before = every_file(root.parent)
    one_line_error(run("new", *args, cwd=root), phrase)
    assert every_file(root.parent) == before


@pytest.mark.parametrize(
    "flags",
    [
        ["--received", "1900-01-01T00:00+00:00"],
        ["--received", "2999-12-31T23:59+00:00", "--acknowledged", "2999-12-31T23:59+00:00"],
        ["--received", "2026-11-20T10:00+14:00", "--acknowledged", "2999-11-19T10:00-12:00", "--stage", "closed"],
    ],
    ids=["first-instant", "last-instant", "far-acknowledgement"],
)
def test_a_complaint_brm_new_writes_is_one_brm_check_judges(repo, flags: list[str]) -> None:
    root = repo()
    written = run(
        "new", "complaint", "--customer", "retailco", "--summary", "s", "--channel", "email", *flags, cwd=root
    )
    assert written.returncode == 0, written.stderr
    checked = run("check", "--format", "json", cwd=root)
    assert checked.returncode in (0, 1), checked.stderr
    assert json.loads(checked.stdout)["summary"]["files"] > 0


def _stdin_closed() -> None:
    os.close(0)


def test_with_standard_input_closed_it_writes_or_names_what_is_missing(repo) -> None:
    root = repo()
    missing = run("new", "waiver", "--rule", "REV001", cwd=root, preexec_fn=_stdin_closed)
    one_line_error(missing, "missing --subject, --reason, --approved-by, --expires")
    written = run(*WAIVER, "--subject", "retailco", cwd=root, preexec_fn=_stdin_closed)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "wrote registers/waivers/rev001--retailco.yaml\n"


def _as_an_ordinary_user() -> list[str]:
    """A command prefix under which permission bits hold: none needed unless we are root.

    Root writes into read-only folders. As root, the check runs in a user namespace
    where our user id is an ordinary one (1000), so the folder's mode is obeyed.
    """
    if os.geteuid() != 0:
        return []
    probe = subprocess.run(["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(
            "running as root, which writes into read-only folders, and no user namespace is available "
            "(unshare --user) to run brm as an ordinary user"
        )
    return ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def test_a_read_only_folder_is_one_line_and_nothing_written(repo) -> None:
    root = repo({"registers/waivers/old.yaml": "[]\n"})
    prefix = _as_an_ordinary_user()
    before = every_file(root.parent)
    (root / "registers/waivers").chmod(0o555)
    try:
        result = run(*WAIVER, "--subject", "retailco", cwd=root, prefix=prefix)
    finally:
        (root / "registers/waivers").chmod(0o755)
    one_line_error(result, "registers/waivers/rev001--retailco.yaml: cannot write into its folder (Permission denied)")
    assert every_file(root.parent) == before


def test_a_read_only_repository_leaves_no_new_folder(repo) -> None:
    root = repo()
    prefix = _as_an_ordinary_user()
    before = every_file(root.parent)
    (root / "registers").chmod(0o555)
    try:
        result = run(*WAIVER, "--subject", "retailco", cwd=root, prefix=prefix)
    finally:
        (root / "registers").chmod(0o755)
    one_line_error(result, "registers/waivers/rev001--retailco.yaml: cannot write into its folder (Permission denied)")
    assert every_file(root.parent) == before
    assert not (root / "registers/waivers").exists()


def _file_size_limit() -> None:
    """Files this process writes may not grow past 64 bytes: a full disk, as the writer sees it (EFBIG)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


def test_a_full_disk_leaves_no_file_and_no_folder_behind(repo) -> None:
    root = repo()
    before = every_file(root.parent)
    result = run(*RESULT, "--period", "2027-Q1", cwd=root, preexec_fn=_file_size_limit)  # a new folder, 2027
    one_line_error(result, "surveys/results/2027/2027-Q1-retailco.md: not written (File too large)")
    assert every_file(root.parent) == before
    assert sorted(p.name for p in (root / "surveys/results").iterdir()) == ["2026"]


def test_a_folder_that_is_a_file_or_a_link_out_is_never_written_through(repo, tmp_path: Path) -> None:
    root = repo({"registers/waivers": "not a folder\n"})
    (root / "registers/waivers.yaml").unlink()
    one_line_error(run(*WAIVER, "--subject", "retailco", cwd=root), "cannot write into its folder (File exists)")
    assert (root / "registers/waivers").read_text() == "not a folder\n"
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "registers/waivers").unlink()
    (root / "registers/waivers").symlink_to(outside, target_is_directory=True)
    one_line_error(
        run(*WAIVER, "--subject", "retailco", cwd=root),
        "registers/waivers/rev001--retailco.yaml: its folder leads outside the repository",
    )
    assert list(outside.iterdir()) == []


def test_a_dangling_link_where_the_file_would_go_is_not_written_through(repo, tmp_path: Path) -> None:
    root = repo()
    target = tmp_path / "outside.yaml"
    (root / "registers/waivers").mkdir()
    (root / "registers/waivers/rev001--retailco.yaml").symlink_to(target)
    one_line_error(run(*WAIVER, "--subject", "retailco", cwd=root), "already exists: not overwriting it")
    assert not target.exists()
