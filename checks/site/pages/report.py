"""The management report on the site: one page per quarter, the last four up to the as-of date.

Each page is ``brm report --period QUARTER`` as Markdown (:mod:`checks.management.markdown`),
with every piece of evidence escaped by :func:`checks.site.markup.text` and the
satisfaction trend drawn as an inline SVG chart. Compliance over time judges each month
end on the commit of that day; a commit is read once for every page that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from ...management import markdown
from ...management.figures import CompliancePoint, build
from ...management.history import compliance
from ...management.period import Period, named
from ..markup import table, text
from .registry import Family, Page

if TYPE_CHECKING:
    from .site import Site

#: Quarters with a page of their own: a year's, up to the as-of date (each page's trend spans eight).
QUARTERS = 4


def quarters(site: Site) -> list[Period]:
    """The quarter of the as-of date and those before it, back to the first dated evidence (at most four)."""
    current = named(f"{site.as_of.year}-Q{1 + (site.as_of.month - 1) // 3}")
    assert current is not None
    dated = [r.date for r in site.whole.reviews] + [r.sent for r in site.whole.results]
    dated += [a.raised for a in site.whole.actions]
    first = min((d for d in dated if d is not None), default=site.as_of)
    return [q for q in current.trail(QUARTERS) if q.end >= first][::-1]


def pages(site: Site) -> Iterator[Page]:
    shown = quarters(site)
    judged: dict[date, CompliancePoint] = {}  # a month end is judged once for every page
    yield Page("report/index.md", "Management report", lambda here: index(site, shown), menu="All quarters")
    for quarter in shown:
        label = quarter.label + (" (to date)" if quarter.end > site.as_of else "")
        yield Page(f"report/{quarter.label}.md", f"Management report {label}", partial(page, site, quarter, judged),
                   menu=label)  # fmt: skip


FAMILY = Family("Management report", pages)


def index(site: Site, shown: list[Period]) -> str:
    rows = [
        [f"[{q.label}]({q.label}.md)", f"{q.start} to {q.end}", "to date" if q.end > site.as_of else "complete"]
        for q in shown
    ]
    return "\n".join(
        [
            "# Management report",
            "",
            "How the customer relationships went, quarter by quarter: what needs management attention first, then "
            "satisfaction against target, reviews held on cadence, actions, complaints, what falls due next and "
            f"compliance at each month end. The same report for any period: `brm report --period 2026-Q3` "
            f"(or a year, or START..END), as Markdown, HTML or JSON. Prepared as of {site.as_of}.",
            "",
            table(["Quarter", "Dates", "State"], rows, empty="No dated evidence yet."),
            "",
        ]
    )


def page(site: Site, quarter: Period, judged: dict[date, CompliancePoint], here: str) -> str:
    head = site.history.head
    provenance = f"commit {head.short} of {head.date}" if head is not None and site.history.missing is None else ""
    report = build(site.whole, site.policy, quarter, site.as_of, provenance)
    root = site.whole.root
    prepared: date = site.as_of
    report.compliance = compliance(
        root, quarter, prepared, site.evidence.loaded, site.policy.zone, judged, site.evidence.kept
    )
    return markdown.render(report, escape=text, svg=True)
