"""Who was shown a petitioner's identity or contact, when, on which case: one row per `IdentityViewed`.

Written in the transaction that records the event (the event is the evidence, in the hash chain;
this is its query table), with the places that scope it for auditors.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from uuid import UUID

import asyncpg

IDENTITY_READS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.identity_reads (
    event_id          uuid PRIMARY KEY,
    at                timestamptz NOT NULL,
    case_id           text,
    schedule_id       text,
    what              text NOT NULL,
    viewer            text NOT NULL,
    role              text NOT NULL,
    viewer_division   text NOT NULL,
    division_code     text NOT NULL,
    handling_division text
);
CREATE INDEX IF NOT EXISTS identity_reads_at ON {schema}.identity_reads (at DESC, event_id);
CREATE INDEX IF NOT EXISTS identity_reads_case ON {schema}.identity_reads (case_id, at DESC);
"""


class IdentityRead(NamedTuple):
    event_id: UUID
    at: datetime
    case_id: str | None
    schedule_id: str | None
    what: str
    viewer: str
    role: str
    viewer_division: str
    division_code: str
    handling_division: str | None


async def add(conn: asyncpg.Connection, schema: str, read: IdentityRead) -> None:
    await conn.execute(
        f"INSERT INTO {schema}.identity_reads ({', '.join(IdentityRead._fields)}) "
        f"VALUES ({', '.join(f'${i}' for i in range(1, len(IdentityRead._fields) + 1))})",
        *read,
    )


async def newest(
    conn: asyncpg.Connection, schema: str, prefix: str, case_id: str | None, viewer: str | None, limit: int
) -> list[IdentityRead]:
    """The newest reads whose matter's place or handling unit lies under `prefix` (a division's significant digits)."""
    rows = await conn.fetch(
        f"""SELECT {", ".join(IdentityRead._fields)} FROM {schema}.identity_reads
            WHERE (starts_with(division_code, $1) OR starts_with(coalesce(handling_division, ''), $1))
              AND ($2::text IS NULL OR case_id = $2) AND ($3::text IS NULL OR viewer = $3)
            ORDER BY at DESC, event_id LIMIT $4""",
        prefix,
        case_id,
        viewer,
        limit,
    )
    return [IdentityRead(**dict(r)) for r in rows]
