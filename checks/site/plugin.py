"""The MkDocs adapter: load, check, render, and hand the pages over. Nothing else.

Enabled in ``mkdocs.yml`` as ``brm`` (the ``mkdocs.plugins`` entry point):

.. code-block:: yaml

    plugins:
      - search
      - brm:
          root: .                  # the evidence repository, relative to mkdocs.yml
          as_of: 2026-11-23        # else $BRM_AS_OF, else today
          publish_contacts: false  # e-mail addresses and phone numbers stay off the site
          repo_url: https://github.com/example/brm-evidence   # links to files at their commit
          bundles: true            # each customer's evidence bundle (zip), linked from its page

Findings never fail the build: they are pages of the site. Evidence is read by our
own strict reader (``checks.load``), never by MkDocs. What is slow to make and follows
only from the evidence (each customer's bundle, the report's month ends judged on
today's evidence) is kept for the next build of the very same (``checks.kept``).

Everything the adapter hands MkDocs that comes from evidence is safe as it stands:

* **Titles.** Material prints a navigation title raw, and a page title either raw
  (``page.meta.title``: the ``<title>``, the header, the search index) or through
  Jinja's ``striptags``, which *un-escapes* it (``&lt;/title&gt;`` becomes a real
  ``</title>``). So navigation titles are handed over HTML-escaped, and every generated
  page gets ``meta.title`` set, so ``striptags`` is never applied to it: its navigation
  title, or else the text MkDocs took from its ``h1`` (which it keeps HTML-escaped).
* **Contact details.** The site's one ``Redactor`` is applied where the evidence is
  handed over: to the navigation titles, and to each page once it is HTML (its content,
  title and table of contents, before the theme or the search index take them); to
  the templates MkDocs renders without a page (404, sitemap); to the text a heading's id
  is made from; and, by the site itself, to the calendar and to the page paths made from
  file names.
"""

from __future__ import annotations

import gc
import html
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import markdown.extensions.toc
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..bundle import published
from ..cache import directory
from ..dates import judging_date
from ..failure import crash
from ..findings import Severity
from ..kept import Kept, identity
from ..load import AREAS, bulk_reading, load
from ..memo import fingerprint
from ..policy import Policy
from ..rules import run
from ..sources import WorkingTree
from .pages import Evidence, Site
from .provenance import read_history

log = logging.getLogger("mkdocs.plugins.brm")

#: The evidence folders ``mkdocs serve`` watches for changes (where the schemas say evidence stands).
EVIDENCE_FOLDERS = tuple(dict.fromkeys(area.split("/")[0] for area, _subfolders, _suffixes, _kind in AREAS))
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class BrmConfig(base.Config):
    root = c.Type(str, default=".")
    as_of = c.Optional(c.Type((str, date)))  # YAML reads an unquoted date as a date
    publish_contacts = c.Type(bool, default=False)
    repo_url = c.Optional(c.Type(str))
    bundles = c.Type(bool, default=True)  # each customer's evidence bundle, built with the site


def resolve_as_of(option: str | date | None, environ: Mapping[str, str] = os.environ, timezone: str = "UTC") -> date:
    """The plugin's ``as_of``, else ``BRM_AS_OF``, else today in ``timezone`` (the procedures' time zone)."""
    try:
        return judging_date(option, "plugin option 'as_of'", environ, timezone)
    except ValueError as error:
        raise PluginError(f"brm: {error}") from None


