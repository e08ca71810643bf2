"""The evidence of one git commit, read from git's objects (``git ls-tree``, ``git cat-file --batch``).

:class:`GitTree` hands a commit's files to the same loader, reader and parse cache as
the working tree (:mod:`checks.sources`): ``brm check --base`` judges its base with it,
bundles and the management report the commit of a day. It lives apart from
:mod:`checks.baseline` so that a base judged before (one cache look-up) imports neither
the loader nor the reader.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .baseline import _CONFIG, _ENVIRONMENT, BaseError, _git, _out
from .boundary import MAX_BYTES, Refused, TooLarge, Tree, real_root, scan, skipped, within
from .sources import Content, EvidenceFiles, Known, alias_key


class _Blobs:
    """One ``git cat-file --batch`` process: blob contents by object id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def get(self, oids: list[str]) -> dict[str, bytes]:
        """The content of each blob found; the requests of one call are written before any answer is read."""
        found: dict[str, bytes] = {}
        for start in range(0, len(oids), 256):  # 256 requests stay well inside a pipe's buffer
            chunk = oids[start : start + 256]
            process = self._start()
            if process is None or process.stdin is None or process.stdout is None:
                return found
            try:
                process.stdin.write(b"".join(oid.encode() + b"\n" for oid in chunk))
                process.stdin.flush()
                for oid in chunk:
                    header = process.stdout.readline().split()
                    if len(header) != 3:
                        continue  # "<oid> missing"
                    content = process.stdout.read(int(header[2]))
                    process.stdout.read(1)  # the newline after each object
                    if header[1] == b"blob":
                        found[oid] = content
            except (OSError, ValueError):
                self.close()
                return found
        return found

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    ["git", *_CONFIG, "cat-file", "--batch"],
                    cwd=self.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, **_ENVIRONMENT},
                )
            except OSError:
                return None
        return self._process

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()
            if process.stdout is not None:
                process.stdout.close()
            process.wait()


_REGULAR = (b"100644", b"100755")
_LINK = b"120000"


class GitTree(EvidenceFiles):
    """The evidence of one commit: the tree below the evidence folder, read from git's objects."""

    def __init__(self, root: Path, tree: str | None) -> None:
        self.root = root
        self._blobs = _Blobs(root)
        #: Regular files: path -> (object id, size).
        self._objects: dict[str, tuple[str, int]] = {}
        links: dict[str, str] = {}
        if tree is not None:
            listing = _git(root, "ls-tree", "-r", "-z", "-l", "--full-tree", tree)
            if listing.returncode != 0:
                raise BaseError(f"git could not list the base tree: {_out(listing) or 'ls-tree failed'}")
            for record in listing.stdout.split(b"\0"):
                meta, tab, name = record.partition(b"\t")
                fields = meta.split()
                path = os.fsdecode(name)
                if not tab or len(fields) != 4 or not _plain(path):
                    continue
                mode, _type, oid, size = fields
                if mode in _REGULAR:
                    self._objects[path] = (oid.decode(), int(size))
                elif mode == _LINK:
                    links[path] = oid.decode()
                # 160000 is a submodule: a folder with nothing of this commit in it
        super().__init__(root, self._links(links) if links else self._listing())

    def _listing(self) -> Tree:
        """What :func:`checks.boundary.scan` lists for a checkout with no links: its regular files, in walk order."""
        files = {
            path: path
            for path in sorted(self._objects, key=_walk_order)
            if not any(skipped(part) for part in path.split("/")[:-1])
        }
        return Tree(self.root, files)

    def _links(self, links: dict[str, str]) -> Tree:
        """The commit's folders, links and (empty) files laid out in a scratch folder and scanned there."""
        targets = self._blobs.get(sorted(set(links.values())))
        with tempfile.TemporaryDirectory(prefix="brm-base-") as scratch:
            top = Path(scratch)
            for path in self._objects:
                _lay(top, path, None)
            for path, oid in links.items():
                target = targets.get(oid)
                if target is not None:
                    _lay(top, path, target)
            scanned = scan(top)
            top_real = real_root(top)
            files: dict[str, str] = {}
            for path, real in scanned.files.items():
                regular = within(real, top_real)
                if regular is not None and regular in self._objects:
                    files[path] = regular
            return Tree(self.root, files, scanned.refused, scanned.not_folders)

    def _object(self, path: str) -> tuple[str, int] | None:
        regular = self.tree.files.get(path)
        return self._objects.get(regular) if regular is not None else None

    def raw(self, path: str) -> Content:
        found = self._object(path)
        if found is None:
            return Refused("cannot open the file (not in the base commit): check that it exists")
        oid, size = found
        if size > MAX_BYTES:
            return TooLarge(size)
        blob = self._blobs.get([oid]).get(oid)
        if blob is None:
            return Refused("cannot read the file from git's objects: fetch the base commit again")
        return blob

    def contents(self, paths: list[str]) -> dict[str, Content | Known]:
        """A blob seen before is known by the digest of its bytes (kept under its object id): not read again."""
        out: dict[str, Content | Known] = {}
        wanted: dict[str, str] = {}
        for path in paths:
            found = self._object(path)
            if found is None:
                out[path] = self.raw(path)
            elif found[1] > MAX_BYTES:
                out[path] = TooLarge(found[1])
            else:
                wanted[path] = found[0]
        aliases = self.entries.get(alias_key(oid) for oid in wanted.values()) if self.entries.enabled else {}
        unknown: list[str] = []
        for path, oid in wanted.items():
            digest = aliases.get(alias_key(oid))
            if digest is not None and len(digest) == 32:
                out[path] = Known(digest)
            else:
                unknown.append(path)
        blobs = self._blobs.get(sorted({wanted[path] for path in unknown}))
        for path in unknown:
            blob = blobs.get(wanted[path])
            if blob is None:
                out[path] = Refused("cannot read the file from git's objects: fetch the base commit again")
                continue
            out[path] = blob
            self.remember(alias_key(wanted[path]), blob)
        return out

    def close(self) -> None:
        self._blobs.close()
        super().close()


def _plain(path: str) -> bool:
    """A path git could check out: no empty, '.' or '..' part (a hand-made tree object may hold one)."""
    return bool(path) and "\0" not in path and all(part not in ("", ".", "..") for part in path.split("/"))


def _walk_order(path: str) -> tuple[tuple[int, str], ...]:
    """:func:`checks.boundary.scan`'s order: in each folder its files by name, then its folders by name."""
    parts = path.split("/")
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


def _lay(top: Path, path: str, link: bytes | None) -> None:
    """One entry of the scratch layout: an empty file, or a link with the commit's target."""
    place = top.joinpath(*path.split("/"))
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        if link is None:
            place.touch(exist_ok=True)
        else:
            os.symlink(os.fsdecode(link), place)
    except (OSError, ValueError):  # a name this file system cannot hold: not in the layout
        pass
