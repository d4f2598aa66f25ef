"""Idempotency keys: the first answer to a key is kept, in the same transaction as its effect."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

IDEMPOTENCY_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.idempotency (
    key          text PRIMARY KEY,
    request_hash text NOT NULL,
    status       integer,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""


class KeyReused(Exception):
    """The key was first used with a different request body."""


async def claim(conn: asyncpg.Connection, schema: str, key: str, request_hash: str) -> tuple[int, Any] | None:
    """Claim `key` inside the caller's transaction; the earlier answer if it was already used.

    A concurrent request with the same key waits on the row lock until the first commits, then
    sees its answer, so two retries racing each other still create one petition.
    """
    inserted = await conn.fetchval(
        f"INSERT INTO {schema}.idempotency (key, request_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
        key,
        request_hash,
    )
    if inserted:
        return None
    row = await conn.fetchrow(f"SELECT request_hash, status, response FROM {schema}.idempotency WHERE key = $1", key)
    assert row is not None
    if row["request_hash"] != request_hash:
        raise KeyReused(key)
    return int(row["status"]), orjson.loads(row["response"])


async def remember(conn: asyncpg.Connection, schema: str, key: str, status: int, response: Any) -> None:
    await conn.execute(
        f"UPDATE {schema}.idempotency SET status = $2, response = $3::jsonb WHERE key = $1",
        key,
        status,
        orjson.dumps(response).decode(),
    )
