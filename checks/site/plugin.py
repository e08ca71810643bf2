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

Findings never fail the build: they are pages of the site. Evidence is read by our
own strict reader (``checks.load``), never by MkDocs.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..dates import judging_date
from ..findings import Severity
from ..load import bulk_reading, load
from ..rules import run
from .pages import Evidence, Site
from .provenance import read_history

log = logging.getLogger("mkdocs.plugins.brm")

#: The evidence folders ``mkdocs serve`` watches for changes.
EVIDENCE_FOLDERS = ("registers", "reviews", "surveys", "procedures")
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class BrmConfig(base.Config):
    root = c.Type(str, default=".")
    as_of = c.Optional(c.Type((str, date)))  # YAML reads an unquoted date as a date
    publish_contacts = c.Type(bool, default=False)
    repo_url = c.Optional(c.Type(str))


def resolve_as_of(option: str | date | None, environ: Mapping[str, str] = os.environ) -> date:
    """The plugin's ``as_of``, else ``BRM_AS_OF``, else today."""
    try:
        return judging_date(option, "plugin option 'as_of'", environ)
    except ValueError as error:
        raise PluginError(f"brm: {error}") from None


class BrmPlugin(BasePlugin[BrmConfig]):
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / self.config.root).resolve()
        if not self.root.is_dir():
            raise PluginError(f"brm: the evidence root '{self.root}' is not a folder (plugin option 'root')")
        option = self.config.as_of
        self.as_of = resolve_as_of(option if isinstance(option, (str, date)) else None)
        gc.unfreeze()  # a rebuild under `mkdocs serve`: the last build's evidence may be collected
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        with bulk_reading():
            loaded = load(self.root)
            findings = run(loaded, self.as_of)
            site = Site(
                Evidence(
                    loaded=loaded,
                    findings=findings,
                    as_of=self.as_of,
                    history=read_history(self.root),
                    publish_contacts=self.config.publish_contacts,
                    repo_url=self.config.repo_url,
                )
            )
            nav = site.navigation()
            in_nav = set(_pages_of(nav))
            generated: dict[str, str | bytes] = {**site.pages(), "calendar.ics": site.calendar_ics()}
        # The evidence lives as long as the build: spare MkDocs' own collections walking it.
        gc.freeze()
        for path, content in generated.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)  # the evidence wins over a static page of the same name
            # Pages reached from an index page are not in the menu: say so, or MkDocs lists them all.
            inclusion = InclusionLevel.UNDEFINED if path in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
        config.nav = nav
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

    def on_post_page(self, output: str, /, *, page: Any, config: MkDocsConfig) -> str | None:
        # Material's search dialog has no accessible name (axe: aria-dialog-name, serious).
        return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in EVIDENCE_FOLDERS:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def _pages_of(nav: Any) -> list[str]:
    """Every page path named in a ``nav`` structure."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _pages_of(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in _pages_of(item)]
    return []
