"""The firing pass: the timers that fell due, fired in one transaction per batch.

Claimed rows stay locked until commit (SKIP LOCKED keeps other instances off them); each
case is taken only if its lock is free, and its events are appended with the expected
version. A breach is therefore recorded once, whatever runs beside this pass, and a crash
before the commit leaves every claimed timer due for the next pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import structlog

from services.sla.domain.clocks import CaseClocks, fold
from services.sla.domain.firing import fire, next_firing
from services.sla.domain.rules import ClockRules
from services.sla.handlers import SLA_ACTOR, Sla, clocks_stream
from shared.events import REGISTRY, Event
from shared.messaging.batch_appends import BatchAppends
from shared.runtime import committing

log = structlog.get_logger()

RETRY_AFTER = timedelta(minutes=1)  # a case whose timer could not be handled is looked at again then


async def fire_due(sla: Sla, pool: asyncpg.Pool, now: datetime, limit: int = 200) -> int:
    """One pass over the timers due at `now`, earliest first; how many rows it claimed."""
    async with committing(pool, sla.poke) as conn:
        claimed = await sla.timers.claim_due(conn, now, limit)
        by_case: dict[str, list[str]] = {}
        for case_id, clock_id in claimed:
            by_case.setdefault(case_id, []).append(clock_id)
        # A case someone is changing right now keeps its rows due: the next pass takes it.
        mine = await sla.timers.try_lock_cases(conn, list(by_case))
        streams = await sla.store.load_many(conn, [clocks_stream(c) for c in mine])
        timers: list[tuple[str, str, datetime | None]] = []
        states: dict[str, CaseClocks] = {}
        fired: dict[str, list[Event]] = {}
        appends = BatchAppends()
        for case_id in mine:
            history = streams.get(clocks_stream(case_id), [])
            try:
                state = fold((REGISTRY.decode(e), e.time) for e in history)
                events = fire(state, by_case[case_id], now, sla.rules)
            except Exception:  # one unreadable case must not hold up the others
                log.exception("timers.case_failed", case_id=case_id)
                timers += [(case_id, c, now + RETRY_AFTER) for c in by_case[case_id]]
                continue
            states[case_id], fired[case_id] = state, events
            if events:  # a case without clocks fires nothing (its stray timer is dropped below)
                appends.add(clocks_stream(case_id), state.version, events, history[-1].caused(SLA_ACTOR), case_id)
        # Every writer of these cases holds their locks first, so this cannot lose a race.
        recorded = await appends.write(sla.store, conn)
        for case_id, before in states.items():
            times = [r.time for r in recorded.get(clocks_stream(case_id), [])]
            after = fold(zip(fired[case_id], times, strict=True), before)
            timers += [(case_id, c, _after(after, c, now, sla.rules)) for c in by_case[case_id]]
        await sla.timers.reset(conn, timers)
    return len(claimed)


def _after(state: CaseClocks, clock_id: str, now: datetime, rules: ClockRules) -> datetime | None:
    at = next_firing(state.clocks[clock_id], rules) if clock_id in state.clocks else None
    # Whatever fired has moved on past `now`; a timer still due yet silent would spin here.
    return at if at is None or at > now else now + RETRY_AFTER
