"""Filling a bare generation in bulk: COPY into tables without keys or indexes, then build them.

What the live path does one batch at a time (look up, lock, upsert, move counters), a rebuild does
once per chunk of whole cases: the cases are folded in memory, their rows and events copied in,
their counters summed in an unlogged staging table; keys and indexes are built at the end, side
by side, and the counters aggregated in one statement.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from services.projections.adapters import facts
from services.projections.adapters.event_log import COLUMNS as EVENT_COLUMNS
from services.projections.adapters.read_model import CASE_COLUMNS, parent_division
from services.projections.adapters.schema import index_ddl
from services.projections.domain.rollup import Cell
from services.projections.domain.unit_facts import UnitFact
from shared.events.base import RecordedEvent

_EVENT_NAMES = [c.strip() for c in EVENT_COLUMNS.split(",")]
_CASE_NAMES = [c.strip() for c in CASE_COLUMNS.split(",")]


async def prepare(conn: asyncpg.Connection, schema: str) -> None:
    """The staging table for counters (unlogged: it is summed and dropped before the switch)."""
    await conn.execute(
        f"CREATE UNLOGGED TABLE {schema}.rollup_staging (division text, metric text, key text, parent text, n bigint)"
    )
    await facts.prepare_bulk(conn, schema)


def event_row(e: RecordedEvent) -> tuple[Any, ...]:
    return (
        e.id, e.subject, e.stream_id, e.version, e.type, e.schema_version, e.source, e.time, e.correlation_id,
        e.causation_id, e.actor, e.actor_unit, orjson.dumps(e.data).decode(), e.prev_hash, e.hash,
    )  # fmt: skip


async def copy_events(conn: asyncpg.Connection, schema: str, events: Sequence[RecordedEvent]) -> None:
    await conn.copy_records_to_table(
        "event_log", schema_name=schema, columns=_EVENT_NAMES, records=[event_row(e) for e in events]
    )


async def copy_cases(conn: asyncpg.Connection, schema: str, rows: Sequence[Sequence[Any]]) -> None:
    await conn.copy_records_to_table("case_view", schema_name=schema, columns=_CASE_NAMES, records=rows)


async def stage_counters(conn: asyncpg.Connection, schema: str, cells: Counter[Cell]) -> None:
    records = [(d, m, k, parent_division(d), n) for (d, m, k), n in cells.items() if n]
    await conn.copy_records_to_table("rollup_staging", schema_name=schema, records=records)


async def stage_facts(
    conn: asyncpg.Connection, schema: str, cells: tuple[Counter[UnitFact], Counter[facts.TrendCell]]
) -> None:
    await facts.stage(conn, schema, *cells)


async def finish(pool: asyncpg.Pool, schema: str) -> None:
    """Sum the staged counters, then build every key and index, several at once."""
    async with pool.acquire() as conn:
        await conn.execute(
            f"""INSERT INTO {schema}.rollup (division, metric, key, parent, n)
                SELECT division, metric, key, min(parent), sum(n) FROM {schema}.rollup_staging
                GROUP BY division, metric, key HAVING sum(n) <> 0;
                DROP TABLE {schema}.rollup_staging"""
        )
        await facts.finish_bulk(conn, schema)
    statements = index_ddl(schema)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for statement in statements:
        queue.put_nowait(statement)

    async def builder() -> None:
        async with pool.acquire() as conn:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            while not queue.empty():
                await conn.execute(queue.get_nowait())

    await asyncio.gather(*(builder() for _ in range(min(3, pool.get_max_size()))))
    async with pool.acquire() as conn:
        await conn.execute(
            f"ANALYZE {schema}.event_log; ANALYZE {schema}.case_view; ANALYZE {schema}.rollup;"
            f" ANALYZE {schema}.unit_facts; ANALYZE {schema}.trend"
        )
