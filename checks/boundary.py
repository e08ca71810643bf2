"""The evidence boundary: only regular files inside the repository, and what a path field names.

Anyone who can open a pull request writes the evidence, so the repository's files are
inspected before anything is opened. :func:`scan` lists the tree with ``lstat`` (never
by opening an entry): a regular file is readable; a symbolic link is followed only when
its real path is inside the repository (and outside the folders the checks skip, such
as ``.git``); a link that leads outside, leads nowhere or loops, a named pipe, a device
or a socket is *refused*, with a sentence that says why and how to fix it.
:func:`read_bytes` checks the same again for one file, opens it without following a
final link and without blocking, and reads at most the size limit plus one byte.

:func:`resolve` is the one place that decides what a field holding a path or a link
(``report``, ``document``, ``source``, ``responses_file``) names: an ``https://``
address, a path inside the repository, or neither, with the reason. The rules, the
responses reader, ``brm new`` and the site all ask it.

Nothing here raises on hostile input: a refusal is a value.
"""

from __future__ import annotations

import os
import posixpath
import stat
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Evidence files are small; anything larger is a mistake (or an attack).
MAX_BYTES = 4 * 1024 * 1024
#: Folders never walked: tooling, caches and the built site (and every hidden folder).
SKIP_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", "site", ".cache"})

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # the path is already resolved: a link here is a swap
    | getattr(os, "O_NONBLOCK", 0)  # a pipe swapped in after the check must not hang the read
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def skipped(name: str) -> bool:
    """A folder the checks never enter (``.git``, ``site``, any hidden folder ...)."""
    return name in SKIP_DIRS or name.startswith(".")


# -- why an entry is refused: one sentence each, ending with the fix ------------------------

LEADS_OUTSIDE = (
    "a symbolic link that leads outside the repository: the checks read only files inside it; "
    "replace the link with the file or folder itself"
)
LEADS_NOWHERE = (
    "a symbolic link that leads nowhere (its target is missing, or the links go round in a circle): "
    "remove it, or point it at a file inside the repository"
)
FOLDER_LOOP = "a symbolic link to a folder that contains it (a loop): remove the link"
NESTED_LINK = (
    "a symbolic link to a folder, inside a folder that is itself reached through a symbolic link: "
    "the checks follow one folder link at a time; link to the target folder directly"
)


def _leads_into(part: str) -> str:
    return (
        f"a symbolic link into '{part}', which the checks never read: replace the link with the file or folder itself"
    )


def _special(mode: int, linked: bool) -> str:
    if stat.S_ISFIFO(mode):
        what = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        what = "a special file"
    if linked:
        return f"a symbolic link to {what}, not to a regular file: replace it with the file itself"
    return f"{what}, not a regular file: the checks read only regular files; replace it with the file itself"


def _unlistable(error: OSError) -> str:
    return f"the folder cannot be listed ({error.strerror}): check its permissions"


def _uninspectable(error: OSError) -> str:
    return f"the entry cannot be inspected ({error.strerror}): check its permissions"


# -- the tree ------------------------------------------------------------------------------


@dataclass
class Tree:
    """What the checks may read below one repository root."""

    root: Path
    #: Readable regular files (and links to regular files inside the root): POSIX path
    #: relative to the root -> real path, in walk order (each folder's files by name, then
    #: its folders).
    files: dict[str, str] = field(default_factory=dict)
    #: Entries the checks will not read (POSIX path -> why, a sentence with its fix).
    refused: dict[str, str] = field(default_factory=dict)
    #: The refused entries that are not folders (pipes, devices, sockets, links to a file).
    not_folders: set[str] = field(default_factory=set)


def real_root(root: Path) -> str:
    return os.path.realpath(root)


def within(real: str, root_real: str) -> str | None:
    """``real``'s POSIX path relative to ``root_real`` ('' for the root itself), or None if outside."""
    if real == root_real:
        return ""
    prefix = root_real if root_real.endswith(os.sep) else root_real + os.sep
    if not real.startswith(prefix):
        return None
    return real[len(prefix) :].replace(os.sep, "/")


def _link_problem(link: str, root_real: str) -> tuple[str | None, str]:
    """Where a link leads (its real path) if that is inside the root and outside skipped folders."""
    target = os.path.realpath(link)  # lstat and readlink only: nothing is opened
    inside = within(target, root_real)
    if inside is None:
        return None, LEADS_OUTSIDE
    hidden = next((part for part in inside.split("/")[:-1] if skipped(part)), None)
    if hidden is not None:
        return None, _leads_into(hidden)
    return target, ""


