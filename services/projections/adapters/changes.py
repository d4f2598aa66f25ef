"""Live changes: committed read-model transactions NOTIFY; every instance LISTENs and fans out.

NOTIFY is delivered only at commit, so a subscriber never hears of a change it cannot read
yet, and any instance serves the stream whichever instance consumed the event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson
import structlog

log = structlog.get_logger()

QUEUE_SIZE = 1000
KEEPALIVE_S = 10.0


def channel(base: str) -> str:
    return f"{base}_changes"


async def publish(conn: asyncpg.Connection, base: str, notices: list[dict[str, Any]]) -> None:
    """Announce changes when the caller's transaction commits (never before)."""
    if notices:
        await conn.execute(
            "SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n",
            channel(base),
            [orjson.dumps(n).decode() for n in notices],
        )


@dataclass(eq=False)
class Subscription:
    wants: Callable[[dict[str, Any]], bool]
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    missed: int = 0


class ChangeHub:
    """In-process fan-out of change notices to the open streams of this instance."""

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()
        self.listening = False

    def subscribe(self, wants: Callable[[dict[str, Any]], bool]) -> Subscription:
        subscription = Subscription(wants)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, notice: dict[str, Any]) -> None:
        for subscription in list(self._subscribers):
            if notice.get("type") == "rebuilt" or subscription.wants(notice):
                try:
                    subscription.queue.put_nowait(notice)
                except asyncio.QueueFull:
                    subscription.missed += 1  # a slow client: it is told to reload everything

    def on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            self.publish(orjson.loads(payload))
        except orjson.JSONDecodeError:
            log.warning("changes.unreadable", payload=payload[:200])

    async def listen(self, database_url: str, base: str) -> None:
        """Hold one LISTEN connection until cancelled; a failure raises so the supervisor restarts it."""
        conn = await asyncpg.connect(database_url)
        try:
            await conn.add_listener(channel(base), self.on_notify)
            self.listening = True
            while True:
                await asyncio.sleep(KEEPALIVE_S)
                await conn.execute("SELECT 1")
        finally:
            self.listening = False
            with contextlib.suppress(Exception):
                await conn.close()
