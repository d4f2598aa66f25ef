"""Where the tests' real Kafka and PostgreSQL come from.

In order: the KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL the environment names; containers, when a
Docker engine answers; otherwise the project's own local processes (scripts/infra.sh up).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from shared.settings import kafka_servers

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Infra:
    kafka: str
    database_url: str


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # no engine, no socket, no client: all mean "not here"
        return False


def _from_containers() -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    postgres = PostgresContainer("postgres:15", username="pujiang", password="pujiang", dbname="pujiang").start()
    kafka = KafkaContainer("apache/kafka:4.1.0").with_kraft().start()
    url = postgres.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
    return Infra(kafka=kafka.get_bootstrap_server(), database_url=url)


def _from_local_processes() -> Infra:
    subprocess.run([str(ROOT / "scripts" / "infra.sh"), "up"], check=True)
    port = os.environ.get("PUJIANG_PG_PORT", "5432")
    kafka_port = os.environ.get("PUJIANG_KAFKA_PORT", "9092")
    return Infra(kafka=f"127.0.0.1:{kafka_port}", database_url=f"postgresql://pujiang:pujiang@127.0.0.1:{port}/pujiang")


def resolve() -> Infra:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    url = os.environ.get("DATABASE_URL")
    if kafka and url:
        return Infra(kafka=kafka, database_url=url)
    found = _from_containers() if _docker_answers() else _from_local_processes()
    return Infra(kafka=kafka or found.kafka, database_url=url or found.database_url)


async def delete_topics(kafka: str, prefix: str) -> list[str]:
    """Remove one run's topics (and only them: the prefix is unique to the run)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers(kafka), request_timeout_ms=15_000)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        if ours:
            await admin.delete_topics(ours)
        return ours
    finally:
        await admin.close()
