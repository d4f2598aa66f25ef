"""Events sla publishes: statutory clocks, and the system's (simulated) time."""

from __future__ import annotations

from datetime import datetime

from shared.events.base import Event


class ClockStarted(Event):
    case_id: str
    clock_id: str
    kind: str
    policy: str
    started_at: datetime
    due_at: datetime
    amount: int
    unit: str
    unit_id: str | None = None
    # The policy's say on whether the petitioner sees this clock. Clocks started before the
    # policy said so were all shown, hence the default.
    shown_to_petitioner: bool = True


class ClockPaused(Event):
    """Time in hearings and the like is not counted."""

    case_id: str
    clock_id: str
    reason: str
    paused_at: datetime


class ClockResumed(Event):
    case_id: str
    clock_id: str
    resumed_at: datetime
    due_at: datetime


class ClockExtended(Event):
    case_id: str
    clock_id: str
    days: int
    due_at: datetime


class ClockWarned(Event):
    case_id: str
    clock_id: str
    kind: str
    point: str
    due_at: datetime


class ClockBreached(Event):
    case_id: str
    clock_id: str
    kind: str
    due_at: datetime
    unit_id: str | None = None


class ClockStopped(Event):
    """The clock's obligation was met (or no longer applies); `met` says whether on time."""

    case_id: str
    clock_id: str
    kind: str
    reason: str
    met_on_time: bool


# Every event about one clock: each names its case and its clock_id.
ClockEvent = ClockStarted | ClockPaused | ClockResumed | ClockExtended | ClockWarned | ClockBreached | ClockStopped


class SystemClockMoved(Event):
    """The whole system's simulated time now runs `offset_ms` ahead of the wall clock."""

    offset_ms: int
    now: datetime
