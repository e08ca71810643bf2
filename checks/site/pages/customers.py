"""Customers: the index, and one page per customer with its whole evidence bundle."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...coverage import CustomerCoverage, representative_due, requirements_due
from ...coverage import results_covering as covering_results
from ...dates import in_words
from ...findings import Severity
from ...model import Customer, Requirements, Result
from .. import charts
from ..markup import anchor, box, code, mark, table, target, text
from .bundles import download
from .findings import findings_table
from .registers import approvals, complaints_table, waivers_table
from .registry import Family, Page
from .site import DASH, SEGMENT_LENGTH, when

if TYPE_CHECKING:
    from .site import Site

#: Customers are listed one by one in the menu up to this many; beyond, the index page lists them.
NAV_CUSTOMERS = 30
CUSTOMER_SEARCH_BOOST = 10


def pages(site: Site) -> Iterator[Page]:
    yield Page("customers/index.md", "Customers", lambda here: customers_index(site, here), menu="All customers")
    with_ids = {c.id for c in site.repository.customers if c.id is not None}
    in_menu = len(with_ids) <= NAV_CUSTOMERS
    seen: set[str] = set()
    for customer in site.repository.customers:
        if customer.id is None or customer.id in seen:
            continue
        seen.add(customer.id)
        yield Page(
            f"customers/{anchor(site.redact(customer.id))[:SEGMENT_LENGTH]}.md",
            customer.label,
            partial(customer_page, site, customer),
            menu=customer.label if in_menu else None,
            record=customer,
            fixed=False,
        )


FAMILY = Family("Customers", pages)


def customers_index(site: Site, here: str) -> str:
    rows = []
    for customer in site.repository.customers:
        rows.append(
            [
                site.customer_link(here, customer.id),
                site.say(customer.tier or DASH),
                site.person(here, customer.counterpart),
                ", ".join(site.say(r.name or r.id) for r in customer.representatives) or DASH,
                ", ".join(site.service_link(here, s) for s in customer.service_ids) or DASH,
            ]
        )
    return "\n".join(
        [
            "# Customers",
            "",
            "One page per customer: the whole evidence bundle in one place.",
            "",
            table(["Customer", "Tier", "Counterpart", "Representatives", "Services"], rows,
                  empty="No customers in the register."),
            "",
        ]
    )  # fmt: skip


def customer_page(site: Site, customer: Customer, here: str) -> str:
    customer_id = customer.id or ""
    row = site.coverage.customer(customer_id)
    assert row is not None
    lines = [
        # Our own front-matter (not evidence): Material ranks a customer's page first in search.
        "---",
        "search:",
        f"  boost: {CUSTOMER_SEARCH_BOOST}",
        "---",
        "",
        f"# {site.say(customer.label)}",
        "",
        f"- **Customer id:** {code(customer_id)}",
        f"- **Tier:** {site.say(customer.tier or DASH)}",
        f"- **Our counterpart:** {site.person(here, customer.counterpart)}",
        f"- **Evidence bundle:** {download(site, here, customer_id)}",
        f"- **Performance reviews:** {site.every(row.review.interval)}"
        + (" (the customer's own interval)" if customer.review_interval else " (its tier's interval)"),
        f"- **Satisfaction surveys:** {site.every(row.survey.interval)} (its tier's interval)",
        "",
        "## Status",
        "",
        customer_status(site, row, here),
        "",
        "## Representatives",
        "",
        representatives_table(site, customer, here),
        "",
    ]
    if customer.interim is not None:
        interim = customer.interim
        contact = site.say(interim.contact) if interim.contact else DASH
        lines += [
            box(
                "warning",
                "Interim contact (no named representative yet)",
                "\n".join(
                    [
                        f"- **Contact:** {contact}",
                        f"- **Nomination requested:** {when(interim.requested)}",
                        f"- **Escalation:** {', '.join(site.person(here, p) for p in interim.escalation) or DASH}",
                    ]
                ),
            ),
            "",
        ]
    lines += [
        "## Services and user groups",
        "",
        table(
            ["Service", "User groups", "Service owner"],
            [
                [
                    site.service_link(here, c.service),
                    ", ".join(site.say(g) for g in c.user_groups) or DASH,
                    site.person(here, site.services[c.service].owner if c.service in site.services else None),
                ]
                for c in customer.services
            ],
            empty="No services recorded.",
        ),
        "",
        "## Agreed requirements",
        "",
        customer_requirements(site, customer, row, here),
        "",
        "## Review history",
        "",
        review_history(site, customer_id, here),
        "",
        "## Satisfaction",
        "",
        satisfaction(site, customer, here),
        "",
        "## Actions",
        "",
        customer_actions(site, customer_id, here),
        "",
        "## Complaints",
        "",
        complaints_table(site, site.complaints_by_customer.get(customer_id, []), here, with_customer=False),
        "",
        "## Waivers",
        "",
        waivers_table(site, site.waivers_for(customer), here),
        "",
        "## Open findings",
        "",
        findings_table(
            site,
            [f for f in site.findings_by_customer.get(customer_id, []) if f.severity is not Severity.WAIVED],
            here,
            empty="No open findings.",
        ),
        "",
        site.provenance(
            [
                customer.source.path,
                *(r.source.path for r in site.requirements_by_customer.get(customer_id, [])),
            ]
        ),
    ]
    return "\n".join(lines)


def customer_status(site: Site, row: CustomerCoverage, here: str) -> str:
    return table(
        ["Activity", "Last", "Next due", "Standing"],
        [
            ["Performance review", site.evidence_link(here, row.review.evidence, when(row.review.last)),
             site.next_due(row.review), site.standing(row.review)],
            ["Satisfaction survey", site.evidence_link(here, row.survey.evidence, when(row.survey.last)),
             site.next_due(row.survey), site.standing(row.survey)],
            ["Open actions", str(len(row.open_actions)), DASH,
             mark("overdue", f"{len(row.overdue_actions)} past due") if row.overdue_actions
             else mark("ok", "none past due")],
            ["Open complaints", str(len(row.open_complaints)), DASH,
             mark("open", f"{len(row.open_complaints)} open") if row.open_complaints else mark("ok", "none open")],
        ],
    )  # fmt: skip


def representatives_table(site: Site, customer: Customer, here: str) -> str:
    headers = ["Name", "Role", "Authority", "Services", "Since", "Confirmed", "Confirmation due"]
    if site.evidence.publish_contacts:
        headers += ["E-mail", "Phone"]
    rows = []
    used: set[str] = set()
    for representative in customer.representatives:
        due = representative_due(representative, site.policy)
        anchor_id = site.anchor_of(representative.id or "")
        name = site.say(representative.name or representative.id)
        if anchor_id not in used:
            used.add(anchor_id)
            name = target(anchor_id) + name
        rows.append(
            [
                name,
                site.say(representative.role or DASH),
                ", ".join(code(a) for a in representative.authority) or mark("error", "none"),
                ", ".join(site.service_link(here, s) for s in representative.services) or "all the customer's",
                when(representative.since),
                when(representative.confirmed),
                f"{when(due)} {site.due_mark(due)}",
                *site.contacts(representative),
            ]
        )
    every = in_words(site.policy.representative_confirmation, every=True)
    note = f"\n\n*Each entry is confirmed with the customer {every} (the BRM policy's `representative_confirmation`)."
    if not site.evidence.publish_contacts:
        note += " Contact details are not published on this site (plugin option `publish_contacts`)."
    return table(headers, rows, empty="No named representative.") + note + "*"


def customer_requirements(site: Site, customer: Customer, row: CustomerCoverage, here: str) -> str:
    parts = []
    records = site.requirements_by_customer.get(customer.id or "", [])
    for service_id, _agreed in row.requirements:
        matching: list[Requirements | None] = [r for r in records if r.service == service_id]
        for requirements in matching or [None]:
            parts.append(f"### {site.service_link(here, service_id)}")
            parts.append("")
            if requirements is None:
                parts.append(mark("error", "no agreed requirements record for this service"))
                parts.append("")
                continue
            parts.append(requirements_card(site, requirements, here))
            parts.append("")
    extra = [r for r in records if r.service not in customer.service_ids]
    for requirements in extra:
        parts.append(f"### {site.service_link(here, requirements.service)} (not a service the customer consumes)")
        parts.append("")
        parts.append(requirements_card(site, requirements, here))
        parts.append("")
    return "\n".join(parts) if parts else "*No services recorded.*"


def requirements_card(site: Site, requirements: Requirements, here: str) -> str:
    due = requirements_due(requirements, site.policy)
    basis = (
        "its `confirm_by`"
        if requirements.confirm_by is not None
        else f"effective date plus {in_words(site.policy.requirements_confirmation)}"
    )
    lines = [
        f"- **Version:** {site.say(requirements.version or DASH)}",
        f"- **Effective:** {when(requirements.effective)}",
        f"- **Document:** {site.reference(here, requirements.document)}",
        f"- **Approvals:** {approvals(site, requirements, here)}",
        f"- **Re-confirm by:** {when(due)} ({basis}) {site.due_mark(due)}",
        f"- **Record:** {site.evidence_link(here, requirements.source.path)}",
    ]
    summary = requirements.raw.get("summary")
    if isinstance(summary, dict) and summary:
        rows = []
        for key, value in summary.items():
            shown = ", ".join(site.say(v) for v in value) if isinstance(value, list) else site.say(value)
            rows.append([text(str(key).replace("_", " ").capitalize()), shown or DASH])
        lines += ["", table(["Agreed", "Value"], rows)]
    return "\n".join(lines)


def review_history(site: Site, customer_id: str, here: str) -> str:
    rows = []
    for review in reversed(site.reviews_by_customer.get(customer_id, [])):
        met = sum(1 for k in review.kpis if k.met is True)
        rows.append(
            [
                site.link(here, site.page_of(review), when(review.date)),
                site.say(review.type or DASH),
                site.say(review.period or DASH),
                f"{met} of {len(review.kpis)} met" if review.kpis else DASH,
                str(len(review.decisions)),
                ", ".join(site.action_link(here, a) for a in review.actions) or DASH,
                when(review.next_review),
            ]
        )
    return table(["Date", "Type", "Period", "KPIs", "Decisions", "Actions", "Next review set"], rows,
                 empty="No performance review on record.")  # fmt: skip


def satisfaction(site: Site, customer: Customer, here: str) -> str:
    own = site.evidence_of(customer)
    results = covering_results(own, customer, site.as_of)
    parts = []
    kinds = sorted({k for r in results for k in r.scores})
    for kind in kinds:
        points = [
            charts.Point(r.period or when(r.sent), r.scores[kind],
                         "own survey" if customer.id in r.customers else "tier survey")
            for r in results
            if kind in r.scores
        ]  # fmt: skip
        low, unit = (-100.0, "") if kind == "nps" else (0.0, "%")
        svg = charts.trend(
            points,
            ident=f"trend-{site.anchor_of(kind)}",
            title=f"{customer.label}: {kind.upper()} by period",
            low=low,
            high=100.0,
            target=site.policy.satisfaction_targets.get(kind),
            unit=unit,
        )
        parts += [charts.figure(svg, f"{kind.upper()} trend, own and tier surveys, as of {site.as_of}."), ""]
    rows = []
    for result in reversed(results):
        rows.append(
            [
                site.link(here, site.page_of(result), site.say(result.period or when(result.sent))),
                when(result.sent),
                "own" if customer.id in result.customers else f"tier {site.say(result.tier)}",
                site.say(result.instrument or DASH),
                scores(site, result),
                f"{result.responses if result.responses is not None else DASH} of "
                f"{result.invited if result.invited is not None else DASH}",
                ", ".join(site.action_link(here, a) for a in result.actions) or DASH,
            ]
        )
    parts.append(table(["Period", "Sent", "Survey", "Instrument", "Score", "Responses", "Actions"], rows,
                       empty="No satisfaction result on record."))  # fmt: skip
    return "\n".join(parts)


def scores(site: Site, result: Result) -> str:
    shown = []
    for kind, value in result.scores.items():
        number = f"{value:g}"
        target_value = site.policy.satisfaction_targets.get(kind)
        if target_value is None:
            shown.append(f"{text(kind)} {number}")
        elif value >= target_value:
            shown.append(f"{text(kind)} {number} {mark('met', f'target {target_value:g} met')}")
        else:
            shown.append(f"{text(kind)} {number} {mark('missed', f'below target {target_value:g}')}")
    return "; ".join(shown) or DASH


def customer_actions(site: Site, customer_id: str, here: str) -> str:
    actions = site.actions_by_customer.get(customer_id, [])
    open_ = [a for a in actions if a.is_open]
    closed = [a for a in actions if not a.is_open]
    return "\n".join(
        [
            "### Open",
            "",
            table(
                ["Action", "Title", "Owner", "Raised", "Due", "Status", "Source"],
                [
                    [site.action_link(here, a.id or ""), site.say(a.title), site.person(here, a.owner, False),
                     when(a.raised), f"{when(a.due)} {site.due_mark(a.due)}", site.say(a.status or DASH),
                     site.reference(here, a.source_ref)]
                    for a in open_
                ],
                empty="No open action.",
            ),
            "",
            "### Closed",
            "",
            table(
                ["Action", "Title", "Owner", "Status", "Closed", "Closure evidence"],
                [
                    [site.action_link(here, a.id or ""), site.say(a.title), site.person(here, a.owner, False),
                     site.say(a.status or DASH), when(a.closed),
                     site.say(a.evidence) if a.evidence else mark("missed", "no evidence recorded")]
                    for a in closed
                ],
                empty="No closed action.",
            ),
        ]
    )  # fmt: skip
