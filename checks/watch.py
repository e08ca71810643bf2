"""The cadence watch: what is overdue today and what falls due soon, as one issue.

The nightly workflow (``.github/workflows/cadence-watch.yml``) runs
``python -m checks.watch --json FILE`` and hands the result to a script that opens,
updates or closes one GitHub issue, found again by :data:`MARKER` in its body.

Nothing here restates a cadence. "Overdue" is what the time-based rules find at the
as-of date; "due soon" is what they would find at the end of the horizon but do not
find today. So the watch and ``brm check`` can never disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cli import UsageError, as_of, judged_at
from .dates import Interval
from .failure import crash, report
from .findings import Finding, Severity, display
from .load import Loaded, load
from .roots import RootError, add_root, evidence_root, settle
from .rules import load_rules, run

#: The hidden line that identifies the watch's issue among all the others.
MARKER = "<!-- brm-cadence-watch -->"
DEFAULT_HORIZON = "P30D"
#: Time-based rules beyond those declared ``cadence``: a review's own next date.
ALSO_WATCHED = frozenset({"REV003"})
#: How findings are grouped in the issue, by rule-code prefix.
GROUPS = {
    "REV": "Reviews",
    "SAT": "Surveys",
    "REP": "Confirmations",
    "REQ": "Confirmations",
    "ACT": "Actions",
    "CMP": "Complaints",
    "PRO": "Procedures",
}
#: Rows per table; GitHub caps an issue body at 65,536 characters.
MAX_ROWS = 150
MAX_BODY = 60_000


@dataclass(frozen=True)
class Item:
    """One overdue or upcoming thing: a time-based finding, with its due date if known."""

    finding: Finding
    due: date | None

    @property
    def group(self) -> str:
        return GROUPS.get(self.finding.rule[:3], "Other")

    def sort_key(self) -> tuple[str, date, str, str]:
        return (self.group, self.due or date.max, self.finding.subject, self.finding.rule)


@dataclass(frozen=True)
class Watch:
    as_of: date
    horizon: Interval
    overdue: list[Item]
    upcoming: list[Item]
    waived: list[Item]
    other_errors: int

    @property
    def until(self) -> date:
        return self.horizon.after(self.as_of)

    @property
    def title(self) -> str:
        if not self.overdue:
            return f"Cadence watch: nothing overdue ({self.as_of.isoformat()})"
        return f"Cadence watch: {len(self.overdue)} overdue, {len(self.upcoming)} due soon"

    def as_json(self) -> dict[str, object]:
        return {
            "marker": MARKER,
            "as_of": self.as_of.isoformat(),
            "until": self.until.isoformat(),
            "overdue": len(self.overdue),
            "upcoming": len(self.upcoming),
            "title": self.title,
            "body": body(self),
        }


def watched_rules() -> set[str]:
    return {code for code, rule in load_rules().items() if rule.severity == "cadence"} | ALSO_WATCHED


def watch(root: Path, judged: date, horizon: Interval) -> Watch:
    return watch_loaded(load(root), judged, horizon)


def watch_loaded(loaded: Loaded, judged: date, horizon: Interval) -> Watch:
    """What the engine finds today (severity overrides and waivers applied), and at the horizon's end."""
    codes = watched_rules()
    until = horizon.after(judged)
    today = run(loaded, judged)
    later = run(loaded, until, sorted(codes))
    timed = [f for f in today if f.rule in codes]
    seen = {_key(f) for f in timed}
    return Watch(
        as_of=judged,
        horizon=horizon,
        overdue=_items(f for f in timed if f.severity is not Severity.WAIVED),
        upcoming=_items(f for f in later if _key(f) not in seen and f.severity is not Severity.WAIVED),
        waived=_items(f for f in timed if f.severity is Severity.WAIVED),
        other_errors=sum(1 for f in today if f.rule not in codes and f.severity is Severity.ERROR),
    )


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.path, finding.subject)


