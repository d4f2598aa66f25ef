"""The projections' copy of every consumed event (a projection of the topics, rebuilt with them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson

from shared.events.base import RecordedEvent
from shared.eventstore import store

COLUMNS = (
    "event_id, case_id, stream_id, version, type, schema_version, source, time, correlation_id, causation_id, "
    "actor, actor_unit, data, prev_hash, hash"
)
_TYPES = (
    "uuid[], text[], text[], int[], text[], int[], text[], timestamptz[], uuid[], uuid[], "
    "text[], text[], text[], text[], text[]"
)


def _unnest() -> tuple[str, str]:
    """`SELECT <columns> FROM unnest(<typed arrays>) AS u(<columns>)`: one statement for any batch size."""
    names = [c.strip() for c in COLUMNS.split(",")]
    arrays = ", ".join(f"${i}::{t.strip()}" for i, t in enumerate(_TYPES.split(","), start=1))
    select = ", ".join("data::jsonb" if n == "data" else n for n in names)
    return select, f"unnest({arrays}) AS u({', '.join(names)})"


_SELECT, _FROM = _unnest()


async def append(conn: asyncpg.Connection, schema: str, events: Sequence[RecordedEvent]) -> set[UUID]:
    """Insert the events not seen before; their ids."""
    unique = list({e.id: e for e in events}.values())
    columns: list[list[Any]] = [
        [e.id for e in unique],
        [e.subject for e in unique],
        [e.stream_id for e in unique],
        [e.version for e in unique],
        [e.type for e in unique],
        [e.schema_version for e in unique],
        [e.source for e in unique],
        [e.time for e in unique],
        [e.correlation_id for e in unique],
        [e.causation_id for e in unique],
        [e.actor for e in unique],
        [e.actor_unit for e in unique],
        [orjson.dumps(e.data).decode() for e in unique],
        [e.prev_hash for e in unique],
        [e.hash for e in unique],
    ]
    rows = await conn.fetch(
        f"""INSERT INTO {schema}.event_log ({COLUMNS})
            SELECT {_SELECT} FROM {_FROM}
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
        *columns,
    )
    return {row["event_id"] for row in rows}


def to_recorded(row: asyncpg.Record) -> RecordedEvent:
    return store.to_recorded(row, subject="case_id")


async def of_cases(conn: asyncpg.Connection, schema: str, case_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM {schema}.event_log WHERE case_id = ANY($1::text[])", list(case_ids))
    found: dict[str, list[RecordedEvent]] = {}
    for row in rows:
        found.setdefault(row["case_id"], []).append(to_recorded(row))
    return found


async def of_case(
    conn: asyncpg.Connection, schema: str, case_id: str, until: datetime | None = None
) -> list[RecordedEvent]:
    rows = await conn.fetch(
        f"""SELECT {COLUMNS} FROM {schema}.event_log
            WHERE case_id = $1 AND ($2::timestamptz IS NULL OR time <= $2) ORDER BY time, stream_id, version""",
        case_id,
        until,
    )
    return [to_recorded(row) for row in rows]
