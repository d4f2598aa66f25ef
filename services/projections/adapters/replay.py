"""Reading whole topics from offset 0 with a throwaway consumer: no group, no commits.

Used by rebuilds and by the replay benchmark. Records are decoded and validated exactly as the
live consumer does; what it would dead-letter or ignore, a replay skips.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from services.projections.domain.evolve import CONSUMED
from shared.events import REGISTRY
from shared.messaging.codec import UndecodableMessage, decode
from shared.messaging.consumer import Consumed
from shared.settings import kafka_servers

ASSIGN_TIMEOUT_S = 30
Offsets = dict[TopicPartition, int]
Batch = Callable[[list[ConsumerRecord[bytes, bytes]]], Awaitable[None]]


def projected(records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Consumed]:
    """The events the live consumer would take, each with its payload (undecodable or unknown left out)."""
    events = []
    for record in records:
        try:
            event = decode(dict(record.headers), record.key, record.value or b"")
            if event.type in CONSUMED:
                events.append(Consumed(event, REGISTRY.decode(event)))
        except (UndecodableMessage, ValidationError, KeyError):
            continue
    return events


class TopicReplay:
    def __init__(self, kafka: str, topics: Sequence[str], max_records: int = 20_000) -> None:
        # Large fetches: a replay reads whole logs, so fewer round trips matter more than latency.
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka_servers(kafka),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=16 * 1024 * 1024,
            fetch_max_wait_ms=100,
        )
        self._topics = list(topics)
        self._max_records = max_records
        self.partitions: list[TopicPartition] = []
        self.records = 0

    async def start(self) -> Offsets:
        """Assign every partition of the topics at its beginning; the beginning offsets."""
        await self._consumer.start()
        # Without a group, subscribing assigns every partition of the topics to this consumer alone.
        self._consumer.subscribe(self._topics)
        async with asyncio.timeout(ASSIGN_TIMEOUT_S):
            while not self._assigned():  # noqa: ASYNC110 (aiokafka exposes no event for it)
                await asyncio.sleep(0.05)
        self.partitions = sorted(self._consumer.assignment())
        await self._consumer.seek_to_beginning(*self.partitions)
        return dict(await self._consumer.beginning_offsets(self.partitions))

    def _assigned(self) -> bool:
        wanted = {topic: self._consumer.partitions_for_topic(topic) for topic in self._topics}
        if any(not partitions for partitions in wanted.values()):
            return False
        have = self._consumer.assignment()
        return all(TopicPartition(t, p) in have for t, partitions in wanted.items() for p in partitions)

    async def stop(self) -> None:
        await self._consumer.stop()

    async def ends(self) -> Offsets:
        return dict(await self._consumer.end_offsets(self.partitions))

    async def positions(self) -> Offsets:
        return {tp: await self._consumer.position(tp) for tp in self.partitions}

    async def behind(self, targets: Offsets) -> int:
        positions = await self.positions()
        return sum(max(0, targets[tp] - positions[tp]) for tp in self.partitions)

    async def rewind(self) -> None:
        """Back to the beginning of every partition (the next pass of a chunked rebuild)."""
        await self._consumer.seek_to_beginning(*self.partitions)

    def seek(self, offsets: Offsets) -> None:
        for tp, offset in offsets.items():
            self._consumer.seek(tp, offset)

    async def read_until(self, targets: Offsets, on_batch: Batch) -> None:
        """Hand every record before `targets` to `on_batch`, in batches, partition order kept."""
        while await self.behind(targets):
            fetched = await self._consumer.getmany(timeout_ms=500, max_records=self._max_records)
            records = [record for batch in fetched.values() for record in batch]
            if records:
                self.records += len(records)
                await on_batch(records)
