"""Documents no other family shows: a Markdown record type a schema adds gets pages at once.

Each page family that shows a kind of Markdown document says so (``Family.types``). Any
other document type (a new schema with ``x-brm-files: {folder: ...}``) is shown here: an
index of its documents, and one page each with its front-matter fields as text, its body
(sanitised, as every evidence body is), its findings and its provenance. A family of its
own can replace this later without touching anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from ...model import RECORD_TYPES
from ...schema import TYPES, record_schema
from ..markup import code, table, text
from .findings import findings_table
from .registry import Family, Page
from .site import DASH, folder_of, slug_path

if TYPE_CHECKING:
    from ...model import Record
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    shown = {name for family in site.families for name in family.types}
    for kind in TYPES.values():
        if kind.register is not None or kind.name in shown:
            continue
        title = str(record_schema(kind.name).get("title") or kind.name)
        records: list[Record] = getattr(site.repository, RECORD_TYPES[kind.name][1], [])
        index = f"documents/{kind.name}/index.md"
        yield Page(index, title, partial(documents_index, site, kind.name, title, records), menu=title)
        for record in records:
            yield Page(
                f"documents/{kind.name}/" + slug_path(site.redact(record.source.path), folder_of(kind.name)),
                f"{title}: {record.source.path}",
                partial(document_page, site, title, record),
                record=record,
                shows=(record.source.path,),
                fixed=False,
            )


FAMILY = Family("Documents", pages)


def documents_index(site: Site, name: str, title: str, records: list[Record], here: str) -> str:
    rows = [[site.link(here, site.page_of(r), code(r.source.path)), _field(site, r.raw.get("id"))] for r in records]
    return "\n".join([f"# {text(title)}", "", table(["Document", "Id"], rows, empty=f"No {text(name)} documents."), ""])


def document_page(site: Site, title: str, record: Record, here: str) -> str:
    fields = [[text(str(key)), _field(site, value)] for key, value in record.raw.items()]
    return "\n".join(
        [
            f"# {text(title)}: {code(record.source.path)}",
            "",
            table(["Field", "Value"], fields, empty="No front-matter."),
            "",
            "## Text",
            "",
            site.body(record),
            "",
            "## Findings",
            "",
            findings_table(site, site.findings_by_path.get(record.source.path, []), here, empty="No findings."),
            "",
            site.provenance([record.source.path]),
        ]
    )


def _field(site: Site, value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, list):
        return ", ".join(_field(site, v) for v in value) or DASH
    if isinstance(value, dict):
        return "; ".join(f"{site.say(k)}: {_field(site, v)}" for k, v in value.items()) or DASH
    return site.say(value)
