"""The management report as JSON (``brm report --format json``): every figure, for other tools."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from .attention import highlights, sentences
from .figures import ManagementReport, Score


def _score(value: Score | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": round(value.value, 2), "own_survey": value.own, "results": list(value.paths)}


def _hours(span: timedelta | None) -> float | None:
    return round(span / timedelta(hours=1), 2) if span is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def render(report: ManagementReport) -> str:
    p = report.period
    a = report.actions
    c = report.complaints
    document: dict[str, Any] = {
        "period": {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()},
        "previous": report.previous.label,
        "prepared": report.prepared.isoformat(),
        "provenance": report.provenance,
        "attention": sentences(report),
        "highlights": highlights(report),
        "satisfaction": [
            {
                "customer": s.customer.id,
                "kind": s.kind,
                "score": _score(s.score),
                "target": s.target,
                "met": s.met,
                "previous": _score(s.previous),
                "change": round(s.change, 2) if s.change is not None else None,
                "trend": [{"period": period.label, "score": _score(value)} for period, value in s.trend],
            }
            for s in report.satisfaction
        ],
        "customers_without_results": [c.id for c in report.customers_without_results],
        "themes": [{"theme": t.text, "results": t.count, "raised_by": list(t.customers)} for t in report.themes],
        "reviews": {
            "due": report.reviews_due,
            "on_time": report.reviews("on time"),
            "late": report.reviews("late"),
            "missed": report.reviews("missed"),
            "overdue": report.reviews("overdue"),
            "customers": [
                {
                    "customer": r.customer.id,
                    "interval": r.interval.text if r.interval is not None else None,
                    "due": [
                        {"due": _day(d.due), "held": _day(d.held), "state": d.state, "minutes": d.evidence}
                        for d in r.due
                    ],
                }
                for r in report.adherence
            ],
        },
        "actions": {
            "opened": [x.id for x in a.opened],
            "closed": [x.id for x in a.closed],
            "cancelled": [x.id for x in a.cancelled],
            "closed_on_time": [x.id for x in a.closed_on_time],
            "open_at_end": [x.id for x in a.open_at_end],
            "overdue_at_end": [x.id for x in a.overdue_at_end],
            "open_during_period": a.considered,
            "closure_rate": round(a.closure_rate, 4) if a.closure_rate is not None else None,
            "median_age_days": a.median_age,
            "oldest": {"action": a.oldest[0].id, "age_days": a.oldest[1]} if a.oldest else None,
            "by_source": {
                k: {"opened": v.opened, "closed": v.closed, "overdue": v.overdue} for k, v in a.by_source.items()
            },
        },
        "complaints": {
            "received": [
                {
                    "complaint": t.complaint.id,
                    "customer": t.complaint.customer,
                    "service": t.complaint.service,
                    "channel": t.complaint.channel,
                    "received_on": t.received_on.isoformat(),
                    "acknowledgement_business_hours": _hours(t.acknowledgement),
                    "acknowledgement_met": t.acknowledgement_met,
                    "resolution_due": _day(t.resolution_due),
                    "resolution_days": t.resolution_days,
                    "resolution_met": t.resolution_met,
                }
                for t in c.received
            ],
            "by_service": dict(c.by_service),
            "by_channel": dict(c.by_channel),
            "acknowledgement_target": c.acknowledgement_target.text if c.acknowledgement_target else None,
            "acknowledgement_bands": dict(c.acknowledgement_bands),
            "acknowledged_in_time": list(c.acknowledged_in_time),
            "resolution_target": c.resolution_target.text if c.resolution_target else None,
            "resolved_in_time": list(c.resolved_in_time),
            "escalations": [{"level": level, "to": person, "count": n} for level, person, n in c.escalations],
            "open_at_end": [x.id for x in c.open_at_end],
            "calendar_problem": c.calendar_problem,
        },
        "confirmations": [
            {
                "what": x.what,
                "customer": x.customer.id if x.customer is not None else None,
                "subject": x.subject,
                "due": x.due.isoformat(),
                "path": x.path,
            }
            for x in report.confirmations
        ],
        "compliance": [
            {
                "month_end": x.day.isoformat(),
                "errors": x.errors,
                "warnings": x.warnings,
                "waived": x.waived,
                "commit": x.commit,
                "judged_on": x.basis,
            }
            for x in report.compliance
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
