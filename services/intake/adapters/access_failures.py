"""Wrong access codes, counted per tracking code, so guessing one is throttled (429).

Kept in PostgreSQL, not in memory, so every intake instance counts the same failures. Times are
the database's own wall clock: throttling protects the live system, the simulated clock does not
apply to it.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg

ACCESS_FAILURES_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.access_failures (
    tracking_code text NOT NULL,
    failed_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS access_failures_code ON {schema}.access_failures (tracking_code, failed_at);
CREATE INDEX IF NOT EXISTS access_failures_age ON {schema}.access_failures (failed_at);
"""


async def recent(conn: asyncpg.Connection, schema: str, tracking_code: str, window: timedelta) -> int:
    """How many wrong codes were sent for this tracking code within `window`."""
    count = await conn.fetchval(
        f"""SELECT count(*) FROM {schema}.access_failures
            WHERE tracking_code = $1 AND failed_at > clock_timestamp() - $2::interval""",
        tracking_code,
        window,
    )
    return int(count)


async def failed(conn: asyncpg.Connection, schema: str, tracking_code: str, window: timedelta) -> None:
    """Count one more wrong code, forgetting every one older than `window`."""
    async with conn.transaction():
        await conn.execute(
            f"DELETE FROM {schema}.access_failures WHERE failed_at <= clock_timestamp() - $1::interval", window
        )
        await conn.execute(f"INSERT INTO {schema}.access_failures (tracking_code) VALUES ($1)", tracking_code)
