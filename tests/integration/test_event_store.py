"""The event store against a real PostgreSQL: concurrency, append-only, and the global order."""

from __future__ import annotations

import asyncio
import random
import uuid

import asyncpg
import pytest

from shared.clock import SystemClock
from shared.events import REGISTRY, Metadata, SystemClockMoved, verify_chain
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.schema import migrate
from shared.eventstore.store import START, PostgresEventStore

pytestmark = pytest.mark.integration


def an_event(n: int = 0) -> SystemClockMoved:
    from datetime import UTC, datetime

    return SystemClockMoved(offset_ms=n, now=datetime(2026, 1, 1, tzinfo=UTC))


def meta() -> Metadata:
    return Metadata(correlation_id=uuid.uuid4(), actor="test")


@pytest.fixture
async def store(pg_pool: asyncpg.Pool, schema: str) -> PostgresEventStore:
    await migrate(pg_pool, schema)
    return PostgresEventStore(schema, "/pujiang/test", SystemClock())


async def test_appended_events_load_in_order_with_a_valid_hash_chain(pg_pool, store):
    async with pg_pool.acquire() as conn:
        async with conn.transaction():
            await store.append(conn, "s-1", 0, [an_event(1), an_event(2)], meta(), "case-1")
        async with conn.transaction():
            await store.append(conn, "s-1", 2, [an_event(3)], meta(), "case-1")
        loaded = await store.load(conn, "s-1")
    assert [e.version for e in loaded] == [1, 2, 3]
    assert [REGISTRY.decode(e).offset_ms for e in loaded] == [1, 2, 3]  # type: ignore[attr-defined]
    assert verify_chain(loaded) is None
    assert loaded[1].prev_hash == loaded[0].hash


async def test_a_stale_expected_version_is_a_concurrency_error_and_writes_nothing(pg_pool, store):
    async with pg_pool.acquire() as conn:
        await store.append(conn, "s-2", 0, [an_event()], meta(), "case-2")
        with pytest.raises(ConcurrencyError):
            async with conn.transaction():
                await store.append(conn, "s-2", 0, [an_event(), an_event()], meta(), "case-2")
        assert len(await store.load(conn, "s-2")) == 1


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
