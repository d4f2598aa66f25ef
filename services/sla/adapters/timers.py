"""Durable timers: the next instant each open clock must be looked at, indexed by that instant.

A row is written in the same transaction as the clock events it follows from, so timers and
clocks never disagree after a crash. Every writer of a case's clocks first takes the case's
transaction lock; the firing pass only tries it and leaves a busy case for its next pass, and
it claims rows with SKIP LOCKED, so side-by-side instances never wait on each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import asyncpg

TIMERS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.timers (
    case_id  text NOT NULL,
    clock_id text NOT NULL,
    fire_at  timestamptz NOT NULL,
    PRIMARY KEY (case_id, clock_id)
);
CREATE INDEX IF NOT EXISTS timers_fire_at ON {schema}.timers (fire_at);
"""


class TimerStore:
    def __init__(self, schema: str) -> None:
        self.schema = schema
        self._table = f"{schema}.timers"

    async def lock_case(self, conn: asyncpg.Connection, case_id: str) -> None:
        """Wait for, then hold until commit, the right to change this case's clocks."""
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", self._table, case_id)

    async def try_lock_cases(self, conn: asyncpg.Connection, case_ids: list[str]) -> list[str]:
        """Those of the cases whose lock we got (held until commit); nobody waits on anybody."""
        rows = await conn.fetch(
            """SELECT case_id FROM unnest($2::text[]) AS case_id
               WHERE pg_try_advisory_xact_lock(hashtext($1), hashtext(case_id))""",
            self._table,
            case_ids,
        )
        return [row["case_id"] for row in rows]

    async def lock_cases(self, conn: asyncpg.Connection, case_ids: Sequence[str]) -> None:
        """`lock_case` for many cases in one statement, always in case id order (no two waiters cross)."""
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1), hashtext(c)) FROM unnest($2::text[]) AS c",
            self._table,
            sorted(set(case_ids)),
        )

    async def schedule(self, conn: asyncpg.Connection, timers: Mapping[str, Mapping[str, datetime]]) -> None:
        """Make each case's rows exactly its `timers` (case id -> clock id -> next firing), in one statement."""
        if not timers:
            return
        rows = [(case_id, clock_id, at) for case_id, clocks in timers.items() for clock_id, at in clocks.items()]
        await conn.execute(
            f"""WITH wanted AS (
                    SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS w(case_id, clock_id, fire_at)
                ), gone AS (
                    DELETE FROM {self._table} t WHERE t.case_id = ANY($4::text[]) AND NOT EXISTS
                        (SELECT 1 FROM wanted w WHERE w.case_id = t.case_id AND w.clock_id = t.clock_id)
                )
                INSERT INTO {self._table} (case_id, clock_id, fire_at) SELECT * FROM wanted
                ON CONFLICT (case_id, clock_id) DO UPDATE SET fire_at = EXCLUDED.fire_at""",
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            list(timers),
        )

    async def claim_due(self, conn: asyncpg.Connection, now: datetime, limit: int) -> list[tuple[str, str]]:
        """Lock up to `limit` rows due at `now`, earliest first, skipping rows others hold."""
        rows = await conn.fetch(
            f"""SELECT case_id, clock_id FROM {self._table} WHERE fire_at <= $1
                ORDER BY fire_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now,
            limit,
        )
        return [(row["case_id"], row["clock_id"]) for row in rows]

    async def reset(self, conn: asyncpg.Connection, timers: Iterable[tuple[str, str, datetime | None]]) -> None:
        """Set (or, for None, remove) the rows this pass claimed: (case id, clock id, next firing)."""
        gone = [(case_id, clock_id) for case_id, clock_id, at in timers if at is None]
        moved = [(case_id, clock_id, at) for case_id, clock_id, at in timers if at is not None]
        if gone:
            await conn.execute(
                f"""DELETE FROM {self._table} t USING unnest($1::text[], $2::text[]) AS g(case_id, clock_id)
                    WHERE t.case_id = g.case_id AND t.clock_id = g.clock_id""",
                *map(list, zip(*gone, strict=True)),
            )
        if moved:
            await conn.execute(
                f"""UPDATE {self._table} t SET fire_at = m.fire_at
                    FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS m(case_id, clock_id, fire_at)
                    WHERE t.case_id = m.case_id AND t.clock_id = m.clock_id""",
                *map(list, zip(*moved, strict=True)),
            )

    async def next_fire_at(self, conn: asyncpg.Connection) -> datetime | None:
        return await conn.fetchval(f"SELECT min(fire_at) FROM {self._table}")  # type: ignore[no-any-return]
