"""The clocks of one case as sla's events record them. Pure: no I/O.

`fold` takes each event with the time it was recorded: a warning, a breach and a stop are
facts about a moment, and the stream's own timestamps say when they happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import singledispatch
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.domain import fold as shared_fold
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


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PauseSpan(Frozen):
    reason: str
    paused_at: datetime
    resumed_at: datetime | None = None


class Warned(Frozen):
    point: str
    at: datetime


class Stop(Frozen):
    reason: str
    met_on_time: bool
    at: datetime


class Clock(Frozen):
    clock_id: str
    kind: str
    policy: str
    amount: int
    unit: str
    unit_id: str | None
    started_at: datetime
    due_at: datetime
    """The due instant as last recorded; while paused, the due the clock had when it paused."""
    pauses: tuple[PauseSpan, ...] = ()
    warned: tuple[Warned, ...] = ()
    extended_days: int = 0
    breached_at: datetime | None = None
    stopped: Stop | None = None

    @property
    def running(self) -> bool:
        return self.stopped is None

    @property
    def open_pause(self) -> PauseSpan | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].resumed_at is None else None

    @property
    def status(self) -> str:
        return "stopped" if not self.running else "paused" if self.open_pause else "running"

    def paused_for(self, now: datetime) -> timedelta:
        """Wall time spent paused up to `now`, the open pause included."""
        return sum(((p.resumed_at or max(now, p.paused_at)) - p.paused_at for p in self.pauses), timedelta())

    def on_time_at(self, at: datetime) -> bool:
        """Whether the obligation is met when it ends at `at`: before the due, or paused before it."""
        pause = self.open_pause
        return at < self.due_at or (pause is not None and pause.paused_at < self.due_at)


class CaseClocks(Frozen):
    case_id: str | None = None
    clocks: dict[str, Clock] = {}
    version: int = 0

    def running(self, *kinds: str) -> list[Clock]:
        return [c for c in self.clocks.values() if c.running and (not kinds or c.kind in kinds)]

    def next_id(self, kind: str) -> str:
        return f"{kind}-{sum(1 for c in self.clocks.values() if c.kind == kind) + 1}"

    def unit_of(self, clock_id: str) -> str | None:
        """The clock's unit; a review clock starts before its unit is named: the case's last known one."""
        clock = self.clocks[clock_id]
        if clock.unit_id is not None:
            return clock.unit_id
        known = [c for c in self.clocks.values() if c.unit_id is not None and c.started_at <= clock.started_at]
        return max(known, key=lambda c: c.started_at).unit_id if known else None


@singledispatch
def _apply(_event: Event, _state: CaseClocks, _at: datetime) -> dict[str, Any]:
    """What the event changes in the case's clocks (the version aside: `evolve` moves it)."""
    return {}


def _change(state: CaseClocks, clock_id: str, **update: object) -> dict[str, Any]:
    clock = state.clocks[clock_id]
    return {"clocks": {**state.clocks, clock_id: clock.model_copy(update=update)}}


@_apply.register
def _(e: ClockStarted, state: CaseClocks, _at: datetime) -> dict[str, Any]:
    clock = Clock(
        **e.model_dump(include={"clock_id", "kind", "policy", "amount", "unit", "unit_id", "started_at", "due_at"})
    )
    return {"case_id": e.case_id, "clocks": {**state.clocks, e.clock_id: clock}}


@_apply.register
def _(e: ClockPaused, state: CaseClocks, _at: datetime) -> dict[str, Any]:
    pauses = (*state.clocks[e.clock_id].pauses, PauseSpan(reason=e.reason, paused_at=e.paused_at))
    return _change(state, e.clock_id, pauses=pauses)


@_apply.register
def _(e: ClockResumed, state: CaseClocks, _at: datetime) -> dict[str, Any]:
    *closed, last = state.clocks[e.clock_id].pauses
    pauses = (*closed, last.model_copy(update={"resumed_at": e.resumed_at}))
    return _change(state, e.clock_id, pauses=pauses, due_at=e.due_at)


@_apply.register
def _(e: ClockExtended, state: CaseClocks, _at: datetime) -> dict[str, Any]:
    days = state.clocks[e.clock_id].extended_days + e.days
    return _change(state, e.clock_id, due_at=e.due_at, extended_days=days)


@_apply.register
def _(e: ClockWarned, state: CaseClocks, at: datetime) -> dict[str, Any]:
    return _change(state, e.clock_id, warned=(*state.clocks[e.clock_id].warned, Warned(point=e.point, at=at)))


@_apply.register
def _(e: ClockBreached, state: CaseClocks, at: datetime) -> dict[str, Any]:
    return _change(state, e.clock_id, breached_at=at)


@_apply.register
def _(e: ClockStopped, state: CaseClocks, at: datetime) -> dict[str, Any]:
    return _change(state, e.clock_id, stopped=Stop(reason=e.reason, met_on_time=e.met_on_time, at=at))


Timed = tuple[Event, datetime]
"""An event with the time its stream recorded it."""


def evolve(state: CaseClocks, timed: Timed) -> CaseClocks:
    """The next state; every recorded event of the stream moves the version on."""
    event, at = timed
    return state.model_copy(update={**_apply(event, state, at), "version": state.version + 1})


def fold(history: Iterable[Timed], state: CaseClocks | None = None) -> CaseClocks:
    """The clocks after `history`: each event with the time it was recorded."""
    return shared_fold(evolve, history, state or CaseClocks())
