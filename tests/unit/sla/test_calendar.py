"""Statutory day counting against the real Chinese holiday calendar (chinesecalendar 1.11.0)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.sla.domain.calendar import (
    SHANGHAI,
    ChineseStatutoryCalendar,
    Unit,
    WeekendCalendar,
    due_at,
    extended_due,
    warning_times,
)

pytestmark = pytest.mark.unit

CN = ChineseStatutoryCalendar()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def end_of(day: str) -> datetime:
    """24:00 local of `day`, as the UTC instant due_at returns."""
    return (local(day) + timedelta(days=1)).astimezone(UTC)


def test_the_package_knows_the_days_these_tests_rely_on() -> None:
    national_day_2025 = [date(2025, 10, d) for d in range(1, 9)]
    assert all(chinese_calendar.is_holiday(d) for d in national_day_2025)
    assert date(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert date(2025, 10, 11).weekday() == 5
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    spring_festival_2026 = [date(2026, 2, d) for d in range(15, 24)]
    assert all(chinese_calendar.is_holiday(d) for d in spring_festival_2026)
    assert date(2026, 2, 14).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 2, 14))


def test_calendar_agrees_with_the_package_on_every_covered_day() -> None:
    day, last = date(CN.first_year, 1, 1), date(CN.last_year, 12, 31)
    while day <= last:
        assert CN.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_outside_the_package_years_it_falls_back_to_weekends_and_says_so() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(CN.last_year + 1, 1, 4))
    assert not CN.covers(CN.last_year + 1)
    assert not CN.covers(CN.first_year - 1)
    assert CN.covers(2025)
    assert CN.covers(2026)
    assert CN.is_working_day(date(2027, 1, 1))  # a Friday: New Year's Day is unknown there
    assert not CN.is_working_day(date(2027, 1, 2))
    assert due_at(local("2027-01-01 09:00"), 1, "calendar_days", CN) == end_of("2027-01-04")


def test_15_days_ending_in_national_day_week_move_to_the_first_working_day_after() -> None:
    # Counting starts on 09-21; day 15 is 10-05, inside the 10-01..10-08 holiday.
    assert due_at(local("2025-09-20 10:00"), 15, "calendar_days", CN) == end_of("2025-10-09")


def test_working_days_count_the_make_up_sunday_and_skip_the_holiday_week() -> None:
    start = local("2025-09-26 16:00")  # Friday
    # 09-28 (make-up Sunday), 09-29, 09-30, then 10-09, 10-10.
    assert due_at(start, 5, "working_days", CN) == end_of("2025-10-10")
    # The sixth working day is the make-up Saturday 10-11.
    assert due_at(start, 6, "working_days", CN) == end_of("2025-10-11")
    assert due_at(start, 6, "working_days", WeekendCalendar()) == end_of("2025-10-06")


def test_a_calendar_deadline_on_a_make_up_saturday_stays_there() -> None:
    start = local("2025-09-26 09:00")
    assert due_at(start, 15, "calendar_days", CN) == end_of("2025-10-11")
    assert due_at(start, 15, "calendar_days", WeekendCalendar()) == end_of("2025-10-13")


def test_spring_festival_2026() -> None:
    assert due_at(local("2026-02-01 11:00"), 15, "calendar_days", CN) == end_of("2026-02-24")
    # 02-13, 02-14 (make-up Saturday), then 02-24, 02-25, 02-26.
    assert due_at(local("2026-02-12 11:00"), 5, "working_days", CN) == end_of("2026-02-26")


def test_five_working_days_across_an_ordinary_weekend() -> None:
    assert due_at(local("2025-11-13 10:00"), 5, "working_days", CN) == end_of("2025-11-20")


def test_a_calendar_deadline_on_an_ordinary_sunday_moves_to_monday() -> None:
    assert due_at(local("2025-11-02 10:00"), 14, "calendar_days", CN) == end_of("2025-11-17")


def test_hours_are_elapsed_time_even_on_holidays() -> None:
    start = local("2025-10-01 22:30")
    assert due_at(start, 4, "hours", CN) == datetime(2025, 10, 1, 18, 30, tzinfo=UTC)
    assert due_at(start, 48, "hours", CN) - start == timedelta(hours=48)


def test_the_starting_day_is_the_local_day() -> None:
    early_morning_in_shanghai = datetime(2025, 11, 12, 20, 30, tzinfo=UTC)  # 11-13 04:30 local
    assert due_at(early_morning_in_shanghai, 1, "calendar_days", CN) == end_of("2025-11-14")
    late_evening = local("2025-11-13 23:59")
    assert due_at(late_evening, 1, "calendar_days", CN) == end_of("2025-11-14")


def test_another_deployment_time_zone_changes_the_local_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2025, 11, 12, 20, 30, tzinfo=UTC)  # 21:30 on 11-12 in Berlin
    assert due_at(start, 1, "calendar_days", WeekendCalendar(), berlin) == datetime(2025, 11, 13, 23, 0, tzinfo=UTC)


def test_due_is_utc_and_24_00_local() -> None:
    due = due_at(local("2025-11-13 10:00"), 1, "calendar_days", CN)
    assert due.tzinfo is UTC
    assert due.astimezone(SHANGHAI) == local("2025-11-15 00:00")


@pytest.mark.parametrize(
    ("start", "amount", "unit"),
    [
        (datetime(2025, 1, 1, 8), 1, "calendar_days"),
        (local("2025-01-01 08:00"), 0, "hours"),
        (local("2025-01-01 08:00"), 1, "weeks"),
    ],
)
def test_refuses_naive_times_empty_clocks_and_unknown_units(start: datetime, amount: int, unit: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        due_at(start, amount, unit, CN)  # type: ignore[arg-type]


def test_an_extension_counts_on_from_the_last_day_of_the_period() -> None:
    assert extended_due(end_of("2025-11-20"), 30, "calendar_days", CN) == end_of("2025-12-22")  # 12-20 is a Saturday
    assert extended_due(end_of("2025-10-09"), 30, "calendar_days", CN) == end_of("2025-11-10")
    assert extended_due(end_of("2025-10-09"), 2, "hours", CN) == end_of("2025-10-09") + timedelta(hours=2)


DUE = end_of("2025-11-20")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_warning_points_are_shares_of_the_running_time_or_leads_before_the_due() -> None:
    started = DUE - 60 * DAY
    warnings = warning_times(started, DUE, [3 * DAY, 0.5, 0.75])
    assert warnings == [("50%", started + 30 * DAY), ("75%", started + 45 * DAY), ("3d before", DUE - 3 * DAY)]
    assert warning_times(DUE - 4 * HOUR, DUE, [0.5, 3 * DAY, HOUR]) == [
        ("50%", DUE - 2 * HOUR),
        ("1h before", DUE - HOUR),
    ]


instants = st.datetimes(min_value=datetime(2003, 6, 1), max_value=datetime(2027, 6, 1), timezones=st.just(UTC))
units: st.SearchStrategy[Unit] = st.sampled_from(["calendar_days", "working_days", "hours"])
day_units: st.SearchStrategy[Unit] = st.sampled_from(["calendar_days", "working_days"])


@given(start=instants, amount=st.integers(1, 90), unit=units)
def test_due_is_after_start_and_grows_with_the_amount(start: datetime, amount: int, unit: Unit) -> None:
    due, later = due_at(start, amount, unit, CN), due_at(start, amount + 1, unit, CN)
    assert start < due <= later
    if unit != "calendar_days":  # two calendar-day limits can roll onto the same working day
        assert due < later


@given(start=instants, amount=st.integers(1, 90), unit=day_units)
def test_day_deadlines_end_at_local_midnight_after_a_working_day(start: datetime, amount: int, unit: Unit) -> None:
    local_due = due_at(start, amount, unit, CN).astimezone(SHANGHAI)
    assert local_due.time() == datetime.min.time()
    assert CN.is_working_day(local_due.date() - timedelta(days=1))
