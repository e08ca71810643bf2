"""``brm report``: its flags and its wiring, nothing else."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..roots import add_root
from .figures import ManagementReport
from .period import USAGE

FORMATS = ("md", "html", "json")


class ReportError(Exception):
    """The report cannot be made as asked: one line."""


def configure(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    parser.add_argument("--period", required=True, metavar="PERIOD", help=USAGE)
    parser.add_argument("--format", choices=FORMATS, default="md", help="output format (default: md)")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the day the report is prepared: the evidence as known then (default: $BRM_AS_OF, else today in the "
        "procedures' time zone)",
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument(
        "--include-contacts", action="store_true", help="do not withhold e-mail addresses and phone numbers"
    )


def build_report(
    root: Path, period_text: str, as_of: Callable[[str | None, str], date], given: str | None
) -> tuple[ManagementReport, list[str]]:
    """The report of the repository at ``root`` (its working tree) for a period, and its contact redactor."""
    from ..load import bulk_reading, load
    from ..policy import Policy
    from ..site.provenance import read_history
    from ..snapshot import evidence_changed
    from .figures import build
    from .history import compliance
    from .period import PeriodError, parse

    try:
        period = parse(period_text)
    except PeriodError as error:
        raise ReportError(f"--period: {error}") from None
    with bulk_reading():
        loaded = load(root)
        repository = loaded.repository
        policy = Policy.from_repository(repository)
        prepared = as_of(given, policy.business_hours.timezone)
        history = read_history(root)
        if history.head is not None:
            dirty = " (with uncommitted changes to the evidence)" if evidence_changed(history) else ""
            provenance = f"commit {history.head.short} of {history.head.date}{dirty}"
        else:
            provenance = f"the working tree ({history.missing or 'no git'})"
        report = build(repository, policy, period, prepared, provenance)
        report.compliance = compliance(root, period, prepared, loaded, policy.zone)
    phones = [p.phone for p in [*repository.staff, *repository.representatives] if p.phone]
    return report, phones


def run(args: argparse.Namespace, root: Path, as_of: Callable[[str | None, str], date]) -> int:
    from ..site.sanitize import Redactor

    given = args.as_of or os.environ.get("BRM_AS_OF") or None
    report, phones = build_report(root, args.period, as_of, given)
    redact = Redactor(args.include_contacts, phones)
    if args.format == "json":
        from .json import render
    elif args.format == "html":
        from .html import render
    else:
        from .markdown import render
    text = redact(render(report))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReportError(f"cannot write {args.output}: {error.strerror}") from None
    print(f"wrote {args.output}: the {args.format} report for {report.period.label}", file=sys.stderr)
    return 0
