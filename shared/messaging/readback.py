"""Reading back what Kafka acknowledged, before the relay's checkpoint moves past it.

An acknowledgement says where a record batch was appended: its partition and base offset, the
batch's records at the offsets after it. The relay leader follows its own topics' partitions
like a consumer (from the first acknowledged offset on) and finds every record there: the
checkpoint moves only past batches found where Kafka said they are. Any other answer makes the
relay start again from its saved checkpoint and send again (consumers drop repeats by event id).
It answers the open chaos-run loss (README, "A province on a cluster"): acknowledged batches
that were not in the topic, with no error anywhere. Whatever the broker did, the relay now
notices it, logs what the offset held, and publishes again.

Off the latency path: consumers read the records as soon as they are appended, and so does the
reader here (it follows the log's end), so the check mostly finds them read already. Only the
checkpoint waits for it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError, OffsetOutOfRangeError

log = structlog.get_logger()

WAIT_MS = 200  # one fetch's wait for records still on their way
SLOW_S = 10.0  # a check waiting this long says so (it waits on, as for an acknowledgement)


@dataclass(frozen=True)
class Placed:
    """Where Kafka said a record batch was appended, and its events in order."""

    topic: str
    partition: int
    offset: int
    event_ids: tuple[str, ...]


class NotWhereAcknowledged(RuntimeError):
    """Kafka acknowledged a batch at an offset that does not hold it."""


def misplaced(topic: str, partition: int, offset: int, expected: str, found: str | None) -> str | None:
    """Why the record at an acknowledged offset is not the event expected there, or None if it is."""
    if found == expected:
        return None
    where = f"{topic}[{partition}]@{offset}"
    return f"{where} holds no record" if found is None else f"{where} holds event {found}, not {expected}"


class ReadBack:
    """The relay leader's reader of its own topics (its own consumer, no group)."""

    def __init__(self, servers: Sequence[str]) -> None:
        self._servers = list(servers)
        self._consumer: AIOKafkaConsumer | None = None
        self.checked = 0  # records found where acknowledged

    @contextlib.asynccontextmanager
    async def started(self) -> AsyncIterator[ReadBack]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._servers,
            enable_auto_commit=False,
            auto_offset_reset="none",  # an offset past the log's end is an answer, not a reset
            fetch_max_wait_ms=WAIT_MS,
        )
        await consumer.start()
        self._consumer = consumer
        try:
            yield self
        finally:
            self._consumer = None
            await consumer.stop()

    async def check(self, placed: Sequence[Placed]) -> None:
        """Raise `NotWhereAcknowledged` unless every record is at the offset its acknowledgement gave."""
        consumer = self._consumer
        assert consumer is not None, "ReadBack.check outside started()"
        expected: dict[TopicPartition, dict[int, str]] = {}
        for batch in placed:
            offsets = expected.setdefault(TopicPartition(batch.topic, batch.partition), {})
            offsets.update({batch.offset + i: event_id for i, event_id in enumerate(batch.event_ids)})
        if not expected:
            return
        await self._follow(consumer, expected)
        started = time.monotonic()
        while expected:
            try:
                got = await consumer.getmany(*expected, timeout_ms=WAIT_MS)
            except OffsetOutOfRangeError as error:  # acknowledged, yet past the log's end
                log.error(
                    "relay.not_where_acknowledged", problem=f"an acknowledged offset is past the log's end: {error!r}"
                )
                raise NotWhereAcknowledged(f"an acknowledged offset is past the log's end: {error!r}") from error
            except KafkaError as error:  # the partition's leader is moving: wait on, as for an ack
                log.warning("relay.read_back_waits", error=repr(error))
                continue
            for tp, records in got.items():
                self._match(tp, records, expected)
            for tp in [tp for tp, left in expected.items() if not left]:
                del expected[tp]
            if expected and not got:
                await self._ends_before(consumer, expected)
            if expected and time.monotonic() - started > SLOW_S:
                log.warning(
                    "relay.read_back_waits", left={f"{tp.topic}[{tp.partition}]": len(v) for tp, v in expected.items()}
                )
                started = time.monotonic()

    async def _follow(self, consumer: AIOKafkaConsumer, expected: dict[TopicPartition, dict[int, str]]) -> None:
        """Read each partition from its first expected offset, unless the reader is there already."""
        new = set(expected) - consumer.assignment()
        if new:
            consumer.assign(sorted(consumer.assignment() | new))
        for tp, offsets in expected.items():
            first = min(offsets)
            if tp in new or await consumer.position(tp) > first:  # new, or sent again after a restart
                consumer.seek(tp, first)

    def _match(
        self,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
        expected: dict[TopicPartition, dict[int, str]],
    ) -> None:
        left = expected.get(tp, {})
        for record in records:
            wanted = left.pop(record.offset, None)
            if wanted is not None:
                self._refuse(tp, record.offset, wanted, _event_id(record))
                self.checked += 1
        if left and records and min(left) < records[-1].offset:  # read past an acknowledged offset: no record there
            offset = min(left)
            self._refuse(tp, offset, left[offset], None)

    async def _ends_before(self, consumer: AIOKafkaConsumer, expected: dict[TopicPartition, dict[int, str]]) -> None:
        # Acknowledged with acks=all, a record was below the high watermark (read_uncommitted's
        # end offset): a log that now ends at or before it lost it.
        ends = await consumer.end_offsets(list(expected))
        for tp, offsets in expected.items():
            last = max(offsets)
            if ends[tp] <= last:
                self._refuse(tp, last, offsets[last], None, f"the log ends at {ends[tp]}")

    def _refuse(self, tp: TopicPartition, offset: int, expected: str, found: str | None, why: str = "") -> None:
        problem = misplaced(tp.topic, tp.partition, offset, expected, found)
        if problem is None:
            return
        problem = f"{problem} ({why})" if why else problem
        log.error("relay.not_where_acknowledged", topic=tp.topic, partition=tp.partition, offset=offset,
                  expected=expected, found=found, problem=problem)  # fmt: skip
        raise NotWhereAcknowledged(problem)


def _event_id(record: ConsumerRecord[bytes, bytes]) -> str | None:
    for name, value in record.headers:
        if name == "ce_id":
            return bytes(value).decode()
    return None
