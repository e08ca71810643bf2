"""The bundles a site publishes: one zip per customer, built from the very evidence the site shows.

The site's MkDocs plugin calls :func:`downloads` once per build, with what it has
already read and judged (no second reading of the repository): every customer's bundle,
made as ``brm bundle --customer ID`` makes it at HEAD (evidence files from HEAD's
blobs; a file with uncommitted changes, from the disk, and marked), without a PDF.
Each is published at ``bundles/<customer>.zip``; customer pages and the dashboard link
to it, and the publish workflow keeps the folder as an artifact.

A bundle made is kept (:class:`checks.kept.Kept`) under everything it follows from: the
next build of the same evidence, at the same commit and date, serves it as it was made
(``mkdocs serve``, a second build), and a build of anything else makes it afresh.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..kept import Kept, of_history, place
from ..load import Loaded
from ..site.provenance import History
from ..snapshot import head, published
from .build import build, common, redactor_of, sha256, zip_bytes
from .scope import Scope

FOLDER = "bundles"
#: How every placeholder of a :class:`Pending` starts (then a nonce of the build, then letters).
_MARK = "brmbundle"
log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class Download:
    """One customer's bundle as the site publishes it."""

    customer: str
    path: str  # bundles/<name>.zip, relative to the site's root
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def size_text(self) -> str:
        return size_text(self.size)


@dataclass(frozen=True)
class Pending:
    """A bundle being made while the site renders: its path, and placeholders for its size and SHA-256.

    The placeholders are letters only, with a nonce of the build (evidence cannot
    spell them), and :meth:`Making.finish` gives what replaces each.
    """

    customer: str
    path: str
    sha256: str
    size_text: str


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MB"