def _items(findings: Iterable[Finding]) -> list[Item]:
    return sorted((Item(f, f.due) for f in findings), key=Item.sort_key)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(items: list[Item], severity: bool) -> list[str]:
    head = "| What | Rule | Subject | Due | Where | Finding |"
    rows = [head, "| --- | --- | --- | --- | --- | --- |"]
    for item in items[:MAX_ROWS]:
        f = item.finding
        rule = f"{f.rule} ({f.severity})" if severity else f.rule
        due = item.due.isoformat() if item.due else ""
        rows.append(
            f"| {item.group} | {rule} | {_cell(f.subject)} | {due} | `{_cell(f.path)}:{f.line}` | {_cell(f.message)} |"
        )
    if len(items) > MAX_ROWS:
        rows.append(f"| … | | | | | and {len(items) - MAX_ROWS} more: run `brm check` |")
    return rows


def body(result: Watch) -> str:
    """The issue body, Markdown, starting with the marker."""
    lines = [
        MARKER,
        f"## Cadence watch, {result.as_of.isoformat()}",
        "",
    ]
    late = sum(1 for item in result.overdue if item.finding.severity is Severity.ERROR)
    if result.overdue:
        lines.append(
            f"**{len(result.overdue)} overdue** ({late} past the policy's grace, so `brm check` fails on them), "
            f"**{len(result.upcoming)} due** by {result.until.isoformat()}."
        )
    else:
        lines.append(f"**Nothing is overdue.** {len(result.upcoming)} due by {result.until.isoformat()}.")
    lines += [
        "",
        "Written nightly by the *cadence watch* workflow from `brm check` on the default branch. "
        "It updates this issue in place and closes it when nothing is overdue: "
        "fix the evidence, not this text.",
        "",
    ]
    if result.overdue:
        lines += ["### Overdue", "", *_table(result.overdue, severity=True), ""]
    if result.upcoming:
        lines += [f"### Due by {result.until.isoformat()}", "", *_table(result.upcoming, severity=False), ""]
    if result.waived:
        lines += [
            "### Waived",
            "",
            "Overdue, but accepted on purpose in `registers/waivers`: listed until the waiver expires.",
            "",
            *_table(result.waived, severity=False),
            "",
        ]
    if result.other_errors:
        lines += [
            "### Other errors",
            "",
            f"`brm check` also reports {result.other_errors} error(s) that are not about cadence; "
            "run it for the details.",
            "",
        ]
    text = "\n".join(lines)
    if len(text) > MAX_BODY:
        text = text[:MAX_BODY].rsplit("\n", 1)[0] + "\n\n… (cut to fit an issue: run `brm check` for everything)\n"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checks.watch", description="What is overdue and what falls due soon, as an issue body."
    )
    add_root(parser)
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="judge at this date; default: $BRM_AS_OF, else today in the procedures' time zone",
    )
    parser.add_argument(
        "--horizon", default=DEFAULT_HORIZON, metavar="INTERVAL", help=f"how far ahead (default: {DEFAULT_HORIZON})"
    )
    parser.add_argument("--json", metavar="FILE", help="write marker, title, body and counts as JSON to FILE")
    args = parser.parse_args(argv)
    try:
        as_of(args.as_of)  # a bad date is refused before anything is read
    except UsageError as error:
        parser.exit(2, f"brm watch: error: {display(str(error))}\n")
    horizon = Interval.parse(args.horizon)
    if horizon is None:
        parser.exit(2, f"brm watch: error: --horizon '{display(args.horizon)}' is not an interval such as P30D\n")
    try:
        settle(args)
        root = evidence_root(args.root)
    except RootError as error:
        parser.exit(2, f"brm watch: error: {display(str(error))}\n")
    try:
        loaded = load(root)
        result = watch_loaded(loaded, judged_at(args.as_of, loaded.repository), horizon)
        text = json.dumps(result.as_json(), indent=2) + "\n" if args.json else body(result)
    except Exception as error:  # a bug in the watch, not in the evidence: one line and exit 2, never a traceback
        report(crash(error, "watching"), "brm watch")
        return 2
    if not args.json:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.json).write_text(text, encoding="utf-8")
    except OSError as error:
        parser.exit(2, f"brm watch: error: cannot write {display(args.json)}: {error.strerror}\n")
    print(f"{result.title} (written to {display(args.json)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
