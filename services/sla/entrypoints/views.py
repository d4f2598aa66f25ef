"""The JSON shape of a case's clocks (api.md, "SLA": kind, started, due, paused, warned, breached, stopped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.sla.domain.clocks import CaseClocks, Clock
from services.sla.domain.firing import next_firing
from services.sla.domain.rules import ClockRules


def clock_view(clock: Clock, rules: ClockRules, now: datetime) -> dict[str, Any]:
    pause = clock.open_pause
    upcoming = next_firing(clock, rules)
    return {
        "clock_id": clock.clock_id,
        "kind": clock.kind,
        "status": clock.status,
        "policy": clock.policy,
        "limit": {"amount": clock.amount, "unit": clock.unit},
        "unit_id": clock.unit_id,
        "started": clock.started_at,
        # While paused: the due the clock had when it paused; it moves out when it resumes.
        "due": clock.due_at,
        "extended_days": clock.extended_days,
        "paused": {"reason": pause.reason, "since": pause.paused_at} if pause else None,
        "paused_seconds": clock.paused_for(now).total_seconds(),
        "pauses": [p.model_dump() for p in clock.pauses],
        "warned": [w.model_dump() for w in clock.warned],
        "breached": {"at": clock.breached_at, "due": clock.due_at} if clock.breached_at else None,
        "stopped": clock.stopped.model_dump() if clock.stopped else None,
        "next_timer": upcoming,
    }


def case_clocks_view(state: CaseClocks, rules: ClockRules, now: datetime) -> dict[str, Any]:
    clocks = sorted(state.clocks.values(), key=lambda c: (c.started_at, c.clock_id))
    return {"case_id": state.case_id, "clocks": [clock_view(c, rules, now) for c in clocks]}
