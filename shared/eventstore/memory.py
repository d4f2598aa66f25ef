# ruff: noqa: ARG002  (the port's `conn` means nothing in memory)
"""An in-memory event store for unit tests: the same port and contract as PostgreSQL, no I/O.

`conn` is accepted and ignored (there are no transactions: a batch is checked whole before any
of it is kept, which is what all-or-nothing means here). Each append is its own "transaction"
in the global order, and every append is visible at once (nothing is ever still open).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from shared.clock import Clock, SystemClock
from shared.events.base import GENESIS_HASH, RecordedEvent
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.port import Append, EventStore, Position
from shared.eventstore.records import record_batch


class InMemoryEventStore(EventStore):
    def __init__(self, schema: str = "memory", source: str = "/pujiang/memory", clock: Clock | None = None) -> None:
        self.schema = schema
        self.source = source
        self._clock = clock or SystemClock()
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._log: list[tuple[Position, RecordedEvent]] = []
        self._tx = 0

    async def load(self, conn: Any, stream_id: str) -> list[RecordedEvent]:
        return list(self._streams.get(stream_id, ()))

    async def load_many(self, conn: Any, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        return {s: list(self._streams[s]) for s in sorted(set(stream_ids)) if s in self._streams}

    async def stream_version(self, conn: Any, stream_id: str) -> int:
        return len(self._streams.get(stream_id, ()))

    async def append_batch(self, conn: Any, appends: Sequence[Append]) -> list[list[RecordedEvent]]:
        if len({a.stream_id for a in appends}) != len(appends):
            raise ValueError("append_batch takes each stream at most once")
        lost = [a for a in appends if len(self._streams.get(a.stream_id, ())) != a.expected_version]
        if lost:
            raise ConcurrencyError(lost[0].stream_id, lost[0].expected_version, tuple(a.stream_id for a in lost))
        now = self._clock.now()
        heads = {a.stream_id: s[-1].hash if (s := self._streams.get(a.stream_id)) else GENESIS_HASH for a in appends}
        batches, _ = record_batch(self.source, appends, now, heads)
        self._tx += 1
        for a, batch in zip(appends, batches, strict=True):
            if not batch:
                continue
            stream = self._streams.setdefault(a.stream_id, [])
            for event in batch:
                # As PostgreSQL: what append returns has no position yet, what is read back has one.
                position = Position(self._tx, len(self._log) + 1)
                stored = event.model_copy(update={"position": position.position})
                self._log.append((position, stored))
                stream.append(stored)
        return batches

    async def read_all(self, conn: Any, after: Position, limit: int) -> list[tuple[Position, RecordedEvent]]:
        return [(p, e) for p, e in self._log if p > after][:limit]

    async def read_subject(self, conn: Any, subject: str) -> list[tuple[Position, RecordedEvent]]:
        return [(p, e) for p, e in self._log if e.subject == subject]

    async def count_after(self, conn: Any, after: Position) -> int:
        return sum(1 for p, _ in self._log if p > after)

    async def subjects_of_type(self, conn: Any, type_name: str) -> list[str]:
        return list(dict.fromkeys(e.subject for _, e in self._log if e.type == type_name))

    async def streams(self, conn: Any) -> AsyncIterator[list[RecordedEvent]]:
        for stream_id in sorted(self._streams):
            yield list(self._streams[stream_id])
