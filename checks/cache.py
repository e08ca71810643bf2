"""A per-user cache of work that is slow to redo and never changes an answer.

Compiled schema validators and public-holiday calendars are kept in
``$XDG_CACHE_HOME/brm-evidence`` (``~/.cache/brm-evidence``), each file named by a key
that changes whenever what it was computed from changes. A missing, unreadable,
corrupt or unwritable cache only means computing again: callers treat ``None`` from
:func:`read` as "not cached", and :func:`write` never fails. ``BRM_NO_CACHE=1`` turns
it off.

Evidence is read afresh on every run; what the reader and the schemas made of a file
is kept in :class:`Entries` under the SHA-256 of the file's bytes (see
:mod:`checks.sources`), so a cached answer is always the answer for those exact bytes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path


def directory() -> Path | None:
    if os.environ.get("BRM_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not base or base.startswith("~"):  # no home directory to expand
        return None
    return Path(base) / "brm-evidence"


def read(name: str) -> bytes | None:
    folder = directory()
    if folder is None:
        return None
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Replace the cached file in one step, so a concurrent reader never sees half of it."""
    folder = directory()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, folder / name)
    except OSError:
        pass  # a read-only home: compute on every run


def installed(*distributions: str) -> dict[str, str]:
    """Each library's installed version (``"unknown"`` if it is not found), for the keys of what it computed.

    Read from the name of its ``.dist-info`` (or ``.egg-info``) folder on ``sys.path``, the
    first one found as an import would: ``importlib.metadata`` costs a few hundredths of a
    second to import, which a check whose findings are kept would pay for nothing else.
    """
    prefixes = {name.replace("-", "_").lower() + "-": name for name in distributions}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            lowered = name.lower()
            if lowered.endswith((".dist-info", ".egg-info")):
                for prefix, distribution in prefixes.items():
                    if distribution not in found and lowered.startswith(prefix):
                        found[distribution] = name[len(prefix) :].rsplit(".", 1)[0]
        if len(found) == len(prefixes):
            break
    return {name: found.get(name, "unknown") for name in distributions}


#: The layout of the entries database; a file of another layout is replaced.
_LAYOUT = 1
#: Entries not used for this many days are dropped when new ones are written.
KEEP_DAYS = 30


class Entries:
    """Content-addressed entries (key -> bytes) in one SQLite file of the cache folder.

    The parse cache keeps what the reader and the schemas made of each evidence file
    here, keyed by the SHA-256 of its bytes, so a key can never name stale content.
    Each value carries a CRC-32 of itself: a damaged or truncated value is not
    returned. A corrupt or foreign database file is removed (the next run starts a new
    one), a locked or unwritable one is left alone; either way the run goes on without
    the entries it could not read or write. Nothing here raises.
    """

    def __init__(self, name: str = f"entries-{_LAYOUT}.sqlite3") -> None:
        self._name = name
        self._db: sqlite3.Connection | None = None
        self._broken = directory() is None
        self._pending: dict[bytes, bytes] = {}
        self._stale: list[bytes] = []  # keys read today whose `used` day is older
        self._pruned = False
        self._renewed = False  # a damaged file was removed and a new one started, once a run

    @property
    def enabled(self) -> bool:
        return not self._broken

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        folder = directory()
        if folder is None:
            self._broken = True
            return None
        path = folder / self._name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=2.0, isolation_level=None, check_same_thread=False)
            layout = db.execute("PRAGMA user_version").fetchone()[0]
            if layout not in (0, _LAYOUT):
                db.close()
                raise sqlite3.DatabaseError(f"layout {layout}")
            if layout == 0:
                db.execute("PRAGMA page_size=16384")  # values are a few KB: fewer overflow pages
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            db.execute("PRAGMA synchronous=OFF")  # a cache: a damaged file is detected and replaced
            if layout == 0:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS entries "
                    "(key BLOB PRIMARY KEY, value BLOB NOT NULL, used INTEGER NOT NULL)"
                )
                db.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries (used)")
                db.execute(f"PRAGMA user_version={_LAYOUT}")
        except sqlite3.Error as error:
            self._fail(error)
            return None
        except OSError:
            self._broken = True
            return None
        self._db = db
        return db

    def _fail(self, error: sqlite3.Error) -> None:
        """Stop using a locked or unwritable database for this run; replace one that is not ours (once)."""
        self._broken = True
        self.close()
        corrupt = not isinstance(error, sqlite3.OperationalError)  # locked, read-only, full: leave it
        folder = directory()
        if corrupt and folder is not None and not self._renewed:
            self._renewed = True
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    (folder / (self._name + suffix)).unlink()
            self._broken = False  # the next use starts a new file

    def get(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """The stored value of each of ``keys`` that has one (and whose checksum is right)."""
        db = self._connect()
        wanted = list(dict.fromkeys(keys))
        found: dict[bytes, bytes] = {}
        if db is None or not wanted:
            return found
        today = date.today().toordinal()
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value, used in db.execute(
                    f"SELECT key, value, used FROM entries WHERE key IN ({marks})",  # noqa: S608 - only '?' marks
                    chunk,
                ):
                    if isinstance(value, bytes) and len(value) >= 4 and _crc(value[4:]) == value[:4]:
                        found[key] = value[4:]
                        if used != today:
                            self._stale.append(key)
        except sqlite3.Error as error:
            self._fail(error)
            return {}
        return found

    def put(self, key: bytes, value: bytes) -> None:
        """Keep ``value`` to be written by :meth:`flush`."""
        if not self._broken:
            self._pending[key] = value

    def flush(self) -> None:
        """Write what :meth:`put` kept, mark what was read today, and drop entries unused for long."""
        if self._broken or not (self._pending or self._stale):
            return
        db = self._connect()
        if db is None:
            return
        today = date.today().toordinal()
        try:
            db.execute("BEGIN IMMEDIATE")
            if self._pending:
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, value, used) VALUES (?, ?, ?)",
                    ((key, _crc(value) + value, today) for key, value in self._pending.items()),
                )
                if not self._pruned:
                    db.execute("DELETE FROM entries WHERE used < ?", (today - KEEP_DAYS,))
                    self._pruned = True
            if self._stale:
                db.executemany("UPDATE entries SET used = ? WHERE key = ?", ((today, key) for key in self._stale))
            db.execute("COMMIT")
        except sqlite3.Error as error:
            self._fail(error)
        self._pending.clear()
        self._stale.clear()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _crc(value: bytes) -> bytes:
    return zlib.crc32(value).to_bytes(4, "big")
