"""The heat map: customers by month, review held, survey held, overdue."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ...coverage import cadence
from ...coverage import performance_reviews as covering_reviews
from ...coverage import results_covering as covering_results
from .. import charts
from ..markup import table, text
from .registry import Family, Page
from .site import DASH

if TYPE_CHECKING:
    from .site import Site

HEATMAP_MONTHS = 12


def pages(site: Site) -> Iterator[Page]:
    yield Page("heatmap.md", "Heat map", lambda here: heatmap_page(site, here), menu="Heat map", wide=True)


FAMILY = Family("Heat map", pages)


def months(as_of: date) -> list[date]:
    """The first day of each of the last HEATMAP_MONTHS months, ending with the as-of month."""
    year, month = as_of.year, as_of.month
    found = []
    for _ in range(HEATMAP_MONTHS):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


def heatmap_rows(site: Site) -> tuple[list[str], list[tuple[str, list[charts.Cell]]]]:
    """For every customer and month: a review held, a survey held, and whether either was overdue.

    "Overdue" is judged at the month's end (the as-of date for the current month) by
    the coverage computation's own cadence rule: the last evidence on or before
    that day, plus the interval.
    """
    starts = months(site.as_of)
    ends = [(starts[i + 1] if i + 1 < len(starts) else None) for i in range(len(starts))]
    labels = [f"{m.year}-{m.month:02d}" for m in starts]
    rows = []
    for row in site.coverage.customers:
        customer = row.customer
        own = site.evidence_of(customer)
        reviews = [r.date for r in covering_reviews(own, customer.id or "", site.as_of) if r.date]
        results = [r.sent for r in covering_results(own, customer, site.as_of) if r.sent]
        cells = []
        for start, next_start in zip(starts, ends, strict=True):
            end = site.as_of if next_start is None else min(site.as_of, next_start - timedelta(days=1))
            held_review = any(start <= d <= end for d in reviews)
            held_survey = any(start <= d <= end for d in results)
            late = False
            for interval, dates in ((row.review.interval, reviews), (row.survey.interval, results)):
                if interval is None:
                    continue
                position = bisect_right(dates, end)
                last = dates[position - 1] if position else None
                if cadence(interval, last, None).is_late(end):
                    late = True
            cells.append(charts.Cell(held_review, held_survey, late))
        rows.append((customer.label, cells))
    return labels, rows


def heatmap_page(site: Site, here: str) -> str:
    labels, rows = heatmap_rows(site)
    svg = charts.heatmap(rows, labels, ident="heatmap", title=f"Coverage heat map, {labels[0]} to {labels[-1]}")
    # The table's customer links also make its scrolling region reachable by keyboard.
    table_rows = [
        [site.customer_link(here, row.customer.id), *(text(c.label) or DASH for c in cells)]
        for row, (_name, cells) in zip(site.coverage.customers, rows, strict=True)
    ]
    return "\n".join(
        ["# Coverage heat map", "",
         f"Customers by month, {labels[0]} to {labels[-1]} (as of {site.as_of}): **R** a performance review "
         "held, **S** a satisfaction survey held (the customer's own or its tier's), **!** a review or survey "
         "overdue at the end of the month by the customer's cadence.", "",
         charts.figure(svg, "Coverage heat map: R review held, S survey held, ! overdue."), "",
         f"Details for each customer are on its page ({site.link(here, 'customers/index.md', 'customers')}).", "",
         "## The same figures as a table", "",
         table(["Customer", *labels], table_rows, empty="No customers in the register."), ""]
    )  # fmt: skip
