from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from simulator.domain.config import SimConfig
from simulator.domain.timeline import arrival_lag, duration, next_monday, on_grid, tick_of

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_run_starts_on_a_tick_counted_from_local_midnight() -> None:
    after = datetime(2030, 3, 5, 1, 20, tzinfo=UTC)  # 09:20 in Shanghai
    assert on_grid(after, timedelta(hours=6), SHANGHAI) == datetime(2030, 3, 5, 12, tzinfo=SHANGHAI)
    assert on_grid(datetime(2030, 3, 5, tzinfo=SHANGHAI), timedelta(hours=1), SHANGHAI) == datetime(
        2030, 3, 5, tzinfo=SHANGHAI
    )


def test_next_monday_is_local_midnight_of_the_coming_monday() -> None:
    monday = next_monday(datetime(2030, 3, 4, 10, tzinfo=SHANGHAI), SHANGHAI)  # itself a Monday
    assert monday == datetime(2030, 3, 11, tzinfo=SHANGHAI)
    assert monday.weekday() == 0


def test_durations_are_short_words_or_iso_8601() -> None:
    assert duration("30d") == timedelta(days=30)
    assert duration("90m") == timedelta(minutes=90)
    assert duration("P2W") == timedelta(weeks=2)
    assert duration("PT1H30M") == timedelta(hours=1, minutes=30)


def test_ticks_divide_a_day_so_deadlines_at_midnight_fall_on_ticks() -> None:
    with pytest.raises(ValueError, match="divide a day"):
        SimConfig(tick=timedelta(hours=5))
    assert SimConfig(tick=timedelta(hours=6)).tick_hours == 6


def test_new_petitions_come_in_between_ticks_by_no_whole_number_of_hours() -> None:
    assert arrival_lag(timedelta(hours=1)) == timedelta(minutes=7, seconds=30)
    assert arrival_lag(timedelta(minutes=10)) == timedelta(minutes=2, seconds=30)
    assert tick_of(datetime(2030, 1, 1, tzinfo=UTC), timedelta(hours=1), datetime(2030, 1, 1, 2, 1, tzinfo=UTC)) == 3
