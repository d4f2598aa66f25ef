"""The petitioners' data keys, wrapped by the master key: one row per person's key, in intake's schema.

The master key is never here (configuration or a key file, shared/sealing.py). Erasure destroys a
row's wrapped key (`wrapped` NULL, `erased_at` set); the events keep their ciphertext, which then
opens nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import asyncpg

from shared.sealing import DataKey, Sealer

PERSONAL_KEYS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.personal_keys (
    key_id        text PRIMARY KEY,
    -- the case id for a petition's people, `booking|<id>` for a reception booking's
    owner         text NOT NULL,
    master_key_id text NOT NULL,
    wrapped       bytea,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    erased_at     timestamptz,
    erasure_id    text,
    CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS personal_keys_owner ON {schema}.personal_keys (owner);
"""


class Held(NamedTuple):
    """A data key as found: open (`key`), or erased at `erased_at`."""

    key: DataKey | None
    erased_at: datetime | None


async def add(conn: asyncpg.Connection, schema: str, sealer: Sealer, keys: Sequence[tuple[str, DataKey]]) -> None:
    """Store new data keys (owner, key), wrapped, with one statement."""
    if not keys:
        return
    await conn.execute(
        f"""INSERT INTO {schema}.personal_keys (key_id, owner, master_key_id, wrapped)
            SELECT k, o, $3, w FROM unnest($1::text[], $2::text[], $4::bytea[]) AS u(k, o, w)""",
        [key.key_id for _, key in keys],
        [owner for owner, _ in keys],
        sealer.master_key_id,
        [sealer.wrap(key) for _, key in keys],
    )


async def held(conn: asyncpg.Connection, schema: str, sealer: Sealer, key_ids: Sequence[str]) -> dict[str, Held]:
    """The keys of these ids that exist, unwrapped (erased ones without a key)."""
    if not key_ids:
        return {}
    rows = await conn.fetch(
        f"SELECT key_id, wrapped, erased_at FROM {schema}.personal_keys WHERE key_id = ANY($1::text[])",
        list(set(key_ids)),
    )
    return {
        r["key_id"]: Held(
            None if r["wrapped"] is None else sealer.unwrap(r["key_id"], bytes(r["wrapped"])), r["erased_at"]
        )
        for r in rows
    }


async def destroy(
    conn: asyncpg.Connection, schema: str, owner: str, erasure_id: str, key_ids: Sequence[str]
) -> list[str]:
    """Destroy these keys of `owner` not yet destroyed; answers their ids."""
    rows = await conn.fetch(
        f"""UPDATE {schema}.personal_keys SET wrapped = NULL, erased_at = clock_timestamp(), erasure_id = $2
            WHERE owner = $1 AND key_id = ANY($3::text[]) AND wrapped IS NOT NULL RETURNING key_id""",
        owner,
        erasure_id,
        list(key_ids),
    )
    return sorted(r["key_id"] for r in rows)
