"""Intervals, due dates and instants. Calendar arithmetic is dateutil's, never ours."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

#: The words FORMAT.md accepts wherever an interval is.
WORDS = {"monthly": "P1M", "quarterly": "P3M", "semiannual": "P6M", "annual": "P1Y"}

_DURATION = re.compile(
    r"P(?!\Z)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?\Z"
)


class Interval:
    """An ISO 8601 duration (or one of the words), applied with calendar arithmetic."""

    __slots__ = ("text", "delta")

    def __init__(self, text: str, delta: relativedelta) -> None:
        self.text = text
        self.delta = delta

    @classmethod
    def parse(cls, value: object) -> Interval | None:
        if not isinstance(value, str):
            return None
        iso = WORDS.get(value, value)
        match = _DURATION.match(iso)
        if match is None:
            return None
        parts = {k: int(v) for k, v in match.groupdict().items() if v}
        weeks = parts.pop("weeks", 0)
        parts["days"] = parts.get("days", 0) + 7 * weeks
        return cls(value, relativedelta(**parts))  # type: ignore[arg-type]

    def after(self, start: date) -> date:
        """The due date one interval after ``start`` (31 January + P1M = 28 February)."""
        return start + self.delta

    def before(self, end: date) -> date:
        return end - self.delta

    def hours(self) -> float:
        """For short intervals such as PT4H: the length in hours (days count 24)."""
        d = self.delta
        return d.days * 24 + d.hours + d.minutes / 60 + d.seconds / 3600

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Interval({self.text!r})"


def parse_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_instant(value: object) -> datetime | None:
    """An aware datetime; a bare date or a time without an offset is not an instant."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def judging_date(option: str | date | None, option_name: str, environ: Mapping[str, str] = os.environ) -> date:
    """The date cadences are judged at: the option, else ``BRM_AS_OF``, else today.

    Raises ValueError with a sentence naming where the bad value came from.
    """
    if isinstance(option, date):
        return option
    text = option or environ.get("BRM_AS_OF") or ""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        source = option_name if option else "BRM_AS_OF"
        raise ValueError(f"{source} '{text}' is not a date: give YYYY-MM-DD") from None
