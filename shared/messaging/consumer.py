"""Consuming events effectively once: inbox row and state change commit together.

A record that cannot be decoded or validated goes to the dead-letter topic with the reason and
the consumer goes on; a failure of our own (database down) raises, so the batch is redelivered
and the inbox makes the repeat harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from pydantic import ValidationError

from shared.events import REGISTRY, Event, RecordedEvent
from shared.events.registry import EventRegistry
from shared.eventstore.errors import ConcurrencyError
from shared.messaging.codec import UndecodableMessage, decode

log = structlog.get_logger()

Handler = Callable[[asyncpg.Connection, RecordedEvent, Any], Awaitable[None]]
CONCURRENCY_RETRIES = 5


@dataclass(frozen=True)
class BatchHandler:
    """One call for all the new events of a batch, for a read model that gains from applying many at once.

    It gets the events in delivery order, inbox rows already written in the same transaction;
    it must not depend on seeing them one by one (no optimistic-concurrency retries here).
    """

    types: frozenset[str]
    apply: Callable[[asyncpg.Connection, list[RecordedEvent]], Awaitable[None]]


class EventConsumer:
    """Applies handlers (by event type name) to Kafka records inside PostgreSQL transactions."""

    def __init__(
        self,
        name: str,
        schema: str,
        pool: asyncpg.Pool,
        handlers: Mapping[str, Handler] | BatchHandler,
        dead_letters: DeadLetters,
        registry: EventRegistry = REGISTRY,
    ) -> None:
        self.name = name
        self._schema = schema
        self._pool = pool
        self._handlers = handlers
        self._dead_letters = dead_letters
        self._registry = registry
        self.processed = 0

    @property
    def dead_lettered(self) -> int:
        return self._dead_letters.sent

    async def process(self, records: Iterable[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply a batch in one transaction (one commit, one fsync), each event in a savepoint."""
        work = [item for record in records if (item := await self._readable(record)) is not None]
        if not work:
            return
        async with self._pool.acquire() as conn, conn.transaction():
            if isinstance(self._handlers, BatchHandler):
                await self._apply_batch(conn, self._handlers, [event for event, _ in work])
            else:
                for event, payload in work:
                    await self._apply(conn, self._handlers[event.type], event, payload)
        self.processed += len(work)

    def _wants(self, type_name: str) -> bool:
        if isinstance(self._handlers, BatchHandler):
            return type_name in self._handlers.types
        return type_name in self._handlers

    async def _readable(self, record: ConsumerRecord[bytes, bytes]) -> tuple[RecordedEvent, Event] | None:
        """The decoded event, or None: not ours to act on, or dead-lettered."""
        try:
            event = decode(dict(record.headers), record.key, record.value or b"")
            if not self._wants(event.type):
                return None
            return event, self._registry.decode(event)
        except (UndecodableMessage, ValidationError, KeyError) as error:
            await self._dead_letters.send(record, self.name, str(error))
            return None

    async def _apply_batch(self, conn: asyncpg.Connection, batch: BatchHandler, events: list[RecordedEvent]) -> None:
        fresh = {
            row["event_id"]
            for row in await conn.fetch(
                f"""INSERT INTO {self._schema}.inbox (consumer, event_id)
                    SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id""",
                self.name,
                [event.id for event in events],
            )
        }
        new: dict[uuid.UUID, RecordedEvent] = {}
        for event in events:  # a record delivered twice in one batch is applied once
            if event.id in fresh:
                new.setdefault(event.id, event)
        if new:
            await batch.apply(conn, list(new.values()))

    async def _apply(self, conn: asyncpg.Connection, handler: Handler, event: RecordedEvent, payload: Event) -> None:
        for attempt in range(1, CONCURRENCY_RETRIES + 1):
            try:
                async with conn.transaction():  # a savepoint: a lost race undoes this event only
                    fresh = await conn.fetchval(
                        f"""INSERT INTO {self._schema}.inbox (consumer, event_id) VALUES ($1, $2)
                            ON CONFLICT DO NOTHING RETURNING true""",
                        self.name,
                        event.id,
                    )
                    if fresh:
                        await handler(conn, event, payload)
                return
            except ConcurrencyError:
                if attempt == CONCURRENCY_RETRIES:
                    raise
                log.info("consumer.retry_concurrent", consumer=self.name, event=str(event.id))


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
