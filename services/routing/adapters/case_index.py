"""Routing's own query table: where each case is now (for worklists and jurisdiction checks).

Written in the same transaction as the events it reflects, so it never disagrees with them.
"""

from __future__ import annotations

from collections.abc import Sequence
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
-- issue 10: whether the unit signed for the case, and its official in charge
ALTER TABLE {schema}.case_index ADD COLUMN IF NOT EXISTS signed boolean NOT NULL DEFAULT false;
ALTER TABLE {schema}.case_index ADD COLUMN IF NOT EXISTS assignee text;
-- Collective petitions (聯名 / 集體訪): how many people; 0 for one person's petition. Added later: a
-- table made before it gains the column here.
ALTER TABLE {schema}.case_index ADD COLUMN IF NOT EXISTS headcount integer NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS case_index_collective ON {schema}.case_index (county_code, case_id) WHERE headcount > 0;
"""


_COLUMNS = (
    "case_id", "status", "unit_id", "division_code", "county_code", "level", "category", "channel", "leader",
    "assignee",
)  # fmt: skip
_INTS = ("headcount", "version")


async def save(conn: asyncpg.Connection, schema: str, cases: Sequence[Case]) -> None:
    """Where each case is now, in one statement; a row never moves back to an older version."""
    if not cases:
        return
    await conn.execute(
        f"""INSERT INTO {schema}.case_index ({", ".join(_COLUMNS + _INTS)}, signed)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                 $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::bool[])
            ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, unit_id = EXCLUDED.unit_id,
                division_code = EXCLUDED.division_code, county_code = EXCLUDED.county_code,
                level = EXCLUDED.level, category = EXCLUDED.category, channel = EXCLUDED.channel,
                leader = EXCLUDED.leader, assignee = EXCLUDED.assignee, signed = EXCLUDED.signed,
                headcount = EXCLUDED.headcount, version = EXCLUDED.version, updated_at = clock_timestamp()
            WHERE {schema}.case_index.version < EXCLUDED.version""",
        *([getattr(case, column) for case in cases] for column in _COLUMNS + _INTS),
        [case.signed for case in cases],
    )


async def worklist(
    conn: asyncpg.Connection,
    schema: str,
    division: str,
    after: str,
    limit: int,
    assignee: str | None = None,
    unit: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases waiting on the units of exactly this division (its own and its departments; with
    `unit`, that one unit's); with `assignee`, only those that official is in charge of."""
    rows = await conn.fetch(
        f"""SELECT case_id, status, unit_id, division_code, level, category, channel, leader, assignee, signed,
                   headcount, updated_at
            FROM {schema}.case_index
            WHERE division_code = $1 AND status = ANY($2::text[]) AND case_id > $3
              AND ($5::text IS NULL OR assignee = $5) AND ($6::text IS NULL OR unit_id = $6)
            ORDER BY case_id LIMIT $4""",
        division,
        sorted(AWAITING_UNIT),
        after,
        limit,
        assignee,
        unit,
    )
    return [dict(row) for row in rows]


async def collective(
    conn: asyncpg.Connection, schema: str, within: str, after: str, limit: int
) -> list[dict[str, Any]]:
    """Collective petitions of the counties whose code starts with `within`, open or settled, by case id."""
    rows = await conn.fetch(
        f"""SELECT case_id, status, unit_id, division_code, county_code, level, category, channel, leader,
                   headcount, updated_at
            FROM {schema}.case_index
            WHERE headcount > 0 AND starts_with(county_code, $1) AND case_id > $2
            ORDER BY case_id LIMIT $3""",
        within,
        after,
        limit,
    )
    return [dict(row) for row in rows]
