"""Where a service keeps its log's Merkle tree: its leaves by block, and signed checkpoints, in its own schema.

The tree keeps the leaves as they were when signed (a block's 256 leaf hashes in one row, the
open block's with each checkpoint), so a proof is built from the tree the signature covers, not
from the events as they are now: an event rewritten later fails its own proof and nobody
else's, and the audit names it. None of it is secret, and none of it is trusted: rows changed
later cannot produce a signature, and the verifier recomputes everything from the events and
the signed roots.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from shared.audit.blocks import BLOCK
from shared.audit.checkpoint import Checkpoint
from shared.audit.merkle import HASH_SIZE, leaf_hash
from shared.eventstore.port import START, EventStore, Position


def tree_ddl(schema: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS {schema}.merkle_blocks (
    block         bigint PRIMARY KEY,
    -- where the block's last leaf lies in the global order: the next block starts after it
    last_tx       xid8 NOT NULL,
    last_position bigint NOT NULL,
    root          bytea NOT NULL,
    leaves        bytea NOT NULL    -- its 256 leaf hashes, 32 bytes each, in leaf order
);
CREATE TABLE IF NOT EXISTS {schema}.merkle_checkpoints (
    size          bigint PRIMARY KEY,
    last_tx       xid8 NOT NULL,
    last_position bigint NOT NULL,
    record        jsonb NOT NULL,   -- what was published: checkpoint, public key, consistency proof
    open_leaves   bytea NOT NULL,   -- the leaves of the block still open at this size
    published     boolean NOT NULL DEFAULT false
);
"""


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    checkpoint: Checkpoint
    last: Position
    record: dict[str, Any]
    open_leaves: bytes = b""


def split_leaves(packed: bytes) -> list[bytes]:
    return [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]


def leaf_of(event_hash: str) -> bytes:
    """An event's leaf hash: SHA-256(0x00 || the 32 bytes of its chain hash) (docs/audit.md §2)."""
    return leaf_hash(bytes.fromhex(event_hash))


class TreeStore:
    """The Merkle rows of one service's schema, and the leaves read back from its event store."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        schema = store.schema
        self._blocks = f"{schema}.merkle_blocks"
        self._checkpoints = f"{schema}.merkle_checkpoints"

    async def blocks(self, conn: asyncpg.Connection, start: int = 0) -> list[tuple[Position, bytes]]:
        rows = await conn.fetch(
            f"SELECT last_tx::text AS tx, last_position, root FROM {self._blocks} WHERE block >= $1 ORDER BY block",
            start,
        )
        return [(Position(int(r["tx"]), r["last_position"]), bytes(r["root"])) for r in rows]

    async def add(
        self,
        conn: asyncpg.Connection,
        first_block: int,
        blocks: list[tuple[Position, bytes, list[bytes]]],
        stored: StoredCheckpoint,
    ) -> None:
        """New complete blocks (last place, root, leaves) and the checkpoint that covers them, in one transaction."""
        async with conn.transaction():
            if blocks:
                await conn.executemany(
                    f"""INSERT INTO {self._blocks} (block, last_tx, last_position, root, leaves)
                        VALUES ($1, $2::text::xid8, $3, $4, $5)""",
                    [(first_block + i, str(p.tx_id), p.position, root, b"".join(leaves))
                     for i, (p, root, leaves) in enumerate(blocks)],
                )  # fmt: skip
            await conn.execute(
                f"""INSERT INTO {self._checkpoints} (size, last_tx, last_position, record, open_leaves)
                    VALUES ($1, $2::text::xid8, $3, $4::jsonb, $5)""",
                stored.checkpoint.size,
                str(stored.last.tx_id),
                stored.last.position,
                orjson.dumps(stored.record).decode(),
                stored.open_leaves,
            )

    async def latest(self, conn: asyncpg.Connection, count: int = 1) -> list[StoredCheckpoint]:
        """The newest `count` checkpoints, oldest first."""
        rows = await conn.fetch(
            f"""SELECT last_tx::text AS tx, last_position, record::text AS record, open_leaves
                FROM {self._checkpoints} ORDER BY size DESC LIMIT $1""",
            count,
        )
        return [_stored(r) for r in reversed(rows)]

    async def unpublished(self, conn: asyncpg.Connection) -> list[StoredCheckpoint]:
        rows = await conn.fetch(
            f"""SELECT last_tx::text AS tx, last_position, record::text AS record, open_leaves
                FROM {self._checkpoints} WHERE NOT published ORDER BY size"""
        )
        return [_stored(r) for r in rows]

    async def mark_published(self, conn: asyncpg.Connection, size: int) -> None:
        await conn.execute(f"UPDATE {self._checkpoints} SET published = true WHERE size = $1", size)

    async def block_leaves(self, conn: asyncpg.Connection, block: int, latest: StoredCheckpoint) -> list[bytes]:
        """Block `block`'s leaves as signed: a complete block's row, else the latest checkpoint's open block."""
        packed = await conn.fetchval(f"SELECT leaves FROM {self._blocks} WHERE block = $1", block)
        if packed is None:
            if block != latest.checkpoint.size // BLOCK:
                raise LookupError(f"block {block} is neither complete nor open at the latest checkpoint")
            packed = latest.open_leaves
        return split_leaves(bytes(packed))

    async def block_places(self, conn: asyncpg.Connection, lasts: list[Position], block: int) -> list[Position]:
        """Where the leaves of `block` lie in the global order (read from the events, in order).

        One more than a block holds is read, so a range that gained an event shows it.
        """
        after = START if block == 0 else lasts[block - 1]
        return [p for p, _ in await self.store.read_hashes(conn, after, BLOCK + 1)]


def block_of(lasts: list[Position], position: Position) -> int:
    """The block an event at `position` falls in, given each complete block's last position."""
    return bisect.bisect_left(lasts, position)


def _stored(row: asyncpg.Record) -> StoredCheckpoint:
    record = orjson.loads(row["record"])
    return StoredCheckpoint(
        Checkpoint.from_json(record["checkpoint"]),
        Position(int(row["tx"]), row["last_position"]),
        record,
        bytes(row["open_leaves"]),
    )
