"""Minutes: every performance and process review, by customer and by year, and one page per review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from ...model import Representative, Review
from ..markup import box, bullets, code, mark, table
from .findings import findings_table
from .registry import Family, Page
from .site import DASH, folder_of, slug_path, when

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("minutes/index.md", "Minutes", lambda here: minutes_index(site, here), menu="Minutes")
    for review in site.repository.reviews:
        yield Page(
            "minutes/" + slug_path(site.redact(review.source.path), folder_of("review")),
            f"{'Process' if review.type == 'process-review' else 'Performance'} review {when(review.date)}",
            partial(minutes, site, review),
            record=review,
            shows=(review.source.path,),
            fixed=False,
        )


FAMILY = Family("Minutes", pages, types=("review",))


def minutes_index(site: Site, here: str) -> str:
    lines = ["# Minutes", "", "Every performance review and process review, by customer and by year.", "",
             "## By customer", ""]  # fmt: skip
    for customer in site.repository.customers:
        reviews = site.reviews_by_customer.get(customer.id or "", [])
        entries = [
            f"{site.link(here, site.page_of(r), when(r.date))} ({site.say(r.period or r.type or DASH)})"
            for r in reversed(reviews)
        ]
        lines.append(f"- **{site.customer_link(here, customer.id)}:** " + (", ".join(entries) or "none on record"))
    process = [r for r in site.repository.reviews if r.type == "process-review"]
    if process:
        entries = [site.link(here, site.page_of(r), when(r.date)) for r in process]
        lines.append(f"- **Process reviews of business relationship management:** {', '.join(entries)}")
    lines += ["", "## By year", ""]
    by_year: dict[str, list[Review]] = defaultdict(list)
    for review in site.repository.reviews:
        by_year[str(review.date.year) if review.date else "undated"].append(review)
    for year in sorted(by_year, reverse=True):
        reviews = sorted(by_year[year], key=lambda r: (r.date or date.min, r.source.path), reverse=True)
        lines += [f"### {year}", ""]
        lines.append(
            table(
                ["Date", "Type", "Customers", "Period", "KPIs", "Minutes"],
                [
                    [when(r.date), site.say(r.type or DASH),
                     ", ".join(site.customer_link(here, c) for c in r.customers) or DASH,
                     site.say(r.period or DASH),
                     f"{sum(1 for k in r.kpis if k.met is True)} of {len(r.kpis)} met" if r.kpis else DASH,
                     site.link(here, site.page_of(r), code(r.source.path))]
                    for r in reviews
                ],
            )
        )  # fmt: skip
        lines.append("")
    if not by_year:
        lines.append("*No minutes on record.*")
    return "\n".join(lines)


def attendee(site: Site, here: str, person_id: str) -> str:
    person = site.people.get(person_id)
    if isinstance(person, Representative):
        return f"{site.person(here, person_id)}: customer representative"
    if person is not None:
        return f"{site.person(here, person_id)}: provider"
    return site.person(here, person_id)


def minutes(site: Site, review: Review, here: str) -> str:
    customers = ", ".join(site.customer_link(here, c) for c in review.customers)
    title = "Process review" if review.type == "process-review" else "Performance review"
    heading = f"{title}: {customers}" if customers else title
    met = [k for k in review.kpis if k.met is True]
    card = [
        f"- **Date:** {when(review.date)}",
        f"- **Type:** {site.say(review.type or DASH)}",
        f"- **Period:** {site.say(review.period or DASH)}",
        f"- **Customers:** {customers or DASH}",
        f"- **Services:** {', '.join(site.service_link(here, s) for s in review.services) or DASH}",
        f"- **Performance report:** {site.reference(here, review.report)}",
        f"- **Next review:** {when(review.next_review)}",
        "",
        "**Attendees**",
        "",
        bullets((attendee(site, here, a) for a in review.attendees), empty="No attendees recorded."),
        "",
        f"**KPIs** ({len(met)} of {len(review.kpis)} met)",
        "",
        table(
            ["KPI", "Target", "Actual", "Met", "Actions"],
            [
                [site.say(k.name or DASH), site.say(k.target or DASH), site.say(k.actual or DASH),
                 mark("met") if k.met is True else mark("missed") if k.met is False else DASH,
                 ", ".join(site.action_link(here, a) for a in k.actions) or DASH]
                for k in review.kpis
            ],
            empty="No KPIs recorded.",
        ),
        "",
        "**Decisions**",
        "",
        bullets((site.say(d) for d in review.decisions), empty="No decisions recorded."),
        "",
        "**Linked actions**",
        "",
        bullets(
            (f"{site.action_link(here, a)} ({site.say(site.actions[a].status or DASH)}): "
             f"{site.say(site.actions[a].title)}" if a in site.actions else site.action_link(here, a)
             for a in review.actions),
            empty="No linked actions.",
        ),
    ]  # fmt: skip
    findings = site.findings_by_path.get(review.source.path, [])
    return "\n".join(
        [
            f"# {heading} ({when(review.date)})",
            "",
            box("abstract", "Review", "\n".join(card)),
            "",
            "## Minutes",
            "",
            site.body(review),
            "",
            "## Findings on these minutes",
            "",
            findings_table(site, findings, here, empty="No findings."),
            "",
            site.provenance([review.source.path]),
        ]
    )
