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


class SystemClockMoved(Event):
    """The whole system's simulated time now runs `offset_ms` ahead of the wall clock."""

    offset_ms: int
    now: datetime
