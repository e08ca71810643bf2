"""No input crashes anything: each measured crash class is a finding at its line, and a bug is exit 2.

Every value below crashed `brm check` (and most of them `brm status`) with a traceback
and exit 1 before: intervals and dates past the calendar's ends, an interval with a
time part where days are counted, policy blocks that are not mappings, infinite
scores, instants in year 1 or 9999, huge acknowledgement targets. Each is now a BRM002
finding at the line of the value, and every other rule still runs.

An exception that still escapes is a bug in the checks: every entry point turns it
into one line on standard error naming the file, and exit status 2, never 1 (which
always comes with a report). The bug is planted on purpose here (a rule that
raises), since no evidence can cause one any more.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from checks import watch
from checks.cli import main
from checks.dates import FIRST_YEAR, LAST_YEAR, Interval, judging_date, parse_date, parse_instant
from checks.findings import Finding, Severity, display
from checks.load import MAX_EXPLAINED, load
from checks.rules import MAX_PER_RULE_AND_FILE, REGISTRY, Breach, capped, run
from checks.schema import validator
from checks.site.plugin import BrmPlugin

from .conftest import AS_OF, BASE, BRM, brm, dedent

BRM_PROCEDURE = "procedures/business-relationship-management.md"
COMPLAINTS = "procedures/complaint-handling.md"


def _in_process(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _edit(path: str, old: str, new: str) -> dict[str, str]:
    assert old in BASE[path], old
    return {path: BASE[path].replace(old, new, 1)}


def _block(path: str, key: str, new: str) -> dict[str, str]:
    """Replace the line starting ``key`` and every more-indented line after it."""
    lines = BASE[path].split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(key))
    end = start + 1
    while lines[end].startswith(" "):
        end += 1
    return {path: "\n".join([*lines[:start], new, *lines[end:]])}


def _line(files: dict[str, str], path: str, text: str) -> int:
    return next(i for i, line in enumerate(files[path].split("\n"), 1) if text in line)


COMPLAINT = dedent(
    """
    - id: CMP-0001
      customer: retailco
      service: cloud-hosting
      channel: email
      received: 2026-10-02T16:40:00+01:00
      acknowledged: 2026-10-05T10:00:00+01:00
      stage: investigation
      escalations: []
    """
)

#: (name, files laid over BASE, the file and the text of the line the BRM002 must point at)
CASES = [
    (
        "customer interval of 9999 years",
        _edit("registers/customers.yaml", "tier: standard", "tier: standard\n  review_interval: P9999Y"),
        "registers/customers.yaml",
        "P9999Y",
    ),
    (
        "tier interval of 99999999 weeks",
        _edit(
            BRM_PROCEDURE,
            "{review_interval: P1M, survey_interval: P3M}",
            "{review_interval: P99999999W, survey_interval: P3M}",
        ),
        BRM_PROCEDURE,
        "P99999999W",
    ),
    (
        "review interval of zero days",
        _edit("registers/customers.yaml", "tier: standard", "tier: standard\n  review_interval: P0D"),
        "registers/customers.yaml",
        "P0D",
    ),
    ("grace of one second", _edit(BRM_PROCEDURE, "grace: P14D", "grace: PT1S"), BRM_PROCEDURE, "PT1S"),
    (
        "survey interval with a time part",
        _edit(BRM_PROCEDURE, "survey_interval: P3M", "survey_interval: P3MT1H"),
        BRM_PROCEDURE,
        "P3MT1H",
    ),
    (
        "resolution target of one second",
        _edit(COMPLAINTS, "resolution_target: P10D", "resolution_target: PT1S"),
        COMPLAINTS,
        "PT1S",
    ),
    (
        "huge acknowledgement target",
        _edit(COMPLAINTS, "acknowledgement: PT4H", "acknowledgement: PT99999999999H"),
        COMPLAINTS,
        "PT99999999999H",
    ),
    (
        "acknowledgement in months",
        _edit(COMPLAINTS, "acknowledgement: PT4H", "acknowledgement: P1M"),
        COMPLAINTS,
        "P1M",
    ),
    (
        "action due on the calendar's last day",
        _edit("registers/actions.yaml", "due: 2026-12-15", "due: 9999-12-31"),
        "registers/actions.yaml",
        "9999-12-31",
    ),
    (
        "review in year 1",
        _edit("reviews/2026/2026-11-10-retailco.md", "date: 2026-11-10", "date: 0001-01-01"),
        "reviews/2026/2026-11-10-retailco.md",
        "0001-01-01",
    ),
    (
        "requirements confirmed by 3000",
        _edit(
            "registers/requirements/retailco--cloud-hosting.yaml", "confirm_by: 2027-03-31", "confirm_by: 3000-01-01"
        ),
        "registers/requirements/retailco--cloud-hosting.yaml",
        "3000-01-01",
    ),
    (
        "infinite score",
        _edit("surveys/results/2026/2026-Q3-retailco.md", "scores: {csat: 88}", "scores: {csat: 1.0e+309}"),
        "surveys/results/2026/2026-Q3-retailco.md",
        "1.0e+309",
    ),
    (
        "infinite target",
        _edit(BRM_PROCEDURE, "satisfaction_targets: {csat: 85}", "satisfaction_targets: {csat: -1.0e+309}"),
        BRM_PROCEDURE,
        "-1.0e+309",
    ),
    (
        "tiers as a list",
        _edit(BRM_PROCEDURE, "    standard: {review_interval: P1M, survey_interval: P3M}", "    - standard"),
        BRM_PROCEDURE,
        "tiers:",
    ),
    (
        "targets as text",
        _edit(BRM_PROCEDURE, "satisfaction_targets: {csat: 85}", "satisfaction_targets: high"),
        BRM_PROCEDURE,
        "satisfaction_targets",
    ),
    (
        "severity as a list",
        _edit(BRM_PROCEDURE, "process_review_interval: P1Y", "process_review_interval: P1Y\n  severity: [REV001]"),
        BRM_PROCEDURE,
        "severity",
    ),
    ("policy as a list", _block(BRM_PROCEDURE, "policy:", "policy: [P1M]"), BRM_PROCEDURE, "policy:"),
    (
        "business hours as text",
        _block(COMPLAINTS, "business_hours:", "business_hours: always"),
        COMPLAINTS,
        "business_hours",
    ),
    (
        "business days as text",
        _edit(COMPLAINTS, "days: [mon, tue, wed, thu, fri]", "days: weekdays"),
        COMPLAINTS,
        "days:",
    ),
    (
        "complaint received in year 1",
        {"registers/complaints.yaml": COMPLAINT.replace("2026-10-02T16:40:00+01:00", "0001-01-01T00:00:00+00:00")},
        "registers/complaints.yaml",
        "0001-01-01",
    ),
    (
        "complaint acknowledged in year 9999",
        {"registers/complaints.yaml": COMPLAINT.replace("2026-10-05T10:00:00+01:00", "9999-12-31T23:59:59-12:00")},
        "registers/complaints.yaml",
        "9999-12-31",
    ),
    (
        "instant past 2999 in UTC",
        {"registers/complaints.yaml": COMPLAINT.replace("2026-10-05T10:00:00+01:00", "2999-12-31T23:00:00-12:00")},
        "registers/complaints.yaml",
        "2999-12-31",
    ),
    (
        "escalated in year 1 at +14:00",
        {
            "registers/complaints.yaml": COMPLAINT.replace(
                "escalations: []", "escalations:\n    - {to: alex-morgan, at: 0001-01-01T00:30:00+14:00}"
            )
        },
        "registers/complaints.yaml",
        "0001-01-01",
    ),
]


@pytest.mark.parametrize(("name", "files", "path", "text"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("as_of", ["2026-11-23", "9999-12-31", "0001-01-01"])
def test_a_value_the_code_cannot_compute_with_is_brm002_at_its_line(
    repo, name: str, files: dict[str, str], path: str, text: str, as_of: str
) -> None:
    root = repo(files)
    code, out, err = _in_process("check", str(root), "--as-of", as_of, "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    lines = {f["line"] for f in report["findings"] if f["rule"] == "BRM002" and f["path"] == path}
    assert _line({**BASE, **files}, path, text) in lines, report["findings"]
    # The rest of the evidence is still judged: the status and the watch have an answer too.
    code, out, err = _in_process("status", str(root), "--as-of", as_of, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["customers"][0]["id"] == "retailco"
    assert _watch(root, as_of)["as_of"] == as_of


@pytest.mark.parametrize(
    ("files", "path", "text"),
    [
        (
            _edit("surveys/results/2026/2026-Q3-retailco.md", "invited: 10", "invited: " + "9" * 5000),
            "surveys/results/2026/2026-Q3-retailco.md",
            "invited",
        ),
        (
            _edit(
                "surveys/results/2026/2026-Q3-retailco.md", "scores: {csat: 88}", "scores: {csat: " + "9" * 400 + "}"
            ),
            "surveys/results/2026/2026-Q3-retailco.md",
            "scores",
        ),
        (
            _edit(BRM_PROCEDURE, "satisfaction_targets: {csat: 85}", "satisfaction_targets: {csat: -" + "9" * 16 + "}"),
            BRM_PROCEDURE,
            "satisfaction_targets",
        ),
    ],
    ids=["5000 digits", "400 digits", "16 digits"],
)
def test_a_number_too_long_to_compute_with_is_a_finding_at_its_line(
    repo, files: dict[str, str], path: str, text: str
) -> None:
    code, out, err = _in_process("check", str(repo(files)), "--as-of", "2026-11-23", "--format", "json")
    assert code == 1, err
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] == "BRM001"]
    assert (finding["path"], finding["line"]) == (path, _line({**BASE, **files}, path, text))
    assert "more than 15 digits" in finding["message"]


def _watch(root: Path, as_of: str, *extra: str) -> dict[str, object]:
    written = root.parent / "watch.json"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = watch.main([str(root), "--as-of", as_of, "--json", str(written), *extra])
    assert code == 0, err.getvalue()
    result: dict[str, object] = json.loads(written.read_text(encoding="utf-8"))
    return result


@pytest.mark.parametrize("as_of", ["9999-12-20", "9999-12-31", "0001-01-01", "1900-01-01", "2999-12-31"])
def test_the_watch_judges_at_any_date_the_calendar_has(repo, as_of: str) -> None:
    result = _watch(repo(), as_of, "--horizon", "P999Y")
    assert result["as_of"] == as_of
    # A horizon past the calendar's end ends with it: nothing is due after the last day.
    assert str(result["until"]) <= "9999-12-31"
    assert as_of < "9999" or result["until"] == "9999-12-31"


@pytest.mark.parametrize("horizon", ["PT1S", "P9999Y", "P", "soon"])
def test_a_horizon_that_is_no_calendar_interval_is_refused_in_one_line(repo, horizon: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "checks.watch", str(repo()), "--as-of", "2026-11-23", "--horizon", horizon],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--horizon" in result.stderr


# -- the bounds: the schemas and the code say the same ---------------------------------------

BOUNDARY_DATES = ["1899-12-31", "1900-01-01", "2026-02-28", "2999-12-31", "3000-01-01", "0001-01-01", "9999-12-31"]
INTERVALS = [
    "P1M",
    "P999Y",
    "P1000Y",
    "P9999M",
    "P10000M",
    "P9999W",
    "P99999D",
    "P100000D",
    "quarterly",
    "PT1S",
    "P1DT1H",
    "P",
    "P1Y2M3W4D",
    "P0D",
    "P0M",
    "P00Y0W",
]
BUSINESS_TIMES = [
    "PT4H",
    "PT9999H",
    "PT10000H",
    "P1D",
    "P999D",
    "P1000D",
    "PT30M",
    "P1M",
    "P1W",
    "monthly",
    "PT",
    "P1DT2H3M4S",
    "PT0H",
    "P0DT0M",
]


@pytest.mark.parametrize("text", BOUNDARY_DATES)
def test_a_date_is_one_the_schema_accepts_exactly_when_the_code_computes_with_it(text: str) -> None:
    waiver = {"rule": "REV001", "subject": "x", "reason": "y", "approved_by": "z", "approved": "2026-01-01"}
    schema_accepts = validator("waiver").valid({**waiver, "expires": text})
    year = int(text[:4])
    assert schema_accepts == (FIRST_YEAR <= year <= LAST_YEAR) == (parse_date(text) is not None)
    instant = f"{text}T12:00:00+00:00"
    assert (parse_instant(instant) is not None) == schema_accepts


@pytest.mark.parametrize("text", INTERVALS)
def test_an_interval_is_one_the_schema_accepts_exactly_when_the_code_computes_with_it(text: str) -> None:
    customer = {"id": "x", "name": "X", "tier": "standard", "counterpart": "y", "review_interval": text}
    parsed = Interval.parse(text)
    assert validator("customer").valid(customer) == (parsed is not None)
    if parsed is not None:  # anything the schema accepts is added to any evidence date without overflow
        assert parsed.after(date(LAST_YEAR, 12, 31)) < date.max
        assert isinstance(parsed.after(date(2026, 1, 31)), date)


@pytest.mark.parametrize(("text", "accepted"), [("P0D", True), ("P14D", True), ("P1M", True), ("PT1H", False)])
def test_grace_alone_may_be_zero(text: str, accepted: bool) -> None:
    """No grace is a policy; a cadence or target of zero judges nothing (and would never step on)."""
    procedure = {"id": "brm-procedure", "policy": {"grace": text}}
    assert validator("procedure").valid(procedure) == accepted == (Interval.parse(text, zero=True) is not None)
    assert Interval.parse("P0D") is None


@pytest.mark.parametrize("text", BUSINESS_TIMES)
def test_a_business_time_is_one_the_schema_accepts_exactly_when_the_code_computes_with_it(text: str) -> None:
    procedure = {"id": "complaint-handling", "acknowledgement": text}
    parsed = Interval.parse(text, business_time=True)
    assert validator("procedure").valid(procedure) == (parsed is not None)
    if parsed is not None:
        assert 0 <= parsed.hours() < 100_000


def test_interval_arithmetic_saturates_at_the_calendars_ends() -> None:
    month, century = Interval.parse("P1M"), Interval.parse("P999Y")
    assert month is not None and century is not None
    assert month.after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert month.after(date(9999, 12, 20)) == date.max
    assert century.before(date(900, 1, 1)) == date.min


# -- the judging date: today where the procedures are, not where the machine is --------------

KIRITIMATI, ADAK = "Pacific/Kiritimati", "America/Adak"  # UTC+14 and UTC-10 (UTC-9 in summer)


def _london_today() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date().isoformat()


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        (datetime(2026, 11, 23, 11, 0, tzinfo=UTC), KIRITIMATI, date(2026, 11, 24)),
        (datetime(2026, 11, 23, 11, 0, tzinfo=UTC), ADAK, date(2026, 11, 23)),
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "UTC", date(2026, 11, 23)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Europe/London", date(2026, 11, 23)),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "Europe/London", date(2026, 7, 1)),  # BST
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "Not/A_Zone", date(2026, 6, 30)),  # unknown: UTC
    ],
)
def test_today_is_the_day_it_is_in_the_procedures_time_zone(instant: datetime, zone: str, day: date) -> None:
    assert judging_date(None, "--as-of", {}, timezone=zone, now=instant) == day
    # An explicit date or BRM_AS_OF always wins.
    assert judging_date("2026-01-02", "--as-of", {"BRM_AS_OF": "2025-05-05"}, timezone=zone, now=instant) == date(
        2026, 1, 2
    )
    assert judging_date(None, "--as-of", {"BRM_AS_OF": "2025-05-05"}, timezone=zone, now=instant) == date(2025, 5, 5)


def test_machines_on_either_side_of_the_date_line_judge_the_same_day(repo) -> None:
    root = repo()  # the complaint procedure counts business hours in Europe/London
    london = _london_today()
    days = set()
    for machine in (KIRITIMATI, ADAK):
        for command in (["check", str(root), "--format", "json"], ["status", str(root), "--format", "json"]):
            result = brm(*command, env={"TZ": machine})
            assert result.returncode in (0, 1), result.stderr
            days.add(json.loads(result.stdout)["as_of"])
        written = root.parent / f"watch-{machine.replace('/', '-')}.json"
        environment = {k: v for k, v in os.environ.items() if k != "BRM_AS_OF"} | {"TZ": machine}
        result = subprocess.run(
            [sys.executable, "-m", "checks.watch", str(root), "--json", str(written)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        days.add(json.loads(written.read_text(encoding="utf-8"))["as_of"])
    # At any hour, Kiritimati's date or Adak's differs from London's: only London's may be judged.
    # (Run across midnight in London, either of its two dates is right.)
    assert days <= {london, _london_today()}, days


@pytest.mark.parametrize("machine", [KIRITIMATI, ADAK])
def test_the_site_judges_the_day_it_is_in_the_procedures_time_zone(
    repo, monkeypatch: pytest.MonkeyPatch, machine: str
) -> None:
    root = repo()
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text("site_name: Evidence\nplugins:\n  - brm\n", encoding="utf-8")
    monkeypatch.delenv("BRM_AS_OF", raising=False)
    monkeypatch.setenv("TZ", machine)
    time.tzset()
    try:
        config = load_config(str(root / "mkdocs.yml"))
        config.plugins.on_config(config)
        before = _london_today()
        config.plugins.on_files(Files([]), config=config)
        plugin = config.plugins["brm"]
        assert isinstance(plugin, BrmPlugin)
        assert plugin.as_of.isoformat() in {before, _london_today()}
    finally:
        monkeypatch.undo()
        time.tzset()


# -- a bug is exit 2 and one line naming the file, never exit 1 and never a traceback --------


@pytest.fixture
def buggy_rule(monkeypatch: pytest.MonkeyPatch):
    """Plant a bug in REV002: it raises while it holds the review of retailco's minutes.

    Kept judgements are keyed on brm's code as installed; a bug planted in memory is not
    in that key, so the cache is off for these tests.
    """
    from dataclasses import replace

    monkeypatch.setenv("BRM_NO_CACHE", "1")

    from checks.rules import load_rules

    load_rules()
    declared = REGISTRY["REV002"]

    def check(context):  # type: ignore[no-untyped-def]
        for review in context.repository.reviews:
            if review.customers:
                yield Breach(review.at("date"), "x", "listed before the bug")
                raise ZeroDivisionError("a bug planted by the test")

    monkeypatch.setitem(REGISTRY, "REV002", replace(declared, check=check))


def _one_line_naming(stderr: str, *words: str) -> None:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr


@pytest.mark.usefixtures("buggy_rule")
@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_a_bug_in_a_rule_is_exit_2_naming_the_rule_and_the_file(repo, output_format: str) -> None:
    code, out, err = _in_process("check", str(repo()), "--as-of", "2026-11-23", "--format", output_format)
    assert code == 2
    assert out == ""  # no half report a pipeline could take for a verdict
    _one_line_naming(
        err, "brm: error: internal error", "REV002", "reviews/2026/2026-11-10-retailco.md", "ZeroDivisionError"
    )


@pytest.mark.usefixtures("buggy_rule")
def test_a_bug_in_the_watch_is_exit_2_naming_the_file(repo) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = watch.main([str(repo()), "--as-of", "2026-11-23"])
    assert code == 2 and out.getvalue() == ""
    _one_line_naming(err.getvalue(), "brm watch: error: internal error", "reviews/2026/2026-11-10-retailco.md")


def test_a_bug_while_loading_is_exit_2_naming_the_file(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import checks.load

    def build(source, raw):  # type: ignore[no-untyped-def]
        raise MemoryError("planted")

    monkeypatch.setenv("BRM_NO_CACHE", "1")  # the bug is planted in memory, not in the code the cache keys on

    monkeypatch.setitem(checks.load.REGISTERS, "services", ("service", build, "services"))
    root = repo()
    for command in ("check", "status"):
        code, out, err = _in_process(command, str(root), "--as-of", "2026-11-23")
        assert code == 2 and out == ""
        _one_line_naming(err, "internal error while", "registers/services.yaml", "MemoryError")


def test_a_bug_in_the_status_is_exit_2(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import checks.coverage

    def coverage(*args):  # type: ignore[no-untyped-def]
        raise KeyError("planted")

    monkeypatch.setattr(checks.coverage, "coverage", coverage)
    code, out, err = _in_process("status", str(repo()), "--as-of", "2026-11-23")
    assert code == 2 and out == ""
    _one_line_naming(err, "internal error while computing the status", "KeyError")


@pytest.mark.usefixtures("buggy_rule")
def test_a_bug_in_the_site_plugin_is_one_line_naming_the_file(repo) -> None:
    root = repo()
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Evidence\nplugins:\n  - brm:\n      as_of: 2026-11-23\n", encoding="utf-8"
    )
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_config(config)
    with pytest.raises(PluginError) as raised:
        config.plugins.on_files(Files([]), config=config)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("brm: internal error")
    assert "reviews/2026/2026-11-10-retailco.md" in message and "REV002" in message


def test_a_bug_shows_its_traceback_with_brm_debug(repo) -> None:
    """Through the real console script, with a rule made to fail by a one-line plant."""
    plant = (
        "import sys; from dataclasses import replace; from checks.rules import REGISTRY, load_rules; "
        "load_rules(); r = REGISTRY['REV002']; "
        "REGISTRY['REV002'] = replace(r, check=lambda context: [][0]); "
        "from checks.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    root = str(repo())
    for debug, traceback in (("", False), ("1", True)):
        environment = {**os.environ, "BRM_DEBUG": debug, "BRM_NO_CACHE": "1"}
        result = subprocess.run(
            [sys.executable, "-c", plant, "check", root, "--as-of", "2026-11-23"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2 and result.stdout == ""
        assert ("Traceback" in result.stderr) == traceback
        assert result.stderr.splitlines()[-1].startswith("brm: error: internal error while running rule REV002")


def test_exit_1_always_comes_with_a_report(repo) -> None:
    files = _edit("registers/actions.yaml", "due: 2026-12-15", "due: 9999-12-31")
    for output_format in ("json", "sarif"):
        result = brm("check", str(repo(files)), "--as-of", "2026-11-23", "--format", output_format)
        assert result.returncode == 1
        report = json.loads(result.stdout)
        errors = (
            report["summary"]["errors"]
            if output_format == "json"
            else sum(r["level"] == "error" for r in report["runs"][0]["results"])
        )
        assert errors >= 1


# -- file names that are not UTF-8 ----------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
@pytest.mark.parametrize("output_format", ["sarif", "json", "text", "github"])
def test_a_file_name_that_is_not_utf8_is_percent_encoded_in_every_format(repo, output_format: str) -> None:
    root = repo()
    name = os.fsdecode(b"2026-11-11-caf\xe9 100%.md")
    (root / "reviews" / "2026" / name).write_text("---\ntype: performance-review\n---\n", encoding="utf-8")
    result = subprocess.run(
        [str(BRM), "check", str(root), "--as-of", "2026-11-23", "--format", output_format],
        capture_output=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "GITHUB_STEP_SUMMARY")},
    )
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8")  # strict: the report is valid UTF-8
    shown = "reviews/2026/2026-11-11-caf%E9 100%.md"
    if output_format == "sarif":
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(text)["runs"][0]["results"]
        }
        assert "reviews/2026/2026-11-11-caf%E9%20100%25.md" in uris
    elif output_format == "json":
        assert shown in {f["path"] for f in json.loads(text)["findings"]}
    elif output_format == "text":
        assert f"{shown}:2:1: BRM002" in text
    else:
        assert "caf%25E9 100%25.md" in text  # workflow commands escape % once more


def test_display_percent_encodes_only_bytes_that_are_not_utf8() -> None:
    assert display("reviews/café.md") == "reviews/café.md"
    assert display(os.fsdecode(b"reviews/caf\xe9.md")) == "reviews/caf%E9.md"
    assert display("lone \ud800 surrogate") == "lone \ufffd surrogate"


# -- findings are capped per rule and file --------------------------------------------------


def _finding(line: int, severity: Severity = Severity.ERROR, path: str = "registers/actions.yaml") -> Finding:
    return Finding("BRM002", severity, path, line, 1, path, f"problem at {line}")


def test_findings_past_the_cap_are_counted_in_one_finding_with_the_worst_severity() -> None:
    many = [_finding(i, Severity.WARNING) for i in range(1, 251)] + [_finding(251, Severity.ERROR)]
    kept = capped([*many, _finding(1, path="registers/other.yaml")])
    listed = [f for f in kept if f.path == "registers/actions.yaml"]
    assert len(listed) == MAX_PER_RULE_AND_FILE + 1
    summary = listed[-1]
    assert summary.line == MAX_PER_RULE_AND_FILE + 1  # it stands at the first finding not listed
    assert summary.severity is Severity.ERROR  # the verdict never changes because of the cap
    assert summary.message.startswith("151 more BRM002 findings in this file not listed")
    assert [f.path for f in kept].count("registers/other.yaml") == 1


@pytest.mark.parametrize(
    ("items", "explained"),
    [
        ("1", MAX_EXPLAINED),  # one problem a record
        ("{}", None),  # several problems a record: only whole records are explained
        (
            "{id: ACT-0001, title: t, source: s, customers: [retailco], owner: alex-morgan, "
            "raised: 2026-01-01, due: 9999-12-31, status: open}",
            None,
        ),
    ],
)
def test_a_register_of_many_bad_items_is_one_page_of_findings(repo, items: str, explained: int | None) -> None:
    root = repo({"registers/actions.yaml": "[" + ", ".join([items] * 20_000) + "]\n"})
    loaded = load(root)
    problems = [p for p in loaded.problems if p.location.path == "registers/actions.yaml"]
    assert len(problems) <= MAX_EXPLAINED + 1
    assert explained is None or len(problems) == explained + 1
    summary = problems[-1]
    assert " more action records of this file do not match the schema and are not read" in summary.message
    assert "actions" in loaded.repository.incomplete  # references into the unread records are not judged
    findings = run(loaded, AS_OF)
    per_rule: dict[str, int] = {}
    for finding in findings:
        per_rule[finding.rule] = per_rule.get(finding.rule, 0) + (finding.path == "registers/actions.yaml")
    assert max(per_rule.values()) <= MAX_PER_RULE_AND_FILE + 1
    assert any(f.severity is Severity.ERROR for f in findings)
