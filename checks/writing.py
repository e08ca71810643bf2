"""New files inside an evidence repository: never over an existing one, never half-written.

``brm init`` and ``brm import`` write many files into a folder that may already hold
some of them. Each file is written to a temporary name in its own folder and then
linked into place under its real name: the link fails if the name exists, so an
existing file is never replaced (not even one created a moment earlier by someone
else), and a reader never sees a half-written file. A full disk or a read-only folder
is a :class:`WriteError` naming the file; nothing is left behind (not even the folders
made for it).

A target must stay inside the repository: a path with ``..``, an absolute path, or a
folder that is a symbolic link leading outside the root is refused before anything is
written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

WRITTEN = "written"
EXISTS = "exists"


class WriteError(Exception):
    """A file could not be written: one sentence naming it and why."""


@dataclass
class Outcome:
    """What happened to each file asked for, in the order asked."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already there: left as it was

    def add(self, path: str, result: str) -> None:
        (self.written if result == WRITTEN else self.skipped).append(path)


def target(root: Path, relative: str) -> Path:
    """The file ``relative`` (a POSIX path) names inside ``root``, or a WriteError."""
    posix = PurePosixPath(relative)
    if posix.is_absolute() or ".." in posix.parts or not posix.parts or relative != posix.as_posix():
        raise WriteError(f"{relative}: not a plain path inside the repository")
    path = root.joinpath(*posix.parts)
    base = root.resolve()
    existing = path.parent
    while not existing.exists():  # the part of the folder that exists decides where it leads
        existing = existing.parent
    if not existing.resolve().is_relative_to(base):
        raise WriteError(f"{relative}: its folder leads outside the repository (a symbolic link?): not written")
    return path


def write_new(root: Path, relative: str, text: str) -> str:
    """Write ``text`` to ``relative`` unless a file (or anything) of that name exists.

    Returns :data:`WRITTEN` or :data:`EXISTS`.
    """
    path = target(root, relative)
    if os.path.lexists(path):
        return EXISTS
    made = [folder for folder in (path.parent, *path.parent.parents) if not os.path.lexists(folder)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        _remove_folders(made)
        raise WriteError(f"{relative}: cannot write into its folder ({error.strerror})") from None
    written = False
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        try:
            os.link(temporary, path)  # fails if the name exists: never replaces a file
        except FileExistsError:
            return EXISTS
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # A file system without hard links: claim the name first, then move into it.
            with open(path, "x", encoding="utf-8"):
                pass
            os.replace(temporary, path)
        written = True
        return WRITTEN
    except FileExistsError:
        return EXISTS
    except OSError as error:
        raise WriteError(f"{relative}: not written ({error.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if not written:
            _remove_folders(made)


def _remove_folders(made: list[Path]) -> None:
    """Remove the folders a failed write made (innermost first; only while empty)."""
    for folder in made:
        with contextlib.suppress(OSError):
            folder.rmdir()
