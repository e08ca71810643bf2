"""Evidence bundles: each customer's evidence as one zip to download, verify offline and print.

The zips are built with the site from the same evidence and commit
(:mod:`checks.bundle.published`); this family lists them on a page of their own, and
gives customer pages and the dashboard their download links (:func:`download`,
:func:`downloads_table`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..markup import code, link, relative, table
from .registry import Family, Page

if TYPE_CHECKING:
    from .site import Site

PAGE = "bundles.md"


def pages(site: Site) -> Iterator[Page]:
    if site.evidence.downloads:
        yield Page(PAGE, "Evidence bundles", lambda here: bundles_page(site, here), menu="Evidence bundles")


FAMILY = Family("Evidence bundles", pages)


def download(site: Site, here: str, customer_id: str | None) -> str:
    """The download link of a customer's bundle, with its size and SHA-256; a dash when there is none."""
    found = site.evidence.downloads.get(customer_id or "")
    if found is None:
        return "none built with this site (plugin option `bundles`), or `brm bundle --customer ID`"
    return f"{link('Download the evidence bundle', relative(here, found.path))} (zip, {found.size_text})"


def downloads_table(site: Site, here: str) -> str:
    rows = [
        [
            site.customer_link(here, customer_id),
            link(found.path.rsplit("/", 1)[-1], relative(here, found.path)),
            found.size_text,
            code(found.sha256),
        ]
        for customer_id, found in site.evidence.downloads.items()
    ]
    return table(["Customer", "Bundle", "Size", "SHA-256"], rows, empty="No bundle was built.")


def bundles_page(site: Site, here: str) -> str:
    head = site.history.head
    commit = f"commit {code(head.short)} of {head.date}" if head is not None and site.history.missing is None else (
        "the working tree (no git history)"
    )  # fmt: skip
    return "\n".join(
        [
            "# Evidence bundles",
            "",
            f"Each customer's evidence as one zip, built with this site from {commit}, judged as of {site.as_of}: "
            "`index.html` (the whole evidence in the order an auditor asks for it, self-contained, printable on "
            "A4), every cited evidence file byte for byte as committed under `evidence/`, the findings "
            "(`findings.json`, `findings.sarif`), `manifest.json` (each file's size, SHA-256, git blob id and last "
            "commit) and `SHA256SUMS`. Evidence files that hold contact details are left out unless the site "
            "publishes contacts; the manifest lists them with their SHA-256.",
            "",
            "To check a bundle offline: unpack it and run `sha256sum -c SHA256SUMS`, or run `brm verify BUNDLE` "
            "(inside the repository, it also compares each file with the commit).",
            "",
            downloads_table(site, here),
            "",
        ]
    )


def dashboard_section(site: Site, here: str) -> list[str]:
    """The dashboard's lines on the bundles: each customer's download (nothing when none was built)."""
    if not site.evidence.downloads:
        return []
    return [
        "## Evidence bundles",
        "",
        f"Each customer's evidence as one zip an auditor can download, verify offline and print "
        f"({site.link(here, PAGE, 'what is in a bundle')}).",
        "",
        downloads_table(site, here),
        "",
    ]
