"""Files -> validated records -> Repository, with BRM001/BRM002 problems kept aside.

Which schema a file answers to is decided by where it stands (FORMAT.md's layout).
A register may be one file or a folder of files; both are read as one register.
"""

from __future__ import annotations

import csv
import gc
import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .boundary import (
    MAX_BYTES,
    Refused,
    TooLarge,
    Tree,
    inspect,
    megabytes,
    read_bytes,
    refusal,
    resolve,
    scan,
    skipped,
)
from .findings import Location
from .model import RECORD_TYPES, Record, Repository, Result, Source
from .reader import Document, Problem
from .schema import TYPES
from .sources import EvidenceFiles, WorkingTree, valid, violations

#: Register name (file stem or folder under registers/) -> (schema type, builder, repository list),
#: for every record type whose schema says its files are a register.
REGISTERS: dict[str, tuple[str, Callable[[Source, dict[str, Any]], Record], str]] = {
    t.register: (t.name, *RECORD_TYPES[t.name]) for t in TYPES.values() if t.register is not None
}

YAML_SUFFIXES = (".yaml", ".yml")
#: Where each kind of evidence stands (FORMAT.md's layout, as the schemas say it): folder, whether
#: its subfolders count, suffix, and the kind (None: a register, named by file or folder).
AREAS: tuple[tuple[str, bool, tuple[str, ...], str | None], ...] = (
    ("registers", True, YAML_SUFFIXES, None),
    *((t.folder, t.subfolders, (".md",), t.name) for t in TYPES.values() if t.register is None),
)


@dataclass(frozen=True)
class LoadProblem:
    """A BRM001 (unreadable) or BRM002 (schema) problem found while loading."""

    code: str
    location: Location
    subject: str
    message: str


@dataclass
class Loaded:
    repository: Repository
    problems: list[LoadProblem] = field(default_factory=list)
    #: Records keep only their typed fields and shape (the files' parsed values are let go of).
    lean: bool = False

    def add(self, attribute: str, record: Record) -> None:
        if self.lean:
            record.kept = None
        getattr(self.repository, attribute).append(record)


def evidence_kind(path: str) -> str | None:
    """What the file at ``path`` is by where it stands, or None if it is not evidence.

    A register's name is its file's stem (``registers/actions.yaml``) or its folder
    (``registers/actions/ACT-0042.yaml``).
    """
    for area, recursive, suffixes, kind in AREAS:
        if not path.startswith(area + "/") or not path.endswith(suffixes):
            continue
        rest = path[len(area) + 1 :].split("/")
        if len(rest) > 1 and not recursive:
            return None
        if kind is not None:
            return kind
        return rest[0].rsplit(".", 1)[0] if len(rest) == 1 else rest[0]
    return None


def _kinds_behind(path: str, folder: bool) -> set[str]:
    """The kinds of evidence a refused entry stands for (a file, or a folder that could hold some)."""
    kind = evidence_kind(path)
    kinds = {kind} if kind is not None else set()
    if not folder or any(skipped(part) for part in path.split("/")):
        return kinds
    for area, recursive, _suffixes, area_kind in AREAS:
        if area == path or area.startswith(path + "/"):  # the link stands for the whole area
            kinds |= set(REGISTERS) if area_kind is None else {area_kind}
        elif recursive and path.startswith(area + "/"):
            kinds.add(path[len(area) + 1 :].split("/")[0] if area_kind is None else area_kind)
    return kinds


def discover(root: Path, tree: Tree | None = None) -> list[tuple[str, str]]:
    """Every readable evidence file as (relative POSIX path, what it is), in a stable order.

    Registers first (by file or folder name), then reviews, survey instruments, survey
    results and procedures; within a folder, its files by name, then its folders.
    """
    files = (tree or scan(root)).files
    found = [(path, kind) for path in files if (kind := evidence_kind(path)) is not None]
    order = {kind: index for index, (_area, _recursive, _suffixes, kind) in enumerate(AREAS) if kind}

    def place(entry: tuple[str, str]) -> tuple[int, str]:
        path, kind = entry
        if kind in order and not path.startswith("registers/"):
            return order[kind], ""
        return 0, path.split("/")[1]  # a register: by its entry under registers/

    return sorted(found, key=place)  # stable: walk order within each group


#: Markdown document kind -> (builder, repository list).
_MARKDOWN: dict[str, tuple[Callable[[Source, dict[str, Any]], Record], str]] = {
    t.name: RECORD_TYPES[t.name] for t in TYPES.values() if t.register is None
}


