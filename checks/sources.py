"""Where evidence comes from, and the parse cache in front of the one reader.

An :class:`EvidenceFiles` is one tree of evidence files: the working tree (:class:`WorkingTree`,
listed by :func:`checks.boundary.scan`) or a git commit (:class:`checks.gittree.GitTree`,
read from git's objects for ``brm check --base``). The loader asks it for its
:class:`~checks.boundary.Tree` and for the Document of each evidence file; the source
gets the file's bytes through the evidence boundary and hands them to the one reader,
:func:`checks.reader.read_content`. Both trees are read by the same code.

The parse cache: what the reader made of a file, and what the schemas said of each of
its records, is kept in the user cache (:class:`checks.cache.Entries`) under a key made
of the SHA-256 of the file's bytes, what the file is (its kind: the schema it answers
to) and the versions of the reader and the schemas. A key names exact content, so a
stale entry cannot exist; an entry that cannot be read back (damaged, foreign, from
another version) is a miss, and the file is read again. ``BRM_NO_CACHE=1`` turns the
cache off.

Positions stay exact without keeping the YAML text: each Document
read here has this tree as its ``origin`` and the SHA-256 of the bytes it was made
of. When a finding asks where a value stands, the file is read again, and its YAML
text is parsed for positions; a file whose bytes changed since gives no
position (and marks the run ``raced``: nothing of it is kept).

A lean tree (``lean``, as ``brm check`` reads) goes further: once a batch of documents
is kept in the cache, each lets go of its data and Markdown body, which are read again
the same way, digest-checked, if anything asks for them (:meth:`EvidenceFiles.reread`).
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .boundary import Refused, TooLarge, Tree, inspect, read_bytes, scan
from .cache import Entries, installed
from .reader import Document, JsonPath, Problem, read_content, yaml_text_of
from .schema import Violation, validator

#: Files read, looked up and parsed together (bounded memory, one cache query per batch).
BATCH = 512
#: The shape of a cache entry; changing it makes every older entry a miss.
_TAG = "brm-parse-4"
#: Modules whose code decides what a file reads as and what the schemas say of it.
_CODE = ("reader.py", "boundary.py", "schema.py", "dates.py", "sources.py")

Content = bytes | Refused | TooLarge


@dataclass(frozen=True)
class Known:
    """Content known by its SHA-256 (hashed already, or a git blob seen before): read again only if needed."""

    digest: bytes


@dataclass
class Checked(Document):
    """A Document with what the schemas said of its records, by their JSON path in the file.

    A list of violations where the record was explained, True or False where only its
    validity was asked (a register past its explained problems). Kept in the cache
    with the data, so a file read before is not validated again.
    """

    #: None once the loader is done with the file's batch (its verdicts are then kept in the cache).
    verdicts: dict[JsonPath, list[Violation] | bool] | None = field(default_factory=dict, repr=False)


def violations(document: Document, json_path: JsonPath, type_name: str, record: Any) -> list[Violation]:
    """The record's schema problems: from the cache when the file was read before."""
    verdicts = document.verdicts if isinstance(document, Checked) else None
    if verdicts is not None:
        known = verdicts.get(json_path)
        if isinstance(known, list):
            return known
        if known is True:
            return []
    found = validator(type_name).violations(record)
    if verdicts is not None:
        verdicts[json_path] = found or True  # True: valid (one shared object, not an empty list a record)
    return found


def valid(document: Document, json_path: JsonPath, type_name: str, record: Any) -> bool:
    """Whether the record matches its schema (no explanation): from the cache when known."""
    verdicts = document.verdicts if isinstance(document, Checked) else None
    if verdicts is not None:
        known = verdicts.get(json_path)
        if isinstance(known, bool):
            return known
        if isinstance(known, list):
            return not known
    found = validator(type_name).valid(record)
    if verdicts is not None:
        verdicts[json_path] = found
    return found


