"""Consuming events effectively once: inbox rows and state change commit together.

One handler shape: a `BatchHandler` names the event types it wants and gets every new event
of a consumed batch at once, each as a `Consumed` (the envelope and its payload, decoded and
validated once). Records of other types are skipped on their `ce_type` header before anything
is decoded. A record that cannot be decoded or validated goes to the dead-letter topic with
the reason and the consumer goes on; a failure of our own (database down) raises, so the batch
is redelivered and the inbox makes the repeat harmless.
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
        """Apply a batch in one transaction: one inbox statement, one handler call, one commit."""
        work: list[Consumed] = []
        for record in records:
            consumed = await self._readable(record)
            if consumed is not None:
                work.append(consumed)
        if not work:
            return
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                fresh = await self._claim(conn, work)
                if fresh:
                    await self._handler.apply(conn, fresh)
        except (ConcurrencyError, asyncpg.DeadlockDetectedError) as conflict:
            log.info("consumer.batch_conflict", consumer=self.name, events=len(work), error=repr(conflict))
            await self._one_by_one(work)
        self._after_commit()
        self.processed += len(work)

    def _unwanted(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """One of our event types that this service does not act on, told by its header alone."""
        for key, value in record.headers or ():
            if key == _TYPE_HEADER:
                ce_type = value.decode("utf-8", "replace")
                # A foreign or missing type is decoded, so that it is dead-lettered with the reason.
                return ce_type.startswith(CE_TYPE_PREFIX) and ce_type not in self._wanted
        return False

    async def _readable(self, record: ConsumerRecord[bytes, bytes]) -> Consumed | None:
        """The decoded event, or None: not ours to act on, or dead-lettered."""
        if self._unwanted(record):
            return None  # nothing of it is decoded
        try:
            event = decode(dict(record.headers), record.key, record.value or b"")
            if event.type not in self._handler.types:
                return None
            return Consumed(event, self._registry.decode(event))
        except (UndecodableMessage, ValidationError, KeyError) as error:
            await self._dead_letters.send(record, self.name, str(error))
            return None

    async def _claim(self, conn: asyncpg.Connection, work: list[Consumed]) -> list[Consumed]:
        """Write the batch's inbox rows in one statement; the events not seen before, once each."""
        fresh = {
            row["event_id"]
            for row in await conn.fetch(
                f"""INSERT INTO {self._schema}.inbox (consumer, event_id)
                    SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id""",
                self.name,
                [c.event.id for c in work],
            )
        }
        new: dict[uuid.UUID, Consumed] = {}
        for consumed in work:  # a record delivered twice in one batch is applied once
            if consumed.event.id in fresh:
                new.setdefault(consumed.event.id, consumed)
        return list(new.values())

    async def _one_by_one(self, work: list[Consumed]) -> None:
        """The fallback after a conflict: each event in its own savepoint, a lost race retried."""
        async with self._pool.acquire() as conn, conn.transaction():
            for consumed in work:
                for attempt in range(1, CONCURRENCY_RETRIES + 1):
                    try:
                        async with conn.transaction():  # a savepoint: a lost race undoes this event only
                            fresh = await self._claim(conn, [consumed])
                            if fresh:
                                await self._handler.apply(conn, fresh)
                        break
                    except ConcurrencyError:
                        if attempt == CONCURRENCY_RETRIES:
                            raise
                        log.info("consumer.retry_concurrent", consumer=self.name, event_id=str(consumed.event.id))


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
