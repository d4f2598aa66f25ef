"""The raw Kafka bound: N records of a petition's size, produced like our relay and consumed back."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from tqdm import tqdm  # type: ignore[import-untyped]

from bench.sample import Sample
from shared.messaging.topics import topic_configs
from shared.settings import Settings, kafka_servers

ASSIGN_TIMEOUT_S = 60  # a classic group's first join waits group.initial.rebalance.delay.ms


async def run(kafka: str, topic: str, partitions: int, n: int, sample: Sample, budget_s: float) -> dict[str, Any]:
    await _create(kafka, topic, partitions)
    # Keys like case ids, so records spread over partitions as ours do.
    keys = [str(uuid.uuid4()).encode() for _ in range(n)]
    # End to end: a group already assigned when the first record goes out reads while we produce.
    live = await _assigned_consumer(kafka, topic, f"{topic}.live")
    try:
        started = time.perf_counter()
        produced_at, consumed_at = await asyncio.wait_for(
            asyncio.gather(_produce(kafka, topic, keys, sample), _consume(live, n, "kafka e2e")), budget_s
        )
    finally:
        await live.stop()
    # Consume only: a second group reads the whole topic back once it is assigned.
    replay = await _assigned_consumer(kafka, topic, f"{topic}.replay")
    try:
        replay_started = time.perf_counter()
        replayed_at = await asyncio.wait_for(_consume(replay, n, "kafka consume"), budget_s)
    finally:
        await replay.stop()
    return {
        "topic": topic,
        "partitions": partitions,
        "record_bytes": sample.record_bytes,
        "produce_s": produced_at - started,
        "produce_per_s": n / (produced_at - started),
        "consume_s": replayed_at - replay_started,
        "consume_per_s": n / (replayed_at - replay_started),
        "end_to_end_s": consumed_at - started,
        "end_to_end_per_s": n / (consumed_at - started),
    }


async def _create(kafka: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers(kafka), request_timeout_ms=15_000)
    await admin.start()
    try:
        # Replicated as our topics are (1 on one broker, 3 on a cluster), so the bound is comparable.
        settings = Settings()
        await admin.create_topics([NewTopic(name=topic, num_partitions=partitions,
                                            replication_factor=settings.pujiang_replication_factor,
                                            topic_configs=topic_configs(settings))])  # fmt: skip
    finally:
        await admin.close()


async def _produce(kafka: str, topic: str, keys: list[bytes], sample: Sample) -> float:
    """As the relay does: acks=all with idempotence, linger 5 ms, send all, then await the acks."""
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_servers(kafka), enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        acks = []
        with tqdm(total=len(keys), desc="kafka produce", unit="msg") as bar:
            for key in keys:
                acks.append(await producer.send(topic, value=sample.value, key=key, headers=sample.headers))
                bar.update()
            await asyncio.gather(*acks)
        return time.perf_counter()
    finally:
        await producer.stop()


async def _assigned_consumer(kafka: str, topic: str, group: str) -> AIOKafkaConsumer:
    """A started consumer whose group join is done, so joining is not timed as consuming."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_servers(kafka), group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + ASSIGN_TIMEOUT_S
        while not consumer.assignment():
            if time.monotonic() > deadline:
                raise TimeoutError(f"consumer group {group} got no partitions in {ASSIGN_TIMEOUT_S}s")
            await asyncio.sleep(0.01)
    except BaseException:
        await consumer.stop()
        raise
    return consumer


async def _consume(consumer: AIOKafkaConsumer, n: int, label: str) -> float:
    """Read until n records arrived (max 500 a batch, as our services do); the time of the last."""
    seen = 0
    with tqdm(total=n, desc=label, unit="msg") as bar:
        while seen < n:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            got = sum(len(records) for records in batches.values())
            seen += got
            bar.update(got)
    return time.perf_counter()
