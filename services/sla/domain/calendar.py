"""Statutory time: working days, and when a clock falls due (Civil Code arts. 201, 203).

A day-based period ends at 24:00 local time of its last day, which this module writes as the
instant 00:00 of the next local day: a clock is breached once `now >= due`. Every instant
returned is timezone-aware and in UTC; days are counted in the deployment's time zone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar

Unit = Literal["calendar_days", "working_days", "hours"]
WarnPoint = float | timedelta
"""A fraction of the clock's running time (0.75), or how much running time is left (3 days)."""

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DAY = timedelta(days=1)
_LONGEST_CLOSURE = 366  # a calendar with no working day in a year is misconfigured


class WorkingCalendar(ABC):
    """Which local dates are working days."""

    @abstractmethod
    def is_working_day(self, day: date) -> bool: ...

    @abstractmethod
    def covers(self, year: int) -> bool:
        """Whether `year` comes from real data rather than a weekends-only guess."""


class WeekendCalendar(WorkingCalendar):
    """Monday to Friday: the fallback outside known years, and a plain calendar for tests."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def covers(self, year: int) -> bool:  # noqa: ARG002 - a weekend is a weekend in every year
        return True


class ChineseStatutoryCalendar(WorkingCalendar):
    """China's statutory holidays and make-up working days (调休), from `chinesecalendar`.

    The package raises outside the years it knows; there this calendar answers weekends-only
    and `covers` says False, so callers can flag deadlines that rest on a guess.
    """

    first_year: int = min(chinese_calendar.holidays).year
    last_year: int = max(chinese_calendar.holidays).year

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day.year):
            return day.weekday() < 5
        return _statutory_working_day(day)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class SupplementedCalendar(WorkingCalendar):
    """A base calendar plus a deployment's own holidays and make-up working days.

    The State Council announces next year's holidays each autumn and the package follows some
    time later; meanwhile a deployment lists that year's days itself, so deadlines that run into
    it (a 60-day clock started in November) still skip the Spring Festival.
    """

    def __init__(self, base: WorkingCalendar, holidays: frozenset[date], workdays: frozenset[date]) -> None:
        if holidays & workdays:
            raise ValueError(f"days both holiday and working day: {sorted(holidays & workdays)}")
        self._base, self._holidays, self._workdays = base, holidays, workdays
        self._years = {day.year for day in holidays | workdays}

    def is_working_day(self, day: date) -> bool:
        if day in self._holidays:
            return False
        return day in self._workdays or self._base.is_working_day(day)

    def covers(self, year: int) -> bool:
        return year in self._years or self._base.covers(year)


@cache  # the package scans its whole table on every call; covered dates are few thousand
def _statutory_working_day(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))


def due_at(start: datetime, amount: int, unit: Unit, calendar: WorkingCalendar, tz: ZoneInfo = SHANGHAI) -> datetime:
    """When a clock of `amount` `unit`s that started at `start` falls due (UTC)."""
    # Art. 201: the starting day, taken in local time, is not counted.
    return _count(start, start.astimezone(tz).date(), amount, unit, calendar, tz=tz)


def extended_due(
    due: datetime, amount: int, unit: Unit, calendar: WorkingCalendar, tz: ZoneInfo = SHANGHAI
) -> datetime:
    """The new due instant once a clock due at `due` is extended by `amount` `unit`s."""
    # `due` closes the period's last day (already moved off a holiday); count on from that day.
    return _count(due, (due.astimezone(tz) - timedelta(microseconds=1)).date(), amount, unit, calendar, tz=tz)


def _count(
    start: datetime, start_day: date, amount: int, unit: Unit, calendar: WorkingCalendar, *, tz: ZoneInfo
) -> datetime:
    if start.utcoffset() is None or amount < 1:
        raise ValueError(f"need an aware start and a positive amount, got {start!r}, {amount}")
    if unit == "hours":
        return start.astimezone(UTC) + timedelta(hours=amount)
    if unit == "working_days":
        last = start_day
        for _ in range(amount):
            last = _first_working_day(last + _DAY, calendar)
    elif unit == "calendar_days":
        # Art. 203: a period whose last day is a holiday ends on the next working day.
        last = _first_working_day(start_day + amount * _DAY, calendar)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    return datetime.combine(last + _DAY, time(), tzinfo=tz).astimezone(UTC)


def _first_working_day(day: date, calendar: WorkingCalendar) -> date:
    for _ in range(_LONGEST_CLOSURE):
        if calendar.is_working_day(day):
            return day
        day += _DAY
    raise ValueError(f"no working day in the {_LONGEST_CLOSURE} days before {day}")


def warning_times(started: datetime, due: datetime, points: Sequence[WarnPoint]) -> list[tuple[str, datetime]]:
    """When each warning point falls on a clock that never pauses, in order; points outside the
    clock's span are left out (pauses move them: `rules.ClockRules.warnings`)."""
    span = due - started
    found = []
    for point in points:
        offset = span - point if isinstance(point, timedelta) else span * point
        if timedelta(0) < offset < span:
            found.append((_label(point), started + offset))
    return sorted(found, key=lambda w: w[1])


def _label(point: WarnPoint) -> str:
    if not isinstance(point, timedelta):
        return f"{point * 100:g}%"
    if point % _DAY:
        return f"{point / timedelta(hours=1):g}h before"
    return f"{point // _DAY}d before"
