"""Reads of the fact tables: sums over a period's days, each an index range (adapters/facts.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import asyncpg

Sums = dict[str, dict[str, int]]  # scope -> metric -> n


async def scope_sums(conn: asyncpg.Connection, schema: str, scopes: list[str], start: date, end: date) -> Sums:
    """The named scopes' facts summed over [start, end] (primary key range per scope)."""
    rows = await conn.fetch(
        f"""SELECT scope, metric, sum(n)::bigint AS n FROM {schema}.unit_facts
            WHERE scope = ANY($1::text[]) AND day BETWEEN $2 AND $3 GROUP BY scope, metric""",
        scopes,
        start,
        end,
    )
    return _shaped(rows)


async def peer_sums(conn: asyncpg.Connection, schema: str, parent: str, start: date, end: date) -> Sums:
    """Every peer scope below `parent` (its places' areas, its departments), summed over [start, end]."""
    rows = await conn.fetch(
        f"""SELECT scope, metric, sum(n)::bigint AS n FROM {schema}.unit_facts
            WHERE parent = $1 AND day BETWEEN $2 AND $3 GROUP BY scope, metric""",
        parent,
        start,
        end,
    )
    return _shaped(rows)


def _shaped(rows: list[asyncpg.Record]) -> Sums:
    found: Sums = defaultdict(dict)
    for row in rows:
        found[row["scope"]][row["metric"]] = int(row["n"])
    return dict(found)


async def trend_rows(
    conn: asyncpg.Connection, schema: str, division: str, start: date, end: date, category: str | None
) -> list[tuple[date, str, str, int]]:
    """(day, category, metric, n) of a division over [start, end] (primary key range)."""
    rows = await conn.fetch(
        f"""SELECT day, category, metric, n FROM {schema}.trend
            WHERE division = $1 AND day BETWEEN $2 AND $3 AND ($4::text IS NULL OR category = $4)""",
        division,
        start,
        end,
        category,
    )
    return [(r["day"], r["category"], r["metric"], int(r["n"])) for r in rows]
