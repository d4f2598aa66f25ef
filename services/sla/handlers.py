"""SLA's use cases: start clocks from routing's events, move the system clock."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import asyncpg

from services.sla.domain.clocks import DueFn, decide_on_assignment, fold
from shared.events import REGISTRY, CaseAssigned, Metadata, RecordedEvent, SystemClockMoved
from shared.http.errors import ApiError
from shared.service import Context

SLA_ACTOR = "system:sla"
CLOCK_STREAM = "system-clock"


def clocks_stream(case_id: str) -> str:
    return f"clocks-{case_id}"


async def on_case_assigned(
    ctx: Context, due: DueFn, conn: asyncpg.Connection, event: RecordedEvent, assigned: CaseAssigned
) -> None:
    stream = clocks_stream(assigned.case_id)
    state = fold([REGISTRY.decode(e) for e in await ctx.store.load(conn, stream)])
    # Deadlines run from when the unit received the case (the event's time), never from now.
    decided = decide_on_assignment(state, assigned, event.time, due)
    if decided:
        await ctx.store.append(conn, stream, state.version, decided, event.caused(SLA_ACTOR), assigned.case_id)
        ctx.relay.poke()


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
        version = await conn.fetchval(
            f"SELECT coalesce(max(version), 0) FROM {ctx.name}.events WHERE stream_id = $1", CLOCK_STREAM
        )
        await ctx.store.append(
            conn,
            CLOCK_STREAM,
            version,
            [moved],
            Metadata(correlation_id=uuid.uuid4(), actor=actor),
            subject=CLOCK_STREAM,
        )
    ctx.clock.set_offset(timedelta(milliseconds=moved.offset_ms))
    ctx.relay.poke()
    return ctx.clock.now()
