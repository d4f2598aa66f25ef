"""Topics get the configured replication; a cluster too small for it is refused, clearly, before anything is created."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.messaging.topics import ClusterTooSmall, Topics, ensure_topics
from shared.service import EXIT_CONFIG
from shared.settings import Settings
from tests.support.infra import ROOT, Infra, delete_topics
from tests.support.polling import eventually_async
from tests.support.system import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
async def admin(infra: Infra) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await client.start()
    yield client
    await client.close()


@pytest.fixture
async def prefix(infra: Infra) -> AsyncIterator[str]:
    name = f"repl{uuid.uuid4().hex[:8]}"
    yield name
    await delete_topics(infra.kafka, name)


async def brokers(admin: AIOKafkaAdminClient) -> int:
    return len((await admin.describe_cluster())["brokers"])


async def known_everywhere(admin: AIOKafkaAdminClient, prefix: str) -> None:
    """On a cluster a new topic reaches each broker's metadata a moment after it is created."""

    async def ours() -> set[str]:
        return {t for t in await admin.list_topics() if t.startswith(f"{prefix}.")}

    await eventually_async(ours, lambda seen: seen == set(Topics(prefix).all()), what="all topics listed")


async def test_topics_are_created_with_the_configured_factor_and_min_insync(
    infra: Infra, admin: AIOKafkaAdminClient, prefix: str
) -> None:
    factor = await brokers(admin)  # 1 on the local broker, 3 on the cluster
    settings = Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=prefix,
                        pujiang_partitions=2, pujiang_replication_factor=factor)  # fmt: skip
    created = await ensure_topics(settings)
    assert sorted(created) == sorted(Topics(prefix).all())
    await known_everywhere(admin, prefix)

    async def described() -> list[dict[str, object]]:
        return list((await admin.describe_topics([Topics(prefix).of("intake")]))[0]["partitions"])

    partitions: list[dict[str, list[int]]] = await eventually_async(described, what="partitions described")  # type: ignore[arg-type]
    assert len(partitions) == 2
    assert {len(p["replicas"]) for p in partitions} == {factor}
    [configs] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, Topics(prefix).of("intake"))])
    values = {entry[0]: entry[1] for entry in configs.resources[0][4]}
    assert values["min.insync.replicas"] == str(settings.min_insync_replicas)
    assert values["retention.ms"] == "-1"
    assert await ensure_topics(settings) == []  # idempotent


async def test_a_factor_above_the_broker_count_is_refused_and_creates_nothing(
    infra: Infra, admin: AIOKafkaAdminClient, prefix: str
) -> None:
    factor = await brokers(admin) + 1
    settings = Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=prefix,
                        pujiang_replication_factor=factor)  # fmt: skip
    with pytest.raises(ClusterTooSmall, match=f"PUJIANG_REPLICATION_FACTOR={factor}"):
        await ensure_topics(settings)
    assert not [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]


async def test_existing_topics_need_no_check_so_a_service_restarts_while_a_broker_is_down(
    infra: Infra, admin: AIOKafkaAdminClient, prefix: str
) -> None:
    await ensure_topics(Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=prefix))
    await known_everywhere(admin, prefix)
    too_many = await brokers(admin) + 1
    again = Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=prefix,
                     pujiang_replication_factor=too_many)  # fmt: skip
    assert await ensure_topics(again) == []


async def test_a_service_on_a_too_small_cluster_exits_with_a_clear_message(
    infra: Infra, admin: AIOKafkaAdminClient, prefix: str, test_database_url: str
) -> None:
    """Unlike an absent Kafka (the service waits, /readyz says 503), a too-small one is a setting to fix."""
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka, "DATABASE_URL": test_database_url,
           "PUJIANG_TOPIC_PREFIX": prefix, "PUJIANG_REPLICATION_FACTOR": str(await brokers(admin) + 1),
           "PORT": str(free_port())}  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.routing", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == EXIT_CONFIG
    assert "[routing] cannot start" in err.decode()
    assert "fewer than PUJIANG_REPLICATION_FACTOR" in err.decode()
    assert "cluster_too_small" in out.decode() + err.decode()
