"""Compliance over time: the findings at each month end, judged on the repository as it stood then.

Each month end of the period is judged on the last commit on or before it (the
machinery of ``brm bundle --as-of``: :func:`checks.snapshot.on_or_before`, the commit's
tree read from git's objects), at that date, by the same rules as ``brm check``. A
commit is read once however many month ends fall on it. A month end before the first
commit (or without git) is judged on today's evidence seen as of that day
(:meth:`checks.model.Repository.as_of`), and says so: what the evidence now records
about that day, not what the repository held then.
"""

from __future__ import annotations

from datetime import date, tzinfo
from pathlib import Path

from ..findings import Finding, Severity
from ..load import Loaded
from ..rules import run
from .figures import CompliancePoint
from .period import Period


def compliance(
    root: Path,
    period: Period,
    prepared: date,
    current: Loaded,
    zone: tzinfo | None,
    read: dict[str, Loaded] | None = None,
) -> list[CompliancePoint]:
    """One point per month end of the period up to the report day (``read``: commits read before, by sha)."""
    from ..snapshot import SnapshotError, first_commit, head, load_commit, on_or_before

    days = [d for d in period.month_ends() if d <= prepared]
    if not days:
        return []
    latest = head(root)
    start = first_commit(root) if latest is not None else None
    points: list[CompliancePoint] = []
    loaded: dict[str, Loaded] = read if read is not None else {}
    for day in days:
        moment = on_or_before(root, day, zone) if latest is not None else None
        if moment is None:
            why = f"the history starts on {start.when.date()}" if start is not None else "no git history"
            points.append(_point(day, run(current, day), None, f"today's evidence seen as of that day ({why})"))
            continue
        if moment.sha not in loaded:
            try:
                evidence, files = load_commit(root, moment.sha)
            except SnapshotError as error:
                points.append(_point(day, run(current, day), None, f"today's evidence seen as of that day ({error})"))
                continue
            files.close()
            loaded[moment.sha] = evidence
        basis = f"commit {moment.sha[:7]} of {moment.when.date()}"
        points.append(_point(day, run(loaded[moment.sha], day), moment.sha[:7], basis))
    return points


def _point(day: date, findings: list[Finding], commit: str | None, basis: str) -> CompliancePoint:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    return CompliancePoint(
        day, counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.WAIVED], commit, basis
    )
