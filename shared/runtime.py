"""Running background work that must outlive transient failures (Kafka or PostgreSQL restarts)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import structlog

log = structlog.get_logger()


async def supervise(name: str, work: Callable[[], Awaitable[None]], max_backoff: float = 5.0) -> None:
    """Run `work` forever, restarting it with backoff when it fails; cancellation stops it."""
    backoff = 0.2
    while True:
        try:
            await work()
            backoff = 0.2
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("task.failed", task=name, retry_in=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)


@contextlib.asynccontextmanager
async def committing(pool: asyncpg.Pool, poke: Callable[[], None]) -> AsyncIterator[asyncpg.Connection]:
    """A connection in a transaction; once the transaction has committed, `poke` (the relay's).

    The way to write events: `async with committing(ctx.pool, ctx.relay.poke) as conn:` (or
    `ctx.transaction()`), so the relay looks right after the commit, when the events are there
    to read. Nothing is poked when the block raises (the transaction was rolled back).
    """
    async with pool.acquire() as conn:
        async with conn.transaction():
            yield conn
        poke()
