"""The outbox relay: publishes committed events to Kafka in commit order, at least once.

Only one instance per service publishes at a time (a PostgreSQL advisory lock); the others
wait as standbys. The cycle is pipelined: while one batch is on its way to Kafka the next is
read and handed to the producer (which keeps the order per partition). The checkpoint moves
only to a batch Kafka acknowledged, in order, and (with a `ReadBack`) that was found where the
acknowledgement said, so a crash republishes at most what was in flight or unchecked, and
consumers drop the repeats by event id.

The relay wakes when a writer of this process pokes it after a commit (`poke`, or leaving
`shared.runtime.committing`), and polls every IDLE_WAIT_S for what other instances committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.events.base import RecordedEvent
from shared.eventstore.port import START, EventStore, Position
from shared.messaging.codec import Record, record_of
from shared.messaging.partitioning import partition_of
from shared.messaging.readback import Placed, ReadBack

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
        read_back: ReadBack | None = None,
    ) -> None:
        self._pool = pool
        self._store = store
        self._producer = producer
        self._topic_for = topic_for
        self._read_back = read_back
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
                if self._read_back is None:
                    await self._follow(conn, None)
                else:
                    async with self._read_back.started() as read_back:
                        await self._follow(conn, read_back)
            finally:
                self.is_leader = False

    async def _follow(self, conn: asyncpg.Connection, read_back: ReadBack | None) -> None:
        read = saved = await self._checkpoint(conn)
        in_flight: deque[tuple[Position, int, Sent]] = deque()
        bases: dict[tuple[str, int], int] = {}  # each partition's last acknowledged base offset
        try:
            while True:
                self._wakeup.clear()
                batch = await self._store.read_all(conn, read, BATCH)
                if batch:
                    # Where each read began and ended, and when (PUJIANG_LOG_LEVEL=debug): with the
                    # database's commit times they show whether an event was read past before it
                    # committed (the open chaos-run loss; README, "A province on a cluster").
                    last = batch[-1][0]
                    log.debug(
                        "relay.read",
                        schema=self._store.schema,
                        after_tx=read.tx_id,
                        after_position=read.position,
                        last_tx=last.tx_id,
                        last_position=last.position,
                        count=len(batch),
                    )
                    read = last
                    in_flight.append((read, len(batch), await self._send([e for _, e in batch])))
                # Settle acknowledged batches in order; wait for the oldest only when the pipe is
                # full or there is nothing more to read.
                acked = None
                placed: list[Placed] = []
                while in_flight and (in_flight[0][2].acks.done() or len(in_flight) >= IN_FLIGHT or not batch):
                    position, count, sent = in_flight.popleft()
                    # A failed send raises, and so does an acknowledgement that cannot be an
                    # append: the relay restarts from the saved checkpoint and sends again.
                    appends = await sent.acks
                    self._check_appended(appends, bases)
                    placed += [
                        Placed(a.topic, a.partition, a.offset, ids)
                        for a, ids in zip(appends, sent.contents, strict=True)
                    ]
                    # With `relay.read`: where the records read up to `position` landed.
                    log.debug("relay.acked", last_tx=position.tx_id, last_position=position.position,
                              appends=[(a.topic, a.partition, a.offset) for a in appends])  # fmt: skip
                    self.published += count
                    acked = position
                if acked is not None and acked != saved:
                    if read_back is not None:
                        await read_back.check(placed)  # raises when a batch is not where acknowledged
                    await self._save(conn, acked)
                    saved = acked
                if not batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), IDLE_WAIT_S)
        finally:
            for _, _, sent in in_flight:
                sent.acks.cancel()

    def _check_appended(self, acks: list[Any], bases: dict[tuple[str, int], int]) -> None:
        """Raise on an acknowledgement whose base offset is not past the partition's last one.

        Batches go to a partition in order, and its log only grows, so each acknowledged append
        starts past the one before. One that does not (or has no offset) was not appended where
        we think: a batch deduplicated against another, or a log truncated under a broker
        failure. Evidence for the open chaos-run loss (README, "A province on a cluster").
        """
        for ack in acks:
            where = (ack.topic, ack.partition)
            if (problem := ack_problem(bases.get(where), ack.offset)) is not None:
                log.error("relay.ack_not_appended", topic=ack.topic, partition=ack.partition, offset=ack.offset,
                          previous=bases.get(where), problem=problem)  # fmt: skip
                raise AckNotAppended(f"{ack.topic}[{ack.partition}]: {problem}")
            bases[where] = ack.offset

    async def _send(self, events: list[RecordedEvent]) -> Sent:
        """Hand a batch to the producer (in order); the future settles when Kafka acknowledged all of it.

        The records are put into one record batch per partition here (aiokafka's batch API), not
        sent one by one: `producer.send` costs a coroutine, a future, a partitioner call and
        an acknowledgement callback per record, which was most of the relay's CPU per event.
        Partitions are picked as the default partitioner picks them, so a case's records keep
        their partition and their order.
        """
        producer = self._producer
        partitions: dict[str, list[int]] = {}
        open_batches: dict[tuple[str, int], tuple[Any, list[str]]] = {}  # the partition's batch, its events
        acks: list[asyncio.Future[Any]] = []
        contents: list[tuple[str, ...]] = []
        for event in events:
            topic = self._topic_for(event)
            known = partitions.get(topic)
            if known is None:
                known = partitions[topic] = sorted(await producer.partitions_for(topic))
            key, value, headers = record_of(event)
            where = (topic, partition_of(key, known))
            found = open_batches.get(where)
            if found is not None:
                batch, ids = found
                if batch.append(timestamp=None, key=key, value=value, headers=headers) is not None:
                    ids.append(str(event.id))
                    continue
                # full: send it, and start the partition's next one
                acks.append(await self._submit(batch, where))
                contents.append(tuple(ids))
            batch = producer.create_batch()
            open_batches[where] = (batch, [str(event.id)])
            if batch.append(timestamp=None, key=key, value=value, headers=headers) is None:
                raise ValueError(f"event {event.id} does not fit in a Kafka record batch")
        for where, (batch, ids) in open_batches.items():
            acks.append(await self._submit(batch, where))
            contents.append(tuple(ids))
        return Sent(asyncio.gather(*acks), contents)

    async def _submit(self, batch: Any, where: tuple[str, int]) -> asyncio.Future[Any]:
        batch.close()  # closed: sent at once, not left to linger for more records
        future: asyncio.Future[Any] = await self._producer.send_batch(batch, where[0], partition=where[1])
        return future

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


@dataclass(frozen=True)
class Sent:
    """Record batches handed to the producer: their acknowledgements, in order, and each one's events."""

    acks: asyncio.Future[list[Any]]
    contents: list[tuple[str, ...]]


class AckNotAppended(RuntimeError):
    """Kafka acknowledged a batch at an offset where it cannot have been appended."""


def ack_problem(previous: int | None, offset: int | None) -> str | None:
    """Why an acknowledged base offset cannot be a new append after `previous`, or None if it can."""
    if offset is None or offset < 0:
        return f"acknowledged without an offset ({offset})"
    if previous is not None and offset <= previous:
        return f"base offset {offset} is not past the previous batch's {previous}"
    return None


def encode_batch(events: list[RecordedEvent]) -> list[Record]:
    """Each event's Kafka record as the relay hands it to the producer (for measurements)."""
    return [record_of(event) for event in events]
