"""`brm`: argument parsing and wiring only. Exit 0 clean, 1 errors found, 2 could not run."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .dates import judging_date
from .failure import crash, report
from .findings import Finding, display
from .roots import RootError, add_root, evidence_root, settle

if TYPE_CHECKING:
    from .baseline import Base
    from .model import Repository
    from .rules import Rule

FORMATS = ("text", "json", "github", "sarif")
EXPORT_FORMATS = ("business-relationships", "xlsx", "csv")
_EXPORT_DEFAULTS = "standard output (business-relationships, csv of one register), registers.xlsx, registers-csv/"


class UsageError(Exception):
    """The command itself could not run: a one-line message and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser(wanted: str | None = None) -> argparse.ArgumentParser:
    """The command line. Only the ``wanted`` command's options are set up: the larger
    commands (new, init, import, export, bundle, verify, report) import their modules to
    do so, which a pre-commit hook running ``brm check`` on every commit need not pay for.
    ``brm --help`` lists every command either way."""
    parser = _Parser(
        prog="brm",
        description="Evidence checks for ISO/IEC 20000-1:2018 clause 8.3.2, business relationship management.",
    )
    parser.add_argument("--version", action="version", version=f"brm-evidence {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check the evidence and report findings")
    add_root(check)
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
    check.add_argument(
        "--base",
        metavar="REF",
        help="judge the change since the git commit REF (HEAD, origin/main, a SHA): each finding is new or "
        "already on the base (unchanged), and the base's that are gone are fixed",
    )
    check.add_argument(
        "--fail-on",
        choices=("new", "any"),
        help="exit 1 for new errors only, or for any error (default: new with --base, else any)",
    )
    check.add_argument(
        "-v", "--verbose", action="store_true", help="text output: also list the findings already on the base"
    )

    rules = commands.add_parser("rules", help="list the rules, or print one rule's documentation")
    rules.add_argument("code", nargs="?", help="a rule code, e.g. REV001")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--clause", metavar="CLAUSE", help="the rules that check a clause, e.g. 8.3.2 or 7.1 (2011)")

    status = commands.add_parser("status", help="show each customer's coverage: reviews, surveys, actions, complaints")
    add_root(status)
    _as_of_argument(status)
    status.add_argument(
        "--format", choices=("text", "json", "md"), default="text", help="output format (default: text; md with --plan)"
    )
    status.add_argument("--plan", action="store_true", help="the findings as a 30/60/90-day plan, step by step")

    schema = commands.add_parser("schema", help="list the record schemas, print one, or export them all")
    schema.add_argument("type", nargs="?", help="a record type, e.g. action")
    schema.add_argument("--export", metavar="DIR", help="write every schema into DIR as <type>.schema.json")

    def lazy(name: str, help: str) -> argparse.ArgumentParser | None:
        command = commands.add_parser(name, help=help)
        return command if wanted == name else None

    if new := lazy("new", "write a new evidence file, prefilled from the registers"):
        from .scaffold import configure

        configure(new)
    if init_command := lazy("init", "set up a new evidence repository (never overwrites a file)"):
        from . import init

        init.configure(init_command)
    if import_command := lazy("import", "write evidence from a business-relationships.json summary"):
        from .interchange import configure_import

        configure_import(import_command)
    if export := lazy("export", "write the registers as business-relationships.json, xlsx or csv"):
        add_root(export)
        export.add_argument("--format", choices=EXPORT_FORMATS, required=True, help="what to write")
        export.add_argument("--register", choices=_registers(), help="xlsx and csv: only this register")
        export.add_argument(
            "--output",
            metavar="PATH",
            help="a file (for csv of every register: a folder); default: " + _EXPORT_DEFAULTS,
        )
        export.add_argument("--include-contacts", action="store_true", help="xlsx and csv: do not withhold contacts")
        _as_of_argument(export)
    if bundle := lazy("bundle", "one customer's evidence as a zip an auditor can verify"):
        from .bundle.command import configure_bundle

        configure_bundle(bundle)
    if verify := lazy("verify", "check an evidence bundle: hashes, git, signature"):
        from .bundle.command import configure_verify

        configure_verify(verify)
    if report := lazy("report", "the management report of a period: quarter, year or range"):
        from .management.command import configure as configure_report

        configure_report(report)
    return parser


def _as_of_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="judge cadences at this date (YYYY-MM-DD); default: $BRM_AS_OF, else today in the procedures' time zone",
    )


def as_of(value: str | None, timezone: str = "UTC") -> date:
    """--as-of, else BRM_AS_OF, else today in ``timezone`` (the BRM procedures' time zone)."""
    try:
        return judging_date(value, "--as-of", timezone=timezone)
    except ValueError as error:
        raise UsageError(str(error)) from None


def judged_at(value: str | None, repository: Repository) -> date:
    """The judging date of a loaded repository: today is the day it is in its procedures' time zone."""
    from .policy import Policy

    return as_of(value, Policy.from_repository(repository).business_hours.timezone)


