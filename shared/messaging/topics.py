"""Topic names, and creating them: keyed by case, partitions configurable, kept forever."""

from __future__ import annotations

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

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

    def all(self) -> list[str]:
        return [*(self.of(s) for s in SERVICES_PUBLISHING), self.clock, self.dead_letter]


async def ensure_topics(settings: Settings) -> list[str]:
    """Create any missing topic; returns the names created. The clock topic has one partition."""
    topics = Topics(settings.pujiang_topic_prefix)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=name,
                num_partitions=1 if name == topics.clock else settings.pujiang_partitions,
                replication_factor=1,
                topic_configs={"retention.ms": "-1", "retention.bytes": "-1"},
            )
            for name in topics.all()
            if name not in existing
        ]
        if wanted:
            # Another process may create one between our list and create: that is fine.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()
