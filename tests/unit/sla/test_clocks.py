"""Clocks start from the time the unit received the case, by the deployment's policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.domain.clocks import decide_on_assignment, fold
from shared.events import CaseAssigned, ClockStarted
from shared.vocabulary import Channel, Level

pytestmark = pytest.mark.unit

RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def assigned() -> CaseAssigned:
    return CaseAssigned(case_id="c-1", division_code="330726101203", level=Level.VILLAGE, unit_id="330726101203",
                        unit_name="村委會", county_code="330726000000", category="other", channel=Channel.HOTLINE,
                        location_code="330726101203")


def fifteen_days(start: datetime, kind: str, category: str, channel: str) -> tuple[datetime, int, str, str]:
    assert (kind, category, channel) == ("acceptance", "other", "hotline")
    return start + timedelta(days=15), 15, "calendar_days", "national"


def test_an_assignment_starts_the_acceptance_clock_from_the_time_received():
    (event,) = decide_on_assignment(fold([]), assigned(), RECEIVED, fifteen_days)
    assert isinstance(event, ClockStarted)
    assert (event.kind, event.started_at, event.due_at) == ("acceptance", RECEIVED, RECEIVED + timedelta(days=15))


def test_a_running_acceptance_clock_is_not_started_again():
    state = fold(decide_on_assignment(fold([]), assigned(), RECEIVED, fifteen_days))
    assert state.running("acceptance")
    assert decide_on_assignment(state, assigned(), RECEIVED, fifteen_days) == []
