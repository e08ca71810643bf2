"""`brm status`: the coverage matrix, one row a customer, as an aligned table or JSON.

Informational: it shows where each customer stands (ok, due soon, overdue) from the
same :mod:`checks.coverage` computation the rules judge by; `brm check` decides.
"""

from __future__ import annotations

import json
from typing import Any

from .coverage import DUE_SOON_STATUS, NOT_PLANNED, OK, OVERDUE, Cadence, Coverage, CustomerCoverage, iso

_COLOURS = {OK: "\033[32m", DUE_SOON_STATUS: "\033[33m", OVERDUE: "\033[31m"}
_RESET = "\033[0m"

HEADINGS = (
    "customer",
    "tier",
    "representatives",
    "requirements",
    "last review",
    "next review",
    "last survey",
    "next survey",
    "actions",
    "complaints",
)

#: A cell: its text, and the status that colours it (or None).
Cell = tuple[str, str | None]


def _cadence_cells(cadence: Cadence, as_of_status: str) -> tuple[Cell, Cell]:
    if as_of_status == NOT_PLANNED:
        return (str(cadence.last or "-"), None), ("not planned", None)
    last = str(cadence.last) if cadence.last else "never"
    # The date people act on, as the site and the calendar show it (Cadence.next).
    due = f"{cadence.next} {as_of_status}" if cadence.next else as_of_status
    return (last, None), (due, as_of_status)


def _row(row: CustomerCoverage, coverage: Coverage) -> list[Cell]:
    customer = row.customer
    last_review, next_review = _cadence_cells(row.review, row.review.standing(coverage.as_of))
    last_survey, next_survey = _cadence_cells(row.survey, row.survey.standing(coverage.as_of))
    agreed, services = row.services_agreed, len(row.requirements)
    overdue = len(row.overdue_actions)
    return [
        (customer.label, None),
        (customer.tier or "-", None),
        (", ".join(row.representatives) or "none", None if row.representatives else OVERDUE),
        (f"{agreed} of {services}", OK if agreed == services else OVERDUE),
        last_review,
        next_review,
        last_survey,
        next_survey,
        (f"{len(row.open_actions)} open, {overdue} overdue", OVERDUE if overdue else None),
        (f"{len(row.open_complaints)} open", None),
    ]


def render_text(coverage: Coverage, root: str, colour: bool = False) -> str:
    """An aligned table, then the process review; statuses coloured on a terminal."""
    rows: list[list[Cell]] = [[(h, None) for h in HEADINGS]]
    rows += [_row(row, coverage) for row in coverage.customers]
    widths = [max(len(row[i][0]) for row in rows) for i in range(len(HEADINGS))]
    lines = [f"Coverage of {root} at {coverage.as_of}", ""]
    for row in rows:
        cells = []
        for (text, status), width in zip(row, widths, strict=True):
            padded = text.ljust(width)
            if colour and status in _COLOURS:
                padded = f"{_COLOURS[status]}{text}{_RESET}{' ' * (width - len(text))}"
            cells.append(padded)
        lines.append("  ".join(cells).rstrip())
    if not coverage.customers:
        lines.append("(no customers in registers/customers.yaml)")
    process = coverage.process_review
    last, due = _cadence_cells(process, process.standing(coverage.as_of))
    due_text = f"{_COLOURS[due[1]]}{due[0]}{_RESET}" if colour and due[1] in _COLOURS else due[0]
    lines += ["", f"BRM process review: last {last[0]}, next {due_text}"]
    return "\n".join(lines) + "\n"


def _cadence_json(cadence: Cadence, coverage: Coverage) -> dict[str, Any]:
    return {
        "interval": iso(cadence.interval) if cadence.interval else None,
        "last": str(cadence.last) if cadence.last else None,
        "evidence": cadence.evidence,
        "due": str(cadence.due) if cadence.due else None,
        "next": str(cadence.next) if cadence.next else None,
        "status": cadence.standing(coverage.as_of),
    }


def as_json(coverage: Coverage, root: str) -> dict[str, Any]:
    return {
        "as_of": str(coverage.as_of),
        "root": root,
        "customers": [
            {
                "id": row.customer.id,
                "name": row.customer.name,
                "tier": row.customer.tier,
                "representatives": list(row.representatives),
                "requirements": {
                    "agreed": row.services_agreed,
                    "services": len(row.requirements),
                    "missing": list(row.services_without_requirements),
                },
                "review": _cadence_json(row.review, coverage),
                "survey": _cadence_json(row.survey, coverage),
                "actions": {
                    "open": [a.id for a in row.open_actions],
                    "overdue": [a.id for a in row.overdue_actions],
                },
                "complaints": {"open": [c.id for c in row.open_complaints]},
            }
            for row in coverage.customers
        ],
        "process_review": _cadence_json(coverage.process_review, coverage),
    }


def render_json(coverage: Coverage, root: str) -> str:
    return json.dumps(as_json(coverage, root), indent=2) + "\n"
