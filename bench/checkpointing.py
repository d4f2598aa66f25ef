"""What signed checkpoints cost appends: group-commit throughput with the checkpointer running and without.

Each run appends for RUN_S seconds with the same writers into a fresh schema, in alternating
order (off, on, off, on) so a busy machine's drift hits both alike; the checkpointer runs as in
a service (every 1000 events or 60 s, polled each second, a real Ed25519 key, a publish that
only counts). The cost is 1 - with/without, in percent (target: at most 5); none is given if the
checkpointer signed nothing while on (a run shorter than its poll once measured noise as cost).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
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
ROUNDS = 3  # medians of three alternating pairs
RUN_S = 8.0  # each run: several of the checkpointer's 1 s polls, so it signs during the run


class _Log:
    """A fresh schema's event store and group commit, written to by CALLERS writers until a deadline."""

    def __init__(self, pool: asyncpg.Pool, batch: int) -> None:
        self.pool = pool
        self.schema = f"bench_ckpt_{uuid.uuid4().hex[:8]}"
        self.store = PostgresEventStore(self.schema, "/pujiang/bench", SystemClock())
        self._committer = GroupCommit(pool, self.store, max_group=batch)
        self._meta = Metadata(correlation_id=uuid.uuid4(), actor="bench")
        self._now = SystemClock().now()
        self.appended = 0

    async def create(self) -> None:
        await migrate(self.pool, self.schema, tree_ddl(self.schema))

    async def append_for(self, seconds: float) -> None:
        ends = time.perf_counter() + seconds

        async def caller() -> None:
            while time.perf_counter() < ends:
                i = self.appended
                self.appended += 1
                event = SystemClockMoved(offset_ms=i, now=self._now)
                await self._committer.append(Append(f"s-{uuid.uuid4()}", 0, [event], self._meta, f"case-{i}"))

        await asyncio.gather(*(caller() for _ in range(CALLERS)))

    async def drop(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def checkpointer(self, db_url: str, publish: Callable[[str, dict[str, Any]], Awaitable[None]]) -> Checkpointer:
        # A service's settings (every 1000 events, polled each second), a real Ed25519 key, and its
        # own connection, not the writers'.
        signer, trees = Signer.generate(), TreeStore(self.store)
        return Checkpointer(lambda: asyncpg.connect(db_url), trees, signer, publish, every=1000, interval_s=60)


async def _run(pool: asyncpg.Pool, db_url: str, batch: int, checkpoints: bool) -> tuple[float, int, int, float]:
    """Appends/s over RUN_S seconds, the checkpoints signed meanwhile, the events appended, and
    this process's CPU seconds per event (writers and checkpointer share it, as in a service)."""
    log = _Log(pool, batch)
    await log.create()
    published = 0

    async def publish(_log: str, _record: dict[str, Any]) -> None:
        nonlocal published
        published += 1

    task = asyncio.create_task(log.checkpointer(db_url, publish).run()) if checkpoints else None
    try:
        began, cpu = time.perf_counter(), time.process_time()
        await log.append_for(RUN_S)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await log.drop()
    return log.appended / elapsed, published, log.appended, cpu / log.appended


async def _signing_cpu(pool: asyncpg.Pool, db_url: str, batch: int) -> float:
    """The checkpointer alone: CPU seconds per event to sign what RUN_S / 2 seconds of appends stored."""
    log = _Log(pool, batch)
    await log.create()

    async def publish(_log: str, _record: dict[str, Any]) -> None:
        return None

    conn = await asyncpg.connect(db_url)
    try:
        await log.append_for(RUN_S / 2)
        cpu = time.process_time()
        await log.checkpointer(db_url, publish).step(conn, force=True)  # a fresh log's empty tree: one step signs all
        return (time.process_time() - cpu) / log.appended
    finally:
        await conn.close()
        await log.drop()


async def measure(pool: asyncpg.Pool, db_url: str, batch: int = 250) -> dict[str, Any]:
    """Alternating runs (off, on, off, on); no cost is claimed if no checkpoint was signed while on.

    Three costs: of throughput (the target's), of this process's CPU per event, and the
    checkpointer's own CPU per event measured alone against the writers' (a busy shared machine
    disturbs the last far less than wall-clock rates)."""
    without: list[float] = []
    with_: list[float] = []
    cpu_off: list[float] = []
    cpu_on: list[float] = []
    made = appended = 0
    for _ in range(ROUNDS):
        rate, _, _, cpu = await _run(pool, db_url, batch, checkpoints=False)
        without.append(rate)
        cpu_off.append(cpu)
        rate, count, events, cpu = await _run(pool, db_url, batch, checkpoints=True)
        with_.append(rate)
        cpu_on.append(cpu)
        made, appended = made + count, appended + events
    signing = statistics.median([await _signing_cpu(pool, db_url, batch) for _ in range(ROUNDS)])
    off, on = statistics.median(without), statistics.median(with_)
    cpu_without, cpu_with = statistics.median(cpu_off), statistics.median(cpu_on)
    return {
        "seconds_per_run": RUN_S,
        "without_per_s": off,
        "with_per_s": on,
        "cost_pct": (1 - on / off) * 100 if made else None,
        "cpu_us_per_event_without": cpu_without * 1e6,
        "cpu_us_per_event_with": cpu_with * 1e6,
        "cpu_cost_pct": (cpu_with / cpu_without - 1) * 100 if made else None,
        # The checkpointer's own CPU per event signed, measured alone, against the writers' per event
        # appended: the share of a service's CPU that signing takes, the least noisy of the three.
        "signing_cpu_us_per_event": signing * 1e6,
        "signing_cpu_share_pct": signing / cpu_without * 100,
        "checkpoints_made": made,
        "events_with_checkpoints": appended,
    }
