"""Reads of the serving generation: one case, a page of cases, a division's counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import orjson

from services.projections.adapters.schema import LEVEL_COLUMNS
from services.projections.domain.topics import Petition, decoded
from shared.divisions import level_of
from shared.vocabulary import Level

_COLUMN_OF = dict(zip(reversed(list(Level)), LEVEL_COLUMNS, strict=True))


def level_column(division: str) -> str:
    """The case_view column holding the division's code on every case under it (indexed with opened_at)."""
    return _COLUMN_OF[level_of(division)]


@dataclass(frozen=True)
class CaseFilter:
    division: str
    statuses: tuple[str, ...] = ()
    level: str | None = None
    category: str | None = None
    channel: str | None = None
    resolved_level: str | None = None
    overdue: bool | None = None
    at_risk: bool | None = None


async def case_doc(conn: asyncpg.Connection, schema: str, case_id: str) -> dict[str, Any] | None:
    doc = await conn.fetchval(f"SELECT doc FROM {schema}.case_view WHERE case_id = $1", case_id)
    return None if doc is None else dict(orjson.loads(doc))


async def case_page(
    conn: asyncpg.Connection, schema: str, f: CaseFilter, limit: int, after: tuple[datetime, str] | None
) -> tuple[list[dict[str, Any]], tuple[datetime, str] | None]:
    """Newest first; the next page starts after the returned key (None on the last page)."""
    column = level_column(f.division)
    rows = await conn.fetch(
        f"""SELECT doc - 'timeline' AS doc, opened_at, case_id FROM {schema}.case_view
            WHERE {column} = $1
              AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[]))
              AND ($3::text IS NULL OR level = $3) AND ($4::text IS NULL OR category = $4)
              AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR doc->>'resolved_level' = $6)
              AND ($7::boolean IS NULL OR overdue = $7) AND ($8::boolean IS NULL OR at_risk = $8)
              AND ($9::timestamptz IS NULL OR (opened_at, case_id) < ($9, $10))
            ORDER BY opened_at DESC, case_id DESC LIMIT $11""",
        f.division,
        list(f.statuses),
        f.level,
        f.category,
        f.channel,
        f.resolved_level,
        f.overdue,
        f.at_risk,
        after[0] if after else None,
        after[1] if after else "",
        limit + 1,
    )
    cases = [orjson.loads(row["doc"]) for row in rows[:limit]]
    more = len(rows) > limit
    return cases, (rows[limit - 1]["opened_at"], rows[limit - 1]["case_id"]) if more else None


async def counters(conn: asyncpg.Connection, schema: str, division: str, since: date) -> dict[tuple[str, str], int]:
    rows = await conn.fetch(
        f"SELECT metric, key, n FROM {schema}.rollup WHERE division = $1 AND (metric <> 'new' OR key >= $2)",
        division,
        since.isoformat(),
    )
    return {(row["metric"], row["key"]): int(row["n"]) for row in rows}


async def hot_rows(
    conn: asyncpg.Connection, schema: str, division: str, today: date
) -> list[tuple[str, str, int, int, int]]:
    """New cases per (place below the division, category): last 7 days, the 7 before, last 30."""
    week, fortnight, month = (str(today - timedelta(days=d)) for d in (6, 13, 29))
    where = "division = $1" if level_of(division) == Level.VILLAGE else "parent = $1"
    rows = await conn.fetch(
        f"""SELECT division, split_part(key, '|', 2) AS category,
                   coalesce(sum(n) FILTER (WHERE key >= $2), 0) AS n7,
                   coalesce(sum(n) FILTER (WHERE key >= $3 AND key < $2), 0) AS p7,
                   coalesce(sum(n) FILTER (WHERE key >= $4), 0) AS n30
            FROM {schema}.rollup WHERE {where} AND metric = 'new' AND key >= $4 AND key < $5
            GROUP BY 1, 2""",
        division,
        week,
        fortnight,
        month,
        str(today + timedelta(days=1)),
    )
    return [(r["division"], r["category"], int(r["n7"]), int(r["p7"]), int(r["n30"])) for r in rows]


async def last_event_time(conn: asyncpg.Connection, schema: str) -> datetime | None:
    value = await conn.fetchval(f"SELECT max(updated_at) FROM {schema}.case_view")
    return value if isinstance(value, datetime) else None


async def petitions(
    conn: asyncpg.Connection,
    schema: str,
    division: str,
    since: datetime,
    until: datetime,
    category: str | None,
    most: int,
) -> list[Petition]:
    """The newest `most` cases of the division (and below) received in [since, until) that have terms.

    One range of the level column's (division, opened_at) index: the period's cases, never all of them.
    """
    column = _COLUMN_OF[level_of(division)]
    rows = await conn.fetch(
        f"""SELECT case_id, category, division, opened_at, terms FROM {schema}.case_view
            WHERE {column} = $1 AND opened_at >= $2 AND opened_at < $3 AND terms <> ''
              AND ($4::text IS NULL OR category = $4)
            ORDER BY opened_at DESC, case_id DESC LIMIT $5""",
        division,
        since,
        until,
        category,
        most,
    )
    return [
        Petition(r["case_id"], r["category"] or "other", r["division"] or division, r["opened_at"], decoded(r["terms"]))
        for r in rows
    ]


async def titles(conn: asyncpg.Connection, schema: str, case_ids: list[str]) -> dict[str, str | None]:
    """Each case's title (by primary key: a topic's few examples)."""
    rows = await conn.fetch(
        f"SELECT case_id, doc->>'title' AS title FROM {schema}.case_view WHERE case_id = ANY($1::text[])", case_ids
    )
    return {r["case_id"]: r["title"] for r in rows}
