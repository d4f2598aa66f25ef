"""One contract for every EventStore: the in-memory fake (unit tier) and PostgreSQL (integration).

A concrete test class subclasses `EventStoreContract` and provides the `store` and `conn`
fixtures and `transaction(conn)`; everything below then runs against it unchanged.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.events import REGISTRY, Metadata, RecordedEvent, SystemClockMoved, verify_chain
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.port import START, Append, EventStore


def an_event(n: int = 0) -> SystemClockMoved:
    return SystemClockMoved(offset_ms=n, now=datetime(2026, 1, 1, tzinfo=UTC))


def meta() -> Metadata:
    return Metadata(correlation_id=uuid.uuid4(), actor="test")


def offsets(events: list[RecordedEvent]) -> list[int]:
    decoded = [REGISTRY.decode(e) for e in events]
    return [e.offset_ms for e in decoded if isinstance(e, SystemClockMoved)]


class EventStoreContract:
    def transaction(self, conn: Any) -> AbstractAsyncContextManager[Any]:
        raise NotImplementedError

    async def test_appended_events_load_in_order_with_a_valid_hash_chain(self, store: EventStore, conn: Any) -> None:
        async with self.transaction(conn):
            first = await store.append(conn, "s-1", 0, [an_event(1), an_event(2)], meta(), "case-1")
        async with self.transaction(conn):
            await store.append(conn, "s-1", 2, [an_event(3)], meta(), "case-1")
        loaded = await store.load(conn, "s-1")
        assert [e.version for e in loaded] == [1, 2, 3]
        assert offsets(loaded) == [1, 2, 3]
        assert verify_chain(loaded) is None
        assert loaded[1].prev_hash == loaded[0].hash
        assert [e.hash for e in first] == [e.hash for e in loaded[:2]]
        assert {e.subject for e in loaded} == {"case-1"}
        assert {e.source for e in loaded} == {store.source}

    async def test_a_stale_expected_version_is_a_concurrency_error_and_writes_nothing(
        self, store: EventStore, conn: Any
    ) -> None:
        await store.append(conn, "s-2", 0, [an_event()], meta(), "case-2")
        for stale in (0, 2):
            with pytest.raises(ConcurrencyError) as raised:
                async with self.transaction(conn):
                    await store.append(conn, "s-2", stale, [an_event(), an_event()], meta(), "case-2")
            assert raised.value.streams == ("s-2",)
        assert len(await store.load(conn, "s-2")) == 1
        assert await store.stream_version(conn, "s-2") == 1
        assert await store.stream_version(conn, "never") == 0

    async def test_a_batch_appends_to_many_streams_at_once(self, store: EventStore, conn: Any) -> None:
        await store.append(conn, "b-old", 0, [an_event(1)], meta(), "case-old")
        async with self.transaction(conn):
            results = await store.append_batch(
                conn,
                [
                    Append("b-new", 0, [an_event(10), an_event(11)], meta(), "case-new"),
                    Append("b-old", 1, [an_event(2)], meta(), "case-old"),
                    Append("b-empty", 0, [], meta(), "case-empty"),
                ],
            )
        assert [[e.version for e in r] for r in results] == [[1, 2], [2], []]
        loaded = await store.load_many(conn, ["b-old", "b-new", "b-empty", "b-never"])
        assert set(loaded) == {"b-old", "b-new"}
        assert offsets(loaded["b-new"]) == [10, 11]
        assert offsets(loaded["b-old"]) == [1, 2]
        assert all(verify_chain(events) is None for events in loaded.values())
        assert [e.hash for e in loaded["b-old"]][1] == results[1][0].hash

    async def test_a_batch_with_a_lost_race_names_the_losers_and_keeps_nothing(
        self, store: EventStore, conn: Any
    ) -> None:
        await store.append(conn, "l-1", 0, [an_event()], meta(), "c")
        await store.append(conn, "l-2", 0, [an_event()], meta(), "c")
        with pytest.raises(ConcurrencyError) as raised:
            async with self.transaction(conn):
                await store.append_batch(
                    conn,
                    [
                        Append("l-fresh", 0, [an_event()], meta(), "c"),
                        Append("l-1", 0, [an_event()], meta(), "c"),  # lost: l-1 is at 1
                        Append("l-2", 1, [an_event()], meta(), "c"),
                        Append("l-3", 4, [an_event()], meta(), "c"),  # lost: l-3 was never written
                    ],
                )
        assert set(raised.value.streams) == {"l-1", "l-3"}
        assert set(await store.load_many(conn, ["l-fresh", "l-1", "l-2", "l-3"])) == {"l-1", "l-2"}
        assert await store.stream_version(conn, "l-2") == 1

    async def test_a_new_stream_that_exists_after_all_is_a_lost_race(self, store: EventStore, conn: Any) -> None:
        await store.append(conn, "n-1", 0, [an_event()], meta(), "c")
        with pytest.raises(ConcurrencyError) as raised:
            async with self.transaction(conn):
                await store.append_batch(
                    conn, [Append("n-0", 0, [an_event()], meta(), "c"), Append("n-1", 0, [an_event()], meta(), "c")]
                )
        assert raised.value.streams == ("n-1",)
        assert await store.load(conn, "n-0") == []

    async def test_a_batch_names_each_stream_once(self, store: EventStore, conn: Any) -> None:
        with pytest.raises(ValueError, match="at most once"):
            await store.append_batch(
                conn, [Append("d", 0, [an_event()], meta(), "c"), Append("d", 1, [an_event()], meta(), "c")]
            )

    async def test_the_global_order_follows_appends(self, store: EventStore, conn: Any) -> None:
        for i in range(5):
            await store.append(conn, f"g-{i % 2}", i // 2, [an_event(i)], meta(), "case-g")
        first = await store.read_all(conn, START, 3)
        rest = await store.read_all(conn, first[-1][0], 100)
        everything = first + rest
        assert offsets([e for _, e in everything]) == [0, 1, 2, 3, 4]
        positions = [p for p, _ in everything]
        assert positions == sorted(positions)
        assert len(set(positions)) == 5
        assert [e.position for _, e in everything] == [p.position for p in positions]
        assert await store.count_after(conn, START) == 5
        assert await store.count_after(conn, first[-1][0]) == 2
        assert await store.read_all(conn, everything[-1][0], 10) == []

    async def test_hashes_and_a_subjects_events_in_the_global_order(self, store: EventStore, conn: Any) -> None:
        """What the Merkle checkpoints read (docs/audit.md): every event's place and hash, a case's events."""
        for i in range(5):
            await store.append(conn, f"h-{i % 2}", i // 2, [an_event(i)], meta(), f"case-h{i % 2}")
        everything = await store.read_all(conn, START, 100)
        assert await store.read_hashes(conn, START, 100) == [(p, e.hash) for p, e in everything]
        assert await store.read_hashes(conn, everything[1][0], 2) == [(p, e.hash) for p, e in everything[2:4]]
        run = await store.read_hash_run(conn, everything[1][0], 2)  # the same, in columns
        assert [run.place(i) for i in range(len(run))] == [p for p, _ in everything[2:4]]
        assert run.hashes == b"".join(bytes.fromhex(e.hash) for _, e in everything[2:4])
        assert len(await store.read_hash_run(conn, everything[-1][0], 10)) == 0
        case = await store.read_subject(conn, "case-h1")
        assert [(p, e.id) for p, e in case] == [(p, e.id) for p, e in everything if e.subject == "case-h1"]
        assert len(case) == 2

    async def test_subjects_of_a_type_and_every_stream(self, store: EventStore, conn: Any) -> None:
        await store.append(conn, "x-2", 0, [an_event(), an_event()], meta(), "case-b")
        await store.append(conn, "x-1", 0, [an_event()], meta(), "case-a")
        assert await store.subjects_of_type(conn, "SystemClockMoved") == ["case-b", "case-a"]
        assert await store.subjects_of_type(conn, "NoSuchEvent") == []
        async with self.transaction(conn):
            streams = [s async for s in store.streams(conn)]
        assert [(s[0].stream_id, len(s)) for s in streams] == [("x-1", 1), ("x-2", 2)]
