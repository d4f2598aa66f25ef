"""Kill any service at any moment: after a restart nothing is lost and nothing happens twice."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.projections.audit import check_all
from shared.messaging.partitioning import partition_of
from tests.support.petitions import RECEIPT_CLOCKS, a_petition
from tests.support.polling import eventually
from tests.support.relay_timeline import reads_in, verdict
from tests.support.system import SERVICES, ServiceProcess, System, free_port

pytestmark = pytest.mark.e2e


class SteadyClient:
    """Submits petitions at a steady rate; retries each with its Idempotency-Key until it lands."""

    def __init__(self, url: str | list[str], rate_per_s: float) -> None:
        self.urls = [url] if isinstance(url, str) else url
        self._next = 0
        self.interval = 1 / rate_per_s
        self.case_ids: list[str] = []
        self.retries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._stop.is_set():
                self.case_ids.append(self._submit(client, str(uuid.uuid4())))
                time.sleep(self.interval)

    def _submit(self, client: httpx.Client, key: str) -> str:
        body = a_petition()
        failed = 0
        while True:
            url = self.urls[self._next % len(self.urls)]
            self._next += 1  # spread over the instances; a retry goes to the next one
            try:
                response: httpx.Response | None = client.post(url, json=body, headers={"Idempotency-Key": key})
            except httpx.HTTPError:
                response = None  # that intake is down: the same key makes the retry safe anywhere
            if response is not None and response.status_code == 201:
                return str(response.json()["case_id"])
            self.retries += 1
            failed += 1
            if failed % len(self.urls) == 0:  # every instance refused: give them a moment
                time.sleep(0.2)


async def effects(database_url: str, case_ids: list[str]) -> dict[str, dict[str, int]]:
    """How many times each effect was recorded, per case, straight from each service's store.

    All in one snapshot: read one after another, a case could be missing from routing's count and
    yet, a moment later, complete in the read model (which only ever follows routing).
    """
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            counts: dict[str, dict[str, int]] = {}
            view = await conn.fetchval("SELECT schema FROM projections.read_model")  # the serving generation
            for label, sql in {
                "submitted": "SELECT subject, count(*) FROM intake.events WHERE type='PetitionSubmitted' GROUP BY 1",
                "assigned": "SELECT subject, count(*) FROM routing.events WHERE type='CaseAssigned' GROUP BY 1",
                # A receipt starts several clocks (RECEIPT_CLOCKS): each must be started once.
                "clock": "SELECT subject, max(n) FROM (SELECT subject, data->>'clock_id', count(*) AS n "
                "FROM sla.events WHERE type='ClockStarted' GROUP BY 1, 2) AS started GROUP BY 1",
                "view": f"SELECT case_id, count(*) FROM {view}.case_view WHERE status='assigned' "
                "AND jsonb_array_length(doc->'clocks') > 0 GROUP BY 1",
                "timeline": f"SELECT case_id, jsonb_array_length(doc->'timeline') FROM {view}.case_view",
            }.items():
                rows = await conn.fetch(sql)
                counts[label] = {r[0]: r[1] for r in rows if r[0] in set(case_ids)}
            return counts
    finally:
        await conn.close()


def wait_for_cases(client: SteadyClient, at_least: int) -> None:
    """Until the client has filed this many petitions: fixed sleeps filed too few on a busy machine."""
    eventually(lambda: len(client.case_ids), lambda filed: filed >= at_least, timeout=600, what=f"{at_least} filed")


# What a case's timeline holds once it is assigned: the petition, the assignment, its clocks.
ASSIGNED_TIMELINE = 2 + len(RECEIPT_CLOCKS)


def receipts_complete(counts: dict[str, dict[str, int]], case_ids: list[str]) -> bool:
    """Every case is in the read model with its whole receipt (or more, which the asserts catch)."""
    timelines = counts["timeline"]
    return len(counts["view"]) == len(case_ids) and all(timelines.get(c, 0) >= ASSIGNED_TIMELINE for c in case_ids)


def wait_for_effects(database_url: str, case_ids: list[str]) -> dict[str, dict[str, int]]:
    deadline = time.monotonic() + 300  # a budget for a busy machine; the counts are what is asserted
    while True:
        counts = asyncio.run(effects(database_url, case_ids))
        if receipts_complete(counts, case_ids) or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def stop_and_assert_each_case_once(client: SteadyClient, database_url: str, more_than: int) -> None:
    """Stop the load; every petition it filed got its own case, and every effect of each exactly once."""
    client.stop()
    case_ids = client.case_ids
    assert len(case_ids) > more_than
    assert len(set(case_ids)) == len(case_ids)
    counts = wait_for_effects(database_url, case_ids)
    if missing := [c for c in case_ids if c not in counts["assigned"]]:
        print(asyncio.run(where_they_stopped(database_url, missing)))
    assert_once_each(counts, case_ids)


async def where_they_stopped(
    database_url: str, case_ids: list[str], partitions: int = 3, kafka: str = "", logs: Sequence[Path] = ()
) -> str:
    """For petitions routing never assigned: published by intake's relay? in Kafka (when `kafka`
    is given)? reached routing's inbox? Which partitions, and how far routing's stored offsets go
    (what a failing run prints). With intake's `logs`: for each, whether the relay read past it
    before its transaction committed (tests/support/relay_timeline.py)."""
    conn = await asyncpg.connect(database_url)
    try:
        timed = await conn.fetchval("SELECT current_setting('track_commit_timestamp') = 'on'")
        committed = "pg_xact_commit_timestamp(e.tx_id::xid)" if timed else "NULL::timestamptz"
        rows = await conn.fetch(
            f"""SELECT e.subject, e.event_id::text AS event_id, e.tx_id::text AS tx_id, e.position,
                      {committed} AS committed,
                      (SELECT count(*) FROM intake.events t WHERE t.tx_id = e.tx_id) AS in_tx,
                      c.name IS NOT NULL AND (e.tx_id, e.position) <= (c.tx_id, c.position) AS relayed,
                      i.source_partition, i.source_offset,
                      array(SELECT DISTINCT r.type FROM routing.events r WHERE r.subject = e.subject) AS routed
               FROM intake.events e
               LEFT JOIN intake.relay_checkpoint c ON c.name = 'kafka'
               LEFT JOIN routing.inbox i ON i.consumer = 'routing' AND i.event_id = e.event_id
               WHERE e.type = 'PetitionSubmitted' AND e.subject = ANY($1::text[])""",
            case_ids,
        )
        offsets = await conn.fetch("SELECT topic, partition, next_offset FROM routing.consumer_offsets ORDER BY 1, 2")
    finally:
        await conn.close()
    topics = {o["topic"] for o in offsets if o["topic"].endswith(".intake")}
    ids = {r["event_id"] for r in rows}
    kept = await records_in_kafka(kafka, topics.pop(), ids, partitions) if kafka and topics else None
    # The tiers run the services on PUJIANG_PARTITIONS=3 (tests/support/system.py, cluster.py).
    on = sorted({partition_of(r["subject"].encode(), range(partitions)) for r in rows})
    reads = reads_in(logs, "intake")
    lost = [r for r in rows if r["relayed"] and (kept is None or r["event_id"] not in kept)][:20]
    timeline = [
        f"tx {r['tx_id']} ({r['in_tx']} events) pos {r['position']}: "
        + verdict((int(r["tx_id"]), r["position"]), r["committed"], reads)
        for r in lost
    ]
    return (
        f"relay reads logged: {len(reads)}; the first lost ones: {timeline}; "
        f"{len(case_ids)} not assigned: {sum(r['relayed'] for r in rows)} published by intake's relay, "
        f"{'?' if kept is None else len(kept)} of them in Kafka {sorted(kept.values())[:20] if kept else ''}, "
        f"{sum(r['source_offset'] is not None for r in rows)} in routing's inbox, "
        f"routing's events of them by now {Counter(tuple(sorted(r['routed'])) for r in rows)}; on partitions {on}; "
        f"routing's offsets {[tuple(o) for o in offsets]}"
    )


async def records_in_kafka(
    bootstrap: str, topic: str, event_ids: set[str], partitions: int = 3
) -> dict[str, tuple[int, int]]:
    """Where each of these events lies in the topic (partition, offset), read from the start."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found: dict[str, tuple[int, int]] = {}
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                for record in records:
                    ce_id = dict(record.headers).get("ce_id", b"").decode()
                    if ce_id in event_ids:
                        found[ce_id] = (record.partition, record.offset)
        return found
    finally:
        await consumer.stop()


