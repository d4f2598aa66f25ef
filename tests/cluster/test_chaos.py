"""A broker lost under load: petitions through two intakes while a broker and service instances are SIGKILLed.

Against the three-broker cluster (replication 3, min.insync.replicas 2, acks=all), two instances of
each service. PUJIANG_CHAOS_PETITIONS petitions (400 in `make test`; `make chaos` sends 10,000), each with its
own Idempotency-Key, retried on any failure against the other intake; the load goes on until every
restart is done, so all of them happen under load. A quarter in, broker 2 is
SIGKILLed; half-way, intake's second instance and routing's first; at 65% the broker is started
again, at 80% the service instances. Afterwards: every petition is in each store and in the read
model exactly once, every hash chain verifies, and no request was answered 500.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import asyncpg
import httpx
import orjson
import pytest

from tests.e2e.test_crash_safety import (
    assert_once_each,
    broken_chains,
    effects,
    receipts_complete,
    where_they_stopped,
)
from tests.support.cluster import Cluster, Instances, on_replica
from tests.support.infra import ROOT
from tests.support.petitions import a_petition
from tests.support.system import SERVICES, ServiceProcess

pytestmark = pytest.mark.cluster

PETITIONS = int(os.environ.get("PUJIANG_CHAOS_PETITIONS", "400"))
CONCURRENCY = 16


@dataclass
class Load:
    """Each petition is retried with its one key until an intake answers 201; every answer is counted."""

    urls: list[str]
    statuses: Counter[int] = field(default_factory=Counter)  # 0: no answer (connection refused, timeout)
    case_ids: dict[str, str] = field(default_factory=dict)  # key -> case
    refused: list[tuple[int, str]] = field(default_factory=list)  # 4xx: a bug, reported by the test
    first_done: float = 0.0
    last_done: float = 0.0

    enough: asyncio.Event = field(default_factory=asyncio.Event)  # set once every restart is done
    sent: int = 0

    async def run(self, at_least: int) -> None:
        """At least `at_least` petitions, and on until `enough` is set (so restarts happen under load)."""
        async with httpx.AsyncClient(timeout=15) as client:
            await asyncio.gather(*(self._worker(client, at_least, w) for w in range(CONCURRENCY)))

    async def _worker(self, client: httpx.AsyncClient, at_least: int, start: int) -> None:
        turn = start
        while self.sent < at_least or not self.enough.is_set():
            self.sent += 1
            key = str(uuid.uuid4())
            body = orjson.dumps(a_petition())
            tries = 0
            while True:
                url = self.urls[turn % len(self.urls)]
                turn += 1  # spread the load; a retry goes to the other intake
                try:
                    answer = await client.post(
                        url, content=body, headers={"Idempotency-Key": key, "content-type": "application/json"}
                    )
                    status = answer.status_code
                except httpx.HTTPError:
                    status = 0
                self.statuses[status] += 1
                if status == 201:
                    self.case_ids[key] = answer.json()["case_id"]
                    self.last_done = time.monotonic()
                    self.first_done = self.first_done or self.last_done
                    break
                if 400 <= status < 500 and status != 429:
                    self.refused.append((status, answer.text))
                    break
                tries += 1
                if tries % len(self.urls) == 0:
                    await asyncio.sleep(0.2)  # both intakes failed: give them a moment


async def reached(load: Load, running: asyncio.Task[None], fraction: float) -> None:
    while len(load.case_ids) + len(load.refused) < fraction * PETITIONS:
        if running.done():
            running.result()  # the load failed: say why instead of waiting for a count that never comes
            raise AssertionError(f"the load ended after {len(load.case_ids)} petitions")
        await asyncio.sleep(0.2)


async def wait_for_view(database_url: str, case_ids: list[str], within_s: float) -> dict[str, dict[str, int]]:
    deadline = time.monotonic() + within_s
    while True:
        counts = await effects(database_url, case_ids)
        if receipts_complete(counts, case_ids) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(2)


async def replica_has(read_url: str, case_ids: list[str], within_s: float) -> int:
    """Cases the replica serves (it follows the primary's read model within its replay lag)."""
    deadline = time.monotonic() + within_s
    conn = await asyncpg.connect(read_url)
    try:
        while True:
            view = await conn.fetchval("SELECT schema FROM projections.read_model")
            seen = int(await conn.fetchval(f"SELECT count(*) FROM {view}.case_view WHERE case_id = ANY($1)", case_ids))
            if seen == len(case_ids) or time.monotonic() > deadline:
                return seen
            await asyncio.sleep(1)
    finally:
        await conn.close()


def restart(process: ServiceProcess) -> None:
    process.start()
    process.wait_ready(timeout=180)


# The suite's 600 s per test counts fixture setup too; starting eight processes, the load and the
# restarts take longer on a busy machine, and 10,000 petitions much longer (about 6/s on two shared cores).
# Quarantined (README, "A province on a cluster"): in fresh-clone CI runs some petitions are past
# intake's relay checkpoint yet absent from Kafka after the broker is SIGKILLed (1 to 143 of
# about 2,000), an open data-loss bug; it passes on most local runs. Its diagnosis says where
# they stopped.
@pytest.mark.quarantined
@pytest.mark.timeout(900 + PETITIONS)
async def test_a_broker_and_service_instances_sigkilled_under_load_lose_and_double_nothing(
    cluster: Cluster, pair: Instances, cluster_db: str
) -> None:
    load = Load([f"{p.url}/v1/petitions" for p in pair.of["intake"]])
    started = time.monotonic()
    running = asyncio.create_task(load.run(PETITIONS))
    timeline: list[tuple[str, float, int]] = []

    def mark(what: str) -> None:
        timeline.append((what, round(time.monotonic() - started, 1), len(load.case_ids)))

    await reached(load, running, 0.25)
    cluster.kill_broker(2)
    mark("SIGKILL broker 2")
    await reached(load, running, 0.5)
    victims = [pair.of["intake"][1], pair.of["routing"][0]]
    for victim in victims:
        victim.kill()
    mark("SIGKILL intake-2, routing-1")
    await reached(load, running, 0.65)
    await asyncio.to_thread(cluster.up)  # starts the missing broker, waits until it serves
    mark("broker 2 back")
    await reached(load, running, 0.8)
    for victim in victims:
        await asyncio.to_thread(restart, victim)
    mark("intake-2, routing-1 back")
    load.enough.set()
    await running
    submitted_s = time.monotonic() - started
    case_ids = list(load.case_ids.values())
    # The budget grows with what was filed: the load runs on until the victims are back.
    counts = await wait_for_view(cluster_db, case_ids, within_s=120 + len(case_ids) / 20)
    visible_s = time.monotonic() - started
    chains = await broken_chains(cluster_db)
    on_the_replica = await replica_has(on_replica(cluster, cluster_db), case_ids, within_s=60)
    print(  # the figures `make chaos` quotes (pytest -s shows them)
        f"\n[chaos] {len(case_ids)} petitions, {CONCURRENCY} clients, two of each of {', '.join(SERVICES)}; "
        f"all accepted after {submitted_s:.1f}s, all visible after {visible_s:.1f}s; "
        f"answers {dict(sorted(load.statuses.items()))}; events {timeline}"
    )
    assert load.refused == []
    assert len(case_ids) == load.sent >= PETITIONS
    assert len(set(case_ids)) == len(case_ids), "two keys got the same case"
    assert load.statuses[500] == 0, load.statuses
    if missing := [c for c in case_ids if c not in counts["assigned"]]:
        logs = [p.log_path for p in pair.of["intake"]]
        diagnosis = await where_they_stopped(cluster_db, missing, kafka=cluster.kafka, logs=logs)
        print(diagnosis)
        (ROOT / "test-artifacts" / "chaos-diagnosis.txt").write_text(diagnosis + "\n")  # readable mid-run
    assert_once_each(counts, case_ids)
    assert chains == {s: [] for s in (*SERVICES[:3], "event_log")}
    assert on_the_replica == len(case_ids)
