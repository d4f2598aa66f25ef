"""Topic names, and creating them: keyed by case, partitions and replication configurable, kept forever."""

from __future__ import annotations

from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from shared.settings import Settings

SERVICES_PUBLISHING = ("intake", "routing", "sla")


class Topics:
    """All topic names of one deployment (a prefix lets tests run in isolation)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def of(self, service: str) -> str:
        return f"{self.prefix}.{service}"

    @property
    def clock(self) -> str:
        return f"{self.prefix}.clock"

    @property
    def dead_letter(self) -> str:
        return f"{self.prefix}.deadletter"

    @property
    def checkpoints(self) -> str:
        """Every service's signed Merkle checkpoints (docs/audit.md), keyed by log."""
        return f"{self.prefix}.checkpoints"

    def all(self) -> list[str]:
        return [*(self.of(s) for s in SERVICES_PUBLISHING), self.clock, self.dead_letter, self.checkpoints]


class ClusterTooSmall(RuntimeError):
    """The Kafka cluster has fewer brokers than the topics' replication factor: a setting to fix, not to wait out."""

    def __init__(self, brokers: int, replication_factor: int, bootstrap: str) -> None:
        self.brokers = brokers
        self.replication_factor = replication_factor
        super().__init__(
            f"the Kafka cluster at {bootstrap} has {brokers} broker(s), fewer than "
            f"PUJIANG_REPLICATION_FACTOR={replication_factor}: start more brokers, or lower the "
            "replication factor (1 for a single local broker)"
        )


class TopicCreationFailed(RuntimeError):
    """Kafka refused to create a topic for a reason other than it already existing."""


def topic_configs(settings: Settings) -> dict[str, str]:
    """Kept forever (the log is the record); a write counts once min.insync.replicas brokers hold it."""
    return {
        "retention.ms": "-1",
        "retention.bytes": "-1",
        "min.insync.replicas": str(settings.min_insync_replicas),
    }


def refused(response: Any) -> list[tuple[str, str]]:
    """(topic, reason) for each topic a CreateTopics response refused, other than already existing."""
    failures: list[tuple[str, str]] = []
    for entry in response.topic_errors:
        name, code = entry[0], entry[1]
        message = entry[2] if len(entry) > 2 else None  # v1+ carries a message
        if code in (0, TopicAlreadyExistsError.errno):  # another process may create one between list and create
            continue
        failures.append((name, message or for_code(code).__name__))
    return failures


async def ensure_topics(settings: Settings) -> list[str]:
    """Create any missing topic; returns the names created. The clock topic has one partition.

    Raises ClusterTooSmall when a topic is missing and the cluster cannot hold its replicas: the
    caller stops rather than retrying, since waiting does not add brokers. Topics that exist are
    left as they are, so a service restarted while one broker of three is down still starts.
    """
    topics = Topics(settings.pujiang_topic_prefix)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in topics.all() if name not in existing]
        if not missing:
            return []
        brokers = len((await admin.describe_cluster())["brokers"])
        if brokers < settings.pujiang_replication_factor:
            raise ClusterTooSmall(brokers, settings.pujiang_replication_factor, settings.kafka_bootstrap_servers)
        wanted = [
            NewTopic(
                name=name,
                num_partitions=1 if name in (topics.clock, topics.checkpoints) else settings.pujiang_partitions,
                replication_factor=settings.pujiang_replication_factor,
                topic_configs=topic_configs(settings),
            )
            for name in missing
        ]
        failures = refused(await admin.create_topics(wanted))
        if failures:
            raise TopicCreationFailed("; ".join(f"{name}: {reason}" for name, reason in failures))
        return [t.name for t in wanted]
    finally:
        await admin.close()
