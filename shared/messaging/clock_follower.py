"""Keeps this process's clock in step with the system-wide simulated time (dev only).

Every instance of every service reads the one-partition clock topic from its start (it holds
only clock moves) and applies the latest move; readiness waits until it has caught up.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.clock import SystemClock
from shared.events import REGISTRY, SystemClockMoved
from shared.messaging.codec import UndecodableMessage, decode
from shared.settings import kafka_servers

log = structlog.get_logger()


class ClockFollower:
    def __init__(self, bootstrap: str, topic: str, clock: SystemClock) -> None:
        self._bootstrap = bootstrap
        self._partition = TopicPartition(topic, 0)
        self._clock = clock
        self.caught_up = asyncio.Event()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=kafka_servers(self._bootstrap), enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign([self._partition])
            await consumer.seek_to_beginning(self._partition)
            end = (await consumer.end_offsets([self._partition]))[self._partition]
            if end == 0:
                self.caught_up.set()
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for record in batches.get(self._partition, []):
                    self._apply(record.headers, record.key, record.value or b"")
                    if record.offset + 1 >= end:
                        self.caught_up.set()
        finally:
            await consumer.stop()

    def _apply(self, headers: object, key: bytes | None, value: bytes) -> None:
        try:
            event = decode(dict(headers), key, value)  # type: ignore[call-overload]
            if event.type != SystemClockMoved.type_name():
                return
            moved = REGISTRY.decode(event)
        except (UndecodableMessage, ValueError) as error:
            log.warning("clock.unreadable", reason=str(error))
            return
        assert isinstance(moved, SystemClockMoved)
        # Moves only go forward, so their offsets never shrink: a replayed or stray older move
        # must not take this process's time back (events would be stamped before earlier ones).
        self._clock.set_offset(max(self._clock.offset, timedelta(milliseconds=moved.offset_ms)))