def scan(root: Path) -> Tree:
    """Every file below ``root`` the checks may read, and every entry they refuse.

    Folders in :data:`SKIP_DIRS` and hidden folders are not entered. Depth is not
    limited by recursion (an explicit stack), and a folder link is never followed from
    inside another, so links cannot multiply the walk.
    """
    tree = Tree(root)
    root_real = real_root(root)
    # (relative path, real path, reached through a folder link)
    stack: list[tuple[str, str, bool]] = [("", root_real, False)]
    while stack:
        rel, real, linked = stack.pop()
        try:
            with os.scandir(real) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            if rel:
                tree.refused[rel] = _unlistable(error)
            continue
        folders: list[tuple[str, str, bool]] = []
        for entry in entries:
            name = entry.name
            path = f"{rel}/{name}" if rel else name
            try:
                if entry.is_symlink():
                    _link(tree, entry, path, real, root_real, linked, folders)
                elif entry.is_dir(follow_symlinks=False):
                    if not skipped(name):
                        folders.append((path, os.path.join(real, name), linked))
                elif entry.is_file(follow_symlinks=False):
                    tree.files[path] = os.path.join(real, name)
                else:
                    tree.refused[path] = _special(entry.stat(follow_symlinks=False).st_mode, linked=False)
                    tree.not_folders.add(path)
            except OSError as error:
                tree.refused[path] = _uninspectable(error)
        stack.extend(reversed(folders))
    return tree


def _link(
    tree: Tree,
    entry: os.DirEntry[str],
    path: str,
    parent_real: str,
    root_real: str,
    linked: bool,
    folders: list[tuple[str, str, bool]],
) -> None:
    target, problem = _link_problem(entry.path, root_real)
    if target is None:
        tree.refused[path] = problem
        try:  # stat, not open: whether a folder stood there decides if it could have held evidence
            if not stat.S_ISDIR(os.stat(entry.path).st_mode):
                tree.not_folders.add(path)
        except OSError:
            pass
        return
    try:
        mode = os.stat(target).st_mode
    except OSError:
        tree.refused[path] = LEADS_NOWHERE
        return
    if stat.S_ISREG(mode):
        tree.files[path] = target
    elif stat.S_ISDIR(mode):
        if skipped(entry.name):
            return  # the walk passes over such a folder, linked or not
        last = os.path.basename(target)
        if skipped(last):
            tree.refused[path] = _leads_into(last)
        elif parent_real == target or parent_real.startswith(target.rstrip(os.sep) + os.sep):
            tree.refused[path] = FOLDER_LOOP
        elif linked:
            tree.refused[path] = NESTED_LINK
        else:
            folders.append((path, target, True))
    else:
        tree.refused[path] = _special(mode, linked=True)
        tree.not_folders.add(path)


def refusal(refused: dict[str, str], path: str) -> str | None:
    """Why ``path`` cannot be read, if it or a folder on its way was refused: a phrase after "is"."""
    parts = path.split("/")
    for end in range(len(parts), 0, -1):
        entry = "/".join(parts[:end])
        why = refused.get(entry)
        if why is not None:
            return why if entry == path else f"behind '{entry}', {why}"
    return None


# -- reading one file --------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The file is not one the checks may open: why, with the fix."""

    reason: str


@dataclass(frozen=True)
class TooLarge:
    """The file is larger than the limit (its size in bytes); it was not read whole."""

    size: int


def inspect(root: Path, path: str) -> str | Refused:
    """The real path of ``root/path`` if it is a regular file inside the root, else why not.

    Decided with ``lstat``, ``stat`` and ``readlink`` only: nothing is opened. For one
    file named by a field; :func:`scan` decides the same for a whole tree at once.
    """
    root_real = real_root(root)
    joined = os.path.join(root_real, *path.split("/"))
    try:
        link = stat.S_ISLNK(os.lstat(joined).st_mode)
    except OSError as error:
        return Refused(f"cannot open the file ({error.strerror}): check that it exists")
    target = os.path.realpath(joined)
    if within(target, root_real) is None:
        return Refused(LEADS_OUTSIDE)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return Refused(LEADS_NOWHERE)
    if stat.S_ISDIR(mode):
        return Refused("a folder, not a file: give the path of a file")
    if not stat.S_ISREG(mode):
        return Refused(_special(mode, linked=link))
    return target


def read_bytes(real: str, limit: int = MAX_BYTES) -> bytes | Refused | TooLarge:
    """The content of a regular file at its real path, never more than ``limit`` bytes of it.

    ``real`` comes from :func:`scan` or :func:`inspect`, which found it inside the root.
    The file is opened without following a link and without blocking, and checked again
    once open, so nothing swapped in after the check (a pipe, a link) is read.
    """
    try:
        descriptor = os.open(real, _OPEN_FLAGS)
    except OSError as error:
        return Refused(f"cannot open the file ({error.strerror}): check its permissions")
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return Refused(_special(status.st_mode, linked=True))
        if status.st_size > limit:
            return TooLarge(status.st_size)
        chunks: list[bytes] = []
        remaining = limit + 1  # one byte more than allowed tells a file that grew since fstat
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            return TooLarge(limit + 1)
        return b"".join(chunks)
    except OSError as error:
        return Refused(f"cannot read the file ({error.strerror}): check its permissions")
    finally:
        os.close(descriptor)


