"""The evidence repository a command works on, given the same way to every command.

Every command that works on a repository takes it as ``--root DIR``; the commands
whose argument it has always been (``check``, ``status``, ``export``, ``init``,
``import``) take it as a positional ROOT as well. Giving both is fine when they name
the same folder. Before anything is read, a command that reads evidence looks at the
folder: a missing one, a file, and a folder with no evidence at all each get one line
that says what to give instead.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

_HELP = "the evidence repository (default: the current folder)"


class RootError(Exception):
    """The repository was not given in a way a command can use: one line that says why."""


def add_root(parser: argparse.ArgumentParser, positional: bool = True, about: str = _HELP) -> None:
    """ROOT (where the command has always taken it) and ``--root``, both meaning the same."""
    if positional:
        parser.add_argument("root", nargs="?", metavar="ROOT", help=f"{about}; or --root")
    parser.add_argument("--root", dest="root_option", metavar="ROOT", help=about)


def settle(args: argparse.Namespace) -> None:
    """Set ``args.root`` to the one repository given (``.`` if none); refuse two different ones."""
    if not hasattr(args, "root_option"):
        return
    positional, option = getattr(args, "root", None), args.root_option
    if positional is not None and option is not None and os.path.normpath(positional) != os.path.normpath(option):
        raise RootError(f"two repositories given, '{positional}' and --root '{option}': give one")
    args.root = option if option is not None else positional if positional is not None else "."


def _evidence_folders() -> list[str]:
    """The top-level folders of FORMAT.md's layout: a repository holds at least one of them.

    Read from where each schema says its files stand (``x-brm-files``: a register under
    ``registers/``, documents in their folder), not from the loader, which a check whose
    findings are kept never imports; a test holds this to the loader's layout.
    """
    folders = ["registers"]
    for schema in sorted((Path(__file__).parent / "schemas").glob("*.schema.json")):
        name = schema.name.removesuffix(".schema.json")
        where = json.loads(schema.read_text(encoding="utf-8")).get("x-brm-files") or {}
        if name != "common" and not where.get("register"):
            folders.append(str(where.get("folder", name)).split("/")[0])
    return list(dict.fromkeys(folders))


def evidence_root(text: str) -> Path:
    """The folder ``text`` names, if it can be an evidence repository; else a RootError."""
    root = Path(text)
    if not root.exists():
        raise RootError(f"no such folder: {text}")
    if not root.is_dir():
        raise RootError(
            f"{text} is a file, not a folder: give the evidence repository's folder (brm checks a whole repository)"
        )
    folders = _evidence_folders()
    if not any(os.path.lexists(root / folder) for folder in folders):
        listed = ", ".join(f"{folder}/" for folder in folders)
        raise RootError(
            f"{text} does not look like an evidence repository (it has none of {listed}): "
            f"run 'brm init {text}' to set one up there, or give the repository's folder"
        )
    return root
