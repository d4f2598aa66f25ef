"""Intake's query table of reception days: the public facts and the seats left, for listing.

Written in the transaction that appends the schedule's events, so it never disagrees with them;
bookings themselves (with personal data) are only ever read from the stream, by officials.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import orjson

from services.intake.domain.receptions import Schedule

RECEPTION_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.reception_index (
    schedule_id   text PRIMARY KEY,
    division_code text NOT NULL,
    day           date NOT NULL,
    doc           jsonb NOT NULL,
    version       integer NOT NULL
);
CREATE INDEX IF NOT EXISTS reception_index_day ON {schema}.reception_index (day, schedule_id);
"""


def public(schedule: Schedule) -> dict[str, Any]:
    """A schedule as anyone may read it: what was published, how many seats are left."""
    assert schedule.published is not None
    return {
        **schedule.published.model_dump(mode="json"),
        "booked": schedule.booked,
        "remaining": schedule.remaining,
    }


async def save(conn: asyncpg.Connection, schema: str, schedule: Schedule) -> None:
    if schedule.published is None:
        return
    await conn.execute(
        f"""INSERT INTO {schema}.reception_index (schedule_id, division_code, day, doc, version)
            VALUES ($1, $2, $3, $4::jsonb, $5)
            ON CONFLICT (schedule_id) DO UPDATE SET doc = EXCLUDED.doc, version = EXCLUDED.version
            WHERE {schema}.reception_index.version < EXCLUDED.version""",
        schedule.published.schedule_id,
        schedule.published.division_code,
        schedule.published.day,
        orjson.dumps(public(schedule)).decode(),
        schedule.version,
    )


async def upcoming(conn: asyncpg.Connection, schema: str, within: str, since: date, limit: int) -> list[dict[str, Any]]:
    """Reception days from `since` on, held in divisions whose code starts with `within`, soonest first."""
    rows = await conn.fetch(
        f"""SELECT doc FROM {schema}.reception_index
            WHERE day >= $1 AND starts_with(division_code, $2)
            ORDER BY day, schedule_id LIMIT $3""",
        since,
        within,
        limit,
    )
    return [orjson.loads(row["doc"]) for row in rows]
