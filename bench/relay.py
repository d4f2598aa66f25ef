"""The outbox relay's cost per event: reading the log back, encoding, publishing to Kafka.

On a fresh database and a topic of its own: `events` petitions are appended (append_batch, 250
per transaction), then
- `read`: the relay's read of the log (read_all in batches of BATCH) alone, then with each
  event encoded to its Kafka record as the relay does, in events/s and in CPU µs per event of
  this process;
- `publish`: the relay itself from its first checkpoint until Kafka acknowledged every event;
- `publish_read_back`: the same with the read-back of every acknowledged record that services
  run (shared/messaging/readback.py), until its checkpoint reached the last event.

`python -m bench.relay` runs it alone (DATABASE_URL's server, KAFKA_BOOTSTRAP_SERVERS).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.append import _event, _meta
from shared.clock import SystemClock
from shared.eventstore.port import START, Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.readback import ReadBack
from shared.messaging.relay import BATCH, OutboxRelay, encode_batch
from shared.settings import kafka_servers


async def _fill(pool: asyncpg.Pool, store: PostgresEventStore, events: int) -> None:
    payload = [_event(i) for i in range(256)]
    for at in range(0, events, 250):
        appends = [
            Append(f"petition-{uuid.uuid4()}", 0, [payload[i % 256]], _meta(), f"case-{at + i}")
            for i in range(min(250, events - at))
        ]
        async with pool.acquire() as conn, conn.transaction():
            await store.append_batch(conn, appends)


async def _read(pool: asyncpg.Pool, store: PostgresEventStore, events: int, encode: bool) -> dict[str, float]:
    async with pool.acquire() as conn:
        cpu, began = time.process_time(), time.perf_counter()
        after, seen = START, 0
        while batch := await store.read_all(conn, after, BATCH):
            after = batch[-1][0]
            seen += len(batch)
            if encode:
                encode_batch([e for _, e in batch])
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    assert seen == events, (seen, events)
    return {"per_s": events / wall, "cpu_us_per_event": cpu / events * 1e6}


async def _publish(
    pool: asyncpg.Pool, store: PostgresEventStore, kafka: str, topic: str, events: int, read_back: bool
) -> dict[str, float]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_servers(kafka), enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        async with pool.acquire() as conn:
            await conn.execute(f"DELETE FROM {store.schema}.relay_checkpoint")
        checker = ReadBack(kafka_servers(kafka)) if read_back else None
        relay = OutboxRelay(pool, store, producer, lambda _e: topic, checker)
        cpu, began = time.process_time(), time.perf_counter()
        running = asyncio.create_task(relay.run())
        while relay.published < events or (checker is not None and checker.checked < events):
            await asyncio.sleep(0.005)
            if running.done():
                running.result()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    finally:
        await producer.stop()
    return {"per_s": events / wall, "cpu_us_per_event": cpu / events * 1e6}


async def run_relay_bench(db_url: str, kafka: str, events: int = 20_000, repeats: int = 3) -> dict[str, Any]:
    """Medians over `repeats` of each phase; the raw figures beside them."""
    schema = f"bench_relay_{uuid.uuid4().hex[:8]}"
    topic = f"bench-relay-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers(kafka))
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    pool = await asyncpg.create_pool(db_url, min_size=2, max_size=4)
    runs: dict[str, list[dict[str, float]]] = {"read": [], "read_encode": [], "publish": [], "publish_read_back": []}
    try:
        await migrate(pool, schema)
        store = PostgresEventStore(schema, "/pujiang/bench", SystemClock())
        await _fill(pool, store, events)
        for _ in range(repeats):
            runs["read"].append(await _read(pool, store, events, encode=False))
            runs["read_encode"].append(await _read(pool, store, events, encode=True))
            runs["publish"].append(await _publish(pool, store, kafka, topic, events, read_back=False))
            runs["publish_read_back"].append(await _publish(pool, store, kafka, topic, events, read_back=True))
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()
        await admin.delete_topics([topic])
        await admin.close()
    medians = {
        phase: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for phase, results in runs.items()
    }
    return {"events": events, "repeats": repeats, "median": medians, "runs": runs}


async def _standalone(args: argparse.Namespace) -> dict[str, Any]:
    from bench.infra import create_database, drop_database, resolve

    infra = await asyncio.to_thread(resolve)
    name = f"pujiang_bench_relay_{uuid.uuid4().hex[:8]}"
    db_url = await create_database(infra.database_url, name)
    try:
        return await run_relay_bench(db_url, infra.kafka, args.events, args.repeats)
    finally:
        await drop_database(infra.database_url, name)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__)
    p.add_argument("--events", type=int, default=20_000, help="events appended, then read and published (20000)")
    p.add_argument("--repeats", type=int, default=3, help="runs of each phase; medians are reported (3)")
    result = asyncio.run(_standalone(p.parse_args(argv)))
    for phase, m in result["median"].items():
        print(f"relay {phase:17s} {m['per_s']:>9,.0f} events/s  {m['cpu_us_per_event']:6.1f} µs CPU/event")
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
