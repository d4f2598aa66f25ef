"""Where a consumer resumes a partition it is given: the offset PostgreSQL stored with the state.

The transaction that applies a batch also moves `consumer_offsets` (consumer.py); Kafka's
committed offset is written after it, so it should only ever lag behind, the repeats skipped.
Where a partition resumes should not rest on that "should": aiokafka commits the positions of
every assigned partition at once, and those move around a rebalance. Seeking each assigned
partition to its stored offset makes the database the one record of what was applied; Kafka's
committed offsets are then only what lag tools read. A partition with no stored offset yet
starts where Kafka says (the earliest, for a new group).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from shared.messaging.consumer import EventConsumer

log = structlog.get_logger()


class ResumeFromStoredOffsets(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, consumer: EventConsumer, kafka: Callable[[], AIOKafkaConsumer | None]) -> None:
        self._consumer = consumer
        self._kafka = kafka  # the subscriber's Kafka consumer, made when the subscriber starts

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        """Nothing to hand over: whatever a batch applied is in the database with its offsets."""

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        kafka = self._kafka()
        if kafka is None or not assigned:
            return
        try:
            stored = await self._consumer.stored_offsets()
        except (OSError, asyncpg.PostgresError) as error:
            # Kafka's committed offsets then: never ahead of what a batch applied but by a fault
            # this guards against, and the repeats below the stored offsets are still skipped.
            log.warning("consumer.stored_offsets_unread", consumer=self._consumer.name, error=repr(error))
            return
        for tp in assigned:
            offset = stored.get((tp.topic, tp.partition))
            if offset is not None:
                kafka.seek(tp, offset)
