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

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..findings import Finding
from ..kept import Kept, of_history, place
from ..load import Loaded
from ..site.provenance import History
from ..snapshot import head, published
from .build import build, common, sha256, zip_bytes
from .scope import Scope

FOLDER = "bundles"


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
    customers = list(dict.fromkeys(c.id for c in loaded.repository.customers if c.id is not None))
    keys: dict[str, bytes | None] = dict.fromkeys(customers)
    places = {customer: place("bundle", str(root), customer) for customer in customers}
    made: dict[str, tuple[str, bytes]] = {}  # customer id -> (its id as published, the zip)
    if kept is not None and kept.enabled:
        # HEAD itself too: a commit that changes nothing below the root is in no file's history, but in the bundle.
        latest = head(root) if history.missing is None else None
        stated = of_history(history) + (f"{latest.sha} {latest.when.isoformat()}" if latest else "no HEAD").encode()
        scope = (as_of.isoformat(), "contacts published" if contacts else "contacts withheld")
        keys = {customer: kept.key("bundle", stated, *scope, customer) for customer in customers}
        found = kept.get({places[c]: key for c, key in keys.items() if key is not None})
        for customer in customers:
            value = found.get(places[customer])
            if isinstance(value, tuple) and len(value) == 2 and (type(value[0]), type(value[1])) == (str, bytes):
                made[customer] = value
    missing = [customer for customer in customers if customer not in made]
    if missing:
        snapshot = published(root, loaded, history)
        try:
            shared = common(snapshot, as_of, findings, contacts)
            for customer in missing:
                bundle = build(snapshot, as_of, findings, Scope((customer,)), contacts, shared=shared)
                made[customer] = (shared.redact(customer), zip_bytes(bundle))
                if kept is not None:
                    kept.put(places[customer], keys[customer], made[customer])
                    kept.flush()  # a bundle at a time: never all of them in memory twice
        finally:
            snapshot.close()
    taken: set[str] = set()
    downloads: dict[str, Download] = {}
    for customer in customers:
        name, data = made[customer]
        downloads[customer] = Download(customer, file_name(name, taken), data, sha256(data))
    return downloads
