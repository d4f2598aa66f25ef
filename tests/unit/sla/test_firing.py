"""Warnings at the policy's points, one breach per clock, and the timer each clock needs next."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.sla.domain.clocks import CaseClocks
from services.sla.domain.commands import pause, resume
from services.sla.domain.firing import fire, next_firing, schedule
from shared.events import CaseAccepted, ClockBreached, ClockWarned, Event
from shared.vocabulary import Channel, Level
from tests.unit.sla.support import (
    ACCEPTANCE_DUE,
    CASE,
    RECEIVED,
    RULES,
    VILLAGE,
    assigned,
    clock_events,
    of,
    record,
    run,
)

pytestmark = pytest.mark.unit

SPAN = ACCEPTANCE_DUE - RECEIVED
HALF, THREE_QUARTERS = RECEIVED + SPAN / 2, RECEIVED + SPAN * 3 / 4
THREE_DAYS_BEFORE = ACCEPTANCE_DUE - timedelta(days=3)
SECOND = timedelta(seconds=1)


def acceptance() -> CaseClocks:
    """A case with its acceptance clock alone (the sign-off and objection window set aside)."""
    state = run((assigned(), RECEIVED))
    return state.model_copy(update={"clocks": {"acceptance-1": state.clocks["acceptance-1"]}})


def fire_at(state: CaseClocks, now: datetime) -> tuple[CaseClocks, list[Event]]:
    events = fire(state, list(state.clocks), now, RULES)
    return record(state, events, now), events


def test_the_first_timer_is_the_first_warning_point() -> None:
    state = acceptance()
    assert next_firing(state.clocks["acceptance-1"], RULES) == HALF
    assert schedule(state, RULES) == {"acceptance-1": HALF}


def test_nothing_fires_before_its_time() -> None:
    assert fire(acceptance(), ["acceptance-1"], HALF - SECOND, RULES) == []


def test_each_warning_point_fires_once_in_order_then_the_breach_once() -> None:
    state, fired = fire_at(acceptance(), HALF)
    assert [(type(e).__name__, e.point) for e in of(ClockWarned, fired)] == [("ClockWarned", "50%")]
    assert next_firing(state.clocks["acceptance-1"], RULES) == THREE_QUARTERS
    state, fired = fire_at(state, THREE_QUARTERS)
    assert [e.point for e in of(ClockWarned, fired)] == ["75%"]
    assert next_firing(state.clocks["acceptance-1"], RULES) == THREE_DAYS_BEFORE
    state, fired = fire_at(state, THREE_DAYS_BEFORE)
    assert [e.point for e in of(ClockWarned, fired)] == ["3d before"]
    assert fire_at(state, ACCEPTANCE_DUE - SECOND)[1] == []
    state, (breach,) = fire_at(state, ACCEPTANCE_DUE)
    assert isinstance(breach, ClockBreached)
    assert (breach.clock_id, breach.kind, breach.due_at, breach.unit_id) == (
        "acceptance-1",
        "acceptance",
        ACCEPTANCE_DUE,
        VILLAGE,
    )
    assert [w.point for w in state.clocks["acceptance-1"].warned] == ["50%", "75%", "3d before"]
    assert state.clocks["acceptance-1"].breached_at == ACCEPTANCE_DUE
    assert fire_at(state, ACCEPTANCE_DUE + timedelta(days=30))[1] == [], "a clock breaches once"
    assert schedule(state, RULES) == {}
    assert state.clocks["acceptance-1"].running, "a breached clock runs on until routing's step stops it"


def test_points_passed_together_warn_together() -> None:
    _, fired = fire_at(acceptance(), THREE_QUARTERS + SECOND)
    assert [e.point for e in of(ClockWarned, fired)] == ["50%", "75%"]
    assert all(isinstance(e, ClockWarned) and e.due_at == ACCEPTANCE_DUE for e in fired)


def test_once_the_due_has_passed_only_the_breach_is_recorded() -> None:
    _, fired = fire_at(acceptance(), ACCEPTANCE_DUE + timedelta(days=1))
    assert [type(e).__name__ for e in fired] == ["ClockBreached"]


def test_only_the_clocks_asked_for_fire() -> None:
    state = run((assigned(channel=Channel.HOTLINE), RECEIVED))
    later = RECEIVED + timedelta(days=10)
    assert [e.clock_id for e in clock_events(fire(state, ["signoff-1"], later, RULES))] == ["signoff-1"]
    assert {e.clock_id for e in clock_events(fire(state, list(state.clocks), later, RULES))} == {
        "acceptance-1",
        "signoff-1",
        "forward_objection-1",
        "first_contact-1",
    }


def test_a_paused_clock_has_no_timer_and_fires_nothing_until_it_resumes() -> None:
    state = acceptance()
    state = record(state, pause(state, "acceptance-1", "hearing", HALF - SECOND), HALF - SECOND)
    assert schedule(state, RULES) == {}
    assert fire(state, ["acceptance-1"], ACCEPTANCE_DUE + timedelta(days=5), RULES) == []
    back = HALF - SECOND + timedelta(days=2)
    state = record(state, resume(state, "acceptance-1", back), back)
    # The paused time is not counted: every point and the due move out by it.
    assert next_firing(state.clocks["acceptance-1"], RULES) == HALF + timedelta(days=2)
    assert state.clocks["acceptance-1"].due_at == ACCEPTANCE_DUE + timedelta(days=2)
    assert fire(state, ["acceptance-1"], ACCEPTANCE_DUE + SECOND, RULES)[-1].type_name() == "ClockWarned"


def test_a_stopped_clock_never_fires() -> None:
    state = run((assigned(), RECEIVED), (CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE), HALF))
    assert set(schedule(state, RULES)) == {"handling-1"}
    assert fire(state, ["acceptance-1"], ACCEPTANCE_DUE + SECOND, RULES) == []
