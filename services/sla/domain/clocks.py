"""The clocks of one case: which are running, when they fall due. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from shared.events import CaseAssigned, ClockStarted, Event

DueFn = Callable[[datetime, str, str, str], tuple[datetime, int, str, str]]
"""(start, kind, category, channel) -> (due, amount, unit, policy name): the policy applied."""


class ClockState(BaseModel):
    model_config = ConfigDict(frozen=True)

    clock_id: str
    kind: str
    started_at: datetime
    due_at: datetime
    running: bool = True


class CaseClocks(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    clocks: dict[str, ClockState] = {}
    version: int = 0

    def running(self, kind: str) -> bool:
        return any(c.kind == kind and c.running for c in self.clocks.values())


def decide_on_assignment(state: CaseClocks, assigned: CaseAssigned, at: datetime, due: DueFn) -> list[Event]:
    """A unit that receives a petition has the acceptance limit to tell the petitioner."""
    if state.running("acceptance"):
        return []
    due_at, amount, unit, policy = due(at, "acceptance", assigned.category, assigned.channel.value)
    n = sum(1 for c in state.clocks.values() if c.kind == "acceptance") + 1
    return [
        ClockStarted(
            case_id=assigned.case_id,
            clock_id=f"acceptance-{n}",
            kind="acceptance",
            policy=policy,
            started_at=at,
            due_at=due_at,
            amount=amount,
            unit=unit,
        )
    ]


@singledispatch
def evolve(_event: Event, state: CaseClocks) -> CaseClocks:
    return state.model_copy(update={"version": state.version + 1})


@evolve.register
def _started(event: ClockStarted, state: CaseClocks) -> CaseClocks:
    clock = ClockState(clock_id=event.clock_id, kind=event.kind, started_at=event.started_at, due_at=event.due_at)
    return state.model_copy(
        update={
            "case_id": event.case_id,
            "clocks": {**state.clocks, event.clock_id: clock},
            "version": state.version + 1,
        }
    )


def fold(events: list[Event]) -> CaseClocks:
    state = CaseClocks()
    for event in events:
        state = evolve(event, state)
    return state
