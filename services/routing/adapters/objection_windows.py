"""Routing's table of each case's running forward-objection window, as sla timed it (its due).

Written by the consumer in the transaction that records sla's events as processed (the inbox),
so it follows sla's topic exactly once; read by a send-back (`Routing.object_to`). One row per
case with a running window; a stopped window's row is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

from services.routing.domain.objection_window import ObjectionWindow

OBJECTION_WINDOWS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.objection_windows (
    case_id  text PRIMARY KEY,
    clock_id text NOT NULL,
    unit_id  text,
    due_at   timestamptz
);
"""


async def load(conn: asyncpg.Connection, schema: str, case_ids: Sequence[str]) -> dict[str, ObjectionWindow]:
    rows = await conn.fetch(
        f"SELECT case_id, clock_id, unit_id, due_at FROM {schema}.objection_windows WHERE case_id = ANY($1::text[])",
        list(case_ids),
    )
    return {row["case_id"]: ObjectionWindow(**dict(row)) for row in rows}


async def save(conn: asyncpg.Connection, schema: str, windows: Iterable[ObjectionWindow], ended: Iterable[str]) -> None:
    """Each case's window as it is now, and the cases whose window ended, in one statement each."""
    kept = list(windows)
    if kept:
        await conn.execute(
            f"""INSERT INTO {schema}.objection_windows (case_id, clock_id, unit_id, due_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
                ON CONFLICT (case_id) DO UPDATE SET clock_id = EXCLUDED.clock_id, unit_id = EXCLUDED.unit_id,
                    due_at = EXCLUDED.due_at""",
            [w.case_id for w in kept],
            [w.clock_id for w in kept],
            [w.unit_id for w in kept],
            [w.due_at for w in kept],
        )
    gone = list(ended)
    if gone:
        await conn.execute(f"DELETE FROM {schema}.objection_windows WHERE case_id = ANY($1::text[])", gone)
