"""The management report as Markdown: ``brm report --format md``, and the site's quarterly pages.

Every piece of evidence text (a name, a theme, an id) goes through ``escape``: on the
site, :func:`checks.site.markup.text` (Python-Markdown with the site's extensions);
for the command line, :func:`inline`, which keeps a report readable as plain text while
no value can open a link, an image, a table cell or a tag. With ``svg``, the trend is
also drawn (an inline SVG chart, :mod:`checks.site.charts`), as on the site.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..business_hours import describe_duration
from ..dates import in_words
from ..site import charts
from .attention import highlights, listing, percent, plural, points, score, sentences
from .figures import (
    LATE,
    MISSED,
    ON_TIME,
    OVERDUE,
    ManagementReport,
    Satisfaction,
)

DASH = "\u2014"
#: Characters that start Markdown (or GitHub Markdown) inside a line: code, emphasis, links,
#: images, table cells, strikethrough, attributes, and HTML.
_INLINE = re.compile(r"([\\`*_\[\]|~{}!])")
_SPACE = re.compile(r"\s+")

Escape = Callable[[str], str]


def inline(value: object) -> str:
    """Evidence text inside a line of Markdown, shown as written: HTML escaped, inline syntax backslashed."""
    flat = _SPACE.sub(" ", str(value)).strip()
    return _INLINE.sub(r"\\\1", html.escape(flat, quote=False))


def render(report: ManagementReport, escape: Escape = inline, svg: bool = False) -> str:
    """The whole report, attention first."""
    e = escape
    period = report.period
    lines = [
        f"# Business relationship management: management report, {period.label}",
        "",
        f"{_span(report)} \u00b7 prepared {report.prepared} from {e(report.provenance) or 'the working tree'} "
        f"\u00b7 {plural(len({a.customer.id for a in report.adherence}), 'customer')}",
        "",
        "## What needs management attention",
        "",
        *(f"- {s}" for s in sentences(report, e)),
        "",
    ]
    noted = highlights(report, e)
    if noted:
        lines += ["Also of note:", "", *(f"- {s}" for s in noted), ""]
    lines += _satisfaction(report, e, svg)
    lines += _reviews(report, e)
    lines += _actions(report, e)
    lines += _complaints(report, e)
    lines += _confirmations(report, e)
    lines += _compliance(report, e)
    return "\n".join(lines).rstrip("\n") + "\n"


def _span(report: ManagementReport) -> str:
    start, end = report.period.start, report.period.end
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def _table(headers: list[str], rows: list[list[str]], empty: str) -> list[str]:
    if not rows:
        return [f"*{empty}*", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell or DASH for cell in row) + " |" for row in rows]
    return [*out, ""]


def _satisfaction(report: ManagementReport, e: Escape, svg: bool) -> list[str]:
    before = report.previous.label
    lines = ["## Satisfaction", ""]
    kinds = sorted({s.kind for s in report.satisfaction})
    if not kinds:
        return [*lines, f"*No satisfaction result measures {report.period.label} or the seven periods before it.*", ""]
    for kind in kinds:
        entries = [s for s in report.satisfaction if s.kind == kind]
        now = [s.score.value for s in entries if s.score is not None]
        earlier = [s.previous.value for s in entries if s.previous is not None]
        target = next((s.target for s in entries if s.target is not None), None)
        met = sum(1 for s in entries if s.met)
        summary = f"{e(kind.upper())}: "
        if now:
            summary += f"the average across {plural(len(now), 'customer')} was {score(sum(now) / len(now), kind)}"
            if earlier:
                summary += f" ({before}: {score(sum(earlier) / len(earlier), kind)})"
            if target is not None:
                summary += f"; {met} of {len(now)} at or above the {score(target, kind)} target"
            summary += "."
        else:
            summary += f"no result measures {report.period.label}."
        lines += [summary, ""]
        if svg:
            lines += [_chart(report, kind, entries, target), ""]
        trail = [p.label for p, _s in entries[0].trend]
        rows = [
            [
                e(s.customer.label),
                score(s.score.value, kind) + ("" if s.score.own else " (tier survey)") if s.score else "no result",
                _met(s),
                _change(s),
                " \u00b7 ".join(score(v.value, kind) if v else "\u2013" for _p, v in s.trend),
            ]
            for s in entries
        ]
        lines += _table(
            ["Customer", report.period.label, "Target", f"Change on {before}", f"Trend, {trail[0]} to {trail[-1]}"],
            rows,
            "No customer.",
        )
    lines += ["### Themes from the surveys", ""]
    rows = [[e(t.text), str(t.count), ", ".join(e(c) for c in t.customers)] for t in report.themes]
    lines += _table(
        ["Theme", "Results", "Raised by"], rows, f"No survey measuring {report.period.label} named a theme."
    )
    return lines


def _met(entry: Satisfaction) -> str:
    if entry.target is None:
        return "no target"
    if entry.met is None:
        return score(entry.target, entry.kind)
    return f"{score(entry.target, entry.kind)} {'met' if entry.met else 'missed'}"


def _change(entry: Satisfaction) -> str:
    if entry.change is None:
        return DASH
    if entry.change == 0:
        return "unchanged"
    return f"{'up' if entry.change > 0 else 'down'} {points(entry.change)}"


def _chart(report: ManagementReport, kind: str, entries: list[Satisfaction], target: float | None) -> str:
    """The average across customers, period by period, as an inline SVG line chart."""
    chart_points = []
    for index, (period, _score) in enumerate(entries[0].trend):
        values = [s.trend[index][1] for s in entries if index < len(s.trend)]
        measured = [v.value for v in values if v is not None]
        if measured:
            chart_points.append(
                charts.Point(period.label, sum(measured) / len(measured), f"average of {len(measured)} customers")
            )
    low = -100.0 if kind == "nps" else 0.0
    svg = charts.trend(
        chart_points,
        ident=f"report-{report.period.label}-{kind}".lower(),
        title=f"Average {kind.upper()} across customers, by period",
        low=low,
        high=100.0,
        target=target,
        unit="" if kind == "nps" else "%",
    )
    return charts.figure(svg, f"Average {kind.upper()} across customers over the last eight periods.")


def _reviews(report: ManagementReport, e: Escape) -> list[str]:
    lines = ["## Performance reviews held on cadence", ""]
    due = report.reviews_due
    if due:
        lines += [
            f"{percent(report.reviews(ON_TIME), due)} of the reviews due in {report.period.label} were held on time; "
            f"{report.reviews(LATE)} late, {report.reviews(MISSED)} missed, {report.reviews(OVERDUE)} still overdue.",
            "",
        ]
    rows = []
    for adherence in report.adherence:
        if adherence.interval is None:
            rows.append([e(adherence.customer.label), "not planned", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                e(adherence.customer.label),
                in_words(adherence.interval, every=True),
                str(len(adherence.due)),
                str(adherence.count(ON_TIME)),
                str(adherence.count(LATE)),
                str(adherence.count(MISSED)),
                str(adherence.count(OVERDUE)),
                percent(adherence.count(ON_TIME), len(adherence.due)),
            ]
        )
    lines += _table(
        ["Customer", "Interval", "Due", "On time", "Late", "Missed", "Overdue", "On time %"], rows, "No customer."
    )
    exceptions = [
        f"- {e(a.customer.label)}: "
        + (f"due {d.due}" if d.due else "no review on record and no onboarding date")
        + (f", held {d.held}" if d.held else ", not held")
        + f" ({d.state})"
        for a in report.adherence
        for d in a.due
        if d.state != ON_TIME
    ]
    if exceptions:
        lines += ["Not on time:", "", *exceptions, ""]
    return lines


def _actions(report: ManagementReport, e: Escape) -> list[str]:
    a = report.actions
    end = str(min(report.period.end, report.prepared))
    lines = ["## Actions", ""]
    closure = percent(len(a.closed), a.considered)
    on_time = percent(len(a.closed_on_time), len(a.closed) - len(a.cancelled))
    lines.append(
        f"{plural(len(a.opened), 'action')} opened and {len(a.closed)} closed in {report.period.label}"
        + (f" ({len(a.cancelled)} cancelled)" if a.cancelled else "")
        + f": a closure rate of {closure} of the actions open during the period; {on_time} of those done were done "
        f"by their due date."
    )
    lines.append("")
    open_line = f"At {end}, {plural(len(a.open_at_end), 'action')} {'was' if len(a.open_at_end) == 1 else 'were'} open"
    if a.open_at_end:
        open_line += f", {len(a.overdue_at_end)} past due; median age {a.median_age:g} days"
        if a.oldest is not None:
            action, age = a.oldest
            open_line += f", oldest {e(action.id or '?')} ({age} days: {e(action.title or '')})"
    lines += [open_line + ".", ""]
    rows = [[name, str(c.opened), str(c.closed), str(c.overdue)] for name, c in a.by_source.items()]
    lines += _table(["Source", "Opened", "Closed", "Past due at the end"], rows, "No action.")
    return lines


def _complaints(report: ManagementReport, e: Escape) -> list[str]:
    c = report.complaints
    end = str(min(report.period.end, report.prepared))
    lines = ["## Complaints", ""]
    if not c.received:
        lines += [f"No complaint was received in {report.period.label}.", ""]
    else:
        services = listing([f"{e(report.name(s))} {n}" for s, n in c.by_service], 8)
        channels = listing([f"{e(s)} {n}" for s, n in c.by_channel], 8)
        lines += [
            f"{plural(len(c.received), 'complaint')} received: by service, {services}; by channel, {channels}.",
            "",
        ]
        if c.calendar_problem:
            lines += [f"Acknowledgement time cannot be counted: {e(c.calendar_problem)}.", ""]
        elif c.acknowledgement_target:
            met, judged = c.acknowledged_in_time
            median = c.median_acknowledgement
            lines.append(
                f"Acknowledged within the target of {in_words(c.acknowledgement_target, business=True)}: "
                f"{percent(met, judged)}"
                + (f"; median {describe_duration(median)} of business time" if median is not None else "")
                + "."
            )
            lines.append("")
            lines += _table(["Acknowledged", "Complaints"], [[b, str(n)] for b, n in c.acknowledgement_bands], "")
        if c.resolution_target:
            met, judged = c.resolved_in_time
            lines += [f"Resolved within the target of {in_words(c.resolution_target)}: {percent(met, judged)}.", ""]
        rows = [
            [
                e(t.complaint.id or "?"),
                e(report.name(t.complaint.customer)),
                e(report.name(t.complaint.service)),
                e(t.complaint.channel or ""),
                str(t.received_on),
                (describe_duration(t.acknowledgement) if t.acknowledgement is not None else "not acknowledged")
                + (f" ({'met' if t.acknowledgement_met else 'missed'})" if t.acknowledgement_met is not None else ""),
                (f"{t.resolution_days} days" if t.resolution_days is not None else "open")
                + (f" ({'met' if t.resolution_met else 'missed'})" if t.resolution_met is not None else ""),
                str(len(t.complaint.escalations)),
            ]
            for t in c.received
        ]
        lines += _table(
            [
                "Complaint",
                "Customer",
                "Service",
                "Channel",
                "Received",
                "Acknowledged after",
                "Resolved in",
                "Escalations",
            ],
            rows,
            "",
        )
    if c.escalations:
        shown = [
            f"{'level ' + str(level) if level else 'off the escalation path'} ({e(report.name(person))}): {count}"
            for level, person, count in c.escalations
        ]
        lines += [f"Escalations in {report.period.label}: {listing(shown, 8)}.", ""]
    ids = [e(x.id or "?") for x in c.open_at_end]
    lines += [f"Open at {end}: {len(ids)}" + (f" ({listing(ids, 10)})" if ids else "") + ".", ""]
    return lines


def _confirmations(report: ManagementReport, e: Escape) -> list[str]:
    lines = [f"## Due for re-confirmation by the end of {report.following.label}", ""]
    rows = [
        [
            c.what,
            e(c.customer.label) if c.customer is not None else DASH,
            e(c.subject),
            str(c.due) + (" (overdue)" if c.due <= report.period.end else ""),
        ]
        for c in report.confirmations
    ]
    lines += _table(["What", "Customer", "Who or which service", "Due"], rows, "Nothing falls due.")
    return lines


def _compliance(report: ManagementReport, e: Escape) -> list[str]:
    lines = ["## Compliance over time", ""]
    lines += [
        "The findings of brm check at each month end, judged on the repository as it stood that day.",
        "",
    ]
    rows = [[str(p.day), str(p.errors), str(p.warnings), str(p.waived), e(p.basis)] for p in report.compliance]
    lines += _table(["Month end", "Errors", "Warnings", "Waived", "Judged on"], rows, "No month end has passed yet.")
    return lines
