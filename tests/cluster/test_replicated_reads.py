"""On the cluster: topics replicated three times, projections answering from the replica and saying how stale."""

from __future__ import annotations

import asyncio
import uuid
from functools import partial

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from services.projections.replica import LAG_HEADER, SOURCE_HEADER
from shared.settings import kafka_servers
from tests.support.cluster import Cluster, Instances
from tests.support.petitions import a_petition
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.cluster


async def replicas_of(kafka: str, topic: str) -> set[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers(kafka))
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return {len(p["replicas"]) for p in described["partitions"]}
    finally:
        await admin.close()


def test_the_services_topics_have_three_replicas(cluster: Cluster, pair: Instances, pair_prefix: str) -> None:
    for service in ("intake", "routing", "sla", "clock", "deadletter"):
        assert asyncio.run(replicas_of(cluster.kafka, f"{pair_prefix}.{service}")) == {3}


def test_projections_answer_from_the_replica_and_say_how_stale(pair: Instances) -> None:
    headers = {"Authorization": f"Bearer {System().token()}"}
    with httpx.Client(timeout=10) as client:
        submitted = client.post(
            f"{pair.url('intake', 1)}/v1/petitions", json=a_petition(), headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert submitted.status_code == 201, submitted.text
        case_id = submitted.json()["case_id"]
        for projections in pair.of["projections"]:
            url = f"{projections.url}/v1/cases/{case_id}"
            found = eventually(
                partial(client.get, url, headers=headers),
                lambda r: r.status_code == 200,
                timeout=60,
                what="the case read from the replica",
            )
            assert found.headers[SOURCE_HEADER] == "replica"
            lag = found.headers[LAG_HEADER]
            assert float(lag) >= 0, lag
        ready = client.get(f"{pair.url('projections')}/readyz").json()
        assert ready["checks"]["read_replica"] == {"ok": True}
        # Intake reads and writes the primary: no replica headers there.
        assert SOURCE_HEADER not in client.get(f"{pair.url('intake')}/v1/categories").headers
