"""The outbox relay: publishes committed events to Kafka in commit order, at least once.

Only one instance per service publishes at a time (a PostgreSQL advisory lock); the others
wait as standbys. The checkpoint moves only after Kafka acknowledged the batch, so a crash
republishes at most one batch, and consumers drop the repeats by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.events.base import RecordedEvent
from shared.eventstore.port import START, EventStore, Position
from shared.messaging.codec import encode

log = structlog.get_logger()

BATCH = 500
IDLE_WAIT_S = 0.05


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        producer: AIOKafkaProducer,
        topic_for: Callable[[RecordedEvent], str],
    ) -> None:
        self._pool = pool
        self._store = store
        self._producer = producer
        self._topic_for = topic_for
        self._wakeup = asyncio.Event()
        self.published = 0
        self.is_leader = False

    def poke(self) -> None:
        """Something was just committed: look now rather than at the next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        schema = self._store.schema
        async with self._pool.acquire() as conn:
            # Standby until the leader's session ends (it holds the lock for as long as it lives).
            await conn.fetchval("SELECT pg_advisory_lock(hashtext($1))", f"relay:{schema}")
            self.is_leader = True
            log.info("relay.leader", schema=schema)
            try:
                await conn.add_listener(f"{schema}_events", self._on_notify)
                position = await self._checkpoint(conn)
                while True:
                    batch = await self._store.read_all(conn, position, BATCH)
                    if batch:
                        await self._publish([event for _, event in batch])
                        position = batch[-1][0]
                        await self._save(conn, position)
                        continue
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), IDLE_WAIT_S)
            finally:
                self.is_leader = False

    def _on_notify(self, *_: object) -> None:
        self._wakeup.set()

    async def _publish(self, events: list[RecordedEvent]) -> None:
        sends = []
        for event in events:
            message = encode(event)
            key = message.key.encode() if isinstance(message.key, str) else message.key
            sends.append(
                await self._producer.send(
                    self._topic_for(event),
                    value=message.value,
                    key=key,
                    headers=list(message.headers.items()),
                )
            )
        await asyncio.gather(*sends)
        self.published += len(events)

    async def _checkpoint(self, conn: asyncpg.Connection) -> Position:
        row = await conn.fetchrow(
            f"SELECT tx_id::text AS tx_id, position FROM {self._store.schema}.relay_checkpoint WHERE name = 'kafka'"
        )
        return START if row is None else Position(int(row["tx_id"]), row["position"])

    async def _save(self, conn: asyncpg.Connection, position: Position) -> None:
        await conn.execute(
            f"""INSERT INTO {self._store.schema}.relay_checkpoint (name, tx_id, position)
                VALUES ('kafka', $1::text::xid8, $2)
                ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position""",
            str(position.tx_id),
            position.position,
        )

    async def pending(self) -> int:
        """Events committed but not yet published (for readiness and lag reporting)."""
        async with self._pool.acquire() as conn:
            return await self._store.count_after(conn, await self._checkpoint(conn))
