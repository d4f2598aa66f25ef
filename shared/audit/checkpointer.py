"""Each service's checkpointer: grows its log's Merkle tree and signs a checkpoint every so often.

One instance per service is leader (a PostgreSQL advisory lock held on its own connection, as
the relay does); the others wait. A pass reads the leaves that are new since the last checkpoint
(only each event's place and hash, in the global order, never past a still-open transaction),
and when `every` of them have gathered, or `interval_s` has passed with any, it signs the new
size and root, stores the new block roots and the checkpoint in one transaction, then publishes
the checkpoint (Kafka, and files when configured). A checkpoint stored but not yet published is
published by the next pass, so a crash loses none.

The signing key is read from a file (`Signer`); the database only ever sees public keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import structlog

from shared.audit.blocks import BLOCK, BlockedTree, TreeView, blocks_needed_for_consistency
from shared.audit.checkpoint import Signer, public_key_json
from shared.audit.merkle import consistency_proof, leaf_hashes
from shared.audit.tree_store import StoredCheckpoint, TreeStore, leaf_of, split_leaves
from shared.eventstore.port import START, Position

log = structlog.get_logger()

READ_BATCH = 5000
Publish = Callable[[str, dict[str, Any]], Awaitable[None]]


class Checkpointer:
    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        tree_store: TreeStore,
        signer: Signer,
        publish: Publish,
        every: int = 1000,
        interval_s: float = 60.0,
        directory: Path | None = None,
        poll_s: float = 1.0,
    ) -> None:
        self._connect = connect
        self._trees = tree_store
        self._store = tree_store.store
        self._signer = signer
        self._publish = publish
        self._every = every
        self._interval_s = interval_s
        self._directory = directory
        self._poll_s = poll_s
        self._wakeup = asyncio.Event()
        self._waiting: list[asyncio.Future[None]] = []
        self.is_leader = False
        self.made = 0
        # The tree so far, as of the last checkpoint.
        self._tree = BlockedTree()
        self._lasts: list[Position] = []  # each complete block's last leaf
        self._roots: list[bytes] = []
        self._cursor = START
        self._last: StoredCheckpoint | None = None
        self._last_at = 0.0

    @property
    def log(self) -> str:
        return self._store.source

    async def checkpoint_now(self, wait_s: float = 10.0) -> bool:
        """Ask the leader of this process to sign what is there now; False if we are not leader."""
        if not self.is_leader:
            return False
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._wakeup.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(done), wait_s)
        return done.done()

    async def run(self) -> None:
        schema = self._store.schema
        # A connection of its own, not one of the pool's: it is held for as long as we lead, and
        # the writers keep every pooled one.
        conn = await self._connect()
        try:
            await conn.fetchval("SELECT pg_advisory_lock(hashtext($1))", f"checkpoint:{schema}")
            self.is_leader = True
            try:
                await self._load(conn)
                log.info("checkpointer.leader", schema=schema, size=self._tree.size, key_id=self._signer.key_id)
                while True:
                    self._wakeup.clear()
                    waiting, self._waiting = self._waiting, []
                    await self._publish_pending(conn)
                    await self.step(conn, force=bool(waiting))
                    for done in waiting:
                        if not done.done():
                            done.set_result(None)
                    if not self._waiting:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._wakeup.wait(), self._poll_s)
            finally:
                self.is_leader = False
        finally:
            await conn.close()

    async def _load(self, conn: asyncpg.Connection) -> None:
        """The tree as the last checkpoint left it: block roots from their rows, the open block re-read."""
        blocks = await self._trees.blocks(conn)
        self._lasts = [p for p, _ in blocks]
        self._roots = [r for _, r in blocks]
        latest = await self._trees.latest(conn)
        self._last = latest[-1] if latest else None
        size = self._last.checkpoint.size if self._last else 0
        full = len(blocks)
        if size < full * BLOCK:
            raise RuntimeError(f"{self._store.schema}: block rows beyond the last checkpoint ({size})")
        opened = split_leaves(self._last.open_leaves) if self._last else []
        self._tree = BlockedTree(self._roots, opened)
        self._cursor = self._last.last if self._last else START
        if self._tree.size != size or (self._last and self._tree.root() != self._last.checkpoint.root):
            # Whoever can write the tables could change them; the signed root is what we trust.
            raise RuntimeError(f"{self._store.schema}: the stored tree does not give the last signed root")
        # The events as they are now against the leaves as signed: a rewrite shows here first.
        if size % BLOCK:
            now = await self._store.read_hashes(conn, self._block_start(full), len(opened))
            differ = next((i for i, (_, h) in enumerate(now) if leaf_of(h) != opened[i]), None)
            if differ is not None or len(now) != len(opened):
                # Where, and (with commit times kept) whether the event there committed after the signing.
                first: dict[str, Any] = {}
                if differ is not None:
                    place = now[differ][0]
                    first = {"leaf": differ, "tx_id": place.tx_id, "position": place.position,
                             "committed": await _committed_at(conn, place.tx_id)}  # fmt: skip
                log.error(
                    "checkpointer.events_differ_from_signed_leaves",
                    schema=self._store.schema,
                    block=full,
                    signed_at=self._last.checkpoint.time if self._last else None,
                    **first,
                )
        self._last_at = time.monotonic()

    async def step(self, conn: asyncpg.Connection, force: bool = False) -> StoredCheckpoint | None:
        """One pass: a new checkpoint if one is due (or forced) and there is anything new."""
        pending = await self._store.count_after(conn, self._cursor)
        if pending == 0:
            return None
        due = force or pending >= self._every or time.monotonic() - self._last_at >= self._interval_s
        if not due:
            return None
        first_block = len(self._roots)
        new_blocks: list[tuple[Position, bytes, list[bytes]]] = []
        cursor = self._cursor
        while True:
            # In columns and whole blocks at a time: per event this is most of what signing costs
            # the service's appends (bench/checkpointing.py).
            run = await self._store.read_hash_run(conn, cursor, READ_BATCH)
            for index, root, leaves in self._tree.extend(leaf_hashes(run.hashes)):
                new_blocks.append((run.place(index), root, leaves))
            if len(run):
                cursor = run.place(len(run) - 1)
            if len(run) < READ_BATCH:
                break
        if cursor == self._cursor:
            return None  # all still behind an open transaction
        stored = self._sign(cursor, new_blocks)
        await self._trees.add(conn, first_block, new_blocks, stored)
        # Only once stored: the in-memory tree moves with what the database holds.
        self._lasts += [p for p, _, _ in new_blocks]
        self._roots += [r for _, r, _ in new_blocks]
        self._cursor, self._last, self._last_at = cursor, stored, time.monotonic()
        self.made += 1
        await self._publish_pending(conn)
        return stored

    def _sign(self, cursor: Position, new_blocks: list[tuple[Position, bytes, list[bytes]]]) -> StoredCheckpoint:
        size = self._tree.size
        now = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        checkpoint = self._signer.sign(self.log, size, self._tree.root(), now)
        record: dict[str, Any] = {
            "checkpoint": checkpoint.to_json(),
            "key": public_key_json(self._signer.public_key),
            "previous": None,
            "consistency": [],
        }
        if self._last is not None:
            old = self._last.checkpoint.size
            record["previous"] = old
            record["consistency"] = [h.hex() for h in self._consistency(old, size, new_blocks)]
        return StoredCheckpoint(checkpoint, cursor, record, b"".join(self._tree.open_leaves))

    def _consistency(self, old: int, size: int, new_blocks: list[tuple[Position, bytes, list[bytes]]]) -> list[bytes]:
        roots = self._roots + [r for _, r, _ in new_blocks]
        leaves = {len(self._roots) + i: block for i, (_, _, block) in enumerate(new_blocks)}
        leaves[size // BLOCK] = self._tree.open_leaves
        for block in blocks_needed_for_consistency(old, size):
            if block not in leaves:
                raise LookupError(f"the leaves of block {block} were not kept")
        return consistency_proof(TreeView(roots, leaves).mth, old, size)

    def _block_start(self, block: int) -> Position:
        return START if block == 0 else self._lasts[block - 1]

    async def _publish_pending(self, conn: asyncpg.Connection) -> None:
        for stored in await self._trees.unpublished(conn):
            await self._publish(self.log, stored.record)
            if self._directory is not None:
                self._write_file(stored)
            await self._trees.mark_published(conn, stored.checkpoint.size)

    def _write_file(self, stored: StoredCheckpoint) -> None:
        assert self._directory is not None
        self._directory.mkdir(parents=True, exist_ok=True)
        name = f"{self._store.schema}-{stored.checkpoint.size:012d}.json"
        tmp = self._directory / f".{name}.tmp"
        tmp.write_bytes(orjson.dumps(stored.record, option=orjson.OPT_INDENT_2))
        tmp.replace(self._directory / name)


async def _committed_at(conn: asyncpg.Connection, tx_id: int) -> str | None:
    """When a transaction committed, where PostgreSQL keeps commit times (track_commit_timestamp)."""
    if await conn.fetchval("SELECT current_setting('track_commit_timestamp')") != "on":
        return None
    at = await conn.fetchval("SELECT pg_xact_commit_timestamp($1::text::xid8::xid)", str(tx_id))
    return None if at is None else at.isoformat()
