"""How sla's clock events move the clocks a case shows (kind, due, paused, warned, breached, stopped)."""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from services.projections.domain.case import CaseState, ClockView, moved
from shared.events import (
    ClockBreached,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    ClockWarned,
    Event,
)

Changes = dict[str, Any]


@singledispatch
def clock_changes(_event: Event, _s: CaseState) -> Changes:
    return {}


def _clock(s: CaseState, clock_id: str, **changes: Any) -> Changes:
    clock = s.clocks.get(clock_id) or ClockView(clock_id=clock_id)
    return {"clocks": {**s.clocks, clock_id: moved(clock, changes)}}


@clock_changes.register
def _(e: ClockStarted, s: CaseState) -> Changes:
    return _clock(s, e.clock_id, kind=e.kind, policy=e.policy, started=e.started_at, due=e.due_at)


@clock_changes.register
def _(e: ClockPaused, s: CaseState) -> Changes:
    return _clock(s, e.clock_id, paused=True)


@clock_changes.register
def _(e: ClockResumed, s: CaseState) -> Changes:
    return _clock(s, e.clock_id, paused=False, due=e.due_at)


@clock_changes.register
def _(e: ClockExtended, s: CaseState) -> Changes:
    before = s.clocks.get(e.clock_id)
    days = (before.extended_days if before else 0) + e.days
    return _clock(s, e.clock_id, due=e.due_at, extended_days=days)


@clock_changes.register
def _(e: ClockWarned, s: CaseState) -> Changes:
    before = s.clocks.get(e.clock_id)
    warned = before.warned if before else ()
    return _clock(s, e.clock_id, kind=e.kind, warned=warned if e.point in warned else (*warned, e.point))


@clock_changes.register
def _(e: ClockBreached, s: CaseState) -> Changes:
    return _clock(s, e.clock_id, kind=e.kind, breached=True, due=e.due_at)


@clock_changes.register
def _(e: ClockStopped, s: CaseState) -> Changes:
    return _clock(s, e.clock_id, kind=e.kind, stopped=True, stopped_reason=e.reason, met_on_time=e.met_on_time)
