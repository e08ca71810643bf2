"""A check of the same evidence, by the same code, at the same date, is the same check.

The findings of a check are kept in the user cache (:class:`checks.cache.Entries`)
under a key made of everything they follow from:

- the evidence: for the working tree, the SHA-256 of every evidence file's bytes (each
  file is read and hashed on every run), the size and modification time of every
  other file the walk lists (a path field may name any of them), and every entry the
  walk refused, with why; for a git commit (``--base``), the id of its tree, which
  names all of that already;
- every file read besides the evidence files (a result's responses file): its digest is
  kept with the findings and compared with the file as it is now;
- the code that judged: brm's own modules, schemas and data, the versions of the
  libraries that read and judge (PyYAML, fastjsonschema, jsonschema, python-dateutil,
  holidays, tzdata), Python, and the time-zone database;
- the date: the one given, or today in the procedures' time zone (kept with the
  findings, and compared with today there);
- the rules selected and ignored.

A change to any of them is a different key, so kept findings can never be stale. The
second check of an unchanged repository then costs reading and hashing its files; a
check of the base of ``--base`` costs one look-up when that commit was judged before
(a pull request's base, the last commit). ``BRM_NO_CACHE=1`` turns this off with the
rest of the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import sys
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .boundary import Refused, TooLarge
from .cache import Entries
from .findings import Finding, Severity
from .load import Loaded, evidence_kind, load
from .sources import EvidenceFiles, WorkingTree, installed

_TAG = "brm-judged-1"
#: The libraries whose behaviour a judgement depends on.
_LIBRARIES = ("pyyaml", "fastjsonschema", "jsonschema", "python_dateutil", "holidays", "tzdata")
_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))


@dataclass
class Judgement:
    """The findings of one tree at one date, and how many evidence files it holds."""

    findings: list[Finding]
    files: int
    as_of: date
    kept: bool  # kept from an earlier check (nothing was read but the files' digests)


def judge(
    files: Callable[[], EvidenceFiles],
    identity: bytes | None,
    day: date | None,
    today: Callable[[str], date],
    zone_of: Callable[[Loaded], str],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    unchanged: Callable[[dict[str, str]], bool] | None = None,
) -> Judgement:
    """The findings of the tree ``files`` opens: kept from an earlier check, or judged now.

    ``identity`` names the tree's content (:func:`fingerprint`, or a git tree id; None:
    nothing is kept). ``day`` is the judging date when one was given; else it is
    ``today(zone)`` in the zone ``zone_of`` finds in the evidence. ``unchanged`` tells
    whether the files read besides the evidence still read the same (None: the identity
    names them too, as a git tree's does).
    """
    from .rules import run

    select, ignore = sorted(select), sorted(ignore)
    entries = Entries()
    key = _key(identity, day, select, ignore) if identity is not None and entries.enabled else None
    try:
        if key is not None:
            kept = _restore(entries, key, day, today, unchanged)
            if kept is not None:
                return kept
        opened = files()
        try:
            loaded = load(opened.root, opened)
            zone = zone_of(loaded) if day is None else ""
            judged = day if day is not None else today(zone)
            findings = run(loaded, judged, select, ignore)
            count = loaded.repository.files
            if key is not None and not opened.raced:
                _keep(entries, key, zone, judged, count, opened.extras, findings)
        finally:
            opened.close()
    finally:
        entries.close()
    # The records are dropped here: with --base, the base is loaded next, never beside them.
    return Judgement(findings, count, judged, kept=False)


def judge_working_tree(
    root: Path, value: str | None, date_of: Callable[[str | None, str], date], select: list[str], ignore: list[str]
) -> Judgement:
    """``brm check``'s judgement of the working tree: ``value`` is ``--as-of`` (else ``BRM_AS_OF``, else today)."""
    from .policy import Policy

    files = WorkingTree(root)
    day = date_of(value, "UTC") if value or os.environ.get("BRM_AS_OF") else None
    return judge(
        lambda: files,
        fingerprint(files),
        day,
        lambda zone: date_of(None, zone),
        lambda loaded: Policy.from_repository(loaded.repository).business_hours.timezone,
        select,
        ignore,
        files.same,
    )


def fingerprint(files: WorkingTree) -> bytes | None:
    """What the working tree holds, by content: every evidence file is read and hashed (None: no cache)."""
    if not files.entries.enabled:
        return None
    digest = hashlib.sha256(b"working tree\0")
    for path in sorted(files.tree.files):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        kind = evidence_kind(path)
        if kind is not None:
            content = files.raw(path)
            if isinstance(content, bytes):
                files.known[path] = hashlib.sha256(content).digest()
                digest.update(b"evidence\0" + kind.encode() + b"\0" + files.known[path])
            else:
                digest.update(_unread(content))
            continue
        try:
            status = os.stat(files.tree.files[path])
            digest.update(f"other\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
        except OSError as error:
            digest.update(f"unlisted\0{error.errno}\0".encode())
    for path, reason in sorted(files.tree.refused.items()):
        refused = f"refused\0{path}\0{reason}\0{path in files.tree.not_folders}\0"
        digest.update(refused.encode("utf-8", "surrogateescape"))
    return digest.digest()


def _unread(content: Refused | TooLarge) -> bytes:
    return (f"refused\0{content.reason}" if isinstance(content, Refused) else f"large\0{content.size}").encode()


def _key(identity: bytes, day: date | None, select: list[str], ignore: list[str]) -> bytes:
    parameters = repr((day.isoformat() if day else "today", select, ignore)).encode()
    return hashlib.sha256(b"\0".join((_TAG.encode(), code_stamp(), identity, parameters))).digest()


@cache
def code_stamp() -> bytes:
    """brm's code, schemas and data, the libraries it judges with, Python, and the time-zone database."""
    digest = hashlib.sha256()
    package = resources.files("checks")
    pending = [package]
    while pending:
        folder = pending.pop()
        for entry in sorted(folder.iterdir(), key=lambda item: item.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    pending.append(entry)
            elif entry.name.endswith((".py", ".json", ".yaml")):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    digest.update(repr([installed(name) for name in _LIBRARIES]).encode() + sys.version.encode())
    for zones in zoneinfo.TZPATH:  # the system's zone files come before the tzdata package's
        try:
            status = os.stat(os.path.join(zones, "tzdata.zi"))
            digest.update(f"{zones}\0{status.st_size}\0{status.st_mtime_ns}".encode())
        except OSError:
            continue
    return digest.digest()


def _keep(
    entries: Entries,
    key: bytes,
    zone: str,
    judged: date,
    count: int,
    extras: dict[str, str],
    findings: list[Finding],
) -> None:
    dumped = [_dump(finding) for finding in findings]
    if any(_dump(Finding(**_load(row))) != row for row in dumped):
        return  # a field that would not come back as it is: judge afresh every time
    try:
        value = marshal.dumps((_TAG, key, zone, judged.isoformat(), count, extras, dumped))
    except ValueError:
        return
    entries.put(key, value)
    entries.flush()


def _restore(
    entries: Entries,
    key: bytes,
    day: date | None,
    today: Callable[[str], date],
    unchanged: Callable[[dict[str, str]], bool] | None,
) -> Judgement | None:
    value = entries.get([key]).get(key)
    if value is None:
        return None
    try:
        entry = marshal.loads(value)  # noqa: S302 - our own cache, checksummed; its shape is checked below
        tag, stored, zone, judged, count, extras, dumped = entry
        if tag != _TAG or stored != key or not isinstance(extras, dict) or not isinstance(count, int):
            return None
        when = date.fromisoformat(judged)
        if day is None and today(zone) != when:
            return None  # kept on another day: today's date is another judgement
        if day is not None and day != when:
            return None
        if unchanged is not None and not unchanged(extras):
            return None  # a responses file changed
        findings = [Finding(**_load(row)) for row in dumped]
    except (EOFError, ValueError, TypeError, KeyError):
        return None
    return Judgement(findings, count, when, kept=True)


def _dump(finding: Finding) -> tuple[Any, ...]:
    row = []
    for name in _FIELDS:
        value = getattr(finding, name)
        if isinstance(value, Severity):
            value = value.value
        elif isinstance(value, date):
            value = ("date", value.isoformat())
        row.append(value)
    return tuple(row)


def _load(row: Any) -> dict[str, Any]:
    if not isinstance(row, tuple) or len(row) != len(_FIELDS):
        raise ValueError("not a finding")
    values: dict[str, Any] = {}
    for name, value in zip(_FIELDS, row, strict=True):
        if name == "severity":
            value = Severity(value)
        elif isinstance(value, tuple) and len(value) == 2 and value[0] == "date":
            value = date.fromisoformat(value[1])
        values[name] = value
    return values
