"""Compliance over time: the findings at each month end, judged on the repository as it stood then.

Each month end of the period is judged on the last commit on or before it (the
machinery of ``brm bundle --as-of``: :func:`checks.snapshot.on_or_before`, the commit's
tree read from git's objects), at that date, by the same rules as ``brm check``. A
commit's tree judged at a day is kept (:func:`checks.memo.judge`, under the tree's id,
as ``brm check --base`` keeps its base): a past month end is judged once, ever. A month
end before the first commit (or without git) is judged on today's evidence seen as of
that day (:meth:`checks.model.Repository.as_of`), and says so: what the evidence now
records about that day, not what the repository held then. Such a point is kept too,
when a site build gives its :class:`checks.kept.Kept` (under the evidence's content and
the day): the next build of the same evidence judges no month end again.
"""

from __future__ import annotations

from datetime import date, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..load import Loaded
from ..rules import run
from .figures import CompliancePoint
from .period import Period

if TYPE_CHECKING:
    from ..kept import Kept

#: A month end's counts: errors, warnings, waived, and the rules with errors.
Counts = tuple[int, int, int, tuple[str, ...]]


def compliance(
    root: Path,
    period: Period,
    prepared: date,
    current: Loaded,
    zone: tzinfo | None,
    judged: dict[date, CompliancePoint] | None = None,
    kept: Kept | None = None,
) -> list[CompliancePoint]:
    """One point per month end of the period up to the report day.

    ``judged``: points made before, by day; ``kept``: where a site build keeps the points
    judged on today's evidence (``current``, whose content it is keyed by).
    """
    from ..baseline import BaseError, resolve
    from ..gittree import GitTree
    from ..memo import judge
    from ..snapshot import first_commit, head, on_or_before

    known = judged if judged is not None else {}
    days = [d for d in period.month_ends() if d <= prepared]
    latest = head(root) if days else None
    start = first_commit(root) if latest is not None else None
    points: list[CompliancePoint] = []
    for day in days:
        if day in known:
            points.append(known[day])
            continue
        moment = on_or_before(root, day, zone) if latest is not None else None
        point = None
        if moment is not None:
            try:
                tree = resolve(root, moment.sha).tree
            except BaseError:
                tree = None
            if tree is not None:
                identity = b"git tree\0" + tree.encode()
                findings = judge(partial(GitTree, root, tree), identity, day, _given, _no_zone).findings
                basis = f"commit {moment.sha[:7]} of {moment.when.date()}"
                point = _point(day, _counts(findings), moment.sha[:7], basis)
        if point is None:
            why = f"the history starts on {start.when.date()}" if start is not None else "no git history"
            point = _point(day, _today(current, day, kept), None, f"today's evidence seen as of that day ({why})")
        known[day] = point
        points.append(point)
    return points


def _given(zone: str) -> date:  # pragma: no cover - every point is judged at a given day
    raise AssertionError("a month end is a given day")


def _no_zone(loaded: object) -> str:
    return ""


def _today(current: Loaded, day: date, kept: Kept | None) -> Counts:
    """The counts of today's evidence judged at ``day``: kept from a build of the same evidence, or judged now."""
    key = kept.key("month end", day.isoformat()) if kept is not None else None
    if kept is not None and key is not None:
        value = kept.get({key: key}).get(key)
        if (
            isinstance(value, tuple)
            and len(value) == 4
            and all(type(n) is int for n in value[:3])
            and isinstance(value[3], tuple)
            and all(isinstance(rule, str) for rule in value[3])
        ):
            return value
    counts = _counts(run(current, day))
    if kept is not None and key is not None:
        kept.put(key, key, counts)
        kept.flush()
    return counts


def _counts(findings: list[Finding]) -> Counts:
    by = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    rules = tuple(sorted({f.rule for f in findings if f.severity is Severity.ERROR}))
    return by[Severity.ERROR], by[Severity.WARNING], by[Severity.WAIVED], rules


def _point(day: date, counts: Counts, commit: str | None, basis: str) -> CompliancePoint:
    errors, warnings, waived, rules = counts
    return CompliancePoint(day, errors, warnings, waived, commit, basis, rules)
