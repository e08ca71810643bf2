"""The page registry: every family declares its pages once; the page list, the menu, the
reserved paths and the titles are all read from those declarations.

A :class:`Page` says where it is, what it is called, where the menu shows it and how it
is written. A page whose path is fixed (``findings.md``) reserves it; a page whose path
is made from evidence (a review's file name, a customer's id) claims it, and is given
``-2``, ``-3`` ... when another page holds it already. Which page shows which record or
evidence file is decided here, once, before any page is written, so every family can
link to every other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .site import Site


@dataclass(frozen=True)
class Page:
    """One page of the site."""

    path: str  # relative to the docs folder, ending in .md
    title: str  # plain text (the plugin escapes it for the menu and the browser's title)
    write: Callable[[str], str]  # the page's own path -> its Markdown
    menu: str | None = None  # its label in the family's section of the menu; None: reached from other pages
    record: object | None = None  # the record the page shows, if it shows one
    shows: tuple[str, ...] = ()  # evidence files it shows: a link to one of them leads here
    fixed: bool = True  # a fixed path is reserved; a path made from evidence is claimed (made unique)
    wide: bool = False  # tables across the whole width: no table of contents beside them


@dataclass(frozen=True)
class Family:
    """A kind of page: its entry in the menu, and the pages it declares for a build."""

    section: str
    pages: Callable[[Site], Iterable[Page]]
    types: tuple[str, ...] = ()  # the Markdown record types its pages show (the rest: see documents.py)


class Catalogue:
    """The pages of one build, their paths decided: what the families declared, in menu order."""

    def __init__(self, site: Site, families: Iterable[Family]) -> None:
        declared = [(family, page) for family in families for page in family.pages(site)]
        self.reserved: set[str] = set()
        for _family, page in declared:
            if page.fixed:
                if page.path in self.reserved:
                    raise ValueError(f"two page families declare {page.path}")
                self.reserved.add(page.path)
        taken = set(self.reserved)
        self.pages: dict[str, Page] = {}
        self.sections: dict[str, list[Page]] = {}
        self.page_of_record: dict[int, str] = {}
        self.page_of_path: dict[str, str] = {}
        for family, page in declared:
            if not page.fixed:
                page = replace(page, path=_claim(page.path, taken))
            self.pages[page.path] = page
            self.sections.setdefault(family.section, []).append(page)
            if page.record is not None:
                self.page_of_record[id(page.record)] = page.path
            for shown in page.shows:
                self.page_of_path.setdefault(shown, page.path)
        self.customer_page: dict[str, str] = {}
        for customer in site.repository.customers:
            path = self.page_of_record.get(id(customer))
            if path is not None and customer.id is not None:
                self.customer_page.setdefault(customer.id, path)

    def write(self) -> dict[str, str]:
        """Every page's Markdown, by path."""
        return {path: page.write(path) for path, page in self.pages.items()}

    def navigation(self) -> list[Any]:
        """The menu: a family with one page in it is one entry; with more, a section of them."""
        menu: list[Any] = []
        for section, pages in self.sections.items():
            entries = [(page.menu, page.path) for page in pages if page.menu is not None]
            if len(entries) == 1 and entries[0][0] == section:
                menu.append({section: entries[0][1]})
            elif entries:
                menu.append({section: [{label: path} for label, path in entries]})
        return menu


def _claim(path: str, taken: set[str]) -> str:
    candidate, n = path, 1
    while candidate in taken:
        n += 1
        candidate = f"{path[:-3]}-{n}.md"
    taken.add(candidate)
    return candidate
