"""SLA's use cases: clocks from routing's events, officials' pauses, the system clock (timers: timers.py)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import structlog

from services.sla.adapters.timers import TimerStore
from services.sla.domain.clocks import CaseClocks, fold
from services.sla.domain.firing import schedule
from services.sla.domain.reactions import react
from services.sla.domain.rules import ClockRules
from shared.events import REGISTRY, Event, Metadata, RecordedEvent, SystemClockMoved
from shared.eventstore.port import EventStore
from shared.http.errors import ApiError, not_found
from shared.service import Context

log = structlog.get_logger()

SLA_ACTOR = "system:sla"
CLOCK_STREAM = "system-clock"


def clocks_stream(case_id: str) -> str:
    return f"clocks-{case_id}"


@dataclass(frozen=True)
class Sla:
    """What sla's use cases work with: its event store, its timers, the deployment's clock rules."""

    store: EventStore
    timers: TimerStore
    rules: ClockRules
    poke: Callable[[], None] = lambda: None

    async def load(self, conn: asyncpg.Connection, case_id: str) -> tuple[CaseClocks, list[RecordedEvent]]:
        history = await self.store.load(conn, clocks_stream(case_id))
        return fold((REGISTRY.decode(e), e.time) for e in history), history

    async def record(
        self, conn: asyncpg.Connection, case_id: str, state: CaseClocks, events: list[Event], metadata: Metadata
    ) -> CaseClocks:
        recorded = await self.store.append(conn, clocks_stream(case_id), state.version, events, metadata, case_id)
        return fold(((e, r.time) for e, r in zip(events, recorded, strict=True)), state)

    async def on_routing_event(self, conn: asyncpg.Connection, event: RecordedEvent, payload: Any) -> None:
        """Start and stop the case's clocks as routing's step says, timed by routing's event."""
        case_id = event.subject
        await self.timers.lock_case(conn, case_id)
        state, _ = await self.load(conn, case_id)
        events = react(payload, state, event.time, self.rules)
        if events:
            state = await self.record(conn, case_id, state, events, event.caused(SLA_ACTOR))
            await self.timers.schedule(conn, case_id, schedule(state, self.rules))
            self.poke()

    async def command(
        self,
        pool: asyncpg.Pool,
        case_id: str,
        decide: Callable[[CaseClocks], list[Event]],
        metadata: Callable[[list[RecordedEvent]], Metadata],
        authorize: Callable[[CaseClocks], None],
    ) -> CaseClocks:
        """An official's command on the case's clocks, decided on the current state."""
        async with pool.acquire() as conn, conn.transaction():
            await self.timers.lock_case(conn, case_id)
            state, history = await self.load(conn, case_id)
            if not history:
                raise not_found("case clocks")
            authorize(state)
            state = await self.record(conn, case_id, state, decide(state), metadata(history))
            await self.timers.schedule(conn, case_id, schedule(state, self.rules))
        self.poke()
        return state


async def move_clock(ctx: Context, advance: timedelta | None, set_to: datetime | None, actor: str) -> datetime:
    """Move the whole system's simulated time forward; it never runs backwards."""
    target = set_to if set_to is not None else ctx.clock.now() + (advance or timedelta(0))
    if target < ctx.clock.now():
        raise ApiError(
            422,
            "invalid",
            "the simulated clock only moves forward",
            [{"field": "set" if set_to else "advance", "message": "would move time backwards"}],
        )
    offset = ctx.clock.offset + (target - ctx.clock.now())
    moved = SystemClockMoved(offset_ms=int(offset.total_seconds() * 1000), now=target)
    async with ctx.pool.acquire() as conn, conn.transaction():
        version = await ctx.store.stream_version(conn, CLOCK_STREAM)
        await ctx.store.append(
            conn,
            CLOCK_STREAM,
            version,
            [moved],
            Metadata(correlation_id=uuid.uuid4(), actor=actor),
            subject=CLOCK_STREAM,
        )
    ctx.relay.poke()
    await _followed(ctx, timedelta(milliseconds=moved.offset_ms))
    return ctx.clock.now()


async def _followed(ctx: Context, offset: timedelta, timeout_s: float = 10.0) -> None:
    """Wait until our move comes back on the clock topic, as it reaches every other instance.

    Setting the offset here first would not last: the follower still has older moves to
    apply, and for a moment this instance's time would run backwards and stamp events with it.
    """
    deadline = time.monotonic() + timeout_s
    while ctx.clock.offset < offset:
        if time.monotonic() > deadline:
            log.warning("clock.move_not_followed", offset_s=offset.total_seconds())
            ctx.clock.set_offset(offset)
            return
        await asyncio.sleep(0.01)
