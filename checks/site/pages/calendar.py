"""The calendar page: what is overdue and what is coming (the same events as ``calendar.ics``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import calendar
from ..markup import code, link, table, text
from .registry import Family, Page
from .site import DASH

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("calendar.md", "Calendar", lambda here: calendar_page(site, here), menu="Calendar")


FAMILY = Family("Calendar", pages)


def event_link(site: Site, event: calendar.Event, here: str) -> str:
    if event.kind == calendar.ACTION:
        return site.action_link(here, event.subject) if event.subject in site.actions else code(event.subject)
    if event.kind in (calendar.ACKNOWLEDGEMENT, calendar.RESOLUTION):
        return site.complaint_link(here, event.subject)
    if event.customer and event.customer in site.customer_page and event.kind != calendar.REQUIREMENTS:
        return site.customer_link(here, event.customer)
    if event.kind == calendar.REQUIREMENTS:
        return site.link(here, "registers/requirements.md", code(event.subject), site.anchor_of(event.subject))
    return site.evidence_link(here, event.path) if event.path else DASH


def calendar_page(site: Site, here: str) -> str:
    overdue = [e for e in site.events if e.overdue(site.as_of)]
    upcoming = [e for e in site.events if not e.overdue(site.as_of)]

    def rows(found: list[calendar.Event]) -> list[list[str]]:
        return [[str(e.when), text(e.kind), site.say(e.summary), event_link(site, e, here)] for e in found]

    return "\n".join(
        ["# Calendar", "",
         f"What is due, as of {site.as_of}: performance reviews and satisfaction surveys (by each customer's "
         "cadence, or the date the last review set if that comes first), representative and requirements "
         "confirmations, open actions' due dates, open complaints' acknowledgement and resolution dates, "
         "the process review and procedure reviews. The dates are those the checks judge by.", "",
         f"Subscribe to {link('calendar.ics', 'calendar.ics')} in your calendar application "
         "(RFC 5545; it is rebuilt with the site).", "",
         f"## Overdue ({len(overdue)})", "",
         table(["Due", "What", "Summary", "Evidence"], rows(overdue), empty="Nothing overdue."), "",
         f"## Upcoming ({len(upcoming)})", "",
         table(["Due", "What", "Summary", "Evidence"], rows(upcoming), empty="Nothing planned."), ""]
    )  # fmt: skip
