"""Fuzzing: mutated copies of the bundled example repository never crash anything.

Hypothesis (fixed seed: the same cases every run) edits the example's YAML and
front-matter the way a careless or hostile contributor would: extreme durations,
dates, instants and numbers, wrong types, lists and mappings where a scalar was,
deleted and renamed fields, huge strings and unicode. Each mutated repository is
run in-process through ``brm check`` (JSON and SARIF), ``brm status`` and the
cadence watch, at ordinary and extreme judging dates. Every run must end with a
report (exit 0 clean, 1 with errors, and the report says which): the evidence is
never the reason a command cannot run, and no exception escapes.

Two hundred and fifty cases take about 25 s. To hunt for new crash classes, run more
cases with fresh randomness: ``BRM_FUZZ_EXAMPLES=3000 BRM_FUZZ_RANDOM=1 pytest
tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import watch
from checks.cli import main
from checks.load import load
from checks.rules import run
from checks.sources import WorkingTree

from .conftest import ROOT

EVIDENCE_FOLDERS = ("registers", "reviews", "surveys", "procedures")
EXAMPLE: dict[str, str] = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for folder in EVIDENCE_FOLDERS
    for path in sorted((ROOT / folder).rglob("*"))
    if path.is_file()
}
MUTABLE = sorted(p for p in EXAMPLE if p.endswith((".yaml", ".md")))

# fmt: off
DURATIONS = [
    "P9999Y", "P999Y", "P99999999W", "P99999999999999999999D", "PT1S", "PT0S", "P0D", "PT99999999999H",
    "PT9999H", "P999D", "P1Y2M3W4DT5H6M7S", "P", "PT", "1M", "monthly", "P-1D", '"P3M "', "P1DT1H",
]
DATES = [
    "9999-12-31", "9999-12-20", "0001-01-01", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01",
    "2026-02-29", "2024-02-29", '"2026-10-05"', "2026-10-05T09:00:00+01:00",
]
INSTANTS = [
    "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:30:00+01:00", "1900-01-01T00:00:00+14:00", "2999-12-31T23:59:59-12:00",
    "2026-10-05T09:00:00", "2026-10-05T09:00:00+23:59", "2026-10-05", "2026-10-05T09:00:00Z",
]
NUMBERS = [
    "1.0e+309", "-1.0e+309", "1e308", "123456789012345678901234567890", "-1", "0", "0.5", "-0.0",
    "4.9e-324", "100.0000001", "2", "99999999999", "9" * 16, "9" * 400, "-" + "9" * 5000, "1." + "9" * 5000,
]
#: Values of the wrong type or shape, and strings no one expects.
ANYTHING = [
    "[]", "{}", "null", "~", "true", "false", "[1, 2]", "[[]]", "[{}]", "{a: 1}", "{policy: {}}",
    '""', '" "', "[null]", "[P1M]", "{csat: 1.0e+309}", "{standard: P1M}", "{standard: []}",
    "{review_interval: PT1S, survey_interval: P99999999W}", "[mon, sun]", '"25:99"', '"Mars/Olympus"', '"ZZ"',
    '"' + "x" * 200_000 + '"', '"ǘß\u202e🙂\u200b"', '"<script>alert(1)</script>"',
    '"../../etc/passwd"', '"file:///etc/passwd"', '"CMP-0001"', '"ACT-0001"', '"retailco"', '"standard"',
]
# fmt: on
EXTREMES = DURATIONS + DATES + INSTANTS + NUMBERS + ANYTHING

_KINDS = [
    (re.compile(r"(P\d|PT\d|monthly|quarterly|annual|semiannual)"), DURATIONS),
    (re.compile(r"\d{4}-\d\d-\d\dT"), INSTANTS),
    (re.compile(r"\d{4}-\d\d-\d\d"), DATES),
    (re.compile(r"-?\d+(\.\d+)?$"), NUMBERS),
]


def _like(original: str) -> list[str]:
    """Values of the same kind as the one replaced (a date for a date), where it has one."""
    return next((values for pattern, values in _KINDS if pattern.match(original.strip())), ANYTHING)


_BLOCK_KEY = re.compile(r"^( *)((?:- )*)([^\s:#'\"\[\]{},-][^:#\n]*?):(?: +(.*))?$")
_FLOW_VALUES = (
    re.compile(r"[{,] *[\w-]+: +([^\s,\[\]{}#][^,\[\]{}#\n]*?)(?= *[,}])"),  # {key: value, ...}
    re.compile(r"[\[,] *([^\s,\[\]{}#:][^,\[\]{}#:\n]*?)(?= *[,\]])"),  # [value, ...]
)
_ITEM = re.compile(r"^ *- +([^\s\[{#][^#\n]*?)\s*$")


@dataclass(frozen=True)
class Site:
    """A value in a file: lines[row][start:end], or a key whose block runs to line ``block_end``."""

    row: int
    start: int
    end: int
    key: str | None = None  # set for a block key, which can also be deleted, renamed or made a list
    block_end: int = 0


def _yaml_rows(text: str, markdown: bool) -> range:
    """The lines that hold YAML: a whole register, or a Markdown file's front-matter."""
    lines = text.split("\n")
    if not markdown:
        return range(len(lines))
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), len(lines))
    return range(1, end)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def sites(text: str, markdown: bool) -> list[Site]:
    lines = text.split("\n")
    rows = _yaml_rows(text, markdown)
    found = []
    for row in rows:
        line = lines[row]
        block = _BLOCK_KEY.match(line)
        if block:
            column = len(block.group(1)) + len(block.group(2))
            end = row + 1
            while end < rows.stop and (not lines[end].strip() or _indent(lines[end]) > column):
                end += 1
            start = block.start(4) if block.group(4) is not None else len(line)
            found.append(Site(row, start, len(line), block.group(3), end))
        elif item := _ITEM.match(line):
            found.append(Site(row, item.start(1), item.end(1)))
        found += [Site(row, *m.span(1)) for pattern in _FLOW_VALUES for m in pattern.finditer(line)]
    return found