def _root(value: str) -> Path:
    try:
        return evidence_root(value)
    except RootError as error:
        raise UsageError(str(error)) from None


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


#: What each command is doing, for the one line an unexpected exception becomes.
_STAGES = {
    "check": "checking",
    "rules": "listing the rules",
    "status": "computing the status of",
    "schema": "writing the schemas",
    "new": "writing a new evidence file beside",
    "init": "setting up",
    "import": "importing into",
    "export": "exporting",
    "bundle": "bundling",
    "verify": "verifying a bundle of",
    "report": "reporting on",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Exit 1 only ever comes with a report: anything unexpected is exit 2."""
    command = "check"
    try:
        arguments = sys.argv[1:] if argv is None else list(argv)
        wanted = next((a for a in arguments if not a.startswith("-")), None)
        args = _parser(wanted).parse_args(arguments)
        command = args.command
        settle(args)
        handlers = {"check": _check, "rules": _rules, "status": _status, "schema": _schema, "new": _new}
        handlers |= {"init": _init, "import": _import, "export": _export}
        handlers |= {"bundle": _bundle, "verify": _verify, "report": _report}
        return handlers[command](args)
    except (UsageError, RootError) as error:
        print(f"brm: error: {display(str(error))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug in brm, not in the evidence: never exit 1, never a traceback
        report(crash(error, _STAGES.get(command, "running")), "brm")
        return 2


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None


def _check(args: argparse.Namespace) -> int:
    from .memo import judge_working_tree
    from .report import Report

    as_of(args.as_of)  # a bad date is refused before anything is read
    root = _root(args.root)
    select, ignore = _codes(args.select), _codes(args.ignore)
    if select or ignore:
        from .rules import load_rules, matches

        known = load_rules()
        for code in select + ignore:
            if not any(matches(rule, [code]) for rule in known):
                raise UsageError(f"'{code}' matches no rule (see 'brm rules')")
    fail_on = args.fail_on or ("new" if args.base is not None else "any")
    if fail_on == "new" and args.base is None:
        raise UsageError("--fail-on new needs --base REF, the commit the change is judged against")
    base = _base(root, args.base)  # a base that cannot be read is refused before the evidence is read
    judgement = judge_working_tree(root, args.as_of, as_of, select, ignore)  # kept from the last check if unchanged
    judged, findings = judgement.as_of, judgement.findings
    if judgement.raced:
        print(
            "brm: warning: evidence files changed while they were checked, so a finding may give no line "
            "or describe a file as it was: check again once nothing is writing to them",
            file=sys.stderr,
        )
    fixed: list[Finding] = []
    if base is not None:
        from .baseline import BaseError, compare

        try:  # the base is judged at the working tree's date: drift is on both, so never new
            findings, fixed = compare(root, base, findings, judged, select, ignore)
        except BaseError as error:
            raise UsageError(str(error)) from None
    label = base.label if base is not None else None
    rules = _catalogue(args.format)
    report = Report(judged, display(args.root), judgement.files, findings, rules, label, fixed, fail_on)
    if args.format == "text":
        from .report import text

        colour = args.color == "always" or (
            args.color == "auto" and args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        )
        _write(text.render(report, colour, args.verbose), args.output)
    elif args.format == "json":
        from .report import json as json_report

        _write(json_report.render(report), args.output)
    elif args.format == "sarif":
        from .report import sarif

        _write(sarif.render(report), args.output)
    else:
        from .report import github

        _write(github.render(report), args.output)
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_path:
            with open(summary_path, "a", encoding="utf-8") as summary:
                summary.write(github.summary(report))
    if args.output is not None:
        print(report.summary_line(), file=sys.stderr)
    return 1 if report.failed else 0


def _catalogue(format: str) -> dict[str, Rule]:
    """The rules a report describes: SARIF lists every rule; the other formats name only the findings' codes.

    Findings kept from an earlier check need no rule imported, so none is unless SARIF asks.
    """
    if format != "sarif":
        return {}
    from .rules import load_rules

    return load_rules()


def _base(root: Path, ref: str | None) -> Base | None:
    """The commit ``--base`` names, read from git (exit 2 with the fix if it cannot be)."""
    if ref is None:
        return None
    from .baseline import BaseError, resolve

    try:
        return resolve(root, ref)
    except BaseError as error:
        raise UsageError(str(error)) from None


def _rules(args: argparse.Namespace) -> int:
    from .rules import load_rules

    if args.clause is not None:
        return _clause(args)
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

    as_of(args.as_of)  # a bad date is refused before anything is read
    root = _root(args.root)
    if args.plan:
        return _plan(args, root)
    if args.format == "md":
        raise UsageError("--format md is for --plan; the coverage table is text or json")
    with bulk_reading():
        repository = load(root).repository
    judged = judged_at(args.as_of, repository)
    matrix = coverage(repository, Policy.from_repository(repository), judged)
    if args.format == "json":
        sys.stdout.write(render_json(matrix, display(args.root)))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render_text(matrix, display(args.root), colour))
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

    root = _root(args.root)
    today = as_of(args.as_of)
    if not (args.as_of or os.environ.get("BRM_AS_OF")):
        from .load import load

        today = judged_at(None, load(root).repository)  # today where the procedures are, not where we are
    try:
        written = new(args, root, today, interactive=_interactive())
    except ScaffoldError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {written}")
    return 0


def _interactive() -> bool:
    """Questions can be asked: standard input is a terminal (it may be closed, or None)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _plan(args: argparse.Namespace, root: Path) -> int:
    from . import plan
    from .coverage import coverage
    from .load import bulk_reading, load
    from .policy import Policy
    from .rules import run

    with bulk_reading():
        loaded = load(root)
        repository = loaded.repository
        judged = judged_at(args.as_of, repository)
        findings = run(loaded, judged)
        matrix = coverage(repository, Policy.from_repository(repository), judged)
    steps = plan.build(repository, findings, matrix, display(args.root))
    render = {"text": plan.render_text, "json": plan.render_json, "md": plan.render_markdown}[args.format]
    sys.stdout.write(render(steps))
    return 0


def _init(args: argparse.Namespace) -> int:
    from .init import InitError, run

    try:
        sys.stdout.write(run(args, as_of(args.as_of), interactive=_interactive()))
    except InitError as error:
        raise UsageError(str(error)) from None
    return 0


def _clause(args: argparse.Namespace) -> int:
    from .clauses import listing, render_json, render_text
    from .rules import load_rules

    if args.code is not None:
        raise UsageError("give a rule code or --clause, not both")
    found = listing(args.clause)
    if found is None:
        raise UsageError(f"no rule checks clause '{args.clause}' (try 8.3.2, or 7.1 for the 2011 edition)")
    titles = {code: rule.title for code, rule in load_rules().items()}
    sys.stdout.write(render_json(found) if args.format == "json" else render_text(found, titles))
    return 0


def _registers() -> tuple[str, ...]:
    from .export import REGISTERS

    return REGISTERS


def _import(args: argparse.Namespace) -> int:
    from .init import InitError
    from .interchange import SummaryError, run_import

    try:
        sys.stdout.write(run_import(args, as_of(args.as_of), interactive=_interactive()))
    except (InitError, SummaryError) as error:
        raise UsageError(str(error)) from None
    return 0


def _export(args: argparse.Namespace) -> int:
    from . import export
    from .interchange import render_summary
    from .load import bulk_reading, load

    as_of(args.as_of)  # a bad date is refused before anything is read
    root = _root(args.root)
    if args.format == "business-relationships" and (args.register or args.include_contacts):
        raise UsageError("--register and --include-contacts are for --format xlsx or csv")
    with bulk_reading():
        repository = load(root).repository
    if args.format == "business-relationships":
        _write(render_summary(repository), args.output)
        return 0
    judged = judged_at(args.as_of, repository)
    tables = export.export(repository, export.tables_for(args.register), args.include_contacts)
    cover = export.Cover(display(args.root), judged, export.commit_of(root), args.include_contacts)
    try:
        if args.format == "xlsx":
            output = Path(args.output or "registers.xlsx")
            output.write_bytes(export.workbook(tables, cover))
        elif args.register:
            [(table, rows)] = tables
            _write(export.render_csv(table, rows), args.output)
            output = Path(args.output or "-")
        else:
            output = Path(args.output or "registers-csv")
            output.mkdir(parents=True, exist_ok=True)
            counts = {table.name: len(rows) for table, rows in tables}
            (output / "cover.csv").write_text(export.render_cover_csv(cover, counts), encoding="utf-8", newline="")
            for table, rows in tables:
                (output / f"{table.name}.csv").write_text(export.render_csv(table, rows), encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError(f"cannot write {error.filename or args.output}: {error.strerror}") from None
    if args.output is not None or args.format == "xlsx" or not args.register:
        contacts = "included" if args.include_contacts else "withheld"
        print(f"wrote {output} ({sum(len(r) for _, r in tables)} rows; contacts {contacts})", file=sys.stderr)
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from .bundle.command import BundleError, run_bundle

    as_of(args.as_of)  # a bad date is refused before anything is read
    try:
        return run_bundle(args, _root(args.root), as_of)
    except BundleError as error:
        raise UsageError(str(error)) from None


def _verify(args: argparse.Namespace) -> int:
    from .bundle.command import BundleError, run_verify

    try:
        return run_verify(args)
    except BundleError as error:
        raise UsageError(str(error)) from None


def _report(args: argparse.Namespace) -> int:
    from .management.command import ReportError, run

    as_of(args.as_of)  # a bad date is refused before anything is read
    try:
        return run(args, _root(args.root), as_of)
    except ReportError as error:
        raise UsageError(str(error)) from None
