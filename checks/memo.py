"""A check of the same evidence, by the same code, at the same date, is the same check.

The findings of a check are kept in the user cache (:class:`checks.cache.Entries`)
under a key made of everything they follow from:

- the evidence: for the working tree, the SHA-256 of the bytes of every file that may
  be evidence (every ``.yaml``, ``.yml`` and ``.md`` file is read and hashed on every
  run), the size and modification time of every other file the walk lists (a path
  field may name any of them), and every entry the walk refused, with why; for a git
  commit (``--base``), the id of its tree, which names all of that already;
- every file read besides the evidence files (a result's responses file): its digest is
  kept with the findings and compared with the file as it is now;
- the code that judged: brm's own modules, schemas and data (hashed once for each state
  of their files, see :func:`code_stamp`), the versions of the libraries that read and
  judge (PyYAML, fastjsonschema, jsonschema, python-dateutil, holidays, tzdata),
  Python, and the time-zone database;
- the date: the one given, or today in the procedures' time zone (kept with the
  findings, and compared with today there);
- the rules selected and ignored.

A change to any of them is a different key, so kept findings can never be stale. The
second check of an unchanged repository then costs reading and hashing its files (the
loader, the schemas and the rules are not even imported); a check of the base of
``--base`` costs one look-up when that commit was judged before (a pull request's
base, the last commit). ``BRM_NO_CACHE=1`` turns this off with the
rest of the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .boundary import Refused, TooLarge, Tree, inspect, read_bytes, scan
from .cache import Entries, directory, installed
from .findings import Finding, Severity

if TYPE_CHECKING:  # a kept judgement reads nothing but the files: the loader, schemas and rules are not imported
    from .load import Loaded
    from .sources import EvidenceFiles

_TAG = "brm-judged-2"
#: The libraries whose behaviour a judgement depends on.
_LIBRARIES = ("pyyaml", "fastjsonschema", "jsonschema", "python_dateutil", "holidays", "tzdata")
#: A file with one of these suffixes may be evidence (every kind of evidence file has one:
#: a test holds them to the loader's layout): it is read and hashed. Any other file is
#: known by its size and modification time.
READ_SUFFIXES = (".yaml", ".yml", ".md")
#: brm's own files that judge: its code, schemas and data.
_CODE_SUFFIXES = (".py", ".json", ".yaml")
#: A code file changed this recently may change again within the same clock tick, keeping
#: its size and times: its content is hashed, and the stamp is not kept under its times.
_SETTLED_NS = 2_000_000_000
_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))


@dataclass
class Judgement:
    """The findings of one tree at one date, and how many evidence files it holds."""

    findings: list[Finding]
    files: int
    as_of: date
    kept: bool  # kept from an earlier check (nothing was read but the files' digests)
    #: A file changed while it was being checked: a finding may give it no line, or judge it as it was.
    raced: bool = False


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
    select, ignore = sorted(select), sorted(ignore)
    entries = Entries()
    key = _key(identity, day, select, ignore) if identity is not None and entries.enabled else None
    try:
        if key is not None:
            kept = _restore(entries, key, day, today, unchanged)
            if kept is not None:
                entries.flush()  # marks the entry used today (once a day), so it is not dropped as unused
                return kept
        return _judge_now(files, key, entries, day, today, zone_of, select, ignore)
    finally:
        entries.close()


def _judge_now(
    files: Callable[[], EvidenceFiles],
    key: bytes | None,
    entries: Entries,
    day: date | None,
    today: Callable[[str], date],
    zone_of: Callable[[Loaded], str],
    select: list[str],
    ignore: list[str],
) -> Judgement:
    from .load import bulk_reading, load
    from .rules import run

    opened = files()
    opened.lean = True  # rules read typed records: the parsed files need not stay in memory
    try:
        with bulk_reading():
            loaded = load(opened.root, opened)
            zone = zone_of(loaded) if day is None else ""
            judged = day if day is not None else today(zone)
            findings = run(loaded, judged, select, ignore)
            count = loaded.repository.files
            # The records are dropped here, before the collector is back (it would walk them all once
            # more) and before, with --base, the base is loaded: never beside them.
            del loaded
        if key is not None and not opened.raced:
            _keep(entries, key, zone, judged, count, opened.extras, findings)
    finally:
        opened.close()
    return Judgement(findings, count, judged, kept=False, raced=opened.raced)


def judge_working_tree(
    root: Path, value: str | None, date_of: Callable[[str | None, str], date], select: list[str], ignore: list[str]
) -> Judgement:
    """``brm check``'s judgement of the working tree: ``value`` is ``--as-of`` (else ``BRM_AS_OF``, else today)."""
    tree = scan(root)
    digests: dict[str, bytes] = {}
    identity = fingerprint(tree, digests) if directory() is not None else None
    day = date_of(value, "UTC") if value or os.environ.get("BRM_AS_OF") else None

    def opened() -> EvidenceFiles:
        from .sources import WorkingTree

        files = WorkingTree(root, tree)  # judge the listing the key was made of
        files.known.update(digests)
        return files

    return judge(
        opened,
        identity,
        day,
        lambda zone: date_of(None, zone),
        _zone_of,
        select,
        ignore,
        lambda extras: _same(root, tree, extras),
    )


