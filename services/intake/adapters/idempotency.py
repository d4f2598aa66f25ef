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

# What the first request with a key was answered: its kind ("submitted", "linked") and its body.
Answer = tuple[str, dict[str, Any]]
# The `status` column predates typed answers and keeps its values (the HTTP statuses they were
# sent with), so keys recorded before still replay.
_STATUS = {"submitted": 201, "linked": 200}
_KIND = {status: kind for kind, status in _STATUS.items()}


class KeyReused(Exception):
    """The key was first used with a different request body."""


async def claim(
    conn: asyncpg.Connection, schema: str, requests: dict[str, str]
) -> dict[str, Answer | KeyReused | None]:
    """Claim keys (key -> request hash) inside the caller's transaction: None where claimed now.

    A key claimed by a concurrent transaction waits on its row lock until that one commits, then
    shows its answer, so two retries racing each other still create one petition. Keys are taken
    in sorted order, so two transactions claiming overlapping keys wait for each other, never deadlock.
    """
    keys = sorted(requests)
    claimed = await conn.fetch(
        f"""INSERT INTO {schema}.idempotency (key, request_hash)
            SELECT key, request_hash FROM unnest($1::text[], $2::text[]) AS r(key, request_hash) ORDER BY key
            ON CONFLICT DO NOTHING RETURNING key""",
        keys,
        [requests[k] for k in keys],
    )
    found: dict[str, Answer | KeyReused | None] = dict.fromkeys((row["key"] for row in claimed), None)
    used = [k for k in keys if k not in found]
    if used:
        rows = await conn.fetch(
            f"SELECT key, request_hash, status, response FROM {schema}.idempotency WHERE key = ANY($1::text[])", used
        )
        for row in rows:
            if row["request_hash"] != requests[row["key"]]:
                found[row["key"]] = KeyReused(row["key"])
            else:
                found[row["key"]] = (_KIND[row["status"]], orjson.loads(row["response"]))
    return found


async def remember(conn: asyncpg.Connection, schema: str, answers: dict[str, Answer]) -> None:
    """Keep the answer of each claimed key, in the transaction that claimed it."""
    if not answers:
        return
    keys = sorted(answers)
    await conn.execute(
        f"""UPDATE {schema}.idempotency i SET status = a.status, response = a.response
            FROM unnest($1::text[], $2::int[], $3::jsonb[]) AS a(key, status, response) WHERE i.key = a.key""",
        keys,
        [_STATUS[answers[k][0]] for k in keys],
        [orjson.dumps(answers[k][1]).decode() for k in keys],
    )
