"""The scorecard and trend fact tables of a generation: their layout, how a case's facts move them.

`unit_facts (scope, parent, day, metric) -> n` and `trend (division, day, category, metric) -> n`
are, like `rollup`, the sums of every case's current facts (`domain/unit_facts.py`); each case's
own facts are kept in `case_view.facts` so the next change moves the tables by the difference.
A period's scorecard is a sum over an index range: `(scope, day)` for one scope, `(parent, day)`
for the peers below a division; a trend is `(division, day)`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import asyncpg
import orjson

from services.projections.domain.rollup import divisions_counting
from services.projections.domain.unit_facts import TrendFact, UnitFact
from shared.jurisdiction.departments import split_department_id
from shared.jurisdiction.divisions import is_division_code, parent_of

TrendCell = tuple[str, str, str, str]  # (division, day, category, metric)

TABLES_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.unit_facts (
    scope  text NOT NULL,
    parent text,
    day    date NOT NULL,
    metric text NOT NULL,
    n      bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.trend (
    division text NOT NULL,
    day      date NOT NULL,
    category text NOT NULL,
    metric   text NOT NULL,
    n        bigint NOT NULL
);
"""


def index_ddl(schema: str) -> list[str]:
    return [
        f"ALTER TABLE {schema}.unit_facts ADD PRIMARY KEY (scope, day, metric)",
        f"CREATE INDEX unit_facts_peers ON {schema}.unit_facts (parent, day) INCLUDE (scope, metric, n)",
        f"ALTER TABLE {schema}.trend ADD PRIMARY KEY (division, day, category, metric)",
    ]


def peer_parent(scope: str) -> str | None:
    """The division whose peers a scope is ranked among: a place's area among its parent's
    children, a department among its county's departments; a unit of a place is no peer."""
    kind, _, name = scope.partition(":")
    if kind == "area":
        return parent_of(name) if is_division_code(name) else None
    department = split_department_id(name)
    return department[0] if department else None


def encode(unit: dict[UnitFact, int], trend: dict[TrendFact, int]) -> str:
    return orjson.dumps(
        {"u": [[*k, n] for k, n in sorted(unit.items())], "t": [[*k, n] for k, n in sorted(trend.items())]}
    ).decode()


def decode(stored: str | None) -> tuple[dict[UnitFact, int], dict[TrendFact, int]]:
    found: dict[str, list[list[Any]]] = orjson.loads(stored) if stored else {}
    return (
        {(s, d, m): n for s, d, m, n in found.get("u", [])},
        {(d, c, m): n for d, c, m, n in found.get("t", [])},
    )


def spread_trend(division: str | None, trend: dict[TrendFact, int]) -> Counter[TrendCell]:
    cells: Counter[TrendCell] = Counter()
    if division is None:
        return cells
    for code in divisions_counting(division):
        for (day, category, metric), n in trend.items():
            cells[code, day, category, metric] += n
    return cells


async def move(conn: asyncpg.Connection, schema: str, units: Counter[UnitFact], trend: Counter[TrendCell]) -> None:
    """Move both tables by these differences (sorted: one lock order for every writer)."""
    unit_cells = sorted(k for k, n in units.items() if n)
    if unit_cells:
        await _upsert(
            conn, f"{schema}.unit_facts", ("scope", "day", "metric"), "parent",
            [list(c) for c in zip(*unit_cells, strict=True)], [peer_parent(c[0]) for c in unit_cells],
            [units[c] for c in unit_cells],
        )  # fmt: skip
    trend_cells = sorted(k for k, n in trend.items() if n)
    if trend_cells:
        await _upsert(
            conn, f"{schema}.trend", ("division", "day", "category", "metric"), None,
            [list(c) for c in zip(*trend_cells, strict=True)], None, [trend[c] for c in trend_cells],
        )  # fmt: skip


async def _upsert(
    conn: asyncpg.Connection,
    table: str,
    key: tuple[str, ...],
    extra: str | None,
    columns: list[list[str]],
    extras: list[str | None] | None,
    moves: list[int],
) -> None:
    types = ["date" if name == "day" else "text" for name in key]
    names = [*key, *([extra] if extra else []), "n"]
    arrays = [*(f"${i}::text[]" for i in range(1, len(key) + 1))]
    if extra:
        arrays.append(f"${len(key) + 1}::text[]")
    arrays.append(f"${len(names)}::bigint[]")
    select = ", ".join(f"{n}::{t}" for n, t in zip(key, types, strict=True))
    select += (f", {extra}" if extra else "") + ", n"
    keys = ", ".join(key)
    emptied = await conn.fetchval(
        f"""WITH moved AS (
                INSERT INTO {table} AS r ({", ".join(names)})
                SELECT {select} FROM unnest({", ".join(arrays)}) AS u({", ".join(names)})
                ON CONFLICT ({keys}) DO UPDATE SET n = r.n + EXCLUDED.n RETURNING n)
            SELECT count(*) FILTER (WHERE n = 0) FROM moved""",
        *columns,
        *([extras] if extra else []),
        moves,
    )
    if emptied:
        casts = ", ".join(f"${i}::text[]" for i in range(1, len(key) + 1))
        await conn.execute(
            f"""DELETE FROM {table} WHERE n = 0 AND ({keys}) IN (
                    SELECT {", ".join(f"{n}::{t}" for n, t in zip(key, types, strict=True))}
                    FROM unnest({casts}) AS u({keys}))""",
            *columns,
        )


# --- the bulk path: staged in unlogged tables, summed once ---------------------------------------


async def prepare_bulk(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(
        f"""CREATE UNLOGGED TABLE {schema}.unit_facts_staging
                (scope text, parent text, day date, metric text, n bigint);
            CREATE UNLOGGED TABLE {schema}.trend_staging
                (division text, day date, category text, metric text, n bigint)"""
    )


async def stage(conn: asyncpg.Connection, schema: str, units: Counter[UnitFact], trend: Counter[TrendCell]) -> None:
    await conn.copy_records_to_table(
        "unit_facts_staging", schema_name=schema,
        records=[(s, peer_parent(s), date.fromisoformat(d), m, n) for (s, d, m), n in units.items() if n],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "trend_staging", schema_name=schema,
        records=[(v, date.fromisoformat(d), c, m, n) for (v, d, c, m), n in trend.items() if n],
    )  # fmt: skip


async def finish_bulk(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(
        f"""INSERT INTO {schema}.unit_facts (scope, parent, day, metric, n)
            SELECT scope, min(parent), day, metric, sum(n) FROM {schema}.unit_facts_staging
            GROUP BY scope, day, metric HAVING sum(n) <> 0;
            INSERT INTO {schema}.trend (division, day, category, metric, n)
            SELECT division, day, category, metric, sum(n) FROM {schema}.trend_staging
            GROUP BY division, day, category, metric HAVING sum(n) <> 0;
            DROP TABLE {schema}.unit_facts_staging; DROP TABLE {schema}.trend_staging"""
    )
