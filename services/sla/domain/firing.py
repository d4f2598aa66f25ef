"""When each clock must next be looked at, and what a timer that fell due records. Pure.

A clock's next firing is its earliest warning point not yet given, or its breach; a paused,
breached or stopped clock has none. When the breach itself is due, warnings that are still
pending are not sent: a warning after the deadline warns of nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services.sla.domain.clocks import CaseClocks, Clock
from services.sla.domain.rules import ClockRules
from shared.events import ClockBreached, ClockWarned, Event


def next_firing(clock: Clock, rules: ClockRules) -> datetime | None:
    if not clock.running or clock.open_pause or clock.breached_at:
        return None
    return min([at for _, at in rules.warnings(clock)] + [clock.due_at])


def schedule(state: CaseClocks, rules: ClockRules) -> dict[str, datetime]:
    """The timer each clock of the case needs: clock id -> next firing."""
    timers = {c.clock_id: next_firing(c, rules) for c in state.clocks.values()}
    return {clock_id: at for clock_id, at in timers.items() if at is not None}


def fire(state: CaseClocks, clock_ids: Iterable[str], now: datetime, rules: ClockRules) -> list[Event]:
    """The warnings and breaches of these clocks that are due at `now`; never a breach twice."""
    events: list[Event] = []
    for clock in (state.clocks[i] for i in clock_ids if i in state.clocks):
        at = next_firing(clock, rules)
        if at is None or at > now:
            continue
        if clock.due_at <= now:
            events.append(
                ClockBreached(
                    case_id=_case(state),
                    clock_id=clock.clock_id,
                    kind=clock.kind,
                    due_at=clock.due_at,
                    unit_id=clock.unit_id,
                )
            )
            continue
        events.extend(
            ClockWarned(
                case_id=_case(state), clock_id=clock.clock_id, kind=clock.kind, point=point, due_at=clock.due_at
            )
            for point, when in rules.warnings(clock)
            if when <= now
        )
    return events


def _case(state: CaseClocks) -> str:
    assert state.case_id is not None
    return state.case_id