def _zone_of(loaded: Loaded) -> str:
    from .policy import Policy

    return Policy.from_repository(loaded.repository).business_hours.timezone


def fingerprint(tree: Tree, digests: dict[str, bytes]) -> bytes:
    """What the working tree ``tree`` lists holds, by content.

    Every file that may be evidence is read and hashed (its SHA-256 is put in ``digests``,
    so the loader does not read it again to look it up in the parse cache); any other
    file by its size and modification time (a path field may name it); every refused
    entry with why.
    """
    digest = hashlib.sha256(b"working tree\0")
    for path in sorted(tree.files):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        real = tree.files[path]
        if path.endswith(READ_SUFFIXES):
            content = read_bytes(real)
            if isinstance(content, bytes):
                digests[path] = hashlib.sha256(content).digest()
                digest.update(b"content\0" + digests[path])
            else:
                digest.update(_unread(content))
            continue
        try:
            status = os.stat(real)
            digest.update(f"other\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
        except OSError as error:
            digest.update(f"unlisted\0{error.errno}\0".encode())
    for path, reason in sorted(tree.refused.items()):
        refused = f"refused\0{path}\0{reason}\0{path in tree.not_folders}\0"
        digest.update(refused.encode("utf-8", "surrogateescape"))
    return digest.digest()


def _same(root: Path, tree: Tree, extras: dict[str, str]) -> bool:
    """Whether each file read besides the evidence (a result's responses) still has the content it was judged with.

    ``extras`` holds the SHA-256 (hex) of each, as :meth:`checks.sources.EvidenceFiles.read`
    noted it; a file that was refused then, or is now, is never the same (judged again).
    """
    for path, noted in extras.items():
        real = tree.files.get(path)
        target = real if real is not None else inspect(root, path)
        content = read_bytes(target) if isinstance(target, str) else target
        if not isinstance(content, bytes) or hashlib.sha256(content).hexdigest() != noted:
            return False
    return True


def _unread(content: Refused | TooLarge) -> bytes:
    return (f"refused\0{content.reason}" if isinstance(content, Refused) else f"large\0{content.size}").encode()


def _key(identity: bytes, day: date | None, select: list[str], ignore: list[str]) -> bytes:
    parameters = repr((day.isoformat() if day else "today", select, ignore)).encode()
    return hashlib.sha256(b"\0".join((_TAG.encode(), code_stamp(), identity, parameters))).digest()


@cache
def code_stamp() -> bytes:
    """brm's code, schemas and data, the libraries it judges with, Python, and the time-zone database.

    The content of brm's files is hashed once for each state of them: the digest is kept
    in the cache under every file's size, times, inode and device (as git's index keeps
    what it hashed), and read back while none of them changed. A file written in the last
    two seconds is hashed every time: a change within the same clock tick could keep its
    size and times.
    """
    package = Path(__file__).parent
    files = _code_files(package)
    digest = hashlib.sha256()
    digest.update(_content_stamp(package, files))
    digest.update(repr(installed(*_LIBRARIES)).encode() + sys.version.encode())
    for zones in zoneinfo.TZPATH:  # the system's zone files come before the tzdata package's
        try:
            status = os.stat(os.path.join(zones, "tzdata.zi"))
            digest.update(f"{zones}\0{status.st_size}\0{status.st_mtime_ns}".encode())
        except OSError:
            continue
    return digest.digest()


def _code_files(package: Path) -> list[str]:
    """brm's files that judge, relative to the package, in a stable order."""
    found: list[str] = []
    for folder, folders, names in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        relative = os.path.relpath(folder, package)
        found += (os.path.join(relative, name) for name in sorted(names) if name.endswith(_CODE_SUFFIXES))
    return found


def _content_stamp(package: Path, files: list[str]) -> bytes:
    """The SHA-256 of ``files``' names and content: kept under their status, or read and hashed."""
    status = hashlib.sha256(b"brm code status\0")
    settled = True
    now = time.time_ns()
    for name in files:
        try:
            found = os.stat(package / name)
        except OSError:
            settled = False
            continue
        changed = max(found.st_mtime_ns, found.st_ctime_ns)
        settled = settled and now - changed > _SETTLED_NS
        status.update(
            f"{name}\0{found.st_size}\0{found.st_mtime_ns}\0{found.st_ctime_ns}\0{found.st_ino}\0{found.st_dev}\0".encode()
        )
    key = status.digest()
    entries = Entries()
    try:
        if settled:
            kept = entries.get([key]).get(key)
            if kept is not None and len(kept) == 32:
                entries.flush()
                return kept
        content = hashlib.sha256(b"brm code\0")
        for name in files:
            try:
                content.update(name.encode() + b"\0" + (package / name).read_bytes() + b"\0")
            except OSError:
                content.update(name.encode() + b"\0unreadable\0")
        digest = content.digest()
        if settled:
            entries.put(key, digest)
            entries.flush()
        return digest
    finally:
        entries.close()


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
