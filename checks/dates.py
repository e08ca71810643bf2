"""Intervals, due dates and instants. Calendar arithmetic is dateutil's, never ours.

Evidence dates and instants fall in the years :data:`FIRST_YEAR` to :data:`LAST_YEAR`,
and an interval is as long as the schemas allow (``common.schema.json``'s ``duration``
and ``business_time`` patterns, which the parser reads): the arithmetic of every rule
then stays inside the calendar. Whatever still reaches it from outside those bounds
(a judging date in year 9999, a horizon) saturates at the calendar's ends.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # imported where an interval is read: `brm check` serving kept findings reads none
    from dateutil.relativedelta import relativedelta

#: The words FORMAT.md accepts wherever an interval is.
WORDS = {"monthly": "P1M", "quarterly": "P3M", "semiannual": "P6M", "annual": "P1Y"}

#: The years an evidence date or instant may fall in (FORMAT.md; the schemas' date patterns).
FIRST_YEAR, LAST_YEAR = 1900, 2999

_PARTS = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?\Z"
)


@cache
def _schema_pattern(definition: str) -> re.Pattern[str]:
    """A pattern of ``common.schema.json``: the code accepts exactly what the schema does."""
    from importlib import resources

    text = resources.files("checks").joinpath("schemas", "common.schema.json").read_text(encoding="utf-8")
    return re.compile(json.loads(text)["definitions"][definition]["pattern"])


class Interval:
    """An ISO 8601 duration (or one of the words), applied with calendar arithmetic."""

    __slots__ = ("text", "delta")

    def __init__(self, text: str, delta: relativedelta) -> None:
        self.text = text
        self.delta = delta

    @classmethod
    def parse(cls, value: object, business_time: bool = False, zero: bool = False) -> Interval | None:
        """A calendar interval (``P3M``, ``P14D``, ``quarterly``: no time part), or ``None``.

        With ``business_time``, a length of business time instead (``PT4H``, ``P1D`` as
        24 hours). ``None`` for anything the schema refuses there, such as ``PT1S`` where
        days are counted or ``P9999Y``: a record that fails its schema never reaches
        the arithmetic with it. A zero length (``P0D``) is refused too unless ``zero``
        says it means something (no grace): a cadence of zero would judge nothing, and
        stepping through time by it would never end.
        """
        if not isinstance(value, str):
            return None
        iso = value if business_time else WORDS.get(value, value)
        definition = "business_time" if business_time else ("duration" if zero else "interval")
        if _schema_pattern(definition).match(iso) is None:
            return None
        match = _PARTS.match(iso)
        if match is None:  # pragma: no cover - the schema's pattern is narrower
            return None
        parts = {k: int(v) for k, v in match.groupdict().items() if v}
        weeks = parts.pop("weeks", 0)
        parts["days"] = parts.get("days", 0) + 7 * weeks
        from dateutil.relativedelta import relativedelta

        return cls(value, relativedelta(**parts))  # type: ignore[arg-type]

    def after(self, start: date) -> date:
        """The due date one interval after ``start`` (31 January + P1M = 28 February).

        Past the end of the calendar it is the calendar's last day: nothing is due before it.
        """
        try:
            return _day(start + self.delta)
        except (OverflowError, ValueError):
            return date.max

    def before(self, end: date) -> date:
        try:
            return _day(end - self.delta)
        except (OverflowError, ValueError):
            return date.min

    def hours(self) -> float:
        """For short intervals such as PT4H: the length in hours (days count 24)."""
        d = self.delta
        return d.days * 24 + d.hours + d.minutes / 60 + d.seconds / 3600

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Interval({self.text!r})"


def _day(value: date) -> date:
    """A date, also when a time part made dateutil return a datetime."""
    return value.date() if isinstance(value, datetime) else value


def _in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_date(value: object) -> date | None:
    """The date of an evidence field (an instant's date for a date-or-instant), or ``None``.

    ``None`` also for a date outside :data:`FIRST_YEAR`..:data:`LAST_YEAR` (the schema's
    BRM002 says so), so no rule computes with year 1 or 9999.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value if _in_range(value) else None
    if not isinstance(value, str) or len(value) < 10:
        return None
    text = value[:10]
    if text in _PARSED:
        return _PARSED[text]
    try:
        day: date | None = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None and not _in_range(day):
        day = None
    if len(_PARSED) < _PARSED_MAX:
        _PARSED[text] = day
    return day


#: Dates read before, by their text: evidence repeats a few thousand dates a hundred thousand times.
_PARSED: dict[str, date | None] = {}
_PARSED_MAX = 100_000


def parse_instant(value: object) -> datetime | None:
    """An aware datetime; a bare date or a time without an offset is not an instant.

    ``None`` also outside :data:`FIRST_YEAR`..:data:`LAST_YEAR`, in its own offset or in UTC.
    """
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None or not _in_range(moment):
        return None
    try:
        if not _in_range(moment.astimezone(UTC)):
            return None
    except OverflowError:
        return None
    return moment


def judging_date(
    option: str | date | None,
    option_name: str,
    environ: Mapping[str, str] = os.environ,
    timezone: str = "UTC",
    now: datetime | None = None,
) -> date:
    """The date cadences are judged at: the option, else ``BRM_AS_OF``, else today.

    Today is the day it is in ``timezone``, the BRM procedures' time zone (the complaint
    procedure's business hours; UTC where none is named or the name is unknown), never
    the machine's: two runners at the same instant judge the same day wherever they are.
    ``now`` is that instant (default: the clock). Raises ValueError with a sentence naming
    where a bad value came from.
    """
    if isinstance(option, date):
        return option
    text = option or environ.get("BRM_AS_OF") or ""
    if not text:
        instant = now if now is not None else datetime.now(UTC)
        return instant.astimezone(_zone(timezone)).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        source = option_name if option else "BRM_AS_OF"
        raise ValueError(f"{source} '{text}' is not a date: give YYYY-MM-DD") from None


def time_zone(name: str) -> ZoneInfo | None:
    """The IANA time zone of that name, or None if there is none (each caller says what that means)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone(name: str) -> ZoneInfo:
    return time_zone(name) or ZoneInfo("UTC")


_UNITS = (("years", "year"), ("months", "month"), ("weeks", "week"), ("days", "day"), ("hours", "hour"),
          ("minutes", "minute"), ("seconds", "second"))  # fmt: skip
#: A cadence of one unit, as people say it.
_EVERY_ONE = {"years": "annually", "months": "monthly", "weeks": "weekly", "days": "daily", "hours": "hourly"}
#: The words of FORMAT.md, as a cadence is said.
_EVERY_WORD = {"monthly": "monthly", "quarterly": "quarterly", "semiannual": "every 6 months", "annual": "annually"}


def in_words(interval: Interval, *, every: bool = False, business: bool = False) -> str:
    """A duration as people read it, never ``P1M`` or ``PT4H``: the one place that says one.

    ``3 months``, ``14 days``, ``1 year and 6 months``; with ``every``, a cadence:
    ``monthly``, ``quarterly``, ``every 3 months``; with ``business``, business time,
    in which a day is 24 hours (the schema's ``business_time``): ``4 business hours``.
    """
    text = interval.text
    if every and text in _EVERY_WORD:
        return _EVERY_WORD[text]
    match = _PARTS.match(WORDS.get(text, text))
    parts = {k: int(v) for k, v in match.groupdict().items() if v and int(v)} if match else {}
    if business and "days" in parts:
        parts["hours"] = parts.get("hours", 0) + 24 * parts.pop("days")
    if every and len(parts) == 1 and next(iter(parts.values())) == 1 and not business:
        return _EVERY_ONE.get(next(iter(parts)), f"every {next(iter(parts))[:-1]}")
    said = [f"{n} {plural if n != 1 else one}" for plural, one in _UNITS if (n := parts.get(plural, 0))]
    if not said:
        said = ["0 days"]
    if business:  # "4 business hours", "1 business hour and 30 minutes"
        said[0] = said[0].replace(" ", " business ", 1)
    length = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"every {length}" if every else length
