"""A local cluster for the `cluster` tier: three Kafka brokers, a PostgreSQL primary and its replica.

Started with the project's own scripts (`PUJIANG_KAFKA_BROKERS=3 PUJIANG_PG_REPLICA=1
scripts/infra.sh up`). The brokers are its own (ports 19092/19094/19096, controllers +1;
PUJIANG_CLUSTER_KAFKA_PORT moves them), beside the single broker the other tiers use. The primary
is this checkout's PostgreSQL (PUJIANG_PG_PORT, 5432) with a replica on the next port; where that
port belongs to another checkout's server, PUJIANG_CLUSTER_PG_PORT names one of this checkout's.
A session that had to start the brokers and the replica stops them (only them) at the end; one
that found them running leaves them.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.infra import ROOT
from tests.support.system import SERVICES, ServiceProcess, free_port

BROKERS = 3


@dataclass(frozen=True)
class Cluster:
    env: dict[str, str]  # what scripts/infra.sh reads, for up/down/status of this cluster
    kafka: str
    database_url: str  # the primary's pujiang database (admin: tests create their own databases)
    read_database_url: str  # the same database on the replica

    def _infra(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(ROOT / "scripts" / "infra.sh"), *args], env=self.env, check=check)

    def running(self) -> bool:
        return self._infra("status", check=False).returncode == 0

    def up(self) -> None:
        """Idempotent: starts what is not running (a killed broker, say) and waits until it is ready."""
        self._infra("up")

    def down(self) -> None:
        """The brokers and the replica; the primary serves the other tiers too."""
        self._infra("down", "kafka", "replica")

    def broker_pid(self, node: int) -> int:
        return int((ROOT / ".data" / "run" / f"kafka-{node}.pid").read_text())

    def kill_broker(self, node: int) -> None:
        """SIGKILL one broker (and controller): no flush, no controlled shutdown."""
        os.kill(self.broker_pid(node), signal.SIGKILL)


def cluster_from_env() -> Cluster:
    kafka_port = int(os.environ.get("PUJIANG_CLUSTER_KAFKA_PORT", "19092"))
    pg_port = int(os.environ.get("PUJIANG_CLUSTER_PG_PORT", os.environ.get("PUJIANG_PG_PORT", "5432")))
    env = {
        **os.environ,
        "PUJIANG_KAFKA_BROKERS": str(BROKERS),
        "PUJIANG_KAFKA_PORT": str(kafka_port),
        "PUJIANG_KAFKA_CONTROLLER_PORT": str(kafka_port + 1),
        "PUJIANG_PG_PORT": str(pg_port),
        "PUJIANG_PG_REPLICA": "1",
        "PUJIANG_PG_REPLICA_PORT": str(pg_port + 1),
    }
    kafka = ",".join(f"127.0.0.1:{kafka_port + 2 * i}" for i in range(BROKERS))
    return Cluster(
        env=env,
        kafka=kafka,
        database_url=f"postgresql://pujiang:pujiang@127.0.0.1:{pg_port}/pujiang",
        read_database_url=f"postgresql://pujiang:pujiang@127.0.0.1:{pg_port + 1}/pujiang",
    )


def on_replica(cluster: Cluster, database_url: str) -> str:
    """The same database, read from the replica (it replicates the whole server)."""
    name = database_url.rsplit("/", 1)[1]
    return cluster.read_database_url.rsplit("/", 1)[0] + f"/{name}"


@dataclass
class Instances:
    """Two (or more) processes of each service sharing one database and consumer groups."""

    of: dict[str, list[ServiceProcess]] = field(default_factory=dict)

    def url(self, service: str, index: int = 0) -> str:
        return self.of[service][index].url

    def all(self) -> list[ServiceProcess]:
        return [p for processes in self.of.values() for p in processes]

    def stop(self) -> None:
        for process in self.all():
            process.stop()


def service_env(cluster: Cluster, database_url: str, topic_prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": cluster.kafka,
        "DATABASE_URL": database_url,
        "PUJIANG_READ_DATABASE_URL": on_replica(cluster, database_url),  # only projections reads it
        "PUJIANG_TOPIC_PREFIX": topic_prefix,
        "PUJIANG_ENV": "dev",
        "PUJIANG_PARTITIONS": "3",
        "PUJIANG_REPLICATION_FACTOR": "3",
        "PUJIANG_MIN_INSYNC_REPLICAS": "2",
        "PUJIANG_LOG_LEVEL": "debug",  # the relays' reads, for the chaos run's diagnosis
    }


def start_instances(env: dict[str, str], log_dir: Path, per_service: int = 2) -> Instances:
    log_dir.mkdir(parents=True, exist_ok=True)
    instances = Instances()
    for name in SERVICES:
        instances.of[name] = [
            ServiceProcess(name, free_port(), env, log_dir / f"{name}-{i + 1}.log") for i in range(per_service)
        ]
    # One first, so the topics are created once; the rest start together.
    first, *rest = instances.all()
    first.start()
    try:
        first.wait_ready(timeout=180)
        for process in rest:
            process.start()
        for process in rest:
            process.wait_ready(timeout=180)
    except Exception:
        instances.stop()
        raise
    return instances
