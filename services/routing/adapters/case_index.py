"""Routing's own query table: where each case is now (for worklists and jurisdiction checks).

Written in the same transaction as the events it reflects, so it never disagrees with them.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.routing.domain.case import Case
from shared.vocabulary import AWAITING_UNIT

CASE_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.case_index (
    case_id       text PRIMARY KEY,
    status        text NOT NULL,
    unit_id       text,
    division_code text,
    county_code   text,
    level         text,
    category      text,
    channel       text,
    leader        text,
    version       integer NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS case_index_unit ON {schema}.case_index (division_code, status, case_id);
"""


async def save(conn: asyncpg.Connection, schema: str, case: Case) -> None:
    await conn.execute(
        f"""INSERT INTO {schema}.case_index (case_id, status, unit_id, division_code, county_code, level,
                category, channel, leader, version)
            VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
            ON CONFLICT (case_id) DO UPDATE SET status=$2, unit_id=$3, division_code=$4, county_code=$5,
                level=$6, category=$7, channel=$8, leader=$9, version=$10, updated_at=clock_timestamp()
            WHERE {schema}.case_index.version < $10""",
        case.case_id,
        case.status,
        case.unit_id,
        case.division_code,
        case.county_code,
        case.level,
        case.category,
        case.channel,
        case.leader,
        case.version,
    )


async def worklist(
    conn: asyncpg.Connection, schema: str, division: str, after: str, limit: int
) -> list[dict[str, Any]]:
    """Open cases waiting on the units of exactly this division (its own and its departments)."""
    rows = await conn.fetch(
        f"""SELECT case_id, status, unit_id, division_code, level, category, channel, leader, updated_at
            FROM {schema}.case_index
            WHERE division_code = $1 AND status = ANY($2::text[]) AND case_id > $3
            ORDER BY case_id LIMIT $4""",
        division,
        sorted(AWAITING_UNIT),
        after,
        limit,
    )
    return [dict(row) for row in rows]
