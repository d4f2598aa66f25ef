"""Reading many clock streams in one query: what a firing pass needs for a batch of cases."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from shared.events import RecordedEvent
from shared.eventstore.store import to_recorded

_COLUMNS = """position, stream_id, version, event_id, type, schema_version, subject, source, time,
    correlation_id, causation_id, actor, actor_unit, data, prev_hash, hash"""


async def load_streams(
    conn: asyncpg.Connection, schema: str, stream_ids: Sequence[str]
) -> dict[str, list[RecordedEvent]]:
    """Each stream's events in version order (streams without events are left out)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM {schema}.events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version",
        list(stream_ids),
    )
    streams: dict[str, list[RecordedEvent]] = {}
    for row in rows:
        streams.setdefault(row["stream_id"], []).append(to_recorded(row))
    return streams
