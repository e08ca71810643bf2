"""The evidence as one git commit holds it: the commit of a day, loaded, with each file's provenance.

An evidence bundle and the management report's compliance over time judge the
repository *as it stood* on a day: the last commit on or before the end of that day
(in the BRM procedures' time zone), along the first-parent history of ``HEAD`` (the
branch as it was, not a side branch merged later). The commit's tree is read from
git's objects by :class:`checks.gittree.GitTree`, the reader ``brm check --base``
uses, never checked out; its files pass the same evidence boundary as the working tree.

Without git, or outside a git repository, a snapshot is the working tree, and says so.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from .boundary import Refused, TooLarge, inspect, read_bytes
from .load import AREAS, Loaded, load
from .policy import Policy
from .site.provenance import Commit, History, read_history
from .sources import EvidenceFiles, WorkingTree

#: The latest a day can end anywhere (UTC-12): no commit after this can be on or before that day.
_LATEST_END = timedelta(days=1, hours=12)
_ENVIRONMENT = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_FIELD = "\x1f"

CLEAN, DIRTY, PAST, NO_GIT = "clean", "dirty", "past", "no-git"
#: The top folders of FORMAT.md's layout: a change outside them is not a change of evidence.
EVIDENCE_FOLDERS = frozenset(area.split("/")[0] for area, _recursive, _suffixes, _kind in AREAS)


class SnapshotError(Exception):
    """No commit can be read for the day asked: one line with the fix."""


@dataclass(frozen=True)
class Moment:
    """A commit and the instant it was made (its committer date)."""

    sha: str
    when: datetime


class Readable(Protocol):
    """Where a snapshot's bytes come from: a commit's blobs, the working tree, or both."""

    def raw(self, path: str) -> bytes | Refused | TooLarge: ...

    def close(self) -> None: ...


@dataclass
class Snapshot:
    """The evidence of one commit (or of the working tree, without git), and where each file comes from."""

    root: Path
    loaded: Loaded
    files: Readable
    state: str  # clean | dirty | past | no-git
    commit: Commit | None = None
    committed_at: datetime | None = None
    history: History = field(default_factory=lambda: History(missing="not read"))
    #: Why there is no commit (no-git): "git is not installed", "not a git repository" ...
    missing: str | None = None
    #: A file with uncommitted changes is read from the disk (a site shows the working tree), not left as committed.
    from_disk: bool = False

    def raw(self, path: str) -> bytes | Refused | TooLarge:
        """The file's bytes as the snapshot holds them (the commit's blob), through the evidence boundary."""
        return self.files.raw(path)

    @property
    def dirty(self) -> frozenset[str]:
        """Evidence files of the working tree with uncommitted changes (only for a snapshot of HEAD).

        Files outside the evidence folders (code, tooling) are not evidence: their changes do not count.
        """
        if self.state != DIRTY:
            return frozenset()
        return frozenset(p for p in self.history.dirty if p.split("/", 1)[0] in EVIDENCE_FOLDERS)

    def close(self) -> None:
        self.files.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, **_ENVIRONMENT},
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def head(root: Path) -> Moment | None:
    """HEAD's commit, or None (no git, not a repository, no commit yet)."""
    return _moment(_git(root, "log", "-1", f"--format=%H{_FIELD}%cI", "HEAD"))


def on_or_before(root: Path, day: date, zone: tzinfo | None) -> Moment | None:
    """The last commit on the first-parent history of HEAD made on or before the end of ``day`` in ``zone``."""
    end = datetime.combine(day, time(23, 59, 59), zone or UTC)
    return _before(root, end)


def _before(root: Path, instant: datetime) -> Moment | None:
    seconds = int(instant.timestamp())
    return _moment(_git(root, "log", "-1", "--first-parent", f"--before=@{seconds}", f"--format=%H{_FIELD}%cI", "HEAD"))


def _moment(done: subprocess.CompletedProcess[str] | None) -> Moment | None:
    if done is None or done.returncode != 0:
        return None
    sha, _, when = done.stdout.strip().partition(_FIELD)
    try:
        return Moment(sha, datetime.fromisoformat(when)) if sha else None
    except ValueError:
        return None


def first_commit(root: Path) -> Moment | None:
    """The oldest commit on the first-parent history of HEAD (where the history starts)."""
    done = _git(root, "log", "--first-parent", "--reverse", f"--format=%H{_FIELD}%cI", "HEAD")
    if done is None or done.returncode != 0:
        return None
    return _moment(subprocess.CompletedProcess(done.args, 0, done.stdout.split("\n", 1)[0], ""))


def working_tree(root: Path, history: History | None = None) -> Snapshot:
    """The evidence on disk: for a repository without git, or a site built from its working tree."""
    files = WorkingTree(root)
    history = history if history is not None else read_history(root)
    loaded = load(root, files)
    if history.missing is not None or history.head is None:
        return Snapshot(root, loaded, files, NO_GIT, history=history, missing=history.missing or "no commits yet")
    state = DIRTY if evidence_changed(history) else CLEAN
    return Snapshot(root, loaded, files, state, commit=history.head, history=history)


