"""Business time: the hours a complaint procedure counts, and the deadlines they give.

Business hours are read in the procedure's IANA time zone (``zoneinfo``): a working
day is one of the procedure's ``days`` that is not a public holiday of its
``holidays`` country (and ``subdivision``), as the ``holidays`` library knows them;
its window runs from ``start`` to ``end`` local time. All arithmetic is done on
aware instants in UTC, so a day on which the clocks change counts the hours that
really passed, and nothing is rounded until the caller asks for a float.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from . import cache
from .dates import time_zone
from .policy import BusinessHours

#: A deadline further away than this many calendar days means the hours are wrong.
_HORIZON_DAYS = 3660


class CalendarError(ValueError):
    """The procedure names a time zone or holiday calendar that does not exist.

    ``field`` is the business-hours field at fault: timezone, holidays or subdivision.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """One year of public holidays, computed once per (country, subdivision, year).

    The holidays library takes a tenth of a second to load a country, longer than the
    rest of a small check; the answers are kept in the cache, keyed by its version.
    """
    key = f"{country}|{subdivision or ''}|{year}"
    stored = _stored_holidays()
    entry = stored.get(key)
    try:
        if isinstance(entry, list):
            return frozenset(date.fromisoformat(day) for day in entry)
        if isinstance(entry, dict):
            field, message = entry["error"]
            raise CalendarError(str(field), str(message))
    except (TypeError, ValueError, KeyError):
        pass  # not a cache entry we wrote: compute it again
    try:
        days = _computed_holidays(country, subdivision, year)
    except CalendarError as error:
        stored[key] = {"error": [error.field, str(error)]}
        _store_holidays(stored)
        raise
    stored[key] = sorted(day.isoformat() for day in days)
    _store_holidays(stored)
    return days


def _computed_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    import holidays as holiday_calendars  # a large library: loaded only when a complaint is timed

    try:
        calendar = holiday_calendars.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:  # the library's word for an unknown country or subdivision
        if subdivision is not None and _known_country(country):
            raise CalendarError(
                "subdivision", f"the holidays library knows no subdivision {subdivision!r} of {country}"
            ) from None
        raise CalendarError("holidays", f"the holidays library knows no country {country!r}") from None
    return frozenset(day for day in calendar if day.year == year)


@lru_cache(maxsize=1)
def _holidays_cache_name() -> str:
    return f"holidays-{cache.installed('holidays')['holidays']}.json"


@lru_cache(maxsize=1)
def _stored_holidays() -> dict[str, object]:
    raw = cache.read(_holidays_cache_name())
    if raw is None:
        return {}
    try:
        stored = json.loads(raw)
    except ValueError:  # UnicodeDecodeError is one
        return {}
    return stored if isinstance(stored, dict) else {}


def _store_holidays(stored: dict[str, object]) -> None:
    cache.write(_holidays_cache_name(), json.dumps(stored, sort_keys=True).encode())


def _known_country(country: str) -> bool:
    import holidays as holiday_calendars

    try:
        holiday_calendars.country_holidays(country, years=2000)
    except NotImplementedError:
        return False
    return True


def _zone(hours: BusinessHours) -> ZoneInfo:
    zone = time_zone(hours.timezone)
    if zone is None:
        raise CalendarError("timezone", f"there is no IANA time zone named {hours.timezone!r}")
    return zone


def is_working_day(day: date, hours: BusinessHours) -> bool:
    """One of the procedure's days, and not a public holiday."""
    if day.weekday() not in hours.days:
        return False
    if hours.holidays is None:
        return True
    return day not in _holidays(hours.holidays.upper(), hours.subdivision, day.year)


def check_calendar(hours: BusinessHours) -> None:
    """Raise :class:`CalendarError` if the time zone or holiday calendar is unknown."""
    _zone(hours)
    if hours.holidays is not None:
        _holidays(hours.holidays.upper(), hours.subdivision, 2000)


def _window(day: date, hours: BusinessHours, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The working window of ``day`` as UTC instants; an end at or before the start is the next day's."""
    opens = datetime.combine(day, hours.start, zone).astimezone(UTC)
    closing_day = day if hours.end > hours.start else day + timedelta(days=1)
    closes = datetime.combine(closing_day, hours.end, zone).astimezone(UTC)
    return opens, closes


def _windows(first: date, hours: BusinessHours, zone: ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
    """Working windows from ``first`` on, in order (at most ten years of them)."""
    for offset in range(_HORIZON_DAYS):
        day = first + timedelta(days=offset)
        if is_working_day(day, hours):
            yield _window(day, hours, zone)


def _first_day(instant: datetime, hours: BusinessHours, zone: ZoneInfo) -> date:
    # A window that ends after midnight may still be open at ``instant``: start a day early.
    local = instant.astimezone(zone).date()
    return local - timedelta(days=1) if hours.end <= hours.start else local


def _aware(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a UTC offset), got {instant.isoformat()}")
    return instant.astimezone(UTC)


def business_time_between(start: datetime, end: datetime, hours: BusinessHours) -> timedelta:
    """The business time from ``start`` to ``end``, exactly; negative if ``end`` comes first."""
    begin, finish = _aware(start, "start"), _aware(end, "end")
    if finish < begin:
        return -business_time_between(end, start, hours)
    zone = _zone(hours)
    total = timedelta()
    for opens, closes in _windows(_first_day(begin, hours, zone), hours, zone):
        if opens >= finish:
            break
        overlap = min(closes, finish) - max(opens, begin)
        if overlap > timedelta():
            total += overlap
    return total


def business_hours_between(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Hours of business time between two aware instants (Friday 16:40 to Monday 10:10 is 1.5)."""
    return business_time_between(start, end, hours) / timedelta(hours=1)


def add_business_hours(start: datetime, hours: float | timedelta, business_hours: BusinessHours) -> datetime:
    """The instant ``hours`` of business time after ``start``: the deadline, in the procedure's zone.

    A deadline that falls exactly at closing time is that closing time, not the next
    opening; received outside business hours, the clock starts at the next opening.
    """
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    if remaining < timedelta():
        raise ValueError(f"business hours to add must not be negative, got {remaining}")
    begin = _aware(start, "start")
    zone = _zone(business_hours)
    if remaining == timedelta():
        return begin.astimezone(zone)
    for opens, closes in _windows(_first_day(begin, business_hours, zone), business_hours, zone):
        if closes <= begin:
            continue
        clock = max(opens, begin)
        available = closes - clock
        if remaining <= available:
            return (clock + remaining).astimezone(zone)
        remaining -= available
    raise ValueError(
        f"no deadline within {_HORIZON_DAYS} days of {start.isoformat()}: "
        "the business hours have no working time (check days, start and end)"
    )


def describe(instant: datetime) -> str:
    """An instant as people read it: ``2026-10-05 13:10 BST``."""
    return f"{instant:%Y-%m-%d %H:%M} {instant.tzname() or instant.strftime('%z')}"


def describe_duration(span: timedelta) -> str:
    """``1 h 30 min``, ``1 min``, ``45 s``: business time as people say it."""
    seconds = int(span.total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return ("-" if seconds < 0 else "") + " ".join(parts)
