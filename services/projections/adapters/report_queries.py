"""Reads the monthly report needs beyond the fact tables: the month's resolutions by level (631)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from services.projections.adapters.queries import level_column


async def resolved_by_level(
    conn: asyncpg.Connection, schema: str, division: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Cases under the division whose latest resolution fell in [start, end), by the level that gave it.

    The same cases and level as `/v1/stats`' pyramid (`resolved_level`, the latest resolution),
    narrowed to those resolved in the period: one range of the division's index (cases opened
    before the period's end), never another division's cases.
    """
    rows = await conn.fetch(
        f"""SELECT doc->>'resolved_level' AS level, count(*) AS n FROM {schema}.case_view
            WHERE {level_column(division)} = $1 AND opened_at < $3
              AND (doc->>'resolved_at')::timestamptz >= $2 AND (doc->>'resolved_at')::timestamptz < $3
              AND doc->>'resolved_level' IS NOT NULL
            GROUP BY 1""",
        division,
        start,
        end,
    )
    return {str(row["level"]): int(row["n"]) for row in rows}
