"""The period a management report covers: a quarter, a year, a month or a range of days.

``2026-Q3``, ``2026``, ``2026-08`` and ``2026-07-01..2026-09-30`` name periods; a
satisfaction result's own ``period`` field is read the same way (``2026-H1`` too), so a
Q3 survey sent in October counts for Q3. A period knows the one before it (the same
length), the eight that end with it (the trend), the one after it (what falls due
next) and its month ends (compliance over time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..dates import FIRST_YEAR, LAST_YEAR

_YEAR = re.compile(r"(\d{4})\Z")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])\Z", re.IGNORECASE)
_HALF = re.compile(r"(\d{4})-H([12])\Z", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\Z")

#: How many months each kind of period spans (a range counts days instead).
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}

USAGE = "give a quarter (2026-Q3), a year (2026), a month (2026-08) or a range of days (2026-07-01..2026-09-30)"


class PeriodError(ValueError):
    """The text names no period: a sentence that says what to give."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, inclusive
    kind: str  # month | quarter | half | year | range

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "half":
            return f"{self.start.year}-H{1 + (self.start.month - 1) // 6}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{1 + (self.start.month - 1) // 3}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start}..{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier if negative), of the same kind and length."""
        if self.kind in _MONTHS:
            start = self.start + relativedelta(months=_MONTHS[self.kind] * steps)
            end = start + relativedelta(months=_MONTHS[self.kind]) - timedelta(days=1)
            return Period(start, end, self.kind)
        offset = timedelta(days=self.days * steps)
        return Period(self.start + offset, self.end + offset, self.kind)

    def previous(self) -> Period:
        return self.shifted(-1)

    def following(self) -> Period:
        return self.shifted(1)

    def trail(self, count: int) -> list[Period]:
        """The ``count`` periods that end with this one, oldest first (none before year 1900)."""
        periods = [self.shifted(-back) for back in range(count - 1, -1, -1)]
        return [p for p in periods if p.start.year >= FIRST_YEAR]

    def month_ends(self) -> list[date]:
        """The last day of each month in the period; the period's own end if it is not one."""
        ends: list[date] = []
        month = date(self.start.year, self.start.month, 1)
        while month <= self.end:
            last = month + relativedelta(months=1) - timedelta(days=1)
            if last <= self.end:
                ends.append(last)
            month += relativedelta(months=1)
        if not ends or ends[-1] != self.end:
            ends.append(self.end)
        return ends


def parse(text: str) -> Period:
    """The period ``text`` names, or :class:`PeriodError` saying what to give."""
    found = named(text)
    if found is not None:
        return found
    match = _RANGE.match(text.strip())
    if match is None:
        raise PeriodError(f"'{text}' is not a period: {USAGE}")
    try:
        start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        raise PeriodError(f"'{text}' is not a range of real dates: {USAGE}") from None
    if end < start:
        raise PeriodError(f"'{text}' ends before it starts: give the earlier date first")
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise PeriodError(f"'{text}' is outside the years {FIRST_YEAR} to {LAST_YEAR} the checks judge")
    return Period(start, end, "range")


def named(text: str | None) -> Period | None:
    """The period a label names (``2026``, ``2026-Q3``, ``2026-H1``, ``2026-08``), or None."""
    if text is None:
        return None
    text = str(text).strip()
    for pattern, kind in ((_YEAR, "year"), (_QUARTER, "quarter"), (_HALF, "half"), (_MONTH, "month")):
        match = pattern.match(text)
        if match is None:
            continue
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        part = int(match.group(2)) if kind != "year" else 1
        month = {"year": 1, "quarter": 3 * (part - 1) + 1, "half": 6 * (part - 1) + 1, "month": part}[kind]
        start = date(year, month, 1)
        return Period(start, start + relativedelta(months=_MONTHS[kind]) - timedelta(days=1), kind)
    return None
