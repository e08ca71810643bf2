"""A per-user cache of work that is slow to redo and never changes an answer.

Compiled schema validators and public-holiday calendars are kept in
``$XDG_CACHE_HOME/brm-evidence`` (``~/.cache/brm-evidence``), each file named by a key
that changes whenever what it was computed from changes. A missing, unreadable,
corrupt or unwritable cache only means computing again: callers treat ``None`` from
:func:`read` as "not cached", and :func:`write` never fails. ``BRM_NO_CACHE=1`` turns
it off. Evidence is never cached: it is read afresh on every run.
"""

from __future__ import annotations

import os
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