def load(root: Path, files: EvidenceFiles | None = None) -> Loaded:
    """The evidence below ``root``: the working tree, or ``files`` (a git commit's, for ``--base``).

    When ``files.lean`` is set (``brm check``), records keep only what rules read and
    the files' parsed values are let go of as soon as they are kept in the parse
    cache: memory then grows with the records, not with every value of every file.
    """
    files = files if files is not None else WorkingTree(root)
    repository = Repository(root=root)
    loaded = Loaded(repository, lean=files.lean)
    problems = loaded.problems
    tree = files.tree
    for path, kind, document in files.documents(discover(root, tree)):
        repository.files += 1
        markdown = path.endswith(".md")
        if isinstance(document, Problem):
            repository.incomplete.add(kind)
            problems.append(
                LoadProblem("BRM001", Location(path, document.line, document.column), path, document.message)
            )
            continue
        repository.documents.append(document)
        if markdown:
            build, attribute = _MARKDOWN[kind]
            _add(loaded, document, (), document.data, kind, build, attribute)
            continue
        if kind not in REGISTERS:
            known = ", ".join(sorted(REGISTERS))
            problems.append(
                LoadProblem(
                    "BRM002",
                    Location(path, 1, 1),
                    path,
                    f"'{path}' is not a register this tool knows ({known}): rename it or move it out of registers/",
                )
            )
            continue
        type_name, build, attribute = REGISTERS[kind]
        data = document.data
        if data is None:
            repository.incomplete.add(kind)
            problems.append(
                LoadProblem(
                    "BRM001",
                    Location(path, 1, 1),
                    path,
                    "file is empty: write '[]' for an empty register, or remove the file",
                )
            )
        elif isinstance(data, list):
            _add_all(loaded, document, data, kind, type_name, build, attribute)
        else:
            _add(loaded, document, (), data, type_name, build, attribute)
    for path, reason in tree.refused.items():
        kinds = _kinds_behind(path, folder=path not in tree.not_folders)
        if kinds:  # evidence the checks will not read: a link out of the repository, a pipe ...
            repository.files += 1
            repository.incomplete |= kinds
            problems.append(LoadProblem("BRM001", Location(path, 1, 1), path, reason))
    repository.paths = set(tree.files)
    repository.refused = tree.refused
    _read_responses(repository, files.read)
    files.save()
    return loaded


#: Schema problems one register file may have explained: past them, its records that
#: fail are only counted, in one finding, and not read (the rule engine caps every
#: rule's findings per file the same way). A generated million-item list is then one
#: page of findings, in bounded time and memory.
MAX_EXPLAINED = 99


def _add_all(
    loaded: Loaded,
    document: Document,
    items: list[Any],
    kind: str,
    type_name: str,
    build: Callable[[Source, dict[str, Any]], Record],
    attribute: str,
) -> None:
    """The records of one register file, each as :func:`_add` adds it, until too many fail."""
    problems = loaded.problems
    room = MAX_EXPLAINED
    first_unread, unread = 0, 0
    for index, item in enumerate(items):
        if room > 0:
            before = len(problems)
            if _add(loaded, document, (index,), item, type_name, build, attribute, room):
                room -= len(problems) - before
                continue
            room = 0  # this record's problems would not fit: from here on, only count
        elif isinstance(item, dict) and valid(document, (index,), type_name, item):
            loaded.add(attribute, build(Source(document, (index,)), item))
            continue
        first_unread = first_unread if unread else index
        unread += 1
    if unread:
        loaded.repository.incomplete.add(kind)  # references into the unread records are not judged
        one = unread == 1
        problems.append(
            LoadProblem(
                "BRM002",
                Source(document, (first_unread,)).at(),
                document.path,
                f"{unread} more {type_name} record{'' if one else 's'} of this file "
                f"{'does' if one else 'do'} not match the schema and {'is' if one else 'are'} "
                f"not read (a file's first {MAX_EXPLAINED} problems are explained): fix those, then check again",
            )
        )


def _add(
    loaded: Loaded,
    document: Document,
    json_path: tuple[int, ...],
    data: Any,
    type_name: str,
    build: Callable[[Source, dict[str, Any]], Record],
    attribute: str,
    room: int = MAX_EXPLAINED,
) -> bool:
    """Add the record and its schema problems; False, adding nothing, if they are more than ``room``."""
    source = Source(document, json_path)
    if not isinstance(data, dict):
        if room < 1:
            return False
        loaded.problems.append(
            LoadProblem(
                "BRM002",
                source.at(),
                document.path,
                f"each {type_name} record must be a mapping of fields, not {type(data).__name__}: "
                "write 'field: value' lines",
            )
        )
        return True
    found = violations(document, json_path, type_name, data)  # from the parse cache when read before
    if len(found) > room:
        return False
    for violation in found:
        subject = data.get("id") if isinstance(data.get("id"), str) else document.path
        loaded.problems.append(LoadProblem("BRM002", source.at(*violation.json_path), str(subject), violation.message))
    loaded.add(attribute, build(source, data))
    return True


