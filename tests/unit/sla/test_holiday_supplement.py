"""A deployment lists next year's holidays before the package knows them; deadlines honour them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from services.sla.adapters.holiday_file import read_holidays, supplemented
from services.sla.domain.calendar import SHANGHAI, ChineseStatutoryCalendar, SupplementedCalendar, due_at

pytestmark = pytest.mark.unit

# An illustrative Spring Festival week in a year the package does not cover, with a make-up Sunday.
YEAR = ChineseStatutoryCalendar.last_year + 1
FESTIVAL = frozenset(date(YEAR, 2, d) for d in range(8, 15))
MAKE_UP = frozenset({date(YEAR, 2, 7)} if date(YEAR, 2, 7).weekday() >= 5 else set())


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), SHANGHAI)


def test_listed_holidays_are_days_off_and_listed_workdays_are_working_days() -> None:
    calendar = SupplementedCalendar(ChineseStatutoryCalendar(), FESTIVAL, MAKE_UP)
    assert not any(calendar.is_working_day(day) for day in FESTIVAL)
    assert all(calendar.is_working_day(day) for day in MAKE_UP)
    assert calendar.covers(YEAR)
    assert not ChineseStatutoryCalendar().covers(YEAR)


def test_five_working_days_started_before_the_festival_end_after_it() -> None:
    start = datetime.combine(date(YEAR, 2, 5), datetime.min.time(), SHANGHAI) + timedelta(hours=10)
    plain = due_at(start, 5, "working_days", ChineseStatutoryCalendar())
    festive = due_at(start, 5, "working_days", SupplementedCalendar(ChineseStatutoryCalendar(), FESTIVAL, frozenset()))
    assert festive > plain
    last = (festive - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    assert last > max(FESTIVAL)
    assert festive == end_of(last)


def test_a_day_cannot_be_both() -> None:
    day = min(FESTIVAL)
    with pytest.raises(ValueError, match="both"):
        SupplementedCalendar(ChineseStatutoryCalendar(), frozenset({day}), frozenset({day}))


def test_the_deployments_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "holidays.yaml"
    good.write_text(f"holidays: [{YEAR}-02-08, {YEAR}-02-09]\nworkdays: [{YEAR}-02-07]\n", encoding="utf-8")
    holidays, workdays = read_holidays(good)
    assert holidays == {date(YEAR, 2, 8), date(YEAR, 2, 9)}
    assert workdays == {date(YEAR, 2, 7)}
    assert not supplemented(ChineseStatutoryCalendar(), good).is_working_day(date(YEAR, 2, 9))
    bad = tmp_path / "bad.yaml"
    bad.write_text("holidays: [next tuesday]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must be a date"):
        read_holidays(bad)
