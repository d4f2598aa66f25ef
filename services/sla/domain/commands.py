"""What an official may do to a running clock: pause it (a hearing) and resume it. Pure."""

from __future__ import annotations

from datetime import datetime

from services.sla.domain.clocks import CaseClocks, Clock
from services.sla.domain.rules import resumed_due
from shared.domain import NotAllowed, NotFound
from shared.events import ClockPaused, ClockResumed, Event


def clock_of(state: CaseClocks, clock_id: str) -> Clock:
    clock = state.clocks.get(clock_id)
    if clock is None:
        raise NotFound(f"clock {clock_id}")
    return clock


def pause(state: CaseClocks, clock_id: str, reason: str, at: datetime) -> list[Event]:
    """Time from `at` on is not counted, until the clock resumes."""
    clock = clock_of(state, clock_id)
    if clock.status != "running":
        raise NotAllowed(f"only a running clock can be paused; this one is {clock.status}", clock.status)
    return [ClockPaused(case_id=_case(state), clock_id=clock_id, reason=reason, paused_at=at)]


def resume(state: CaseClocks, clock_id: str, at: datetime) -> list[Event]:
    """The clock runs again; its due moves out by the time it stood still before falling due."""
    clock = clock_of(state, clock_id)
    if clock.status != "paused":
        raise NotAllowed(f"only a paused clock can be resumed; this one is {clock.status}", clock.status)
    return [ClockResumed(case_id=_case(state), clock_id=clock_id, resumed_at=at, due_at=resumed_due(clock, at))]


def _case(state: CaseClocks) -> str:
    assert state.case_id is not None  # a state with a clock has its case
    return state.case_id
