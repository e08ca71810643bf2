"""``brm check --base REF``: judge a change by what it adds.

The base is the tree of a git commit, read from git's object store (``git ls-tree``
and ``git cat-file --batch``), never checked out. :class:`checks.gittree.GitTree` hands its files to
the same loader, reader and parse cache as the working tree (:mod:`checks.sources`),
and the evidence boundary is the same: only regular files inside the repository are
read; a symbolic link that leads outside it, or nowhere, is refused with the same
sentence (the commit's links are laid out in a scratch folder and walked by
:func:`checks.boundary.scan`, as a checkout of the commit would be).

Both trees are judged at the same as-of date, so a finding that exists only because
time passed (cadence drift) is on both and is ``unchanged``: the nightly cadence watch
reports drift. Each finding of the working tree is ``new`` or ``unchanged``; a finding
of the base that is gone is ``fixed``. Findings are matched by rule, subject, file and
severity, never by line or message (lines move, and a message names dates that an
unrelated edit changes): of two findings with the same rule, subject, file and
severity, the one whose message is the same is matched first. A warning that became an
error is ``new``. A file git sees as renamed (``git diff --find-renames`` between the
base commit and the working tree) keeps its findings: the base's are matched under the
new name.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from .gittree import GitTree as GitTree

NEW, UNCHANGED, FIXED = "new", "unchanged", "fixed"

#: Git reads these; nothing a check runs may lock or rewrite the index, prompt, or run a repository's hooks.
_ENVIRONMENT = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotePath=false")
_FETCH = "`git fetch origin main`, or `fetch-depth: 0` for actions/checkout"


class BaseError(Exception):
    """The base cannot be read: one line, with the fix (``brm check`` exits 2)."""


@dataclass(frozen=True)
class Base:
    """The commit a change is judged against."""

    ref: str  # as given
    commit: str | None  # None: HEAD of a repository with no commit yet (everything is new)
    tree: str | None  # the tree of the evidence folder in that commit (None: it did not exist)

    @property
    def label(self) -> str:
        """How reports name the base: the ref as given, with its commit when that is not the same."""
        if self.commit is None:
            return f"{self.ref} (no commit yet)"
        if len(self.ref) >= 7 and self.commit.startswith(self.ref.lower()):  # an id: its short form says it
            return self.commit[:12]
        return f"{self.ref} ({self.commit[:12]})"


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *_CONFIG, *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            env={**os.environ, **_ENVIRONMENT},
            timeout=300,
            check=False,
        )
    except FileNotFoundError:
        raise BaseError("--base needs git, which is not installed: install git, or check without --base") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BaseError(f"git could not run ({error}): check without --base") from None


def _out(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "replace").strip()


def _shown(ref: str) -> str:
    text = ref if len(ref) <= 80 else ref[:79] + "…"
    return "".join(c if c.isprintable() else "?" for c in text)


def resolve(root: Path, ref: str) -> Base:
    """The commit ``ref`` names, and the tree of the evidence folder ``root`` in it; or BaseError."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    answers = inside.stdout.decode("utf-8", "replace").split("\n")
    if inside.returncode != 0 or len(answers) < 2 or answers[0] != "true":
        raise BaseError(
            f"--base needs a git repository, and {root} is not inside one: "
            "check out the repository with git, or check without --base"
        )
    shown = _shown(ref)
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0:
        if ref == "HEAD" and _unborn(root):
            return Base(ref, None, None)  # a first commit: there is nothing to compare with
        named = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref)
        kind = _out(_git(root, "cat-file", "-t", _out(named))) if named.returncode == 0 else ""
        if kind:  # an object this clone has (a full id "verifies" whether or not the object is here)
            raise BaseError(f"--base '{shown}' names a {kind}, not a commit: give a commit, a branch or a tag")
        if _out(_git(root, "rev-parse", "--is-shallow-repository")) == "true":
            raise BaseError(
                f"--base '{shown}' is not in this clone, which is shallow (it has only recent history): "
                f"fetch the base ({_FETCH}), then check again"
            )
        raise BaseError(f"--base '{shown}' names no commit in this repository: fetch it ({_FETCH}), then check again")
    commit = _out(found)
    prefix = answers[1]  # as git prints it (a folder name may begin or end with a space)
    tree = _git(root, "rev-parse", "--verify", "--quiet", f"{commit}:{prefix}" if prefix else f"{commit}^{{tree}}")
    return Base(ref, commit, _out(tree) if tree.returncode == 0 else None)


