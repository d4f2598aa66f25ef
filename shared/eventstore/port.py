"""The event store as a port: what handlers, consumers and the relay may ask of it.

`PostgresEventStore` (store.py) is the adapter the services run on; `InMemoryEventStore`
(memory.py) is the fake unit tests use. Both pass the same contract test
(tests/support/event_store_contract.py). No SQL outside an implementation touches an events
table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from shared.events.base import Event, Metadata, RecordedEvent


class Position(NamedTuple):
    """A place in the global order: (writing transaction, position within the table)."""

    tx_id: int
    position: int


START = Position(0, 0)


@dataclass(frozen=True, slots=True)
class Append:
    """One stream's share of a batched append: the events to put after `expected_version`."""

    stream_id: str
    expected_version: int
    events: Sequence[Event]
    metadata: Metadata
    subject: str


@dataclass(frozen=True, slots=True)
class HashRun:
    """`read_hashes`' answer in columns, for the checkpointer: places in the global order and the
    hashes' 32 bytes each, concatenated. Read so, 25,000 leaves cost no Python object each."""

    tx_ids: Sequence[int]
    positions: Sequence[int]
    hashes: bytes

    def __len__(self) -> int:
        return len(self.positions)

    def place(self, i: int) -> Position:
        return Position(self.tx_ids[i], self.positions[i])


class EventStore(Protocol):
    """One service's event store. `conn` is the caller's connection (and transaction)."""

    schema: str
    source: str

    async def load(self, conn: Any, stream_id: str) -> list[RecordedEvent]:
        """The stream's events in version order ([] for a stream never written)."""
        ...

    async def load_many(self, conn: Any, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        """Each named stream's events in version order, in one read; streams never written are absent."""
        ...

    async def stream_version(self, conn: Any, stream_id: str) -> int:
        """The stream's current version (0 for a stream never written)."""
        ...

    async def append(
        self,
        conn: Any,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        metadata: Metadata,
        subject: str,
    ) -> list[RecordedEvent]:
        """Append in the caller's transaction; ConcurrencyError if the stream has moved on."""
        # One stream is a batch of one: every store writes through its append_batch.
        return (await self.append_batch(conn, [Append(stream_id, expected_version, events, metadata, subject)]))[0]

    async def append_batch(self, conn: Any, appends: Sequence[Append]) -> list[list[RecordedEvent]]:
        """Append to many streams at once (each stream at most once), all or nothing.

        It writes with a single statement, so outside a transaction it is atomic by itself.

        On any lost race raises ConcurrencyError naming the losing stream(s); the caller's
        transaction (or a savepoint around this call) must then be rolled back, which leaving
        `async with conn.transaction()` by the exception does. The caller can then retry the
        appends one at a time to keep the winners.
        """
        ...

    async def read_all(self, conn: Any, after: Position, limit: int) -> list[tuple[Position, RecordedEvent]]:
        """Committed events after `after` in commit order, never past a still-open transaction."""
        ...

    async def read_hashes(self, conn: Any, after: Position, limit: int) -> list[tuple[Position, str]]:
        """What read_all reads, only each event's place and hash: the leaves of the store's Merkle tree."""
        return [(position, event.hash) for position, event in await self.read_all(conn, after, limit)]

    async def read_hash_run(self, conn: Any, after: Position, limit: int) -> HashRun:
        """read_hashes' events as a HashRun."""
        read = await self.read_hashes(conn, after, limit)
        hashes = b"".join(bytes.fromhex(h) for _, h in read)
        return HashRun([p.tx_id for p, _ in read], [p.position for p, _ in read], hashes)

    async def read_subject(self, conn: Any, subject: str) -> list[tuple[Position, RecordedEvent]]:
        """Every event about one subject (a case), in the global order (for audits)."""
        ...

    async def count_after(self, conn: Any, after: Position) -> int:
        """How many events lie after `after` in the global order (committed or not yet visible)."""
        ...

    async def subjects_of_type(self, conn: Any, type_name: str) -> list[str]:
        """The distinct subjects of the events of one type, in the order they were first recorded."""
        ...

    def streams(self, conn: Any) -> AsyncIterator[list[RecordedEvent]]:
        """Every stream's events, one stream at a time in stream id order (for audits)."""
        ...
