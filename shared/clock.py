"""The one clock every service reads: wall time, shifted by the simulated offset in `dev`.

The offset is system-wide: sla records each move as an event on the clock topic and every
service follows that topic, so all services agree on "now" (see messaging/clock_follower.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock(Clock):
    """Wall-clock time, optionally shifted by a simulated offset (dev only)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    @property
    def simulated(self) -> bool:
        return self._offset != timedelta(0)

    def set_offset(self, offset: timedelta) -> None:
        self._offset = offset


class FixedClock(Clock):
    """A clock that only moves when told to: for unit tests."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, by: timedelta) -> None:
        self._at += by
