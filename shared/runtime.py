"""Running background work that must outlive transient failures (Kafka or PostgreSQL restarts)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

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