#: The column of a responses file that holds each response's score.
SCORE_COLUMN = "score"


def responses_path(result: Result) -> str | None:
    """A result's responses file inside the repository, or None (none given, a URL, or refused).

    Resolved by :func:`checks.boundary.resolve`, as BRM003 and the site resolve it: a
    bare name or a ``./`` path is beside the result, any other path is from the root.
    """
    if result.responses_file is None:
        return None
    return resolve(result.responses_file, beside=result.source.path).path


def _read_responses(repository: Repository, read: Callable[[str], bytes | Refused | TooLarge]) -> None:
    """Give each result with a responses file its scores, or the reason they cannot be read.

    Rules do no I/O, so SAT004 compares the declared scores with what is read here.
    A problem is a sentence; one tied to a line of the file starts ``line N:``.
    """
    for result in repository.results:
        path = responses_path(result)
        if path is not None:
            result.response_scores, result.responses_problem = read_responses(repository, path, read)


def read_responses(
    repository: Repository, path: str, read: Callable[[str], bytes | Refused | TooLarge] | None = None
) -> tuple[list[float] | None, str | None]:
    """The `score` column of a responses CSV (one row a response), or why it cannot be read.

    Only a file the walk found readable is opened (a regular file inside the repository),
    and never more of it than the size limit.
    """
    if path not in repository.paths:
        why = refusal(repository.refused, path)
        return None, f"the responses file {path} is {why}" if why else f"the responses file {path} does not exist"
    if read is not None:  # the tree being judged: the working tree or a git commit
        raw = read(path)
    else:
        target = inspect(repository.root, path)
        raw = read_bytes(target) if isinstance(target, str) else target
    if isinstance(raw, Refused):
        return None, f"the responses file {path} cannot be read: {raw.reason}"
    if isinstance(raw, TooLarge):
        return None, (
            f"the responses file is {megabytes(raw.size)}, larger than the {MAX_BYTES // (1024 * 1024)} MB "
            "limit: split the responses, or keep only the score column"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, f"line {line}: not UTF-8 (byte {raw[error.start]:#04x}): save the file as UTF-8"
    lines = text.splitlines()
    rows = csv.reader(io.StringIO(text, newline=""))
    scores: list[float] = []
    try:
        header = next(rows, None)
        if header is None:
            return None, f"line 1: the file is empty: add a header line with a `{SCORE_COLUMN}` column"
        names = [name.strip().lower() for name in header]
        if SCORE_COLUMN not in names:
            columns = ", ".join(name.strip() for name in header) or "none"
            return None, (
                f"line 1: no `{SCORE_COLUMN}` column (the header names {columns}): "
                f"name the column that holds each response's score `{SCORE_COLUMN}`"
            )
        column = names.index(SCORE_COLUMN)
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line is not a response
            line = rows.line_num
            value = row[column].strip() if column < len(row) else ""
            score = _number(value)
            if score is None:
                what = "the score is empty" if not value else f"score '{value}' is not a number"
                shown = lines[line - 1] if 0 < line <= len(lines) else ",".join(row)
                return None, f"line {line}: {what}: `{shown[:200]}`"
            scores.append(score)
    except csv.Error as error:
        return None, f"line {rows.line_num}: not valid CSV ({error})"
    return scores, None


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@contextmanager
def bulk_reading() -> Iterator[None]:
    """Collect only young garbage while the evidence is read and judged.

    Reading allocates a million small objects at 10k files and frees almost none;
    every full collection would walk them all again (up to half of a check's time).
    Young collections still run, each walking only what was made since the one
    before: the short-lived cycles some libraries make (a recursive helper defined
    per call, an exception and its frames) are freed at once instead of piling up
    with the records, and nothing is walked twice.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(_YOUNG, _NEVER, _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


#: Allocations between two young collections while reading: large enough that each
#: walk is worth its start, small enough that young garbage stays a few megabytes.
_YOUNG = 50_000
#: Young collections between two older ones: never, while reading.
_NEVER = 1 << 30
