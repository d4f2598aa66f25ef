"""The event store against a real PostgreSQL: the shared contract, then concurrency, append-only, global order."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg
import pytest

from shared.clock import SystemClock
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.port import Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import START, PostgresEventStore
from tests.support.event_store_contract import EventStoreContract, an_event, meta

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(pg_pool: asyncpg.Pool, schema: str) -> PostgresEventStore:
    await migrate(pg_pool, schema)
    return PostgresEventStore(schema, "/pujiang/test", SystemClock())


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    async def conn(self, pg_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
        async with pg_pool.acquire() as conn:
            yield conn

    def transaction(self, conn: Any) -> AbstractAsyncContextManager[Any]:
        return conn.transaction()  # type: ignore[no-any-return]


async def test_concurrent_appends_at_one_version_never_both_win(pg_pool, store):
    async def attempt() -> bool:
        async with pg_pool.acquire() as conn:
            try:
                async with conn.transaction():
                    await store.append(conn, "s-race", 0, [an_event()], meta(), "case-race")
                return True
            except ConcurrencyError:
                return False

    results = await asyncio.gather(*(attempt() for _ in range(10)))
    assert results.count(True) == 1


@pytest.mark.parametrize(
    "statement", ["UPDATE {s}.events SET actor = 'mallory'", "DELETE FROM {s}.events", "TRUNCATE {s}.events"]
)
async def test_the_database_itself_refuses_to_change_or_remove_events(pg_pool, store, statement):
    async with pg_pool.acquire() as conn:
        await store.append(conn, "s-3", 0, [an_event()], meta(), "case-3")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement.format(s=store.schema))
        assert len(await store.load(conn, "s-3")) == 1


async def test_a_reader_following_the_global_order_never_skips_a_late_commit(pg_pool, store):
    """Many writers whose transactions commit out of position order; a reader polls throughout."""
    writers, per_writer = 12, 25
    written: set[uuid.UUID] = set()
    seen: list[uuid.UUID] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for i in range(per_writer):
            async with pg_pool.acquire() as conn, conn.transaction():
                recorded = await store.append(conn, f"w{w}-{i}", 0, [an_event(i)], meta(), f"case-{w}")
                # Hold the transaction open a little: later positions commit first.
                await asyncio.sleep(random.uniform(0, 0.02))
            written.update(e.id for e in recorded)

    async def reader() -> None:
        position = START
        async with pg_pool.acquire() as conn:
            while True:
                finished = done.is_set()
                batch = await store.read_all(conn, position, 50)
                seen.extend(event.id for _, event in batch)
                position = batch[-1][0] if batch else position
                if finished and not batch:
                    return
                await asyncio.sleep(0.001)

    reading = asyncio.create_task(reader())
    await asyncio.gather(*(writer(w) for w in range(writers)))
    done.set()
    await reading
    assert len(seen) == len(set(seen)), "an event was read twice"
    assert set(seen) == written, f"{len(written - set(seen))} events were skipped"


async def test_concurrent_batches_over_one_stream_never_both_win(pg_pool, store):
    """Writers whose transactions are open together: the later one's INSERT loses on the key."""

    async def attempt(w: int) -> tuple[str, ...]:
        async with pg_pool.acquire() as conn:
            try:
                async with conn.transaction():
                    await store.append_batch(
                        conn,
                        [
                            Append(f"own-{w}", 0, [an_event(w)], meta(), "c"),
                            Append("shared", 0, [an_event(w)], meta(), "c"),
                        ],
                    )
                return ()
            except ConcurrencyError as race:
                return race.streams

    results = await asyncio.gather(*(attempt(w) for w in range(8)))
    assert results.count(()) == 1
    assert all(r == ("shared",) for r in results if r)
    async with pg_pool.acquire() as conn:
        kept = await store.load_many(conn, ["shared", *(f"own-{w}" for w in range(8))])
    assert len(kept["shared"]) == 1
    assert len(kept) == 2
