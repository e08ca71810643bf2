"""The auditor site as plain code: evidence and findings in, ``{path: markdown}`` out.

Nothing here knows MkDocs. :func:`render` takes what the checks produced (the loaded
repository, the findings, the as-of date) and what git said, and returns every page as
Markdown; :func:`navigation` the menu. The plugin (``checks.site.plugin``) only hands
them to MkDocs, escaping every title and withholding contact details on the way.

One module per page family, in menu order (:data:`FAMILIES`). Each declares its pages
once, as :class:`registry.Page` values: path, title, place in the menu, and a function
from the model to Markdown. The registry (:mod:`registry`) reads those declarations
for the page list, the menu, the reserved paths and the titles; :class:`site.Site`
holds what the families share (the evidence seen as of the as-of date, the coverage,
the indexes, and :meth:`Site.link`, the one link helper).

How to add a page family (a management report, evidence bundles ...):

1. Write a module beside these, say ``report.py``::

       from collections.abc import Iterator
       from .registry import Family, Page

       def pages(site: Site) -> Iterator[Page]:
           yield Page("report.md", "Management report", lambda here: report(site, here), menu="Management report")
           # one page per record: yield Page(<path made from evidence>, title, partial(write, site, record),
           #                                 record=record, shows=(record.source.path,), fixed=False)

       FAMILY = Family("Management report", pages)   # its entry in the menu

       def report(site: Site, here: str) -> str:
           return "\\n".join(["# Management report", "", ...])

   A family that shows a kind of Markdown document says so, ``Family("Minutes", pages,
   types=("review",))``; a document type no family shows gets generic pages from
   ``documents.py``, and a register without a page of its own a table of its fields
   (``registers.py``), so a new record type is on the site as soon as its schema and
   record class exist.

   A page is Markdown. Evidence text goes through ``site.say`` (or ``markup.text``/``code``),
   links through ``site.link(here, page, label, anchor)``, evidence bodies through
   ``site.body``; never write a value from evidence into a page any other way.
   ``menu=None`` keeps a page out of the menu (an index page links to it). A family whose
   only menu entry is labelled like its section is one entry; with more, a section.
2. Add its ``FAMILY`` to :data:`FAMILIES` below, where it belongs in the menu.
3. Test it in ``tests/test_site_pages.py`` (``site(root).pages()["report.md"]``); the
   strict build, the hostile-evidence build and the browser tests cover it as they
   cover every page.
"""

from __future__ import annotations

from typing import Any

from . import (
    bundles,
    calendar,
    clause_map,
    customers,
    dashboard,
    documents,
    findings,
    heatmap,
    minutes,
    procedures,
    registers,
    report,
    rules,
    surveys,
)
from .registry import Family, Page
from .site import Evidence, Site

#: The page families, in the order of the menu.
FAMILIES: tuple[Family, ...] = (
    dashboard.FAMILY,
    customers.FAMILY,
    registers.FAMILY,
    minutes.FAMILY,
    surveys.FAMILY,
    procedures.FAMILY,
    documents.FAMILY,
    findings.FAMILY,
    rules.FAMILY,
    clause_map.FAMILY,
    calendar.FAMILY,
    heatmap.FAMILY,
    report.FAMILY,
    bundles.FAMILY,
)

__all__ = ["FAMILIES", "Evidence", "Family", "Page", "Site", "navigation", "render"]


def render(evidence: Evidence) -> dict[str, str]:
    """Every page of the site: path (relative to the docs folder) -> Markdown."""
    return Site(evidence).pages()


def navigation(evidence: Evidence) -> list[Any]:
    """The menu, in MkDocs' ``nav`` form."""
    return Site(evidence).navigation()
