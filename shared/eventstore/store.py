"""The PostgreSQL event store: append with optimistic concurrency, read a stream, follow all."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

import asyncpg
import orjson

from shared.clock import Clock
from shared.events.base import (
    CE_TYPE_PREFIX,
    GENESIS_HASH,
    Event,
    Metadata,
    RecordedEvent,
    chain_hash,
    hashed_fields,
)
from shared.eventstore.errors import ConcurrencyError

_COLUMNS = """position, tx_id::text AS tx_id, stream_id, version, event_id, type, schema_version,
    subject, source, time, correlation_id, causation_id, actor, actor_unit, data, prev_hash, hash"""


class Position(NamedTuple):
    """A place in the global order: (writing transaction, position within the table)."""

    tx_id: int
    position: int


START = Position(0, 0)


class PostgresEventStore:
    """One service's event store, living in its own PostgreSQL schema."""

    def __init__(self, schema: str, source: str, clock: Clock) -> None:
        self.schema = schema
        self.source = source
        self._clock = clock

    async def append(
        self,
        conn: asyncpg.Connection,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        metadata: Metadata,
        subject: str,
    ) -> list[RecordedEvent]:
        """Append in the caller's transaction; ConcurrencyError if the stream has moved on."""
        prev_hash = await self._head_hash(conn, stream_id, expected_version)
        recorded: list[RecordedEvent] = []
        now = self._clock.now()
        for offset, event in enumerate(events, start=1):
            fields: dict[str, Any] = {
                "id": uuid.uuid4(),
                "source": self.source,
                "type": event.type_name(),
                "subject": subject,
                "time": now,
                "stream_id": stream_id,
                "version": expected_version + offset,
                "schema_version": event.schema_version,
                **metadata.model_dump(),
                "data": event.model_dump(mode="json"),
            }
            draft = RecordedEvent(**fields, prev_hash=prev_hash, hash="")
            digest = chain_hash(hashed_fields(draft), prev_hash)
            recorded.append(draft.model_copy(update={"hash": digest}))
            prev_hash = digest
        try:
            await conn.executemany(
                f"""INSERT INTO {self.schema}.events (stream_id, version, event_id, type,
                    schema_version, subject, source, time, correlation_id, causation_id, actor,
                    actor_unit, data, prev_hash, hash)
                    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13::jsonb,$14,$15)""",
                [
                    (
                        e.stream_id,
                        e.version,
                        e.id,
                        e.type,
                        e.schema_version,
                        e.subject,
                        e.source,
                        e.time,
                        e.correlation_id,
                        e.causation_id,
                        e.actor,
                        e.actor_unit,
                        orjson.dumps(e.data).decode(),
                        e.prev_hash,
                        e.hash,
                    )
                    for e in recorded
                ],
            )
        except asyncpg.UniqueViolationError as error:
            raise ConcurrencyError(stream_id, expected_version) from error
        return recorded

    async def _head_hash(self, conn: asyncpg.Connection, stream_id: str, version: int) -> str:
        if version == 0:
            return GENESIS_HASH
        head = await conn.fetchval(
            f"SELECT hash FROM {self.schema}.events WHERE stream_id = $1 AND version = $2",
            stream_id,
            version,
        )
        if head is None:
            raise ConcurrencyError(stream_id, version)
        return str(head)

    async def load(self, conn: asyncpg.Connection, stream_id: str) -> list[RecordedEvent]:
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM {self.schema}.events WHERE stream_id = $1 ORDER BY version",
            stream_id,
        )
        return [to_recorded(row) for row in rows]

    async def read_all(
        self, conn: asyncpg.Connection, after: Position, limit: int
    ) -> list[tuple[Position, RecordedEvent]]:
        """Committed events after `after`, in commit order, never past a still-open transaction."""
        rows = await conn.fetch(
            f"""SELECT {_COLUMNS} FROM {self.schema}.events
                WHERE (tx_id, position) > ($1::text::xid8, $2)
                  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY tx_id, position LIMIT $3""",
            str(after.tx_id),
            after.position,
            limit,
        )
        return [(Position(int(row["tx_id"]), row["position"]), to_recorded(row)) for row in rows]


def to_recorded(row: asyncpg.Record, subject: str = "subject") -> RecordedEvent:
    """An event from a row of an event table (or of a copy of one whose subject column is named otherwise)."""
    data = row["data"]
    return RecordedEvent(
        id=row["event_id"],
        source=row["source"],
        type=row["type"],
        subject=row[subject],
        time=row["time"],
        stream_id=row["stream_id"],
        version=row["version"],
        schema_version=row["schema_version"],
        correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        actor=row["actor"],
        actor_unit=row["actor_unit"],
        data=orjson.loads(data) if isinstance(data, str) else data,
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        position=row.get("position"),
    )


def ce_type(type_name: str) -> str:
    return CE_TYPE_PREFIX + type_name
