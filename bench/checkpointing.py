"""What signed checkpoints cost appends: group-commit throughput with the checkpointer running and without.

Both runs write the same number of events with the same writers into fresh schemas, in
alternating order (off, on, off, on) so a busy machine's drift hits both alike; the
checkpointer runs as in a service (every 1000 events or 60 s, a real Ed25519 key, a publish that
only counts). The cost is 1 - with/without, in percent (target: at most 5).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

import asyncpg

from shared.audit.checkpoint import Signer
from shared.audit.checkpointer import Checkpointer
from shared.audit.tree_store import TreeStore, tree_ddl
from shared.clock import SystemClock
from shared.events import Metadata, SystemClockMoved
from shared.eventstore.group import GroupCommit
from shared.eventstore.port import Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore

CALLERS = 64
ROUNDS = 2


async def _run(pool: asyncpg.Pool, db_url: str, events: int, batch: int, checkpoints: bool) -> tuple[float, int]:
    schema = f"bench_ckpt_{uuid.uuid4().hex[:8]}"
    await migrate(pool, schema, tree_ddl(schema))
    store = PostgresEventStore(schema, "/pujiang/bench", SystemClock())
    meta = Metadata(correlation_id=uuid.uuid4(), actor="bench")
    now = SystemClock().now()
    todo = [Append(f"s-{uuid.uuid4()}", 0, [SystemClockMoved(offset_ms=i, now=now)], meta, f"case-{i}")
            for i in range(events)]  # fmt: skip
    committer = GroupCommit(pool, store, max_group=batch)
    published = 0

    async def publish(_log: str, _record: dict[str, Any]) -> None:
        nonlocal published
        published += 1

    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(db_url)  # as in a service: its own connection, not the writers'

    checkpointer = Checkpointer(connect, TreeStore(store), Signer.generate(), publish, every=1000, interval_s=60)
    task = asyncio.create_task(checkpointer.run()) if checkpoints else None
    try:

        async def caller() -> None:
            while todo:
                await committer.append(todo.pop())

        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(CALLERS)))
        elapsed = time.perf_counter() - began
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return events / elapsed, published


async def measure(pool: asyncpg.Pool, db_url: str, events: int = 20_000, batch: int = 250) -> dict[str, Any]:
    without: list[float] = []
    with_: list[float] = []
    made = 0
    for _ in range(ROUNDS):
        rate, _ = await _run(pool, db_url, events, batch, checkpoints=False)
        without.append(rate)
        rate, count = await _run(pool, db_url, events, batch, checkpoints=True)
        with_.append(rate)
        made += count
    off, on = sum(without) / len(without), sum(with_) / len(with_)
    return {
        "events_per_run": events,
        "without_per_s": off,
        "with_per_s": on,
        "cost_pct": (1 - on / off) * 100,
        "checkpoints_made": made,
    }