class EvidenceFiles(ABC):
    """One tree of evidence files and a way to read each; see the module docstring."""

    def __init__(self, root: Path, tree: Tree) -> None:
        self.root = root
        self.tree = tree
        self.entries = Entries()
        self._fresh: list[tuple[bytes, Document | Problem]] = []
        #: The SHA-256 of files already read and hashed (by :func:`checks.memo.fingerprint`).
        self.known: dict[str, bytes] = {}
        #: Files read besides the evidence files (responses): path -> digest of what was read.
        self.extras: dict[str, str] = {}
        #: A file changed while it was being checked: nothing of this run may be kept.
        self.raced = False
        #: Let go of each document's data and body once its batch is read and kept (see
        #: :func:`checks.load.load`): they are read again from the file if asked for.
        self.lean = False

    @abstractmethod
    def raw(self, path: str) -> Content:
        """The bytes of the file at ``path`` (or why not), never more than the size limit."""

    def contents(self, paths: list[str]) -> dict[str, Content | Known]:
        """The content of each file, or its digest when that is known without reading it."""
        return {path: Known(self.known[path]) if path in self.known else self.raw(path) for path in paths}

    def read(self, path: str) -> Content:
        """A file other than the evidence files (a result's responses), noted for :meth:`same`."""
        content = self.raw(path)
        self.extras[path] = _digest(content)
        return content

    def same(self, extras: dict[str, str]) -> bool:
        """Whether the files :meth:`read` noted still read the same."""
        return all(isinstance(digest, str) and _digest(self.raw(path)) == digest for path, digest in extras.items())

    def documents(self, wanted: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, Document | Problem]]:
        """``(path, kind, what the reader made of it)`` for each evidence file, in the order given."""
        listed = list(wanted)
        for start in range(0, len(listed), BATCH):
            read: list[Document | Problem] = []
            for found in self._batch(listed[start : start + BATCH]):
                read.append(found[2])
                yield found
            self._keep()  # the loader has judged the batch's records: their verdicts are complete
            for document in read:
                if isinstance(document, Checked):
                    document.verdicts = None  # kept in the cache: no longer worth their memory
                if self.lean and isinstance(document, Document):
                    document.release()

    def _batch(self, batch: list[tuple[str, str]]) -> Iterator[tuple[str, str, Document | Problem]]:
        contents = self.contents([path for path, _kind in batch])
        digests: dict[str, bytes] = {}
        for path, _kind in batch:
            content = contents[path]
            if isinstance(content, Known):
                digests[path] = content.digest
            elif isinstance(content, bytes):
                digests[path] = hashlib.sha256(content).digest()
        keys: dict[str, bytes] = {}
        if self.entries.enabled:
            keys = {path: entry_key(digests[path], kind, _md(path)) for path, kind in batch if path in digests}
        stored = self.entries.get(keys.values()) if keys else {}
        for path, kind in batch:
            key = keys.get(path)
            value = stored.get(key) if key is not None else None
            cached = _restore(value, key, path) if value is not None and key is not None else None
            if cached is not None:
                yield path, kind, self._owned(cached, digests[path]) if isinstance(cached, Document) else cached
                continue
            content = contents[path]
            raw = self.raw(path) if isinstance(content, Known) else content
            if isinstance(content, Known) and (
                not isinstance(raw, bytes) or hashlib.sha256(raw).digest() != content.digest
            ):
                self.raced = True  # changed since it was hashed: judge what is there, keep nothing
                key = None
                if isinstance(raw, bytes):
                    digests[path] = hashlib.sha256(raw).digest()
            read = read_content(raw, path, _md(path))
            if isinstance(read, Document) and isinstance(raw, bytes):
                read = self._owned(_checked(read) if key is not None else read, digests[path])
            if key is not None and isinstance(raw, bytes):  # never keep a refusal: it is not the content's
                self._fresh.append((key, read))
            yield path, kind, read

    def _owned(self, document: Document, digest: bytes) -> Document:
        """The document without its YAML text: this tree reads it again if a position is asked for."""
        document.yaml_text = None
        document.origin = self
        document.digest = digest
        return document

    def yaml_text(self, document: Document) -> str | None:
        """The YAML text of a document read from this tree, read again; None if the file changed since."""
        raw = self.raw(document.path)
        if not isinstance(raw, bytes) or hashlib.sha256(raw).digest() != document.digest:
            self.raced = True  # what was judged is no longer there: keep nothing of this run
            return None
        return yaml_text_of(raw, _md(document.path))

    def reread(self, document: Document) -> Document | None:
        """The document read again from this tree (after :meth:`Document.release`); None if the file changed since."""
        raw = self.raw(document.path)
        if not isinstance(raw, bytes) or hashlib.sha256(raw).digest() != document.digest:
            self.raced = True  # what was judged is no longer there: keep nothing of this run
            return None
        read = read_content(raw, document.path, _md(document.path))
        return read if isinstance(read, Document) else None

    def remember(self, key: bytes, content: bytes) -> None:
        """Keep the digest of ``content`` under ``key`` (a git blob's id: its content, named by git)."""
        self.entries.put(key, hashlib.sha256(content).digest())

    def _keep(self) -> None:
        """Write what was read afresh, with its records' verdicts, for the next run (a batch at a time)."""
        for key, read in self._fresh:
            try:
                self.entries.put(key, marshal.dumps((_TAG, key, _stored(read))))
            except ValueError:  # pragma: no cover - the reader makes only plain data
                continue
        self._fresh.clear()
        self.entries.flush()

    def save(self) -> None:
        """Write what is left to keep (the loader calls this once it is done)."""
        self._keep()
        self.entries.close()

    def close(self) -> None:
        self.entries.close()