def megabytes(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


# -- what a path or link field names -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """What a field that holds a path or a link names: exactly one of the three is set."""

    url: str | None = None  # an https:// address
    path: str | None = None  # a file inside the repository: POSIX, from the root, normalised
    problem: str | None = None  # why it is neither: a sentence that ends with its fix


_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")
_FIX = "give an https:// address, or the file's path inside the repository"
_SHOWN = 80  # characters of a value quoted in a message


def _shown(value: str) -> str:
    text = value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"
    if text.isprintable():  # nearly always: one C call, not a loop over the characters
        return text
    return "".join(c if c.isprintable() else "?" for c in text)


def _scheme(value: str) -> str | None:
    head, colon, _ = value.partition(":")
    if not colon or not head or not head[0].isalpha() or not set(head) <= _SCHEME_CHARS:
        return None
    return head.lower()


def resolve(value: str, beside: str | None = None) -> Reference:
    """What ``value`` names: an ``https://`` address, a repository path, or neither (why).

    A path is from the repository root. With ``beside`` (the path of the file that holds
    the field), a bare name or a ``./``/``../`` path is taken from that file's folder
    instead, as FORMAT.md says of a result's ``responses_file``. ``..`` may be used
    while the path stays inside the repository. Refused: other schemes (``http:``,
    ``file:``, ``javascript:``, ``mailto:`` ...), absolute paths, ``\\`` separators,
    control characters, and paths that leave the repository or name no file.
    """
    # Most references are a plain path from the root, already normal: that path itself.
    if (
        ":" not in value
        and "\\" not in value
        and "%" not in value
        and (beside is None or ("/" in value and value[0] != "."))
        and value.isprintable()
    ):
        parts = value.split("/")
        if "" not in parts and "." not in parts and ".." not in parts:
            return Reference(path=value)
    return _resolve(value, beside)


@lru_cache(maxsize=1 << 12)  # a pure function of two strings; rules resolve each reference again on every judged day
def _resolve(value: str, beside: str | None) -> Reference:
    shown = _shown(value)
    if not value.isprintable():
        return Reference(problem=f"'{shown}' contains a control or invisible character: {_FIX}")
    scheme = _scheme(value)
    drive = scheme is not None and len(scheme) == 1 and value[2:3] in ("", "/", "\\")  # C:\x, C:/x
    if scheme is not None and not drive:
        return _address(value, scheme, shown)
    if value.startswith(("/", "\\")) or drive:  # /etc/passwd, //host/x, C:/x
        return Reference(
            problem=f"'{shown}' is an absolute path: give the file's path from the repository root, "
            "such as reports/2026-Q3.pdf, or an https:// address"
        )
    if "\\" in value:
        return Reference(problem=f"'{shown}' uses '\\' to separate folders: write the path with '/'")
    relative_to_file = beside is not None and ("/" not in value or value.startswith("."))
    parts = posixpath.dirname(beside).split("/") if relative_to_file and beside else []
    parts = [p for p in parts if p]
    for part in value.split("/"):
        if part in ("", "."):
            continue
        if urllib.parse.unquote(part) in (".", ".."):
            if part != "..":
                return Reference(
                    problem=f"'{shown}' hides '..' in percent-encoding: write the path plainly, inside the repository"
                )
            if not parts:
                return Reference(
                    problem=f"'{shown}' leads outside the repository (its '..' climbs above the repository "
                    "root): give a path to a file inside the repository"
                )
            parts.pop()
            continue
        parts.append(part)
    if not parts or value.endswith("/") or value.rstrip("/").endswith(("/.", "/..")) or value in (".", ".."):
        return Reference(problem=f"'{shown}' names a folder, not a file: {_FIX}")
    return Reference(path="/".join(parts))


def _address(value: str, scheme: str, shown: str) -> Reference:
    if scheme == "https":
        try:
            host = urllib.parse.urlsplit(value).hostname
        except ValueError:  # an unbalanced [ in the host
            host = None
        if value[:8].lower() == "https://" and host and " " not in value:
            return Reference(url=value)
        return Reference(problem=f"'{shown}' is not a complete https:// address: write it as https://host/path")
    if scheme == "http":
        return Reference(problem=f"'{shown}' is an http:// address: give the https:// address of the document")
    return Reference(problem=f"'{shown}' is a {scheme}: link, not a document the evidence may point at: {_FIX}")
