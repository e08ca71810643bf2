"""Files -> validated records -> Repository, with BRM001/BRM002 problems kept aside.

Which schema a file answers to is decided by where it stands (FORMAT.md's layout).
A register may be one file or a folder of files; both are read as one register.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Location
from .model import (
    Action,
    Complaint,
    Customer,
    Instrument,
    Person,
    Procedure,
    Record,
    Repository,
    Requirements,
    Result,
    Review,
    Service,
    Source,
    Waiver,
)
from .reader import MAX_BYTES, Document, Problem, read_file
from .schema import validator

#: Register name (file stem or folder under registers/) -> (schema type, builder, repository list).
REGISTERS: dict[str, tuple[str, Callable[[Source, dict[str, Any]], Record], str]] = {
    "people": ("person", Person.build, "staff"),
    "services": ("service", Service.build, "services"),
    "customers": ("customer", Customer.build, "customers"),
    "requirements": ("requirements", Requirements.build, "requirements"),
    "actions": ("action", Action.build, "actions"),
    "complaints": ("complaint", Complaint.build, "complaints"),
    "waivers": ("waiver", Waiver.build, "waivers"),
}

YAML_SUFFIXES = (".yaml", ".yml")
#: Folders never walked: tooling, caches and the built site.
SKIP_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", "site", ".cache"})


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


def _walk(root: Path, folder: str, suffixes: tuple[str, ...], recursive: bool) -> list[str]:
    base = root / folder
    if not base.is_dir():
        return []
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if not recursive:
            dirnames[:] = []
        rel = Path(directory).relative_to(root).as_posix()
        found.extend(f"{rel}/{name}" for name in sorted(filenames) if name.endswith(suffixes))
    return found


def discover(root: Path) -> list[tuple[str, str]]:
    """Every evidence file as (relative POSIX path, what it is), in a stable order."""
    files: list[tuple[str, str]] = []
    registers = root / "registers"
    if registers.is_dir():
        for entry in sorted(registers.iterdir()):
            name = entry.name
            if entry.is_file() and name.endswith(YAML_SUFFIXES):
                files.append((f"registers/{name}", Path(name).stem))
            elif entry.is_dir() and not name.startswith("."):
                for path in _walk(root, f"registers/{name}", YAML_SUFFIXES, recursive=True):
                    files.append((path, name))
    files += [(p, "review") for p in _walk(root, "reviews", (".md",), recursive=True)]
    files += [(p, "survey-instrument") for p in _walk(root, "surveys/instruments", (".md",), recursive=False)]
    files += [(p, "satisfaction-result") for p in _walk(root, "surveys/results", (".md",), recursive=True)]
    files += [(p, "procedure") for p in _walk(root, "procedures", (".md",), recursive=False)]
    return files


_MARKDOWN: dict[str, tuple[Callable[[Source, dict[str, Any]], Record], str]] = {
    "review": (Review.build, "reviews"),
    "survey-instrument": (Instrument.build, "instruments"),
    "satisfaction-result": (Result.build, "results"),
    "procedure": (Procedure.build, "procedures"),
}


def load(root: Path) -> Loaded:
    repository = Repository(root=root)
    loaded = Loaded(repository)
    problems = loaded.problems
    for path, kind in discover(root):
        repository.files += 1
        markdown = path.endswith(".md")
        document = read_file(root / path, path, markdown)
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
            for index, item in enumerate(data):
                _add(loaded, document, (index,), item, type_name, build, attribute)
        else:
            _add(loaded, document, (), data, type_name, build, attribute)
    repository.paths = _all_paths(root)
    _read_responses(repository)
    return loaded


def _add(
    loaded: Loaded,
    document: Document,
    json_path: tuple[int, ...],
    data: Any,
    type_name: str,
    build: Callable[[Source, dict[str, Any]], Record],
    attribute: str,
) -> None:
    source = Source(document, json_path)
    if not isinstance(data, dict):
        loaded.problems.append(
            LoadProblem(
                "BRM002",
                source.at(),
                document.path,
                f"each {type_name} record must be a mapping of fields, not {type(data).__name__}: "
                "write 'field: value' lines",
            )
        )
        return
    for violation in validator(type_name).violations(data):
        subject = data.get("id") if isinstance(data.get("id"), str) else document.path
        loaded.problems.append(LoadProblem("BRM002", source.at(*violation.json_path), str(subject), violation.message))
    getattr(loaded.repository, attribute).append(build(source, data))


def _all_paths(root: Path) -> set[str]:
    """Every file below the root, for references to reports, sources and responses."""
    paths: set[str] = set()
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel = Path(directory).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        paths.update(prefix + name for name in filenames)
    return paths


#: The column of a responses file that holds each response's score.
SCORE_COLUMN = "score"


def responses_path(result: Result) -> str | None:
    """A result's responses file: a name beside the result, or a path from the repository root.

    The same resolution as BRM003's check that the file exists (rules/reading.py).
    """
    name = result.responses_file
    if name is None or "://" in name:
        return None  # none, or a URL: nothing in the repository to read
    if "/" in name and not name.startswith("."):
        return name
    folder = result.source.path.rsplit("/", 1)[0]
    return f"{folder}/{name}"


def _read_responses(repository: Repository) -> None:
    """Give each result with a responses file its scores, or the reason they cannot be read.

    Rules do no I/O, so SAT004 compares the declared scores with what is read here.
    A problem is a sentence; one tied to a line of the file starts ``line N:``.
    """
    for result in repository.results:
        path = responses_path(result)
        if path is not None:
            result.response_scores, result.responses_problem = read_responses(repository, path)


def read_responses(repository: Repository, path: str) -> tuple[list[float] | None, str | None]:
    """The `score` column of a responses CSV (one row a response), or why it cannot be read."""
    root = repository.root.resolve()
    file = (repository.root / path).resolve()
    if path not in repository.paths or not file.is_relative_to(root) or not file.is_file():
        return None, f"the responses file {path} does not exist"
    try:
        raw = file.read_bytes()
    except OSError as error:
        return None, f"the responses file {path} cannot be read ({error.strerror})"
    if len(raw) > MAX_BYTES:
        return None, f"the responses file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
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
    """Pause the cyclic garbage collector while the evidence is read and judged.

    Reading allocates a million small objects at 10k files and frees almost none;
    every collection would walk them all again (up to half of a check's time). The
    records form no reference cycles, so nothing is lost by waiting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
