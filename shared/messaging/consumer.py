"""Consuming events effectively once: inbox rows and state change commit together.

One handler shape: a `BatchHandler` names the event types it wants and gets every new event
of a consumed batch at once, each as a `Consumed` (the envelope and its payload, decoded and
validated once). Records of other types are skipped on their `ce_type` header before anything
is decoded. A record that cannot be decoded or validated goes to the dead-letter topic with
the reason and the consumer goes on; a failure of our own (database down) raises, so the batch
is redelivered and the stored offsets and the inbox make the repeat harmless (`inbox.py`:
what each remembers, and for how long).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from pydantic import ValidationError

from shared.events import REGISTRY, Event, RecordedEvent
from shared.events.base import CE_TYPE_PREFIX
from shared.events.registry import EventRegistry
from shared.eventstore.errors import ConcurrencyError
from shared.messaging.codec import UndecodableMessage, decode

log = structlog.get_logger()

CONCURRENCY_RETRIES = 5
_TYPE_HEADER = "ce_type"


@dataclass(frozen=True, slots=True)
class Consumed:
    """A consumed event: the envelope as recorded and its payload, validated once."""

    event: RecordedEvent
    payload: Event

    @classmethod
    def of(cls, event: RecordedEvent, registry: EventRegistry = REGISTRY) -> Consumed:
        """An event read elsewhere (a store, a test), its payload decoded here."""
        return cls(event, registry.decode(event))


Apply = Callable[[asyncpg.Connection, list[Consumed]], Awaitable[None]]


@dataclass(frozen=True)
class BatchHandler:
    """The new events of a consumed batch, in delivery order, applied in the caller's transaction.

    `apply` must be all-or-nothing within that transaction. It may raise `ConcurrencyError`
    (a lost optimistic-concurrency race): the batch is then undone and applied again one event
    at a time, each in its own savepoint and retried, so only the conflicting event pays.
    """

    types: frozenset[str]
    apply: Apply


class EventConsumer:
    """Applies one batch handler to Kafka records inside PostgreSQL transactions."""

    def __init__(
        self,
        name: str,
        schema: str,
        pool: asyncpg.Pool,
        handler: BatchHandler,
        dead_letters: DeadLetters,
        registry: EventRegistry = REGISTRY,
        after_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self._after_commit = after_commit  # the relay's poke: what a batch wrote is there to read now
        self._schema = schema
        self._pool = pool
        self._handler = handler
        self._wanted = frozenset(CE_TYPE_PREFIX + t for t in handler.types)
        self._dead_letters = dead_letters
        self._registry = registry
        self.processed = 0

    @property
    def dead_lettered(self) -> int:
        return self._dead_letters.sent

    async def process(self, records: Iterable[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply a batch in one transaction: offsets read, ids claimed and offsets moved in one statement each."""
        batch = list(records)
        if not batch:
            return
        work: list[_Work] = []
        async with self._pool.acquire() as conn:
            try:
                async with conn.transaction():
                    work = await self._readable(conn, batch)
                    fresh = await self._claim(conn, work)
                    if fresh:
                        await self._handler.apply(conn, fresh)
                    await self._advance(conn, batch)
            except (ConcurrencyError, asyncpg.DeadlockDetectedError) as conflict:
                log.info("consumer.batch_conflict", consumer=self.name, events=len(work), error=repr(conflict))
                await self._one_by_one(conn, work, batch)
        self._after_commit()
        self.processed += len(work)

    async def stored_offsets(self) -> dict[tuple[str, int], int]:
        """The next offset of each partition, as the transactions that applied its records left it."""
        async with self._pool.acquire() as conn:
            return await self._stored(conn)

    async def _stored(self, conn: asyncpg.Connection) -> dict[tuple[str, int], int]:
        rows = await conn.fetch(
            f"SELECT topic, partition, next_offset FROM {self._schema}.consumer_offsets WHERE consumer = $1",
            self.name,
        )
        return {(row["topic"], row["partition"]): row["next_offset"] for row in rows}

    def _unwanted(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """One of our event types that this service does not act on, told by its header alone."""
        for key, value in record.headers or ():
            if key == _TYPE_HEADER:
                ce_type = value.decode("utf-8", "replace")
                # A foreign or missing type is decoded, so that it is dead-lettered with the reason.
                return ce_type.startswith(CE_TYPE_PREFIX) and ce_type not in self._wanted
        return False

    async def _readable(self, conn: asyncpg.Connection, batch: list[ConsumerRecord[bytes, bytes]]) -> list[_Work]:
        """The records not applied before and of a type we act on, each decoded once (or dead-lettered)."""
        applied = await self._stored(conn)
        work: list[_Work] = []
        for record in batch:
            if record.offset < applied.get((record.topic, record.partition), 0) or self._unwanted(record):
                continue  # nothing of it is decoded
            try:
                event = decode(dict(record.headers), record.key, record.value or b"")
                if event.type in self._handler.types:
                    work.append(_Work(record, Consumed(event, self._registry.decode(event))))
            except (UndecodableMessage, ValidationError, KeyError) as error:
                await self._dead_letters.send(record, self.name, str(error))
        return work

    async def _claim(self, conn: asyncpg.Connection, work: list[_Work]) -> list[Consumed]:
        """Write the inbox rows in one statement; the events not seen before, once each."""
        if not work:
            return []
        fresh = {
            row["event_id"]
            for row in await conn.fetch(
                f"""INSERT INTO {self._schema}.inbox (consumer, event_id, source_topic, source_partition, source_offset)
                    SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::bigint[])
                    ON CONFLICT DO NOTHING RETURNING event_id""",
                self.name,
                [w.consumed.event.id for w in work],
                [w.record.topic for w in work],
                [w.record.partition for w in work],
                [w.record.offset for w in work],
            )
        }
        new: dict[uuid.UUID, Consumed] = {}
        for w in work:  # a record delivered twice in one batch is applied once
            if w.consumed.event.id in fresh:
                new.setdefault(w.consumed.event.id, w.consumed)
        return list(new.values())

    async def _advance(self, conn: asyncpg.Connection, batch: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Every record of the batch is done once this commits: move each partition's next offset past it."""
        await conn.execute(
            f"""INSERT INTO {self._schema}.consumer_offsets AS o (consumer, topic, partition, next_offset)
                SELECT $1, t, p, max(n) + 1 FROM unnest($2::text[], $3::int[], $4::bigint[]) AS r(t, p, n)
                GROUP BY t, p ORDER BY t, p
                ON CONFLICT (consumer, topic, partition)
                DO UPDATE SET next_offset = greatest(o.next_offset, EXCLUDED.next_offset)""",
            self.name,
            [r.topic for r in batch],
            [r.partition for r in batch],
            [r.offset for r in batch],
        )

    async def _one_by_one(
        self, conn: asyncpg.Connection, work: list[_Work], batch: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        """The fallback after a conflict: each event in its own savepoint, a lost race retried."""
        async with conn.transaction():
            for item in work:
                for attempt in range(1, CONCURRENCY_RETRIES + 1):
                    try:
                        async with conn.transaction():  # a savepoint: a lost race undoes this event only
                            fresh = await self._claim(conn, [item])
                            if fresh:
                                await self._handler.apply(conn, fresh)
                        break
                    except ConcurrencyError:
                        if attempt == CONCURRENCY_RETRIES:
                            raise
                        event_id = str(item.consumed.event.id)
                        log.info("consumer.retry_concurrent", consumer=self.name, event_id=event_id)
            await self._advance(conn, batch)


@dataclass(frozen=True, slots=True)
class _Work:
    record: ConsumerRecord[bytes, bytes]
    consumed: Consumed


class DeadLetters:
    """Publishes unreadable records, with why, to the dead-letter topic before we move past them."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic
        self.sent = 0

    async def send(self, record: ConsumerRecord[bytes, bytes], consumer: str, reason: str) -> None:
        log.warning(
            "consumer.dead_letter",
            consumer=consumer,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
        )
        headers = [
            *(record.headers or ()),
            ("dlq_reason", reason.encode()[:4000]),
            ("dlq_consumer", consumer.encode()),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
        ]
        await self._producer.send_and_wait(self._topic, value=record.value, key=record.key, headers=headers)
        self.sent += 1