def _unborn(root: Path) -> bool:
    """HEAD names a branch with no commit yet (a new repository)."""
    no_commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0
    return no_commit and _git(root, "symbolic-ref", "--quiet", "HEAD").returncode == 0


# -- classification --------------------------------------------------------------------------


def renames(root: Path, base: Base) -> dict[str, str]:
    """Base path -> working tree path, for each file git sees as renamed (paths relative to ``root``)."""
    if base.commit is None:
        return {}
    done = _git(
        root, "diff", "--no-ext-diff", "--no-textconv", "--find-renames", "--name-status", "-z", "--relative",
        base.commit, "--",
    )  # fmt: skip
    if done.returncode != 0:
        return {}  # without rename detection a renamed file's findings are new, never hidden
    fields = [os.fsdecode(field) for field in done.stdout.split(b"\0")]
    moved: dict[str, str] = {}
    index = 0
    while index < len(fields):
        status = fields[index]
        if status.startswith(("R", "C")) and index + 2 < len(fields):
            if status.startswith("R"):
                moved[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return moved


def classify(
    head: Iterable[Finding], base: Iterable[Finding], moved: dict[str, str] | None = None
) -> tuple[list[Finding], list[Finding]]:
    """The working tree's findings, each ``new`` or ``unchanged``; and the base's that are ``fixed``.

    ``moved`` maps a base path to its new name (a renamed file): the base's findings in
    it are matched, and reported if fixed, under the new name.
    """
    moved = moved or {}
    pool: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in base:
        if finding.path in moved:
            new_path = moved[finding.path]
            subject = new_path if finding.subject == finding.path else finding.subject
            finding = replace(finding, path=new_path, subject=subject)
        pool.setdefault(_key(finding), []).append(finding)
    findings = list(head)
    states: list[str | None] = [None] * len(findings)
    for index, finding in enumerate(findings):  # the same message first: then a new one is told apart
        candidates = pool.get(_key(finding))
        if candidates:
            fingerprint = finding.fingerprint()
            match = next((i for i, c in enumerate(candidates) if c.fingerprint() == fingerprint), None)
            if match is not None:
                del candidates[match]
                states[index] = UNCHANGED
    for index, finding in enumerate(findings):
        if states[index] is None:
            candidates = pool.get(_key(finding))
            states[index] = UNCHANGED if candidates and candidates.pop(0) else NEW
    judged = [replace(finding, baseline=state) for finding, state in zip(findings, states, strict=True)]
    fixed = sorted(
        (replace(finding, baseline=FIXED) for left in pool.values() for finding in left), key=Finding.sort_key
    )
    return judged, fixed


def _key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.rule, finding.subject, finding.path, finding.severity.value)


def compare(
    root: Path, base: Base, head: list[Finding], as_of: date, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> tuple[list[Finding], list[Finding]]:
    """Judge the base at ``as_of`` (the working tree's date) and classify ``head`` against it."""
    from .memo import judge

    if base.commit is None:
        return [replace(finding, baseline=NEW) for finding in head], []
    # A commit's tree id names all it holds: a base judged before (the last commit, the
    # branch a pull request goes into) is one look-up in the cache.
    identity = b"git tree\0" + (base.tree or "none").encode()
    before = judge(lambda: _opened(root, base.tree), identity, as_of, _never, _no_zone, select, ignore).findings
    return classify(head, before, renames(root, base) if before else {})  # renames move only the base's findings


def _opened(root: Path, tree: str | None) -> GitTree:
    from . import gittree  # only when the base was not judged before: a kept one reads nothing

    return gittree.GitTree(root, tree)


def _never(zone: str) -> date:  # pragma: no cover - the base is always judged at the working tree's date
    raise AssertionError("the base is judged at a given date")


def _no_zone(loaded: object) -> str:
    return ""
