"""What a site build made, kept for the next build of the same evidence.

Two things a site build makes are slow to make and follow only from what the build was
given: each customer's evidence bundle (:mod:`checks.bundle.published`), and the
compliance point of a month end the management report judges on today's evidence (one
before the first commit, :mod:`checks.management.history`). Both are kept in the user
cache (:class:`checks.cache.Entries`, beside the parse cache and the kept findings of
:mod:`checks.memo`) under a key made of everything they follow from:

- the code: :func:`checks.memo.code_stamp` (brm's modules, schemas and data, the
  libraries it judges with, Python, the time-zone database);
- the evidence, by content: :func:`checks.memo.fingerprint` of the working tree below
  the evidence root (the SHA-256 of every file that may be evidence, the size and
  modification time of every other file, every entry refused) and the SHA-256 of every
  other file the load read (a result's responses);
- for a bundle: everything the site says of git (HEAD's commit, each file's last
  commit, the files of HEAD's tree, the uncommitted ones, the evidence root's folder),
  the as-of date, whether contacts are published, and the customer;
- for a month end: its day.

A change to any of them is another key, so a kept product can never be stale: ``mkdocs
serve`` after an edit, or a build after a commit, makes them afresh; a second build of
the same evidence takes them as they were. An entry that does not read back as one of
ours (damaged, foreign, another layout) is a miss, and the thing is made again.
``BRM_NO_CACHE=1`` turns this off with the rest of the cache; so does a file that
changed while it was being read.

A bundle weighs kilobytes to megabytes: each customer's is kept in one place for its
evidence root (the entry holds the key it was made under, and a different key is a
miss), so a day of edits under ``mkdocs serve`` keeps one bundle a customer, not one an
edit. A month end's counts are a few bytes, kept under their key.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Mapping
from typing import Any

from .cache import Entries
from .memo import code_stamp
from .site.provenance import History
from .sources import EvidenceFiles

#: The shape of a kept product; changing it makes every older entry a miss.
_TAG = "brm-kept-1"


def identity(fingerprint: bytes | None, files: EvidenceFiles) -> bytes | None:
    """The evidence a build was made from, by content (None: nothing may be kept).

    ``fingerprint`` is :func:`checks.memo.fingerprint` of the tree ``files`` lists, taken
    before they were loaded; the files the load read besides the evidence
    (``files.extras``) are added.
    """
    if fingerprint is None or files.raced:
        return None
    digest = hashlib.sha256(b"evidence\0" + fingerprint)
    for path, read in sorted(files.extras.items()):
        digest.update(f"read\0{path}\0{read}\0".encode("utf-8", "surrogateescape"))
    return digest.digest()


def of_history(history: History) -> bytes:
    """Everything a site states of git, as one digest: a bundle follows from all of it."""
    head = history.head
    stated = (
        (head.sha, head.short, head.date, head.author) if head is not None else None,
        history.prefix,
        history.missing,
        history.shallow,
        sorted(history.dirty),
        sorted(history.committed) if history.committed is not None else None,
        sorted(history.links),
        sorted((path, (c.sha, c.short, c.date, c.author)) for path, c in history.files.items()),
    )
    return hashlib.sha256(repr(stated).encode("utf-8", "surrogateescape")).digest()


class Kept:
    """The products kept for one build's evidence (``evidence``: :func:`identity`; None: none kept).

    Close it when the build is done; what :meth:`put` kept is written by :meth:`flush`.
    """

    def __init__(self, evidence: bytes | None) -> None:
        self.evidence = evidence
        self._entries = Entries() if evidence is not None else None

    @property
    def enabled(self) -> bool:
        return self._entries is not None and self._entries.enabled

    def key(self, kind: str, *parts: bytes | str) -> bytes | None:
        """The key of one product of this evidence: everything it follows from (None: nothing is kept)."""
        if self.evidence is None or not self.enabled:
            return None
        return _digest(kind, code_stamp(), self.evidence, *parts)

    def get(self, places: Mapping[bytes, bytes]) -> dict[bytes, Any]:
        """What is kept at each place (``places``: place -> the key it must have been made under)."""
        found: dict[bytes, Any] = {}
        if self._entries is None or not places:
            return found
        for place, value in self._entries.get(places).items():
            try:
                entry = marshal.loads(value)  # noqa: S302 - our own cache, checksummed; its shape is checked
            except (EOFError, ValueError, TypeError):
                continue
            if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == _TAG and entry[1] == places[place]:
                found[place] = entry[2]
        return found

    def put(self, place: bytes, key: bytes | None, value: Any) -> None:
        """Keep ``value`` (plain data: bytes, str, numbers, tuples), made under ``key``, at ``place``."""
        if key is None or self._entries is None:
            return
        try:
            self._entries.put(place, marshal.dumps((_TAG, key, value)))
        except ValueError:  # pragma: no cover - callers keep plain data only
            return

    def flush(self) -> None:
        if self._entries is not None:
            self._entries.flush()

    def close(self) -> None:
        if self._entries is not None:
            self._entries.flush()
            self._entries.close()


def place(kind: str, *parts: bytes | str) -> bytes:
    """Where a product is kept when one at a time is enough (a customer's bundle of one evidence root)."""
    return _digest(kind, b"place", *parts)


def _digest(kind: str, *parts: bytes | str) -> bytes:
    digest = hashlib.sha256(_TAG.encode() + b"\0" + kind.encode())
    for part in parts:
        value = part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape")
        digest.update(len(value).to_bytes(8, "big") + value)
    return digest.digest()
