"""Replay figures: a full rebuild of N events next to reading the same events raw from Kafka, one run.

`python -m bench.replay --events N` (or `run_replay_bench(kafka, database_url, n)` from the main
bench). N synthetic but valid events (hash-chained case histories, as intake, routing and sla
record them) go into fresh topics; then, in the same run:

- raw: a throwaway consumer reads every record, nothing else;
- decoded: the same, plus CloudEvents decoding and schema validation (what every consumer pays);
- rebuild: `services.projections.rebuild` into fresh read models in a schema of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient

from services.projections.adapters.replay import TopicReplay, projected
from services.projections.rebuild import rebuild
from services.projections.synthetic import histories, publish
from shared.messaging.topics import Topics, ensure_topics
from shared.settings import Settings, kafka_servers

SERVICES = ("intake", "routing", "sla")


async def _produce(kafka: str, topics: Topics, n: int) -> tuple[int, float]:
    recorded = histories(n, datetime.now(UTC) - timedelta(days=30))
    started = time.perf_counter()
    await publish(kafka, topics, recorded)
    return len(recorded), time.perf_counter() - started


async def _read(kafka: str, names: list[str], decode: bool) -> tuple[int, float]:
    """Every record of the topics from offset 0; the count and the seconds it took."""
    replay = TopicReplay(kafka, names)
    count = 0

    async def tally(records: list[ConsumerRecord[bytes, bytes]]) -> None:
        nonlocal count
        count += len(projected(records)) if decode else len(records)

    try:
        await replay.start()
        started = time.perf_counter()
        await replay.read_until(await replay.ends(), tally)
        return count, time.perf_counter() - started
    finally:
        await replay.stop()


def _rate(n: int, seconds: float) -> float | None:
    return round(n / seconds, 1) if seconds > 0 else None


async def run_replay_bench(kafka: str, database_url: str, events: int) -> dict[str, Any]:
    """Produce `events` synthetic events into fresh topics, then measure their replay."""
    topics = Topics(f"replay{uuid.uuid4().hex[:8]}")
    await ensure_topics(Settings(kafka_bootstrap_servers=kafka, pujiang_topic_prefix=topics.prefix))
    try:
        produced, produce_s = await _produce(kafka, topics, events)
        return {"produce_per_s": _rate(produced, produce_s), **await replay_topics(kafka, database_url, topics)}
    finally:
        await _delete_topics(kafka, topics)


async def replay_topics(kafka: str, database_url: str, topics: Topics) -> dict[str, Any]:
    """Time raw reads, decoded reads and a full rebuild of everything on intake's, routing's and sla's topics."""
    names = [topics.of(s) for s in SERVICES]
    base = f"replay_{uuid.uuid4().hex[:8]}"
    pool = await asyncpg.create_pool(database_url, min_size=2, max_size=4)
    try:
        raw, raw_s = await _read(kafka, names, decode=False)
        decoded, decoded_s = await _read(kafka, names, decode=True)
        rebuilt = await rebuild(pool, kafka, names, base, ZoneInfo("Asia/Shanghai"), progress=sys.stderr.isatty())
        cases = await pool.fetchval(f"SELECT count(*) FROM {rebuilt['schema']}.case_view")
    finally:
        schemas = await pool.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'", base)
        for row in schemas:
            await pool.execute(f'DROP SCHEMA "{row["nspname"]}" CASCADE')
        await pool.close()
    return {
        "events": raw,
        "cases": cases,
        "raw_read_s": round(raw_s, 3),
        "raw_read_per_s": _rate(raw, raw_s),
        "decoded_read_per_s": _rate(decoded, decoded_s),
        "rebuild_s": rebuilt["seconds"],
        "rebuild_per_s": rebuilt["events_per_s"],
        "rebuild_vs_raw": round(rebuilt["events_per_s"] / (raw / raw_s), 4)
        if raw and rebuilt["events_per_s"]
        else None,
    }


async def _delete_topics(kafka: str, topics: Topics) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers(kafka))
    await admin.start()
    try:
        await admin.delete_topics(topics.all())
    except Exception as error:  # cleaning up is best effort: the figures are already taken
        print(f"[replay] could not delete topics {topics.prefix}.*: {error!r}", file=sys.stderr)
    finally:
        await admin.close()


async def _main(argv: list[str] | None = None) -> dict[str, Any]:
    from bench.infra import create_database, drop_database, resolve

    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__)
    parser.add_argument("--events", "-n", type=int, default=20_000, help="N: events to replay (20000)")
    args = parser.parse_args(argv)
    infra = await asyncio.to_thread(resolve)
    name = f"pujiang_replay_{uuid.uuid4().hex[:10]}"
    url = await create_database(infra.database_url, name)
    try:
        return await run_replay_bench(infra.kafka, url, args.events)
    finally:
        await drop_database(infra.database_url, name)


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(_main()), option=orjson.OPT_INDENT_2).decode())
