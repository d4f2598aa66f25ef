"""The outbox relay on real Kafka and PostgreSQL: nothing skipped, per-stream order kept, a restart repeats at most;
what Kafka acknowledged is read back before the checkpoint passes it."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.clock import SystemClock
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.codec import decode
from shared.messaging.readback import NotWhereAcknowledged, Placed, ReadBack
from shared.messaging.relay import OutboxRelay
from shared.runtime import committing
from tests.support.event_store_contract import an_event, meta
from tests.support.infra import Infra

pytestmark = pytest.mark.e2e


async def _consume_all(kafka: str, topic: str, expected: int) -> list[tuple[str, int]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    seen: list[tuple[str, int]] = []
    try:
        async with asyncio.timeout(60):
            while len(set(seen)) < expected:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for r in records:
                        event = decode(dict(r.headers), r.key, r.value or b"")
                        seen.append((event.stream_id, event.version))
    finally:
        await consumer.stop()
    return seen


async def test_the_relay_publishes_every_late_commit_in_stream_order_across_a_restart(
    infra: Infra, pg_pool: asyncpg.Pool, schema: str
) -> None:
    topic = f"relaytest{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    await migrate(pg_pool, schema)
    store = PostgresEventStore(schema, "/pujiang/test", SystemClock())
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True, linger_ms=5)
    await producer.start()
    read_back = ReadBack([infra.kafka])
    relay = OutboxRelay(pg_pool, store, producer, lambda _e: topic, read_back)
    writers, per_writer = 8, 30

    async def writer(w: int) -> None:
        for i in range(per_writer):
            async with committing(pg_pool, relay.poke) as conn:
                await store.append(conn, f"w{w}", i, [an_event(i)], meta(), f"case-{w}")
                await asyncio.sleep(random.uniform(0, 0.01))  # later positions commit first

    try:
        running = asyncio.create_task(relay.run())
        writing = asyncio.gather(*(writer(w) for w in range(writers)))
        await asyncio.sleep(0.5)
        running.cancel()  # the relay dies mid-stream and comes back from its checkpoint
        await asyncio.gather(running, return_exceptions=True)
        running = asyncio.create_task(relay.run())
        await writing
        seen = await _consume_all(infra.kafka, topic, writers * per_writer)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    finally:
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()

    assert set(seen) == {(f"w{w}", v) for w in range(writers) for v in range(1, per_writer + 1)}
    by_stream: dict[str, list[int]] = defaultdict(list)
    for stream, version in seen:
        by_stream[stream].append(version)
    for versions in by_stream.values():
        firsts = list(dict.fromkeys(versions))
        assert firsts == sorted(firsts), "a stream's events reached Kafka out of order"
    assert await relay.pending() == 0  # the checkpoint reached the end
    assert read_back.checked > 0  # it got there past batches read back where Kafka put them


async def test_read_back_finds_a_batch_where_acknowledged_and_names_one_that_is_not(infra: Infra) -> None:
    topic = f"readback{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        acks = [await producer.send_and_wait(topic, b"v", headers=[("ce_id", f"e{i}".encode())]) for i in range(3)]
        async with ReadBack([infra.kafka]).started() as read_back:
            await read_back.check(
                [Placed(topic, 0, acks[0].offset, ("e0", "e1")), Placed(topic, 0, acks[2].offset, ("e2",))]
            )
            assert read_back.checked == 3
            with pytest.raises(NotWhereAcknowledged, match=f"{topic}\\[0\\]@1 holds event e1, not e2"):
                await read_back.check([Placed(topic, 0, 1, ("e2",))])  # a batch deduplicated against another
        async with ReadBack([infra.kafka]).started() as read_back:
            with pytest.raises(NotWhereAcknowledged, match="holds no record"):
                await read_back.check([Placed(topic, 0, 2, ("e2", "e3"))])  # acknowledged, yet past the log's end
    finally:
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()
