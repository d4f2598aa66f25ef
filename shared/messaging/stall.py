"""Telling a stalled consumer from a slow one, and nudging it back to work.

aiokafka can leave a partition unfetched after a broker died under it: its fetcher keeps
waiting on the dead node's connection or on metadata naming it (aio-libs/aiokafka#399 and #703
are of that kind). Nothing fails, so nothing retries: records wait and the case is never routed.
A partition is stalled when records wait on it (its log end is past the offset stored with the
state, consumer.py) and that stored offset has not moved for `after_s`. Seeking it to the stored
offset drops the fetcher's state for it and fetches again from the leader the metadata names
now; whatever was applied meanwhile is skipped below the stored offset as always, so a nudge of
a consumer that was only slow costs a re-read, never a second effect.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.messaging.consumer import EventConsumer

log = structlog.get_logger()

Partition = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Seen:
    """A partition's stored offset, and since when it has stood there."""

    offset: int
    since: float


def stalled(
    before: Mapping[Partition, Seen],
    ends: Mapping[Partition, int],
    stored: Mapping[Partition, int],
    now: float,
    after_s: float,
) -> tuple[dict[Partition, Seen], list[Partition]]:
    """What is seen now of each assigned partition (`ends`), and which of them are stalled.

    A stalled partition's time starts again, so it is nudged once per `after_s`, not every look.
    """
    seen: dict[Partition, Seen] = {}
    stuck: list[Partition] = []
    for partition, end in ends.items():
        offset = stored.get(partition, 0)
        previous = before.get(partition)
        since = previous.since if previous is not None and previous.offset == offset else now
        if end > offset and now - since >= after_s:
            stuck.append(partition)
            since = now
        seen[partition] = Seen(offset, since)
    return seen, stuck


class StallWatch:
    """Every `every_s`, compares the assigned partitions' log ends with the stored offsets."""

    def __init__(
        self,
        consumer: EventConsumer,
        kafka: Callable[[], AIOKafkaConsumer | None],
        after_s: float,
        every_s: float = 5.0,
    ) -> None:
        self._consumer = consumer
        self._kafka = kafka
        self._after_s = after_s
        self._every_s = every_s
        self.nudged = 0

    async def run(self) -> None:
        seen: dict[Partition, Seen] = {}
        while True:
            await asyncio.sleep(self._every_s)
            kafka = self._kafka()
            assigned = kafka.assignment() if kafka is not None else set()
            if kafka is None or not assigned:
                seen = {}
                continue
            async with asyncio.timeout(max(self._every_s, 10.0)):  # a dead leader must not hang the watch
                ends = await kafka.end_offsets(list(assigned))
            stored = await self._consumer.stored_offsets()
            logs = {(tp.topic, tp.partition): int(end) for tp, end in ends.items()}
            seen, stuck = stalled(seen, logs, stored, time.monotonic(), self._after_s)
            for topic, partition in stuck:
                offset = stored.get((topic, partition), 0)
                log.warning("consumer.stalled", consumer=self._consumer.name, topic=topic, partition=partition,
                            stored_offset=offset, log_end=logs[(topic, partition)])  # fmt: skip
                kafka.seek(TopicPartition(topic, partition), offset)
                self.nudged += 1
