"""Rebuild from the Kafka topics into a fresh generation while the live one serves: identical, no gap, no double."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.projections.adapters.schema import ensure_read_model, serving, writing
from services.projections.handlers import Projections
from services.projections.rebuild import drop_old_generations, rebuild
from services.projections.synthetic import histories, publish
from shared.messaging.topics import Topics, ensure_topics
from shared.settings import Settings
from tests.integration.test_projections_read_model import expected_counters, feed, interleaved, rollup
from tests.support.infra import Infra

pytestmark = pytest.mark.integration
TZ = ZoneInfo("Asia/Shanghai")
TABLES = {"event_log": "event_id", "case_view": "case_id", "rollup": "division, metric, key"}
TABLES |= {"unit_facts": "scope, day, metric", "trend": "division, day, category, metric"}


async def snapshot(pool: asyncpg.Pool, generation: str) -> dict[str, list[asyncpg.Record]]:
    return {t: await pool.fetch(f"SELECT * FROM {generation}.{t} ORDER BY {key}") for t, key in TABLES.items()}


@pytest.fixture
async def topics(infra: Infra, topic_prefix: str) -> Topics:
    await ensure_topics(Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=topic_prefix,
                                 pujiang_partitions=3))  # fmt: skip
    return Topics(topic_prefix)


def names(topics: Topics) -> list[str]:
    return [topics.of(s) for s in ("intake", "routing", "sla")]


@pytest.mark.parametrize("chunk_events", [500_000, 400], ids=["one pass", "passes by case hash"])
async def test_a_rebuild_lands_on_exactly_the_incrementally_built_read_models(
    pg_pool: asyncpg.Pool, schema: str, infra: Infra, topics: Topics, chunk_events: int
) -> None:
    recorded = histories(1500, datetime.now(UTC) - timedelta(days=25))
    await publish(infra.kafka, topics, recorded)
    await publish(infra.kafka, topics, recorded[:100])  # a relay that published twice: applied once
    projections = Projections(schema, TZ)
    live = await ensure_read_model(pg_pool, schema)
    await feed(pg_pool, projections, interleaved(recorded, seed=9))

    result = await rebuild(pg_pool, infra.kafka, names(topics), schema, TZ, progress=False, chunk_events=chunk_events)

    assert (result["previous"], result["events"]) == (live, len(recorded))
    async with pg_pool.acquire() as conn:
        assert await serving(conn, schema) == result["schema"] != live
    recorded_offsets = await pg_pool.fetchval(
        f"SELECT offsets FROM {schema}.rebuilds WHERE schema = $1", result["schema"]
    )
    assert sum(sum(p.values()) for p in result["offsets"].values()) == len(recorded) + 100
    assert recorded_offsets is not None
    assert await snapshot(pg_pool, result["schema"]) == await snapshot(pg_pool, live)
    assert await drop_old_generations(pg_pool, schema, {result["schema"]}) == [live]


async def test_live_events_during_a_rebuild_are_neither_lost_nor_doubled(
    pg_pool: asyncpg.Pool, schema: str, infra: Infra, topics: Topics
) -> None:
    start = datetime.now(UTC) - timedelta(days=25)
    before, during = histories(1500, start, seed=1), histories(400, start, seed=2)
    await publish(infra.kafka, topics, before)
    projections = Projections(schema, TZ)
    await ensure_read_model(pg_pool, schema)
    await feed(pg_pool, projections, [e for _, e in before])

    async def live_traffic() -> None:
        # What the relay publishes, the live consumer applies: in the live generation of the moment.
        for i in range(0, len(during), 20):
            chunk = during[i : i + 20]
            await publish(infra.kafka, topics, chunk)
            await feed(pg_pool, projections, [e for _, e in chunk])

    result, _ = await asyncio.gather(
        rebuild(pg_pool, infra.kafka, names(topics), schema, TZ, progress=False), live_traffic()
    )
    # The live consumer may still hold events the rebuild already applied: redelivery is harmless.
    await feed(pg_pool, projections, [e for _, e in during[-50:]])
    everything = [e for _, e in before + during]
    assert await rollup(pg_pool, result["schema"]) == expected_counters(everything)
    count = await pg_pool.fetchval(f"SELECT count(*) FROM {result['schema']}.event_log")
    assert count == len(everything)
    async with pg_pool.acquire() as conn, conn.transaction():
        assert await writing(conn, schema) == result["schema"]