def assert_once_each(counts: dict[str, dict[str, int]], case_ids: list[str]) -> None:
    for label in ("submitted", "assigned", "clock", "view"):
        assert len(counts[label]) == len(case_ids), f"{label}: {len(case_ids) - len(counts[label])} missing"
        assert set(counts[label].values()) == {1}, f"{label} recorded twice for some case"
    assert set(counts["timeline"].values()) == {ASSIGNED_TIMELINE}, "a read-model timeline holds a repeated event"


async def broken_chains(database_url: str) -> dict[str, list[str]]:
    """Streams whose hash chain does not verify, in each service's store and in the projections' log."""
    conn = await asyncpg.connect(database_url)
    try:
        found: dict[str, list[str]] = {}
        for store in (*SERVICES[:3], None):
            checks = await check_all(conn, store)
            assert checks, f"nothing to check in {store or 'the event log'}"
            found[store or "event_log"] = [f"{c.stream_id} {c.first_bad}" for c in checks if not c.ok]
        return found
    finally:
        await conn.close()


def test_sigkill_of_each_service_loses_nothing_and_doubles_nothing(system: System, test_database_url: str) -> None:
    client = SteadyClient(f"{system.url('intake')}/v1/petitions", rate_per_s=15)
    client.start()
    for service in SERVICES:
        wait_for_cases(client, len(client.case_ids) + 20)  # each kill lands mid-stream
        system.restart(service)  # SIGKILL, then start again and wait until ready
    wait_for_cases(client, max(101, len(client.case_ids) + 20))
    stop_and_assert_each_case_once(client, test_database_url, more_than=100)


