"""An exception that escapes the checks is a bug in them, never a verdict on the evidence.

Every entry point (``brm check``, ``status``, ``new``, the cadence watch, the MkDocs
plugin) turns one into a single line naming the file being processed, and ``brm``
exits 2 ("could not run"): a pipeline that reads exit 1 as "findings" must never take
a crash for a report. ``BRM_DEBUG=1`` prints the traceback as well.

The file is found where the exception happened: the innermost record, source or
document the failing code was holding names it (or, before any exists, the ``path``
the loader and the reader are on).
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

from .findings import Location, display


class Crash(Exception):
    """An unexpected exception, with the file and the stage it happened in."""

    def __init__(self, error: BaseException, stage: str, path: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.stage = stage
        self.path = path if path is not None else _path_in(error.__traceback__)

    def __str__(self) -> str:
        where = f" {display(self.path)}" if self.path else " the evidence"
        first = display((str(self.error).strip().splitlines() or [""])[0][:200])
        what = type(self.error).__name__ + (f": {first}" if first else "")
        return (
            f"internal error while {self.stage}{where} ({what}); this is a bug in brm-evidence, "
            "not in the evidence: please report it (BRM_DEBUG=1 shows the traceback)"
        )


def crash(error: BaseException, stage: str) -> Crash:
    """``error`` as a :class:`Crash` (kept as it is if it already is one)."""
    return error if isinstance(error, Crash) else Crash(error, stage)


def report(error: Crash, prefix: str) -> None:
    """Print the one line (and, with ``BRM_DEBUG``, the traceback) on standard error."""
    if os.environ.get("BRM_DEBUG"):
        import traceback  # only then: a check that does not crash never needs it

        traceback.print_exception(error.error, file=sys.stderr)
    print(f"{prefix}: error: {error}", file=sys.stderr)


#: Modules whose ``path`` local is the evidence file they are on.
_NAMING_PATH = ("checks.load", "checks.reader", "checks.sources")


def _path_in(trace: TracebackType | None) -> str | None:
    """The evidence file the innermost frame holding one was working on."""
    from .model import Record, Source
    from .reader import Document

    frames = []
    while trace is not None:
        frames.append(trace.tb_frame)
        trace = trace.tb_next
    for frame in reversed(frames):
        values = frame.f_locals
        # The loader and the reader name the file they are on ``path`` (before any record exists).
        named = values.get("path")
        if isinstance(named, str) and frame.f_globals.get("__name__") in _NAMING_PATH:
            return named
        for value in values.values():
            if isinstance(value, Record):
                return value.source.path
            if isinstance(value, (Source, Document, Location)):
                return value.path
    return None