def load_commit(root: Path, sha: str) -> tuple[Loaded, EvidenceFiles]:
    """The evidence of one commit, read from git's objects (close the files when done with them)."""
    from .baseline import BaseError, resolve
    from .gittree import GitTree

    try:
        base = resolve(root, sha)
    except BaseError as error:
        raise SnapshotError(str(error).replace("--base", "the commit")) from None
    files = GitTree(root, base.tree)
    try:
        return load(root, files), files
    except BaseException:
        files.close()
        raise


def at_commit(root: Path, moment: Moment, is_head: bool) -> Snapshot:
    """The evidence of one commit, read from git's objects, with each file's last commit."""
    loaded, files = load_commit(root, moment.sha)
    history = read_history(root, "HEAD" if is_head else moment.sha)
    commit = _commit_of(root, moment.sha)
    state = (DIRTY if evidence_changed(history) else CLEAN) if is_head else PAST
    return Snapshot(root, loaded, files, state, commit=commit, committed_at=moment.when, history=history)


def evidence_changed(history: History) -> bool:
    """Whether an evidence file of the working tree has uncommitted changes (code and tooling do not count)."""
    return any(p.split("/", 1)[0] in EVIDENCE_FOLDERS for p in history.dirty)


def _commit_of(root: Path, sha: str) -> Commit:
    done = _git(root, "log", "-1", f"--format=%H{_FIELD}%h{_FIELD}%as{_FIELD}%an", sha)
    fields = done.stdout.strip().split(_FIELD) if done is not None and done.returncode == 0 else []
    return Commit(*fields) if len(fields) == 4 else Commit(sha, sha[:7], "", "")


def of_day(root: Path, day: date | None) -> Snapshot:
    """The repository as it stood at the end of ``day`` (None: HEAD, as it is now).

    The day ends in the procedures' time zone, which the commit itself names: the last
    commit before the latest possible end of the day is read first, and if its
    procedures' zone ends the day earlier than that commit was made, the commit before
    that end is read instead. Outside git, the working tree (a day is then only the
    date the evidence is judged at).
    """
    latest = head(root)
    if latest is None:
        return working_tree(root)
    if day is None:
        return at_commit(root, latest, is_head=True)
    candidate = _before(root, datetime.combine(day, time(0), UTC) + _LATEST_END)
    if candidate is None:
        raise SnapshotError(_none_before(root, day))
    snapshot = at_commit(root, candidate, is_head=candidate.sha == latest.sha)
    zone = Policy.from_repository(snapshot.loaded.repository).zone
    exact = on_or_before(root, day, zone)
    if exact is not None and exact.sha == candidate.sha:
        return snapshot
    snapshot.close()
    if exact is None:
        raise SnapshotError(_none_before(root, day))
    return at_commit(root, exact, is_head=exact.sha == latest.sha)


def _none_before(root: Path, day: date) -> str:
    first = first_commit(root)
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.stdout.strip() == "true":
        return (
            f"no commit on or before {day} in this clone, which is shallow (it has only recent history): "
            "fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
        )
    start = f" (the history starts on {first.when.date()})" if first is not None else ""
    return f"the repository has no commit on or before {day}{start}: give a later date"


class _Published:
    """A site's bytes: each committed file as HEAD holds it; a file with uncommitted changes from the disk."""

    def __init__(self, root: Path, committed: Readable, uncommitted: frozenset[str], history: History) -> None:
        self.root = root
        self.committed = committed
        self.uncommitted = uncommitted
        self.history = history
        self._kept: dict[str, bytes | Refused | TooLarge] = {}

    def raw(self, path: str) -> bytes | Refused | TooLarge:
        found = self._kept.get(path)
        if found is not None:
            return found
        if path in self.uncommitted or not self.history.is_committed(path):
            target = inspect(self.root, path)
            found = read_bytes(target) if isinstance(target, str) else target
        else:
            found = self.committed.raw(path)
        if path.startswith(("registers/", "procedures/")):  # cited by every bundle of a site: read once
            self._kept[path] = found
        return found

    def close(self) -> None:
        self.committed.close()


def published(root: Path, loaded: Loaded, history: History) -> Snapshot:
    """The snapshot a site publishes: the evidence it was built from (``loaded``, the working tree) at HEAD.

    A committed file is read from HEAD's blobs, as ``brm bundle`` reads it; a file with
    uncommitted changes, or never committed, from the disk, and the bundle marks it.
    """
    from .baseline import BaseError, resolve
    from .gittree import GitTree

    latest = head(root) if history.missing is None else None
    if latest is None:
        disk = _Published(root, _Nothing(), frozenset(), History(missing=history.missing or "no commits yet"))
        return Snapshot(root, loaded, disk, NO_GIT, history=history, missing=history.missing or "no commits yet")
    try:
        tree = GitTree(root, resolve(root, latest.sha).tree)
    except BaseError as error:
        raise SnapshotError(str(error)) from None
    state = DIRTY if evidence_changed(history) else CLEAN
    files = _Published(root, tree, history.dirty, history)
    commit = _commit_of(root, latest.sha)
    return Snapshot(
        root, loaded, files, state, commit=commit, committed_at=latest.when, history=history, from_disk=True
    )


class _Nothing:
    def raw(self, path: str) -> bytes | Refused | TooLarge:
        return Refused("not committed")

    def close(self) -> None:
        pass
