"""`brm`: argument parsing and wiring only. Exit 0 clean, 1 errors found, 2 could not run."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from . import __version__
from .dates import judging_date

FORMATS = ("text", "json", "github", "sarif")


class UsageError(Exception):
    """The command itself could not run: a one-line message and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="brm",
        description="Evidence checks for ISO/IEC 20000-1:2018 clause 8.3.2, business relationship management.",
    )
    parser.add_argument("--version", action="version", version=f"brm-evidence {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check the evidence and report findings")
    check.add_argument("root", nargs="?", default=".", help="the evidence repository (default: .)")
    _as_of_argument(check)
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument(
        "--select", default="", metavar="CODES", help="only these rules: codes or prefixes, comma-separated"
    )
    check.add_argument("--ignore", default="", metavar="CODES", help="skip these rules: codes or prefixes")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour text output (default: auto)"
    )

    rules = commands.add_parser("rules", help="list the rules, or print one rule's documentation")
    rules.add_argument("code", nargs="?", help="a rule code, e.g. REV001")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    status = commands.add_parser("status", help="show each customer's coverage: reviews, surveys, actions, complaints")
    status.add_argument("root", nargs="?", default=".", help="the evidence repository (default: .)")
    _as_of_argument(status)
    status.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    schema = commands.add_parser("schema", help="list the record schemas, print one, or export them all")
    schema.add_argument("type", nargs="?", help="a record type, e.g. action")
    schema.add_argument("--export", metavar="DIR", help="write every schema into DIR as <type>.schema.json")

    from .scaffold import configure

    configure(commands.add_parser("new", help="write a new evidence file, prefilled from the registers"))
    return parser


def _as_of_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="judge cadences at this date (YYYY-MM-DD); default: $BRM_AS_OF, else today",
    )


def as_of(value: str | None) -> date:
    """--as-of, else BRM_AS_OF, else today."""
    try:
        return judging_date(value, "--as-of")
    except ValueError as error:
        raise UsageError(str(error)) from None


def _root(value: str) -> Path:
    root = Path(value)
    if not root.is_dir():
        raise UsageError(f"no such folder: {value}")
    return root


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        handler = {"check": _check, "rules": _rules, "status": _status, "schema": _schema, "new": _new}[args.command]
        return handler(args)
    except UsageError as error:
        print(f"brm: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None


def _check(args: argparse.Namespace) -> int:
    from .load import bulk_reading

    with bulk_reading():
        return _check_evidence(args)


def _check_evidence(args: argparse.Namespace) -> int:
    from .load import load
    from .report import Report, github, sarif, text
    from .report import json as json_report
    from .rules import load_rules, matches, run

    judged = as_of(args.as_of)
    root = _root(args.root)
    select, ignore = _codes(args.select), _codes(args.ignore)
    rules = load_rules()
    for code in select + ignore:
        if not any(matches(known, [code]) for known in rules):
            raise UsageError(f"'{code}' matches no rule (see 'brm rules')")
    loaded = load(root)
    findings = run(loaded, judged, select, ignore)
    report = Report(judged, args.root, loaded.repository.files, findings, rules)
    if args.format == "text":
        colour = args.color == "always" or (
            args.color == "auto" and args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        )
        _write(text.render(report, colour), args.output)
    elif args.format == "json":
        _write(json_report.render(report), args.output)
    elif args.format == "sarif":
        _write(sarif.render(report), args.output)
    else:
        _write(github.render(report), args.output)
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_path:
            with open(summary_path, "a", encoding="utf-8") as summary:
                summary.write(github.summary(report))
    if args.output is not None:
        print(report.summary_line(), file=sys.stderr)
    return 1 if report.errors else 0


def _rules(args: argparse.Namespace) -> int:
    from .rules import load_rules

    rules = load_rules()
    if args.code is None:
        if args.format == "json":
            listing = [
                {"code": r.code, "severity": r.severity, "clause": r.clause, "title": r.title} for r in rules.values()
            ]
            print(json.dumps(listing, indent=2))
        else:
            for declared in rules.values():
                print(f"{declared.code}  {declared.severity:<8} {declared.title}")
        return 0
    code = args.code.upper()
    if code not in rules:
        raise UsageError(f"no rule '{args.code}' (see 'brm rules' for the list)")
    declared = rules[code]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "code": code,
                    "severity": declared.severity,
                    "clause": declared.clause,
                    "title": declared.title,
                    **{k: declared.section(k) for k in ("what", "why", "fix", "example")},
                },
                indent=2,
            )
        )
        return 0
    print(f"{code} ({declared.severity}; ISO/IEC 20000-1:2018 clause {declared.clause})")
    print()
    print(declared.doc)
    return 0


def _status(args: argparse.Namespace) -> int:
    from .coverage import coverage
    from .load import bulk_reading, load
    from .policy import Policy
    from .status import render_json, render_text

    judged = as_of(args.as_of)
    root = _root(args.root)
    with bulk_reading():
        repository = load(root).repository
    matrix = coverage(repository, Policy.from_repository(repository), judged)
    if args.format == "json":
        sys.stdout.write(render_json(matrix, args.root))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render_text(matrix, args.root, colour))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import TYPES, file_schema, record_schema

    if args.export:
        folder = Path(args.export)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for type_name in TYPES:
                (folder / f"{type_name}.schema.json").write_text(
                    json.dumps(file_schema(type_name), indent=2) + "\n", encoding="utf-8"
                )
        except OSError as error:
            raise UsageError(f"cannot write into {folder}: {error.strerror}") from None
        print(f"wrote {len(TYPES)} schemas to {folder}")
        return 0
    if args.type is None:
        for type_name in TYPES:
            description = record_schema(type_name).get("description", "")
            print(f"{type_name:<20} {description.split('. ')[0].rstrip('.')}")
        return 0
    if args.type not in TYPES:
        raise UsageError(f"no record type '{args.type}' (one of: {', '.join(TYPES)})")
    print(json.dumps(file_schema(args.type), indent=2))
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new

    try:
        written = new(args, _root(args.root), as_of(args.as_of), interactive=sys.stdin.isatty())
    except ScaffoldError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {written}")
    return 0