class WorkingTree(EvidenceFiles):
    """The evidence as it stands on disk below ``root`` (``tree``: its listing, when it was just made)."""

    def __init__(self, root: Path, tree: Tree | None = None) -> None:
        super().__init__(root, tree if tree is not None else scan(root))

    def raw(self, path: str) -> Content:
        real = self.tree.files.get(path)
        target = real if real is not None else inspect(self.root, path)
        return read_bytes(target) if isinstance(target, str) else target


def _digest(content: Content) -> str:
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest()
    return f"refused: {content.reason}" if isinstance(content, Refused) else f"too large: {content.size}"


def _md(path: str) -> bool:
    return path.endswith(".md")


def _checked(document: Document) -> Checked:
    return Checked(
        path=document.path,
        data=document.data,
        body=document.body,
        body_line=document.body_line,
        yaml_text=document.yaml_text,
        line_offset=document.line_offset,
        markup=document.markup,
    )


def alias_key(oid: str) -> bytes:
    """The cache key under which a git blob's SHA-256 is kept: a blob read once is known by its id."""
    return hashlib.sha256(b"git-blob\0" + oid.encode()).digest()


def entry_key(digest: bytes, kind: str, markdown: bool) -> bytes:
    """The cache key of a file's content read as ``kind``, by this version of the reader and schemas."""
    return hashlib.sha256(b"\0".join((stamp(), kind.encode(), b"md" if markdown else b"yaml", digest))).digest()


@cache
def stamp() -> bytes:
    """The versions a cached reading depends on: the code and schemas that made it, and their libraries."""
    digest = hashlib.sha256()
    package = resources.files("checks")
    for name in _CODE:
        digest.update(package.joinpath(name).read_bytes())
    schemas = package.joinpath("schemas")
    for entry in sorted(schemas.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    versions = (__version__, yaml.__version__, installed("fastjsonschema", "jsonschema"), sys.version)
    digest.update(repr(versions).encode())
    return digest.digest()


def _stored(read: Document | Problem) -> tuple[Any, ...]:
    if isinstance(read, Problem):
        return ("problem", read.line, read.column, read.message)
    verdicts = (read.verdicts if isinstance(read, Checked) else None) or {}
    return (
        "document",
        read.data,
        read.body,
        read.body_line,
        read.markup,
        read.line_offset,
        read.items,
        {
            json_path: verdict if isinstance(verdict, bool) else [(v.json_path, v.message) for v in verdict]
            for json_path, verdict in verdicts.items()
        },
    )


def _are_lines(items: object) -> bool:
    return isinstance(items, tuple) and all(
        isinstance(item, tuple) and len(item) == 2 and type(item[0]) is int and isinstance(item[1], str)
        for item in items
    )


def _restore(value: bytes, key: bytes, path: str) -> Document | Problem | None:
    """The reading kept under ``key``, or None if the entry is not one this version wrote for that key."""
    try:
        entry = marshal.loads(value)  # noqa: S302 - our own cache, checksummed; its shape is checked below
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == _TAG and entry[1] == key):
        return None
    stored = entry[2]
    if not isinstance(stored, tuple) or not stored:
        return None
    if stored[0] == "problem" and len(stored) == 4:
        _, line, column, message = stored
        if isinstance(line, int) and isinstance(column, int) and isinstance(message, str):
            return Problem(line, column, message)
        return None
    if stored[0] != "document" or len(stored) != 8:
        return None
    _, data, body, body_line, markup, line_offset, items, verdicts = stored
    if not (
        isinstance(body, (str, type(None)))
        and isinstance(body_line, int)
        and isinstance(markup, bool)
        and isinstance(line_offset, int)
        and isinstance(verdicts, dict)
        and (items is None or _are_lines(items))
    ):
        return None
    restored: dict[JsonPath, list[Violation] | bool] = {}
    for json_path, verdict in verdicts.items():
        if not isinstance(json_path, tuple):
            return None
        if isinstance(verdict, bool):
            restored[json_path] = verdict
        elif isinstance(verdict, list) and all(
            isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], tuple) and isinstance(v[1], str) for v in verdict
        ):
            restored[json_path] = [Violation(p, m) for p, m in verdict]
        else:
            return None
    document = Checked(
        path=path, data=data, body=body, body_line=body_line, line_offset=line_offset, markup=markup, items=items
    )
    document.verdicts = restored
    return document
