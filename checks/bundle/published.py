"""The bundles a site publishes: one zip per customer, built from the very evidence the site shows.

The site's MkDocs plugin calls :func:`downloads` once per build, with what it has
already read and judged (no second reading of the repository): every customer's bundle,
made as ``brm bundle --customer ID`` makes it at HEAD (evidence files from HEAD's
blobs; a file with uncommitted changes, from the disk, and marked), without a PDF.
Each is published at ``bundles/<customer>.zip``; customer pages and the dashboard link
to it, and the publish workflow keeps the folder as an artifact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..findings import Finding
from ..load import Loaded
from ..site.provenance import History
from ..snapshot import published
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
) -> dict[str, Download]:
    """Every customer's bundle, by customer id, in register order.

    A file's name is made from the customer's id with contact details withheld, as a page's path is.
    """
    snapshot = published(root, loaded, history)
    found: dict[str, Download] = {}
    taken: set[str] = set()
    try:
        shared = common(snapshot, as_of, findings, contacts)
        for customer in loaded.repository.customers:
            if customer.id is None or customer.id in found:
                continue
            bundle = build(snapshot, as_of, findings, Scope((customer.id,)), contacts, shared=shared)
            data = zip_bytes(bundle)
            found[customer.id] = Download(customer.id, file_name(shared.redact(customer.id), taken), data, sha256(data))
    finally:
        snapshot.close()
    return found
