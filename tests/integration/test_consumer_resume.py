"""Where a consumer reads a partition from: the offset stored with the state, on assignment and
when the partition stalls (shared/messaging/resume.py, stall.py), on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.eventstore.schema import migrate
from shared.messaging.consumer import BatchHandler, Consumed, EventConsumer
from shared.messaging.inbox import INBOX_DDL
from shared.messaging.resume import ResumeFromStoredOffsets
from shared.messaging.stall import StallWatch
from tests.integration.test_consumer import KeptLetters
from tests.support.infra import Infra, delete_topics
from tests.support.polling import eventually_async

pytestmark = pytest.mark.integration

RECORDS = 10


@pytest.fixture
async def topic(infra: Infra) -> AsyncIterator[str]:
    prefix = f"resume{uuid.uuid4().hex[:8]}"
    name = f"{prefix}.t"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, acks="all")
    await producer.start()
    try:
        for n in range(RECORDS):
            await producer.send_and_wait(name, f"record {n}".encode(), key=b"case")
    finally:
        await producer.stop()
    yield name
    await delete_topics(infra.kafka, prefix)


@pytest.fixture
async def consumer(pg_pool: asyncpg.Pool, schema: str) -> EventConsumer:
    """A consumer whose offsets live in `schema`; it applies nothing (only where it reads is tested)."""
    await migrate(pg_pool, schema, INBOX_DDL.format(schema=schema))
    return EventConsumer("resumer", schema, pg_pool, BatchHandler(frozenset(), _nothing), KeptLetters())


async def first_offset_read(infra: Infra, topic: str, group: str, stored: EventConsumer | None) -> int:
    """The offset a group member's first batch starts at, with the listener when `stored` is given."""
    kafka = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    listener = None if stored is None else ResumeFromStoredOffsets(stored, lambda: kafka)
    kafka.subscribe([topic], listener=listener)
    await kafka.start()
    try:
        batch = await eventually_async(lambda: kafka.getmany(timeout_ms=500), bool, what="a batch")
        return min(int(r.offset) for records in batch.values() for r in records)
    finally:
        await kafka.stop()


async def test_an_assigned_partition_resumes_at_the_stored_offset_even_where_kafkas_commit_ran_ahead(
    infra: Infra, pg_pool: asyncpg.Pool, schema: str, topic: str, consumer: EventConsumer
) -> None:
    group = f"g{uuid.uuid4().hex[:8]}"
    # Kafka's commit says 8, but the transactions that applied the records stored 3: records
    # 3..7 were never applied (the fault this guards against), so they must be read again.
    committer = AIOKafkaConsumer(bootstrap_servers=infra.kafka, group_id=group, enable_auto_commit=False)
    await committer.start()
    try:
        committer.assign([TopicPartition(topic, 0)])
        await committer.commit({TopicPartition(topic, 0): 8})
    finally:
        await committer.stop()
    assert await first_offset_read(infra, topic, group, None) == 8  # what Kafka alone would do
    await pg_pool.execute(
        f"INSERT INTO {schema}.consumer_offsets VALUES ('resumer', $1, 0, 3)", topic
    )  # fmt: skip
    assert await consumer.stored_offsets() == {(topic, 0): 3}
    assert await first_offset_read(infra, topic, group, consumer) == 3


async def test_a_partition_with_no_stored_offset_starts_where_kafka_says(
    infra: Infra, topic: str, consumer: EventConsumer
) -> None:
    group = f"g{uuid.uuid4().hex[:8]}"
    assert await first_offset_read(infra, topic, group, consumer) == 0


async def test_a_partition_whose_records_wait_with_no_progress_is_fetched_again_from_the_stored_offset(
    infra: Infra, pg_pool: asyncpg.Pool, schema: str, topic: str, consumer: EventConsumer
) -> None:
    await pg_pool.execute(f"INSERT INTO {schema}.consumer_offsets VALUES ('resumer', $1, 0, 2)", topic)
    group = f"g{uuid.uuid4().hex[:8]}"
    kafka = AIOKafkaConsumer(bootstrap_servers=infra.kafka, group_id=group, enable_auto_commit=False)
    kafka.subscribe([topic])
    await kafka.start()
    watch = StallWatch(consumer, lambda: kafka, after_s=0.5, every_s=0.2)
    watching = asyncio.create_task(watch.run())
    try:
        tp = TopicPartition(topic, 0)
        await eventually_async(lambda: _assigned(kafka), bool, what="the partition assigned")
        kafka.seek(tp, 9)  # where a stuck fetcher might stand: records 2..9 wait, the stored offset stays
        await eventually_async(lambda: _nudged(watch), bool, what="the stall noticed")
        assert await kafka.position(tp) == 2
    finally:
        watching.cancel()
        await kafka.stop()


async def _assigned(kafka: AIOKafkaConsumer) -> bool:
    return bool(kafka.assignment())


async def _nudged(watch: StallWatch) -> bool:
    return watch.nudged > 0


async def _nothing(_conn: asyncpg.Connection, _batch: list[Consumed]) -> None:
    """Nothing is applied here: only where reading resumes is under test."""
