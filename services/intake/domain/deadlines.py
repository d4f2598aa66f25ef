"""The case's deadlines as the petitioner sees them: kind and due, from sla's clocks. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from shared.events import (
    ClockBreached,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    Event,
)


class Deadline(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    started: datetime
    due: datetime
    paused: bool = False
    breached: bool = False
    stopped: bool = False
    shown: bool = True  # the policy's say: units' internal clocks are followed, not shown


Deadlines = dict[str, Deadline]  # by clock id: kept to follow the clock, never shown


@singledispatch
def follow_clock(_event: Event, deadlines: Deadlines) -> Deadlines:
    """The deadlines after one of sla's events (folded in the clocks stream's version order)."""
    return deadlines


def _change(deadlines: Deadlines, clock_id: str, **changes: object) -> Deadlines:
    clock = deadlines.get(clock_id)
    if clock is None:  # a change to a clock whose start we have not received: nothing to show yet
        return deadlines
    return {**deadlines, clock_id: clock.model_copy(update=changes)}


@follow_clock.register
def _(e: ClockStarted, deadlines: Deadlines) -> Deadlines:
    deadline = Deadline(kind=e.kind, started=e.started_at, due=e.due_at, shown=e.shown_to_petitioner)
    return {**deadlines, e.clock_id: deadline}


@follow_clock.register
def _(e: ClockPaused, deadlines: Deadlines) -> Deadlines:
    return _change(deadlines, e.clock_id, paused=True)


@follow_clock.register
def _(e: ClockResumed, deadlines: Deadlines) -> Deadlines:
    return _change(deadlines, e.clock_id, paused=False, due=e.due_at)


@follow_clock.register
def _(e: ClockExtended, deadlines: Deadlines) -> Deadlines:
    return _change(deadlines, e.clock_id, due=e.due_at)


@follow_clock.register
def _(e: ClockBreached, deadlines: Deadlines) -> Deadlines:
    return _change(deadlines, e.clock_id, breached=True)


@follow_clock.register
def _(e: ClockStopped, deadlines: Deadlines) -> Deadlines:
    return _change(deadlines, e.clock_id, stopped=True)
