"""Where each evidence file comes from: the last commit that changed it, from git.

One ``git log`` over the whole history gives every file's last commit at once (a
``git log -1 -- PATH`` per file would not scale to thousands of files). No git, no
repository, no commits, a shallow clone: each is a fact the site states, never an
error.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_RECORD, _FIELD = "\x1e", "\x1f"
_FORMAT = f"{_RECORD}%H{_FIELD}%h{_FIELD}%as{_FIELD}%an"


@dataclass(frozen=True)
class Commit:
    sha: str
    short: str
    date: str  # YYYY-MM-DD
    author: str


@dataclass
class History:
    """The last commit of every path (relative to the evidence root), and HEAD."""

    head: Commit | None = None
    files: dict[str, Commit] = field(default_factory=dict)
    #: The folder of the evidence root inside the git work tree ('' at the top), for links.
    prefix: str = ""
    #: Why there is no history, if there is none: 'not a git repository', 'no commits yet' ...
    missing: str | None = None
    shallow: bool = False
    dirty: frozenset[str] = frozenset()
    #: The paths in HEAD's tree (``None``: not asked). A file outside it is not committed, whatever
    #: the history of its path says (a file deleted, then written again and never committed).
    committed: frozenset[str] | None = None
    #: The committed paths that are symbolic links: their last commit is the link's, not the content's.
    links: frozenset[str] = frozenset()

    def is_committed(self, path: str) -> bool:
        return path in self.files if self.committed is None else path in self.committed

    def last(self, path: str) -> Commit | None:
        """The last commit that changed a committed file; ``None`` for a file not in HEAD."""
        return self.files.get(path) if self.is_committed(path) else None

    def link(self, repo_url: str | None, path: str, commit: Commit | None = None) -> str | None:
        """The file at a commit on the forge (GitHub and GitLab share the blob URL form)."""
        at = commit or self.head
        if not repo_url or at is None:
            return None
        return f"{repo_url.rstrip('/')}/blob/{at.sha}/{self.prefix}{path}"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def read_history(root: Path, revision: str = "HEAD") -> History:
    """Ask git once for everything the site shows about provenance.

    ``revision`` is the commit to describe (an evidence bundle of a past day names one);
    uncommitted changes are looked for only at ``HEAD``, the commit the working tree is on.
    """
    inside = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix", "--is-shallow-repository")
    if inside is None:
        return History(missing="git is not installed")
    if inside.returncode != 0 or not inside.stdout.startswith("true"):
        return History(missing="not a git repository")
    answers = inside.stdout.split("\n")
    prefix = answers[1].strip() if len(answers) > 1 else ""
    shallow = len(answers) > 2 and answers[2].strip() == "true"
    log = _git(
        root, "log", "--relative", "--no-renames", "--name-only", f"--format={_FORMAT}", "-z", revision, "--", "."
    )
    if log is None or log.returncode != 0:
        return History(prefix=prefix, missing="no commits yet")
    history = History(prefix=prefix, shallow=shallow)
    for record in log.stdout.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        fields = header.strip("\x00").split(_FIELD)
        if len(fields) != 4:
            continue
        commit = Commit(*fields)
        if history.head is None:
            history.head = commit
        for name in names.split("\x00"):
            name = name.strip("\n\x00")
            if name:
                history.files.setdefault(name, commit)
    if history.head is None:
        head = _git(root, "log", "-1", f"--format={_FORMAT}", revision)
        if head is not None and head.returncode == 0 and head.stdout.startswith(_RECORD):
            fields = head.stdout[1:].strip("\n").split(_FIELD)
            if len(fields) == 4:
                history.head = Commit(*fields)
    if history.head is None:
        return History(prefix=prefix, missing="no commits yet")
    tree = _git(root, "ls-tree", "-r", "-z", revision)
    if tree is not None and tree.returncode == 0:
        committed, links = set(), set()
        for entry in tree.stdout.split("\x00"):
            mode, _, path = entry.partition("\t")
            if path:
                committed.add(path)
                if mode.startswith("120000"):
                    links.add(path)
        history.committed, history.links = frozenset(committed), frozenset(links)
    status = None
    if revision == "HEAD":  # the working tree is on HEAD: its changes are uncommitted changes of HEAD's files
        status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    if status is not None and status.returncode == 0:
        dirty = set()
        for entry in status.stdout.split("\x00"):
            if len(entry) > 3 and entry[2] == " ":
                path = entry[3:]
                if path.startswith(prefix):
                    dirty.add(path[len(prefix) :])
        history.dirty = frozenset(dirty)
    return history