SITES = {path: sites(EXAMPLE[path], path.endswith(".md")) for path in MUTABLE}
#: What a key may be renamed to: another field of the format (in the wrong place), or no field at all.
KEYS = sorted({site.key for found in SITES.values() for site in found if site.key} | {"x", "1", "true", "ON"})

_GENERATED = st.one_of(
    st.text(max_size=30).map(json.dumps),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates().map(lambda d: d.isoformat()),
    st.builds(lambda n, unit: f"P{n}{unit}", st.integers(0, 10**12), st.sampled_from(["Y", "M", "W", "D"])),
    st.builds(lambda n, unit: f"PT{n}{unit}", st.integers(0, 10**12), st.sampled_from(["H", "M", "S"])),
)


@st.composite
def mutation(draw: st.DrawFn) -> Callable[[dict[str, str]], None]:
    """One edit of one value (or key) in one evidence file, as a contributor might make it."""
    path = draw(st.sampled_from(MUTABLE))
    site = draw(st.sampled_from(SITES[path]))
    original = EXAMPLE[path].split("\n")[site.row][site.start : site.end]
    value = draw(st.one_of(st.sampled_from(_like(original)), st.sampled_from(EXTREMES), _GENERATED))
    operation = draw(st.sampled_from(["replace"] * 4 + ["delete", "rename", "list"] if site.key else ["replace"]))
    renamed = draw(st.sampled_from(KEYS))

    def apply(files: dict[str, str]) -> None:
        lines = files[path].split("\n")
        if site.row >= len(lines) or lines[site.row] != EXAMPLE[path].split("\n")[site.row]:
            return  # an earlier edit moved this line
        line = lines[site.row]
        if operation == "replace" and site.key is None:
            lines[site.row] = line[: site.start] + value + line[site.end :]
        else:
            head = line[: line.index(site.key + ":")] if site.key else ""
            body = [f"{head}{site.key}: {value}"]
            if operation == "delete":
                body = [] if not head.strip() else [head.rstrip()]
            elif operation == "rename":
                body = [f"{head}{renamed}:{line.split(':', 1)[1]}", *lines[site.row + 1 : site.block_end]]
            elif operation == "list":
                item = " " * (len(head) + 2) + f"- {value}"
                body = [f"{head}{site.key}:", item, item]
            lines[site.row : site.block_end] = body
        files[path] = "\n".join(lines)

    return apply


