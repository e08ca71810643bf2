"""The dashboard: the as-of date, the commit, the counts, the coverage matrix and findings by family."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...coverage import DUE_SOON, Cadence, complaint_open
from ...findings import Finding, Severity
from ...rules import FAMILIES
from ..markup import anchor, code, external, mark, nowrap, plural, table, text
from .bundles import dashboard_section as bundles_section
from .registry import Family, Page
from .site import DASH, when

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("index.md", "Dashboard", lambda here: dashboard(site, here), menu="Dashboard", wide=True)


FAMILY = Family("Dashboard", pages)


def commit_line(site: Site) -> str:
    history = site.history
    if history.missing is not None or history.head is None:
        return f"no git history ({history.missing or 'no commits'})"
    head = history.head
    url = f"{site.evidence.repo_url.rstrip('/')}/commit/{head.sha}" if site.evidence.repo_url else None
    sha = external(url, head.short) if url else code(head.short)
    dirty = f", with uncommitted changes in {plural(len(history.dirty), 'file')}" if history.dirty else ""
    return f"{sha} ({head.date}, {site.say(head.author)}){dirty}"


def dashboard(site: Site, here: str) -> str:
    repo = site.repository
    counts: dict[str, int] = defaultdict(int)
    for finding in site.findings:
        counts[finding.severity.value] += 1
    open_actions = [a for a in repo.actions if a.is_open]
    overdue_actions = [a for a in open_actions if a.due is not None and a.due < site.as_of]
    open_complaints = [c for c in repo.complaints if complaint_open(c)]
    reviews = [r for r in repo.reviews if r.is_performance_review]
    later = [plural(n, kind.removesuffix("s"), kind) for kind, n in site.later.items() if n]
    process = site.coverage.process_review
    clause_map = site.evidence.clause_map
    lines = [
        "# Business relationship management: evidence dashboard",
        "",
        f"Evidence for **{clause_map.standard} clause {clause_map.clause}**, "
        f"{text(clause_map.title.lower())}, judged **as of {site.as_of}**.",
        "",
        f"- **As of:** {site.as_of}",
        f"- **Built from commit:** {commit_line(site)}",
        f"- **Findings:** {mark('error' if counts['error'] else 'ok', plural(counts['error'], 'error'))}, "
        f"{mark('warning' if counts['warning'] else 'ok', plural(counts['warning'], 'warning'))}, "
        f"{mark('waived', str(counts['waived']) + ' waived')}: {site.link(here, 'findings.md', 'all findings')}",
        *(
            [
                f"- **Dated after the as-of date:** {', '.join(later)}: not yet on record at {site.as_of}, so no page "
                "shows them and no check judged them"
            ]
            if later
            else []
        ),
        "",
        "## Counts",
        "",
        table(
            ["Evidence", "Count"],
            [
                [site.link(here, "customers/index.md", "Customers"), str(len(repo.customers))],
                ["Customer representatives", str(len(repo.representatives))],
                [
                    site.link(here, "registers/services.md", "Services in scope"),
                    str(sum(1 for s in repo.services if s.in_scope)),
                ],
                [site.link(here, "registers/requirements.md", "Agreed requirements"), str(len(repo.requirements))],
                [site.link(here, "minutes/index.md", "Performance reviews"), str(len(reviews))],
                ["Process reviews", str(sum(1 for r in repo.reviews if r.type == "process-review"))],
                [site.link(here, "surveys/index.md", "Satisfaction results"), str(len(repo.results))],
                [
                    site.link(here, "registers/actions.md", "Open actions"),
                    f"{len(open_actions)} ({len(overdue_actions)} past due)",
                ],
                [site.link(here, "registers/complaints.md", "Open complaints"), str(len(open_complaints))],
                [site.link(here, "registers/waivers.md", "Waivers"), str(len(repo.waivers))],
                ["Evidence files read", str(repo.files)],
            ],
        ),  # fmt: skip
        "",
        "## Coverage",
        "",
        "Where every customer stands on its cadences: the same computation as `brm status` and the "
        f"checks (a due date within {plural(DUE_SOON.days, 'day')} is *due soon*). See also the "
        f"{site.link(here, 'heatmap.md', 'heat map')} and the {site.link(here, 'calendar.md', 'calendar')}.",
        "",
        coverage_matrix(site, here),
        "",
        f"**Process review** of business relationship management ({site.every(process.interval)}): last "
        f"{site.evidence_link(here, process.evidence, when(process.last))}, "
        f"next due {site.next_due(process)} {site.standing(process)}",
        "",
        "## Findings by rule family",
        "",
        family_table(site, here),
        "",
        *bundles_section(site, here),
    ]
    return "\n".join(lines)


def coverage_matrix(site: Site, here: str) -> str:
    rows = []
    for row in site.coverage.customers:
        customer_id = row.customer.id or ""
        findings = [f for f in site.findings_by_customer.get(customer_id, []) if f.severity is not Severity.WAIVED]
        agreed, total = row.services_agreed, len(row.requirements)
        rows.append(
            [
                site.customer_link(here, customer_id),
                site.say(row.customer.tier or DASH),
                str(len(row.customer.representatives)),
                mark("ok" if agreed == total else "error", f"{agreed} of {total}"),
                cadence_cell(site, here, row.review),
                cadence_cell(site, here, row.survey),
                f"{len(row.open_actions)} open"
                + (f"<br>{mark('overdue', f'{len(row.overdue_actions)} past due')}" if row.overdue_actions else ""),
                f"{len(row.open_complaints)} open",
                findings_mark(findings),
            ]
        )
    return table(
        ["Customer", "Tier", "Representatives", "Requirements agreed", "Performance review",
         "Satisfaction survey", "Actions", "Complaints", "Findings"],
        rows,
        empty="No customers in the register.",
    )  # fmt: skip


def cadence_cell(site: Site, here: str, cadence: Cadence) -> str:
    """Last evidence, next due date and standing, in one cell."""
    last = site.evidence_link(here, cadence.evidence, when(cadence.last)) if cadence.last else "none"
    due = when(cadence.next) if cadence.next is not None or not cadence.never else "now"
    return f"{site.standing(cadence)}<br>{nowrap('last ' + last)}<br>{nowrap('due ' + due)}"


def findings_mark(findings: list[Finding]) -> str:
    """``✖ 2 errors, 1 warning``, ``⚠ 1 warning``, ``✔ none``: open findings (waived ones not counted)."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if errors:
        return mark("error", f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if warnings:
        return mark("warning", plural(warnings, "warning"))
    return mark("ok", "none")


def family_table(site: Site, here: str) -> str:
    rows = []
    for _module, (prefixes, title) in FAMILIES.items():
        found = [f for f in site.findings if f.family in prefixes]
        counts = {s: sum(1 for f in found if f.severity is s) for s in Severity}
        codes = [c for c in site.rules if c[:3] in prefixes]
        rows.append(
            [
                site.link(here, "findings.md", text(title), anchor(title)),
                ", ".join(site.link(here, f"rules/{c}.md", c) for c in codes),
                mark("error", str(counts[Severity.ERROR])) if counts[Severity.ERROR] else "0",
                mark("warning", str(counts[Severity.WARNING])) if counts[Severity.WARNING] else "0",
                mark("waived", str(counts[Severity.WAIVED])) if counts[Severity.WAIVED] else "0",
            ]
        )
    return table(["Family", "Rules", "Errors", "Warnings", "Waived"], rows)
