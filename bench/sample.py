"""A real PetitionSubmitted, as row and as Kafka record: the raw bounds move exactly this much data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.eventstore.store import to_recorded
from shared.messaging.codec import encode

# Every column the event store writes on append (the rest are defaults), in store.append's order.
COLUMNS = (
    "stream_id, version, event_id, type, schema_version, subject, source, time, correlation_id, "
    "causation_id, actor, actor_unit, data, prev_hash, hash"
)


@dataclass(frozen=True)
class Sample:
    row: dict[str, Any]  # COLUMNS of one intake.events row; data as JSON text
    row_bytes: int  # pg_column_size of the whole stored row
    value: bytes  # the Kafka record our relay publishes for it
    headers: list[tuple[str, bytes]]
    key: bytes

    @property
    def record_bytes(self) -> int:
        return len(self.value) + len(self.key) + sum(len(k) + len(v) for k, v in self.headers)


async def petition_submitted(db_url: str) -> Sample:
    conn = await asyncpg.connect(db_url, timeout=15)
    try:
        row = await conn.fetchrow(
            f"""SELECT position, tx_id::text AS tx_id, {COLUMNS}, pg_column_size(e.*) AS row_bytes
                FROM intake.events e WHERE type = 'PetitionSubmitted' ORDER BY position DESC LIMIT 1"""
        )
    finally:
        await conn.close()
    if row is None:
        raise RuntimeError("no PetitionSubmitted in intake's event store: the HTTP phase recorded nothing")
    message = encode(to_recorded(row))
    key = message.key.encode() if isinstance(message.key, str) else (message.key or b"")
    fields = {name: row[name] for name in COLUMNS.split(", ")}
    fields["data"] = str(fields["data"])  # asyncpg hands jsonb over as text
    return Sample(fields, int(row["row_bytes"]), message.value, list(message.headers.items()), key)
