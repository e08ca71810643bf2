"""``brm bundle`` and ``brm verify``: their flags and their wiring, nothing else."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..roots import add_root
from .build import BundleError

AS_OF_HELP = (
    "bundle the repository as it stood at the end of this day (YYYY-MM-DD): the last commit on or before it, "
    "judged at it; default: $BRM_AS_OF, else HEAD judged today in the procedures' time zone"
)


def configure_bundle(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", action="append", metavar="ID", help="the customer to bundle (repeat for more)")
    who.add_argument("--all", action="store_true", help="every customer: the whole scope of an audit")
    parser.add_argument(
        "--period",
        metavar="START..END",
        help="only the reviews, results, actions and complaints of this period (2026-07-01..2026-09-30, 2026-Q3, 2026)",
    )
    parser.add_argument("--as-of", metavar="DATE", help=AS_OF_HELP)
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="the zip file to write, or a folder (ending in /) to write the files into; "
        "default: brm-bundle-CUSTOMER-ASOF.zip",
    )
    parser.add_argument("--pdf", action="store_true", help="add bundle.pdf, printed by headless Chromium")
    parser.add_argument("--sign", metavar="KEY", help="sign the manifest with this SSH key (ssh-keygen -Y sign)")
    parser.add_argument(
        "--include-contacts", action="store_true", help="do not withhold e-mail addresses and phone numbers"
    )


def configure_verify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", metavar="BUNDLE", help="the bundle's zip file, or the folder it was unpacked into")
    parser.add_argument(
        "--allowed-signers", metavar="FILE", help="check the manifest's signature against this allowed-signers file"
    )
    parser.add_argument(
        "--root",
        metavar="ROOT",
        help="the evidence repository to compare with (default: the current folder, if it is in git)",
    )


def default_name(customers: list[str] | None, everyone: bool, as_of: date) -> str:
    who = "all" if everyone or not customers else "-".join(customers)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", who)[:80].strip("-") or "bundle"
    return f"brm-bundle-{slug}-{as_of.isoformat()}.zip"


def run_bundle(args: argparse.Namespace, root: Path, as_of: Callable[[str | None, str], date]) -> int:
    """Make the bundle; ``as_of(value, zone)`` reads --as-of, $BRM_AS_OF or today in a time zone."""
    from ..findings import display
    from ..load import bulk_reading
    from ..management.period import PeriodError, parse
    from ..policy import Policy
    from ..rules import run
    from ..snapshot import SnapshotError, of_day
    from .build import build, write
    from .scope import Scope

    try:
        period = parse(args.period) if args.period else None
    except PeriodError as error:
        raise BundleError(f"--period: {error}") from None
    given = args.as_of or os.environ.get("BRM_AS_OF")
    day = as_of(given, "UTC") if given else None
    signer = Path(args.sign) if args.sign else None
    if signer is not None and not signer.is_file():
        raise BundleError(f"--sign: no key file {args.sign}: give an SSH private key, or an agent key's .pub file")
    try:
        with bulk_reading(), of_day(root, day) as snapshot:
            repository = snapshot.loaded.repository
            judged = day or as_of(None, Policy.from_repository(repository).business_hours.timezone)
            findings = run(snapshot.loaded, judged)
            scope = Scope(tuple(args.customer or ()), everyone=args.all, period=period)
            when = snapshot.committed_at
            pdf = None
            if args.pdf:
                from datetime import UTC, datetime

                from . import pdf as printing

                stamp = when or datetime.combine(judged, datetime.min.time(), UTC)
                pdf = lambda html: printing.render(html, stamp)  # noqa: E731 - one call, bound to the date
            sign = None
            if signer is not None:
                from .signing import sign as signing

                sign = lambda manifest: signing(manifest, signer)  # noqa: E731
            bundle = build(snapshot, judged, findings, scope, args.include_contacts, pdf, sign)
    except SnapshotError as error:
        raise BundleError(f"--as-of {day}: {error}") from None
    text = args.output or default_name(args.customer, args.all, judged)
    folder = text.endswith(("/", os.sep)) or Path(text).is_dir()
    written = write(bundle, Path(text), folder)
    evidence = [e for e in bundle.manifest["files"] if "source" in e]
    withheld = sum(1 for e in evidence if "path" not in e)
    commit = bundle.manifest["commit"]
    at = f"commit {commit['sha'][:12]}" if commit else "no commit"
    for note in bundle.notes:
        print(f"brm: {note}", file=sys.stderr)
    print(
        f"wrote {display(str(written))}: {len(evidence) - withheld} evidence files"
        + (f" ({withheld} withheld)" if withheld else "")
        + f", judged as of {judged} at {at}"
    )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Exit 0 verified, 1 not verified (a problem found), 2 not a bundle."""
    from .verify import VerifyError, render, verify

    root: Path | None = Path(args.root) if args.root else Path(".")
    if root is not None and not _in_git(root):
        if args.root:
            raise BundleError(f"--root {args.root} is not inside a git repository: nothing to compare with")
        root = None
    signers = Path(args.allowed_signers) if args.allowed_signers else None
    try:
        verdict = verify(Path(args.bundle), root, signers)
    except VerifyError as error:
        raise BundleError(str(error)) from None
    sys.stdout.write(render(args.bundle, verdict))
    return 0 if verdict.ok else 1


def _in_git(root: Path) -> bool:
    from ..snapshot import head

    return root.is_dir() and head(root) is not None