def test_two_instances_each_lose_nothing_when_the_first_ones_are_sigkilled_under_load(
    system: System, test_database_url: str
) -> None:
    """Second instances share the database and consumer groups; the first ones die mid-stream."""
    seconds = {
        name: ServiceProcess(name, free_port(), first.env, first.log_path.with_name(f"{name}-2.log"))
        for name, first in system.services.items()
    }
    try:
        for second in seconds.values():
            second.start()
        for second in seconds.values():
            second.wait_ready()
        client = SteadyClient(
            [f"{system.url('intake')}/v1/petitions", f"{seconds['intake'].url}/v1/petitions"], rate_per_s=15
        )
        client.start()
        wait_for_cases(client, 25)
        for first in system.services.values():
            first.kill()  # relay leaders, consumer group members, timer loops: all at once
        wait_for_cases(client, max(51, len(client.case_ids) + 25))  # the second instances carry on
        stop_and_assert_each_case_once(client, test_database_url, more_than=50)
        assert asyncio.run(broken_chains(test_database_url)) == {s: [] for s in (*SERVICES[:3], "event_log")}
    finally:
        # Leave the session's system as it was: the first instances back, the seconds gone.
        for first in system.services.values():
            if first.proc is None or first.proc.poll() is not None:
                first.start()
        for second in seconds.values():
            second.stop()
        for first in system.services.values():
            first.wait_ready()
