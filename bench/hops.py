"""Where the lag goes: each case's path through the services, timed from what they recorded.

PostgreSQL records when each event was written (events.recorded_at) and when each consumer
applied it (inbox.processed_at); each Kafka record carries the time our relay handed it to the
producer. All three clocks are this machine's, so the differences are meaningful locally.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.stats import summary
from shared.messaging.topics import Topics
from shared.settings import kafka_servers

# One row per case: when each of its three events was written and when each consumer applied it.
PATH_SQL = """
SELECT s.subject AS case_id, s.event_id::text AS submitted_id, a.event_id::text AS assigned_id,
       k.event_id::text AS clock_id,
       extract(epoch FROM s.recorded_at)::float8 AS submitted,
       extract(epoch FROM ri.processed_at)::float8 AS routing_applied,
       extract(epoch FROM a.recorded_at)::float8 AS assigned,
       extract(epoch FROM si.processed_at)::float8 AS sla_applied,
       extract(epoch FROM k.recorded_at)::float8 AS clock_started,
       extract(epoch FROM pa.processed_at)::float8 AS projected_assigned,
       extract(epoch FROM pk.processed_at)::float8 AS projected_clock
FROM intake.events s
JOIN routing.inbox ri ON ri.event_id = s.event_id AND ri.consumer = 'routing'
JOIN routing.events a ON a.subject = s.subject AND a.type = 'CaseAssigned'
JOIN sla.inbox si ON si.event_id = a.event_id AND si.consumer = 'sla'
JOIN sla.events k ON k.subject = s.subject AND k.type = 'ClockStarted'
JOIN projections.inbox pa ON pa.event_id = a.event_id AND pa.consumer = 'projections'
JOIN projections.inbox pk ON pk.event_id = k.event_id AND pk.consumer = 'projections'
WHERE s.type = 'PetitionSubmitted' AND s.subject = ANY($1::text[])
"""

# (name, from, to): consecutive stages; "published" times come from the Kafka records.
HOPS = (
    ("intake: commit -> relay publishes", "submitted", "submitted_published"),
    ("kafka -> routing applied", "submitted_published", "routing_applied"),
    ("routing: applied -> relay publishes", "assigned", "assigned_published"),
    ("kafka -> sla applied", "assigned_published", "sla_applied"),
    ("sla: applied -> relay publishes", "clock_started", "clock_published"),
    ("kafka -> projections applied (assigned)", "assigned_published", "projected_assigned"),
    ("kafka -> projections applied (clock)", "clock_published", "projected_clock"),
    ("pipeline: intake commit -> projected", "submitted", "projected"),
)


async def measure(
    db_url: str, kafka: str, prefix: str, partitions: int, cases: list[str], budget_s: float
) -> dict[str, Any]:
    conn = await asyncpg.connect(db_url, timeout=15)
    try:
        rows = await conn.fetch(PATH_SQL, cases, timeout=budget_s)
    finally:
        await conn.close()
    topics = Topics(prefix)
    published = await asyncio.wait_for(
        _publish_times(kafka, [topics.of("intake"), topics.of("routing"), topics.of("sla")], partitions), budget_s
    )
    deltas: dict[str, list[float]] = {name: [] for name, _, _ in HOPS}
    for row in rows:
        path: dict[str, float | None] = dict(row)
        path["submitted_published"] = published.get(row["submitted_id"])
        path["assigned_published"] = published.get(row["assigned_id"])
        path["clock_published"] = published.get(row["clock_id"])
        path["projected"] = max(row["projected_assigned"], row["projected_clock"])
        for name, start, end in HOPS:
            begun, ended = path[start], path[end]
            if begun is not None and ended is not None:
                deltas[name].append(ended - begun)
    return {"cases_traced": len(rows), "hops_s": {name: summary(values) for name, values in deltas.items()}}


async def _publish_times(kafka: str, topics: list[str], partitions_each: int) -> dict[str, float]:
    """Event id -> the record's CreateTime (set by the relay's producer when it sends), in epoch s."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_servers(kafka), enable_auto_commit=False
    )  # no group: read, no trace
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in range(partitions_each)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        times: dict[str, float] = {}
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    event_id = dict(record.headers).get("ce_id")
                    if event_id is not None:
                        times[event_id.decode()] = record.timestamp / 1000
        return times
    finally:
        await consumer.stop()