def file_name(customer_id: str, taken: set[str]) -> str:
    """``bundles/<id>.zip`` from a customer id (letters, digits, dots, dashes), made unique."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", customer_id).strip("-.")[:100] or "customer"
    name, n = f"{FOLDER}/{stem}.zip", 1
    while name.lower() in taken:
        n += 1
        name = f"{FOLDER}/{stem}-{n}.zip"
    taken.add(name.lower())
    return name


def downloads(
    root: Path,
    loaded: Loaded,
    findings: list[Finding],
    as_of: date,
    history: History,
    contacts: bool,
    kept: Kept | None = None,
) -> dict[str, Download]:
    """Every customer's bundle, by customer id, in register order: kept from a build of the same, or made.

    A file's name is made from the customer's id with contact details withheld, as a page's path is.
    """
    return Making(root, loaded, findings, as_of, history, contacts, kept, parallel=False).finish()


class Making:
    """Every customer's bundle for one site build: kept ones served, the others made now or by a worker.

    With ``parallel``, the bundles not kept are made in a forked worker process while
    MkDocs renders the pages (they need nothing of each other): :attr:`listed` then
    holds a :class:`Pending` for each, and :meth:`finish` (before MkDocs copies the
    site's files) waits for the worker and gives every :class:`Download`. A worker that
    fails costs only time: its bundles are made in this process instead.
    """

    def __init__(
        self,
        root: Path,
        loaded: Loaded,
        findings: list[Finding],
        as_of: date,
        history: History,
        contacts: bool,
        kept: Kept | None,
        parallel: bool,
    ) -> None:
        self.arguments = (root, loaded, findings, as_of, history, contacts)
        self.kept = kept
        repository = loaded.repository
        self.customers = list(dict.fromkeys(c.id for c in repository.customers if c.id is not None))
        self.keys: dict[str, bytes | None] = dict.fromkeys(self.customers)
        self.places = {customer: place("bundle", str(root), customer) for customer in self.customers}
        self.made: dict[str, bytes] = {}
        if kept is not None and kept.enabled:
            # HEAD itself too: a commit that changes nothing below the root is in no file's history, but in the bundle.
            latest = head(root) if history.missing is None else None
            stated = of_history(history) + (f"{latest.sha} {latest.when.isoformat()}" if latest else "no HEAD").encode()
            scope = (as_of.isoformat(), "contacts published" if contacts else "contacts withheld")
            self.keys = {customer: kept.key("bundle", stated, *scope, customer) for customer in self.customers}
            found = kept.get({self.places[c]: key for c, key in self.keys.items() if key is not None})
            for customer in self.customers:
                value = found.get(self.places[customer])
                if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):
                    self.made[customer] = value[1]
        # The name published is the customer's id with contact details withheld (as the bundle's own Redactor does).
        redact = redactor_of(repository, contacts)
        taken: set[str] = set()
        self.paths = {customer: file_name(redact(customer), taken) for customer in self.customers}
        self.missing = [customer for customer in self.customers if customer not in self.made]
        self.worker: _Worker | None = None
        if self.missing and parallel:
            self.worker = _Worker(self._make, self.missing)
        elif self.missing:
            self._keep(self._make(self.missing))
        nonce = "".join(secrets.choice(string.ascii_lowercase) for _ in range(16))
        self.listed: dict[str, Download | Pending] = {}
        self.placeholders: dict[str, tuple[str, str]] = {}  # customer -> (sha placeholder, size placeholder)
        for index, customer in enumerate(self.customers):
            if customer in self.made:
                self.listed[customer] = self._download(customer)
            else:
                marks = (f"{_MARK}{nonce}sha{_letters(index)}", f"{_MARK}{nonce}size{_letters(index)}")
                self.placeholders[customer] = marks
                self.listed[customer] = Pending(customer, self.paths[customer], *marks)

    def finish(self) -> dict[str, Download]:
        """Every bundle made (waiting for the worker, if one is at work)."""
        if self.worker is not None:
            worker, self.worker = self.worker, None
            made = worker.result()
            if made is None:  # the worker failed: make them here
                log.info("brm: the bundle worker stopped; making the bundles in this process")
                made = self._make(self.missing)
            self._keep(made)
        return {customer: self._download(customer) for customer in self.customers}

    def filler(self, finished: dict[str, Download]) -> Callable[[str], str]:
        """What puts each :class:`Pending`'s real SHA-256 and size into a text, once :meth:`finish` made them."""
        values: dict[str, str] = {}
        for customer, (sha, size) in self.placeholders.items():
            values[sha], values[size] = finished[customer].sha256, finished[customer].size_text
        if not values:
            return lambda text: text
        marks = re.compile("|".join(re.escape(mark) for mark in values))
        return lambda text: marks.sub(lambda match: values[match.group()], text) if _MARK in text else text

    def _download(self, customer: str) -> Download:
        data = self.made[customer]
        return Download(customer, self.paths[customer], data, sha256(data))

    def _make(self, customers: list[str]) -> dict[str, bytes]:
        root, loaded, findings, as_of, history, contacts = self.arguments
        made: dict[str, bytes] = {}
        snapshot = published(root, loaded, history)
        try:
            shared = common(snapshot, as_of, findings, contacts)
            for customer in customers:
                made[customer] = zip_bytes(
                    build(snapshot, as_of, findings, Scope((customer,)), contacts, shared=shared)
                )
        finally:
            snapshot.close()
        return made

    def _keep(self, made: dict[str, bytes]) -> None:
        self.made.update(made)
        if self.kept is None:
            return
        for customer, data in made.items():
            self.kept.put(self.places[customer], self.keys[customer], (customer, data))
            self.kept.flush()  # a bundle at a time: never all of them in memory twice


def _letters(number: int) -> str:
    """A number in letters (a, b, ... z, ba, bb ...): placeholders hold no digit a phone number could match."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = string.ascii_lowercase[digit] + text
        if number == 0:
            return text


class _Worker:
    """``make(customers)`` run in a forked child process; its result sent back through a pipe."""

    def __init__(self, make: Callable[[list[str]], dict[str, bytes]], customers: list[str]) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe(duplex=False)
        self.process = context.Process(target=_work, args=(child, make, customers), daemon=True)
        self.process.start()
        child.close()  # the child's end: closed here, so that a child that dies is an EOF, not a wait

    def result(self) -> dict[str, bytes] | None:
        try:
            outcome = self.connection.recv()
        except (EOFError, OSError):
            outcome = None
        finally:
            self.connection.close()
            self.process.join()
        if isinstance(outcome, tuple) and len(outcome) == 2 and outcome[0] == "made" and isinstance(outcome[1], dict):
            return outcome[1]
        return None


def _work(connection: Any, make: Callable[[list[str]], dict[str, bytes]], customers: list[str]) -> None:
    try:
        connection.send(("made", make(customers)))
    except BaseException as error:  # noqa: BLE001 - whatever stops the child, the parent makes the bundles
        connection.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