@st.composite
def replacement(draw: st.DrawFn) -> Callable[[dict[str, str]], None]:
    """A whole file (or a whole front-matter) that is one odd value."""
    path = draw(st.sampled_from(MUTABLE))
    value = draw(st.one_of(st.sampled_from(ANYTHING + NUMBERS + DATES), _GENERATED))

    def apply(files: dict[str, str]) -> None:
        files[path] = f"---\n{value}\n---\n# Body\n" if path.endswith(".md") else f"{value}\n"

    return apply


#: Judging dates: ordinary, and at the calendar's ends (the watch adds a horizon to them).
AS_OF = ["2026-11-23", "2026-06-30", "9999-12-20", "9999-12-31", "0001-01-01", "1900-01-01"]


def _run(function: Callable[[], int]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = function()
    return code, out.getvalue(), err.getvalue()


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        file = root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")


def assert_survives(root: Path, as_of: str, output_format: str) -> None:
    """check, status and watch each end with a report that agrees with their exit code."""
    code, out, err = _run(lambda: main(["check", str(root), "--as-of", as_of, "--format", output_format]))
    assert code in (0, 1), f"check exited {code}: {err}"
    report = json.loads(out)
    if output_format == "json":
        assert (code == 1) == (report["summary"]["errors"] > 0)
        for finding in report["findings"]:
            assert finding["path"] and finding["line"] >= 1 and finding["message"]
    else:
        levels = [result["level"] for result in report["runs"][0]["results"]]
        assert (code == 1) == ("error" in levels)

    code, out, err = _run(lambda: main(["status", str(root), "--as-of", as_of, "--format", "json"]))
    assert code == 0, f"status exited {code}: {err}"
    assert json.loads(out)["as_of"] == as_of

    written = root.parent / "watch.json"
    code, out, err = _run(lambda: watch.main([str(root), "--as-of", as_of, "--json", str(written)]))
    assert code == 0, f"watch exited {code}: {err}"
    assert json.loads(written.read_text(encoding="utf-8"))["as_of"] == as_of


FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("BRM_FUZZ_EXAMPLES", "250")),
    derandomize=not os.environ.get("BRM_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ_SETTINGS
@given(
    edits=st.lists(st.one_of(mutation(), mutation(), mutation(), replacement()), min_size=1, max_size=6),
    as_of=st.sampled_from(AS_OF),
    output_format=st.sampled_from(["json", "sarif"]),
)
def test_mutated_example_repositories_always_end_with_a_report(edits, as_of: str, output_format: str) -> None:
    files = dict(EXAMPLE)
    for edit in edits:
        edit(files)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "evidence"
        _write(root, files)
        assert_survives(root, as_of, output_format)


@settings(
    max_examples=int(os.environ.get("BRM_FUZZ_EXAMPLES", "80")),
    derandomize=not os.environ.get("BRM_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    edits=st.lists(st.one_of(mutation(), mutation(), replacement()), min_size=1, max_size=6),
    as_of=st.sampled_from(AS_OF),
)
def test_a_lean_check_finds_what_a_check_that_keeps_every_value_finds(edits, as_of: str) -> None:
    """`brm check` lets go of parsed values once records are built; no finding may depend on them."""
    files = dict(EXAMPLE)
    for edit in edits:
        edit(files)
    day = date.fromisoformat(as_of)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "evidence"
        _write(root, files)
        kept = run(load(root), day)
        lean_files = WorkingTree(root)
        lean_files.lean = True
        lean = run(load(root, lean_files), day)
        assert not lean_files.raced
    assert lean == kept
