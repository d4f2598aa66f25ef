"""The background job that fires due timers: at the next due instant (polling at least every
poll interval, for timers other instances write) and at once when the simulated clock jumps."""

from __future__ import annotations

import asyncio
import contextlib
import time

import asyncpg
import structlog

from services.sla.handlers import Sla
from services.sla.settings import SlaSettings
from services.sla.timers import fire_due
from shared.clock import SystemClock
from shared.service import Context

log = structlog.get_logger()

_TICK_S = 0.025  # how often a waiting loop looks whether the simulated clock moved
_LEAST_WAIT_S = 0.02  # a due row another instance holds must not make us spin


async def fire_timers(ctx: Context) -> None:
    """Run firing passes for as long as the service lives (ServiceSpec.background)."""
    settings = SlaSettings()
    await _settle(ctx, settings.timer_settle_s)
    sla: Sla = ctx.extras["sla"]
    await fire_forever(sla, sla.pool, sla.clock, settings.timer_poll_s, settings.timer_batch)


async def fire_forever(sla: Sla, pool: asyncpg.Pool, clock: SystemClock, poll_s: float, batch: int) -> None:
    while True:
        if await fire_due(sla, pool, clock.now(), batch) >= batch:
            continue  # more may be due right now
        async with pool.acquire() as conn:
            upcoming = await sla.timers.next_fire_at(conn)
        wait = poll_s if upcoming is None else (upcoming - clock.now()).total_seconds()
        await _sleep_unless_time_jumps(clock, min(poll_s, max(_LEAST_WAIT_S, wait)))


async def _settle(ctx: Context, limit_s: float) -> None:
    """Before the first pass, let the clock follower and the consumer catch up (bounded).

    Firing early after a restart would read a clock still at wall time (only late, never
    wrong) and, worse, breach a clock whose stopping event routing recorded in time but we
    have not read yet.
    """
    deadline = time.monotonic() + limit_s
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ctx.follower.caught_up.wait(), limit_s)
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # settling is best effort; the loop must start regardless
            subscribed = ctx.broker is not None and all(
                getattr(s, "consumer", None) is not None for s in ctx.broker.subscribers
            )
            if subscribed and await ctx.consumer_lag() == 0:
                return
        await asyncio.sleep(0.1)
    log.warning("timers.started_unsettled", waited_s=limit_s)


async def _sleep_unless_time_jumps(clock: SystemClock, seconds: float) -> None:
    # The follower sets the offset as a plain value (no event to wait on): look at it each tick.
    offset, deadline = clock.offset, time.monotonic() + seconds
    for _ in range(int(seconds / _TICK_S) + 1):
        await asyncio.sleep(max(0.0, min(_TICK_S, deadline - time.monotonic())))
        if clock.offset != offset:
            return