class BrmPlugin(BasePlugin[BrmConfig]):
    #: The MkDocs command (on_startup): bundles are made by a worker only for `mkdocs build`.
    command = ""
    making: published.Making | None = None
    #: Bundles a worker is making: customer -> the file MkDocs copies into the site once on_env wrote it.
    pending: dict[str, Path] = {}  # noqa: RUF012 - replaced, never changed in place
    scratch: tempfile.TemporaryDirectory[str] | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / self.config.root).resolve()
        if not self.root.is_dir():
            raise PluginError(f"brm: the evidence root '{self.root}' is not a folder (plugin option 'root')")
        option = self.config.as_of
        self.as_of_option = option if isinstance(option, (str, date)) else None
        self.as_of = resolve_as_of(self.as_of_option)  # a bad date is refused before anything is read
        gc.unfreeze()  # a rebuild under `mkdocs serve`: the last build's evidence may be collected
        self.redact: Callable[[str], str] = lambda text: text
        if "toc" in config.markdown_extensions:
            # A heading's id is made from its text, which can hold a contact: it is made from the text withheld.
            toc = config.mdx_configs.setdefault("toc", {})
            slugify = toc.get("slugify", markdown.extensions.toc.slugify)
            toc["slugify"] = lambda value, separator: slugify(self.redact(value), separator)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        try:
            return self._evidence_files(files, config)
        except PluginError:
            raise
        except Exception as error:  # a bug in brm-evidence, not in the evidence: one line naming the file
            raise PluginError(f"brm: {crash(error, 'building the site from')}") from error

    def _evidence_files(self, files: Files, config: MkDocsConfig) -> Files:
        with bulk_reading():
            working = WorkingTree(self.root)
            # Each evidence file is read and hashed once: the load looks it up in the parse cache by that digest.
            digests: dict[str, bytes] = {}
            by_content = fingerprint(working.tree, digests) if directory() is not None else None
            working.known.update(digests)
            loaded = load(self.root, working)
            # The bundles and month ends a build of this very evidence made are served as made.
            kept = Kept(identity(by_content, working))
            try:
                zone = Policy.from_repository(loaded.repository).business_hours.timezone
                self.as_of = resolve_as_of(self.as_of_option, timezone=zone)  # today where the procedures are
                findings = run(loaded, self.as_of)
                history = read_history(self.root)
                downloads: dict[str, published.Download | published.Pending] = {}
                self.making = None
                if self.config.bundles:  # from the evidence just read and judged: nothing is read twice
                    self.making = published.Making(
                        self.root,
                        loaded,
                        findings,
                        self.as_of,
                        history,
                        self.config.publish_contacts,
                        kept,
                        parallel=self._parallel(),
                    )
                    downloads = self.making.listed
                site = Site(
                    Evidence(
                        loaded=loaded,
                        findings=findings,
                        as_of=self.as_of,
                        history=history,
                        publish_contacts=self.config.publish_contacts,
                        repo_url=self.config.repo_url,
                        downloads=downloads,
                        kept=kept,
                    )
                )
                nav = site.navigation()
                in_nav = set(_pages_of(nav))
                self.redact = site.redact
                generated: dict[str, str | bytes] = {**site.pages(), "calendar.ics": site.calendar_ics()}
                generated |= {d.path: d.data for d in downloads.values() if isinstance(d, published.Download)}
            finally:
                kept.close()
        # A bundle still being made is a file of the site already (pages link it); on_env fills it in.
        self.pending: dict[str, Path] = {}
        pending = [d for d in downloads.values() if isinstance(d, published.Pending)]
        if pending:
            self.scratch = tempfile.TemporaryDirectory(prefix="brm-bundles-")
            for number, download in enumerate(pending):
                self.pending[download.customer] = Path(self.scratch.name) / f"{number}.zip"
                self.pending[download.customer].write_bytes(b"")
        # The evidence lives as long as the build: spare MkDocs' own collections walking it.
        gc.freeze()
        for path, content in generated.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)  # the evidence wins over a static page of the same name
            # Pages reached from an index page are not in the menu: say so, or MkDocs lists them all.
            inclusion = InclusionLevel.UNDEFINED if path in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
        for download in pending:
            existing = files.get_file_from_path(download.path)
            if existing is not None:
                files.remove(existing)
            source = str(self.pending[download.customer])
            files.append(
                File.generated(config, download.path, abs_src_path=source, inclusion=InclusionLevel.NOT_IN_NAV)
            )
        self.generated = set(generated) | {download.path for download in pending}
        config.nav = self._titled(nav)
        counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        log.info(
            "brm: %d evidence files as of %s: %d errors, %d warnings, %d waived (shown on the findings page)",
            loaded.repository.files,
            self.as_of,
            counts[Severity.ERROR],
            counts[Severity.WARNING],
            counts[Severity.WAIVED],
        )
        return files

    def _parallel(self) -> bool:
        """Whether bundles may be made by a worker process: a `mkdocs build` (not serve) that can fork, on 2+ cores."""
        return (
            self.command in ("build", "gh-deploy")
            and sys.platform.startswith("linux")  # fork is the start method there; macOS frameworks refuse it
            and "fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1  # forking a process with threads is unsafe
        )

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """The bundles a worker made while the pages were rendered: their files, and their sizes and digests."""
        making, self.making = self.making, None
        if making is None or not self.pending:
            return env
        try:
            finished = making.finish()
        except Exception as error:  # a bug in brm-evidence: one line naming the file
            raise PluginError(f"brm: {crash(error, 'making the evidence bundles of')}") from error
        finally:
            if making.kept is not None:
                making.kept.close()  # the bundles the worker made are kept: write them now
        for customer, target in self.pending.items():
            target.write_bytes(finished[customer].data)
        fill = making.filler(finished)
        for file in files.documentation_pages():
            if file.page is not None and file.page.content:
                file.page.content = fill(file.page.content)
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._clean()

    def on_build_error(self, *, error: Exception) -> None:
        self._clean()

    def _clean(self) -> None:
        scratch, self.scratch = self.scratch, None
        if scratch is not None:
            scratch.cleanup()

    def _titled(self, nav: Any) -> Any:
        """The menu with every title as HTML-escaped text, contact details withheld."""
        if isinstance(nav, dict):
            return {self._title(title): self._titled(value) for title, value in nav.items()}
        if isinstance(nav, list):
            return [self._titled(item) for item in nav]
        return nav

    def _title(self, plain: str) -> str:
        return html.escape(self.redact(plain), quote=True)

    def on_page_content(self, content: str, /, *, page: Any, config: MkDocsConfig, files: Files) -> str | None:
        """Every part of a page that comes from evidence, as the theme and the search index will take it."""
        if page.file.src_uri in self.generated:
            # page.title is the (escaped) navigation title, or MkDocs' escaped text of the h1.
            page.title = page.meta["title"] = self.redact(page.title or "")
        _redact_toc(page.toc, self.redact)
        return self.redact(content)

    def on_post_page(self, output: str, /, *, page: Any, config: MkDocsConfig) -> str | None:
        # Material's search dialog has no accessible name (axe: aria-dialog-name, serious).
        return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        return self.redact(output_content)  # 404.html and sitemap.xml carry the menu and the page paths

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in EVIDENCE_FOLDERS:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def _redact_toc(items: Any, redact: Callable[[str], str]) -> None:
    for item in items:
        item.title = redact(item.title)
        _redact_toc(item.children, redact)


def _pages_of(nav: Any) -> list[str]:
    """Every page path named in a ``nav`` structure."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _pages_of(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in _pages_of(item)]
    return []
