"""The outbox relay: publishes committed events to Kafka in commit order, at least once.

Only one instance per service publishes at a time (a PostgreSQL advisory lock); the others
wait as standbys. The cycle is pipelined: while one batch is on its way to Kafka the next is
read and handed to the producer (which keeps the order per partition). The checkpoint moves
only to a batch Kafka acknowledged, in order, so a crash republishes at most what was in
flight, and consumers drop the repeats by event id.

The relay wakes when a writer of this process pokes it after a commit (`poke`, or leaving
`shared.runtime.committing`), and polls every IDLE_WAIT_S for what other instances committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.events.base import RecordedEvent
from shared.eventstore.port import START, EventStore, Position
from shared.messaging.codec import encode

log = structlog.get_logger()

BATCH = 500
IN_FLIGHT = 4  # batches handed to the producer and not yet acknowledged
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
        """Something was just committed: look now rather than at the next poll.

        Call it after the commit, never before: a poke before the commit finds nothing new and
        the events wait for the next poll.
        """
        self._wakeup.set()

    async def run(self) -> None:
        schema = self._store.schema
        async with self._pool.acquire() as conn:
            # Standby until the leader's session ends (it holds the lock for as long as it lives).
            await conn.fetchval("SELECT pg_advisory_lock(hashtext($1))", f"relay:{schema}")
            self.is_leader = True
            log.info("relay.leader", schema=schema)
            try:
                await self._follow(conn)
            finally:
                self.is_leader = False

    async def _follow(self, conn: asyncpg.Connection) -> None:
        read = saved = await self._checkpoint(conn)
        in_flight: deque[tuple[Position, int, asyncio.Future[list[Any]]]] = deque()
        try:
            while True:
                self._wakeup.clear()
                batch = await self._store.read_all(conn, read, BATCH)
                if batch:
                    read = batch[-1][0]
                    in_flight.append((read, len(batch), await self._send([e for _, e in batch])))
                # Settle acknowledged batches in order; wait for the oldest only when the pipe is
                # full or there is nothing more to read.
                acked = None
                while in_flight and (in_flight[0][2].done() or len(in_flight) >= IN_FLIGHT or not batch):
                    position, count, acks = in_flight.popleft()
                    await acks  # a failed send raises: the relay restarts from the saved checkpoint
                    self.published += count
                    acked = position
                if acked is not None and acked != saved:
                    await self._save(conn, acked)
                    saved = acked
                if not batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), IDLE_WAIT_S)
        finally:
            for _, _, acks in in_flight:
                acks.cancel()

    async def _send(self, events: list[RecordedEvent]) -> asyncio.Future[list[Any]]:
        """Hand a batch to the producer (in order); the future settles when Kafka acknowledged all of it."""
        sends = []
        for event in events:
            message = encode(event)
            key = message.key.encode() if isinstance(message.key, str) else message.key
            sends.append(
                await self._producer.send(
                    self._topic_for(event), value=message.value, key=key, headers=list(message.headers.items())
                )
            )
        return asyncio.gather(*sends)

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
