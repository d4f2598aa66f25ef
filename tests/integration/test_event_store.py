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
from shared.eventstore.group import GroupCommit
from shared.eventstore.port import Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import START, PostgresEventStore, writer_name
from tests.support.event_store_contract import EventStoreContract, an_event, meta
from tests.support.infra import Infra

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


async def test_concurrent_appends_at_one_version_never_both_win(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
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
async def test_the_database_itself_refuses_to_change_or_remove_events(
    pg_pool: asyncpg.Pool, store: PostgresEventStore, statement: str
) -> None:
    async with pg_pool.acquire() as conn:
        await store.append(conn, "s-3", 0, [an_event()], meta(), "case-3")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement.format(s=store.schema))
        assert len(await store.load(conn, "s-3")) == 1


async def test_a_reader_following_the_global_order_never_skips_a_late_commit(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
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


async def test_concurrent_batches_over_one_stream_never_both_win(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
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


async def test_group_commit_gathers_concurrent_appends_and_fails_only_the_losers(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    async with pg_pool.acquire() as conn:
        await store.append(conn, "gc-old", 0, [an_event()], meta(), "c")
    pokes: list[int] = []
    committer = GroupCommit(pg_pool, store, poke=lambda: pokes.append(1))

    async def one(i: int) -> int | str:
        stale = i % 10 == 0  # every tenth caller writes gc-old at a version it no longer has
        append = Append("gc-old" if stale else f"gc-{i}", 0, [an_event(i)], meta(), "c")
        try:
            return len(await committer.append(append))
        except ConcurrencyError as race:
            return race.stream_id

    results = await asyncio.gather(*(one(i) for i in range(60)))
    assert results.count("gc-old") == 6
    assert results.count(1) == 54
    assert committer.groups < 54, "every append was committed on its own"
    assert len(pokes) == committer.groups
    async with pg_pool.acquire() as conn:
        kept = await store.load_many(conn, [f"gc-{i}" for i in range(60)] + ["gc-old"])
    assert len(kept) == 55
    assert len(kept["gc-old"]) == 1


async def test_an_open_transaction_in_another_database_does_not_hold_the_global_order_back(
    pg_pool: asyncpg.Pool, store: PostgresEventStore, infra: Infra
) -> None:
    """Only this database's transactions can still add events here; one of ours still does hold it back."""
    other = await asyncpg.connect(infra.database_url)  # the server's default database, not the test one
    try:
        async with other.transaction():
            await other.fetchval("SELECT pg_current_xact_id()")  # an xid stays open while we read
            async with pg_pool.acquire() as conn:
                await store.append(conn, "h-1", 0, [an_event()], meta(), "c")
                assert [e.stream_id for _, e in await store.read_all(conn, START, 10)] == ["h-1"]
                async with pg_pool.acquire() as ours:
                    held = ours.transaction()
                    await held.start()
                    await ours.fetchval("SELECT pg_current_xact_id()")  # older than the next append
                    await store.append(conn, "h-2", 0, [an_event()], meta(), "c")
                    assert [e.stream_id for _, e in await store.read_all(conn, START, 10)] == ["h-1"]
                    await held.rollback()
                assert [e.stream_id for _, e in await store.read_all(conn, START, 10)] == ["h-1", "h-2"]
    finally:
        await other.close()


async def test_only_a_backend_named_as_another_stores_writer_is_not_waited_for(
    pg_pool: asyncpg.Pool, store: PostgresEventStore, test_database_url: str
) -> None:
    """Another schema's writer cannot add events here; ours, and any backend not named so, still hold the order back."""
    names = {
        "theirs": writer_name("t_elsewhere"),
        "no events": writer_name(store.schema, appends=False),
        "ours": writer_name(store.schema),
        "unnamed": "psql",
    }
    held = {
        who: await asyncpg.connect(test_database_url, server_settings={"application_name": name})
        for who, name in names.items()
    }
    try:
        async with pg_pool.acquire() as conn:
            for i, who in enumerate(names):
                open_tx = held[who].transaction()
                await open_tx.start()
                await held[who].fetchval("SELECT pg_current_xact_id()")  # an xid older than the next append
                await store.append(conn, f"n-{i}", 0, [an_event()], meta(), "c")
                seen = [e.stream_id for _, e in await store.read_all(conn, START, 10)]
                await open_tx.rollback()
                waited = who in ("ours", "unnamed")
                expected = [f"n-{j}" for j in range(i if waited else i + 1)]
                assert seen == expected, who
                assert [e.stream_id for _, e in await store.read_all(conn, START, 10)] == [
                    f"n-{j}" for j in range(i + 1)
                ]
    finally:
        for connection in held.values():
            await connection.close()


async def test_a_connection_named_for_another_store_or_for_none_cannot_append(
    store: PostgresEventStore, test_database_url: str
) -> None:
    """Else a name could hide a writer from the relay that follows this store."""
    for name in (writer_name("t_elsewhere"), writer_name(store.schema, appends=False)):
        conn = await asyncpg.connect(test_database_url, server_settings={"application_name": name})
        try:
            with pytest.raises(RuntimeError, match="must not append"):
                await store.append(conn, "refused", 0, [an_event()], meta(), "c")
            assert await conn.fetchval(f"SELECT count(*) FROM {store.schema}.events") == 0
        finally:
            await conn.close()
    named = await asyncpg.connect(test_database_url, server_settings={"application_name": writer_name(store.schema)})
    try:
        assert len(await store.append(named, "allowed", 0, [an_event()], meta(), "c")) == 1
    finally:
        await named.close()
