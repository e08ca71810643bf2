"""Business time in the procedure's zone: weekends, holidays, clock changes, before opening."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from checks import business_hours as bh
from checks.business_hours import (
    CalendarError,
    add_business_hours,
    business_hours_between,
    business_time_between,
    check_calendar,
    describe,
    describe_duration,
)
from checks.policy import BusinessHours

#: England: the August bank holiday and Easter Monday are England-and-Wales holidays.
ENGLAND = BusinessHours(timezone="Europe/London", holidays="GB", subdivision="ENG")
#: `holidays: GB` alone: only the holidays every UK nation shares.
UK = BusinessHours(timezone="Europe/London", holidays="GB")
#: Round the clock, every day: shows the real length of a day on which the clocks change.
ALWAYS = BusinessHours(days=(0, 1, 2, 3, 4, 5, 6), start=time(0), end=time(0), timezone="Europe/London")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


BETWEEN = [
    ("friday 16:40 to monday 10:10", "2026-10-02T16:40:00+01:00", "2026-10-05T10:10:00+01:00", ENGLAND, 1.5),
    ("same in winter time", "2026-02-13T16:40:00+00:00", "2026-02-16T10:10:00+00:00", ENGLAND, 1.5),
    ("instants written in UTC", "2026-10-02T15:40:00Z", "2026-10-05T09:10:00Z", ENGLAND, 1.5),
    ("received before opening", "2026-08-27T08:15:00+01:00", "2026-08-27T10:30:00+01:00", ENGLAND, 1.5),
    ("received after closing", "2026-08-26T18:30:00+01:00", "2026-08-27T10:30:00+01:00", ENGLAND, 1.5),
    ("saturday to monday opening", "2026-10-03T11:00:00+01:00", "2026-10-05T09:00:00+01:00", ENGLAND, 0.0),
    ("saturday to monday 10:30", "2026-10-03T11:00:00+01:00", "2026-10-05T10:30:00+01:00", ENGLAND, 1.5),
    ("over the august bank holiday", "2026-08-28T16:00:00+01:00", "2026-09-01T10:00:00+01:00", ENGLAND, 2.0),
    ("august monday counts outside england", "2026-08-28T16:00:00+01:00", "2026-09-01T10:00:00+01:00", UK, 10.0),
    ("over the BST to GMT change", "2026-10-23T15:00:00+01:00", "2026-10-26T11:00:00+00:00", ENGLAND, 4.0),
    ("a whole working week", "2026-10-05T09:00:00+01:00", "2026-10-09T17:00:00+01:00", ENGLAND, 40.0),
    ("autumn change day lasts 25 hours", "2026-10-25T00:00:00+01:00", "2026-10-26T00:00:00+00:00", ALWAYS, 25.0),
    ("spring change day lasts 23 hours", "2026-03-29T00:00:00+00:00", "2026-03-30T00:00:00+01:00", ALWAYS, 23.0),
    ("christmas to the new year", "2026-12-24T16:00:00+00:00", "2027-01-04T10:00:00+00:00", ENGLAND, 26.0),
]


@pytest.mark.parametrize(("name", "start", "end", "hours", "expected"), BETWEEN, ids=[c[0] for c in BETWEEN])
def test_business_hours_between(name, start, end, hours, expected) -> None:
    assert business_hours_between(at(start), at(end), hours) == expected


def test_between_is_exact_and_antisymmetric() -> None:
    start, end = at("2026-10-02T16:40:00+01:00"), at("2026-10-05T10:10:01+01:00")
    assert business_time_between(start, end, ENGLAND) == timedelta(hours=1, minutes=30, seconds=1)
    assert business_time_between(end, start, ENGLAND) == -timedelta(hours=1, minutes=30, seconds=1)


DEADLINES = [
    ("friday afternoon to monday", "2026-10-02T16:40:00+01:00", ENGLAND, "2026-10-05T12:40:00+01:00"),
    ("received on a saturday", "2026-10-03T11:00:00+01:00", ENGLAND, "2026-10-05T13:00:00+01:00"),
    ("received before 09:00", "2026-08-27T08:15:00+01:00", ENGLAND, "2026-08-27T13:00:00+01:00"),
    ("received after 17:00", "2026-08-26T18:30:00+01:00", ENGLAND, "2026-08-27T13:00:00+01:00"),
    ("deadline exactly at closing", "2026-08-26T13:00:00+01:00", ENGLAND, "2026-08-26T17:00:00+01:00"),
    ("friday before the august bank holiday", "2026-08-28T15:00:00+01:00", ENGLAND, "2026-09-01T11:00:00+01:00"),
    ("same friday where monday is no holiday", "2026-08-28T15:00:00+01:00", UK, "2026-08-31T11:00:00+01:00"),
    ("friday before the clocks go back", "2026-10-23T15:00:00+01:00", ENGLAND, "2026-10-26T11:00:00+00:00"),
    ("friday before the clocks go forward", "2026-03-27T15:00:00+00:00", ENGLAND, "2026-03-30T11:00:00+01:00"),
    ("christmas eve to after boxing day", "2026-12-24T15:00:00+00:00", ENGLAND, "2026-12-29T11:00:00+00:00"),
    ("new year's eve to the next year", "2026-12-31T15:00:00+00:00", ENGLAND, "2027-01-04T11:00:00+00:00"),
    ("round the clock over the change", "2026-10-25T00:00:00+01:00", ALWAYS, "2026-10-25T23:00:00+00:00"),
]


@pytest.mark.parametrize(("name", "start", "hours", "deadline"), DEADLINES, ids=[c[0] for c in DEADLINES])
def test_add_business_hours_gives_the_deadline(name, start, hours, deadline) -> None:
    result = add_business_hours(at(start), 4 if hours is not ALWAYS else 24, hours)
    assert result == at(deadline)
    assert result.utcoffset() == at(deadline).utcoffset()  # in the procedure's zone


def test_add_and_between_agree() -> None:
    start = at("2026-10-23T16:59:00+01:00")
    for hours in (0.5, 4, 7.25, 8, 13, 40):
        deadline = add_business_hours(start, hours, ENGLAND)
        assert business_hours_between(start, deadline, ENGLAND) == hours


def test_add_accepts_a_timedelta_and_zero() -> None:
    start = at("2026-10-03T11:00:00+01:00")
    assert add_business_hours(start, timedelta(minutes=90), ENGLAND) == at("2026-10-05T10:30:00+01:00")
    assert add_business_hours(start, 0, ENGLAND) == start


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        business_hours_between(datetime(2026, 10, 2, 9), at("2026-10-02T10:00:00+01:00"), ENGLAND)
    with pytest.raises(ValueError, match="negative"):
        add_business_hours(at("2026-10-02T10:00:00+01:00"), -1, ENGLAND)


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        (BusinessHours(timezone="Europe/Londres"), "timezone"),
        (BusinessHours(timezone="Europe/London", holidays="XX"), "holidays"),
        (BusinessHours(timezone="Europe/London", holidays="GB", subdivision="XYZ"), "subdivision"),
    ],
    ids=["unknown zone", "unknown country", "unknown subdivision"],
)
def test_unknown_calendars_name_the_field(hours, field) -> None:
    with pytest.raises(CalendarError) as raised:
        check_calendar(hours)
    assert raised.value.field == field


@pytest.fixture
def counted_calendars(monkeypatch, tmp_path):
    """Calls to the holidays library, with empty memory and disk caches (the disk one in tmp_path)."""
    import holidays

    calls: list[tuple[str, str | None, object]] = []
    real = holidays.country_holidays

    def counting(country, subdiv=None, years=None):
        calls.append((country, subdiv, years))
        return real(country, subdiv=subdiv, years=years)

    def forget() -> None:
        bh._holidays.cache_clear()
        bh._stored_holidays.cache_clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BRM_NO_CACHE", raising=False)
    monkeypatch.setattr(holidays, "country_holidays", counting)
    forget()
    yield calls, forget
    forget()


def _christmas() -> float:
    return business_hours_between(at("2026-12-24T09:00:00+00:00"), at("2027-01-05T09:00:00+00:00"), ENGLAND)


def test_holiday_calendars_are_computed_once_per_country_subdivision_and_year(counted_calendars) -> None:
    calls, _forget = counted_calendars
    for _ in range(3):
        _christmas()
    assert sorted(calls, key=str) == [("GB", "ENG", 2026), ("GB", "ENG", 2027)]


def test_a_later_run_reads_holidays_from_the_disk_cache(counted_calendars, tmp_path) -> None:
    calls, forget = counted_calendars
    first = _christmas()
    assert len(calls) == 2
    forget()  # a new process: nothing in memory
    assert _christmas() == first
    assert len(calls) == 2  # the library was not asked again
    [stored] = (tmp_path / "brm-evidence").glob("holidays-*.json")
    assert "2026-12-25" in stored.read_text()


@pytest.mark.parametrize(
    "junk",
    [b"", b"\xff\xfe not json", b"[1, 2]", b'{"GB|ENG|2026": ["not a date"]}', b'{"GB|ENG|2026": {"error": 3}}'],
    ids=["empty", "binary", "a list", "a bad date", "a bad error"],
)
def test_a_corrupt_holiday_cache_is_recomputed(counted_calendars, tmp_path, junk: bytes) -> None:
    calls, forget = counted_calendars
    expected = _christmas()
    [stored] = (tmp_path / "brm-evidence").glob("holidays-*.json")
    stored.write_bytes(junk)
    forget()
    assert _christmas() == expected
    assert len(calls) >= 3  # asked the library again rather than trust the junk


def test_descriptions() -> None:
    assert describe(add_business_hours(at("2026-10-02T16:40:00+01:00"), 4, ENGLAND)) == "2026-10-05 12:40 BST"
    assert describe_duration(timedelta(hours=1, minutes=30)) == "1 h 30 min"
    assert describe_duration(timedelta(minutes=1)) == "1 min"
    assert describe_duration(timedelta()) == "0 s"
