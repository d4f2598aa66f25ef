"""The event store's append with concurrent writers, beside raw asyncpg and the `eventsourcing` package.

All on the same database in the same run, each into a table of the same shape as ours:
- ours, one event per commit (what a handler does alone), and through the two batched paths:
  group commit (many callers, their appends gathered into one transaction) and `append_batch`
  (one writer, many streams per transaction);
- raw asyncpg INSERTs of the same rows, one per commit and `executemany` batched;
- `eventsourcing`'s PostgreSQL application recorder (global notification order, psycopg 3),
  one event per commit and batched, from as many threads as we have writers.

Every contender's rows (our appends, raw rows, eventsourcing's stored events) are built before
its clock starts: the figures are the writes'. Ours also print the CPU of this process per event.

`python -m bench.append` runs it alone on a fresh database (DATABASE_URL's server).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import orjson

from bench.checkpointing import measure as measure_checkpointing
from shared.clock import SystemClock
from shared.events.base import Event, Metadata
from shared.eventstore.group import GroupCommit
from shared.eventstore.port import Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore

CALLERS_PER_WRITER = 8  # concurrent callers per writer in the group-commit figure


class BenchPetitionNoted(Event):
    """About the size and shape of a submitted petition."""

    case_id: str
    division_code: str
    category: str
    channel: str
    title: str
    content: str


def _event(i: int) -> BenchPetitionNoted:
    return BenchPetitionNoted(
        case_id=str(uuid.uuid4()),
        division_code="330726101203",
        category="neighbourhood_dispute",
        channel="online",
        title=f"鄰居的牆擋住了排水 {i}",
        content="The new wall blocks the drain; water stands in the lane after every rain. " * 4,
    )


def _meta() -> Metadata:
    return Metadata(correlation_id=uuid.uuid4(), actor="bench", actor_unit="330726101203")


async def _workers(count: int, work: Callable[[int], Awaitable[int]]) -> float:
    """`count` workers run `work(worker)` until each returns 0; the events per second overall."""
    done = 0

    async def worker(w: int) -> None:
        nonlocal done
        while written := await work(w):
            done += written

    began = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(count)))
    return done / (time.perf_counter() - began)


def _quota(total: int) -> Callable[[int], int]:
    """Hands out `total` events in chunks of at most `size` (0 when none is left)."""
    left = total

    def take(size: int) -> int:
        nonlocal left
        got = min(size, left)
        left -= got
        return got

    return take


def _cpu_us(began: float, events: int) -> float:
    return (time.process_time() - began) / events * 1e6


async def _ours(pool: asyncpg.Pool, schema: str, events: int, single: int, writers: int, batch: int) -> dict[str, Any]:
    store = PostgresEventStore(schema, "/pujiang/bench", SystemClock())
    payload = [_event(i) for i in range(256)]

    def appends(count: int) -> list[Append]:
        # Built before the clock starts, as every contender's rows are: the figure is the store's.
        made = []
        for n in range(count):
            event = payload[n % len(payload)]
            made.append(Append(f"petition-{uuid.uuid4()}", 0, [event], _meta(), event.case_id))
        return made

    todo = appends(single)

    async def one(_w: int) -> int:
        if not todo:
            return 0
        append = todo.pop()
        async with pool.acquire() as conn, conn.transaction():
            await store.append_batch(conn, [append])
        return 1

    one_per_s = await _workers(writers, one)

    committer = GroupCommit(pool, store, max_group=batch)
    todo = appends(events)
    cpu = time.process_time()

    async def grouped(_w: int) -> int:
        if not todo:
            return 0
        await committer.append(todo.pop())
        return 1

    group_per_s = await _workers(writers * CALLERS_PER_WRITER, grouped)
    group_cpu = _cpu_us(cpu, events)
    groups = committer.groups

    todo = appends(events)
    cpu = time.process_time()

    async def batched(_w: int) -> int:
        size = min(batch, len(todo))
        if size:
            mine = [todo.pop() for _ in range(size)]
            async with pool.acquire() as conn, conn.transaction():
                await store.append_batch(conn, mine)
        return size

    batched_per_s = await _workers(writers, batched)
    return {
        "one_per_commit_per_s": one_per_s,
        "group_commit_per_s": group_per_s,
        "group_commit_callers": writers * CALLERS_PER_WRITER,
        "group_commit_mean_group": events / groups if groups else None,
        "group_commit_cpu_us_per_event": group_cpu,
        "batched_per_s": batched_per_s,
        "batched_cpu_us_per_event": _cpu_us(cpu, events),
    }


async def _raw(pool: asyncpg.Pool, schema: str, events: int, single: int, writers: int, batch: int) -> dict[str, Any]:
    """The same rows as ours would write, straight INSERTs (the digest is a constant: no hashing)."""
    table = f"{schema}.raw_events"
    async with pool.acquire() as conn:
        # LIKE ... INCLUDING ALL: the same columns, defaults, keys and indexes; no triggers.
        await conn.execute(f"CREATE TABLE {table} (LIKE {schema}.events INCLUDING ALL)")
    insert = f"""INSERT INTO {table} (stream_id, version, event_id, type, schema_version, subject, source, time,
        correlation_id, causation_id, actor, actor_unit, data, prev_hash, hash)
        VALUES ($1,$2,$3,$4,$5,$6,$7,now(),$8,$9,$10,$11,$12::jsonb,$13,$14)"""
    data = orjson.dumps(_event(0).model_dump(mode="json")).decode()

    def row() -> tuple[Any, ...]:
        case = str(uuid.uuid4())
        return (f"petition-{case}", 1, uuid.uuid4(), "BenchPetitionNoted", 1, case, "/pujiang/bench",
                uuid.uuid4(), None, "bench", "330726101203", data, "0" * 64, "f" * 64)  # fmt: skip

    todo = [row() for _ in range(single)]

    async def one(_w: int) -> int:
        if not todo:
            return 0
        mine = todo.pop()  # before the first await: another worker may take the last one meanwhile
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(insert, *mine)
        return 1

    one_per_s = await _workers(writers, one)
    todo = [row() for _ in range(events)]

    async def batched(_w: int) -> int:
        size = min(batch, len(todo))
        if size:
            mine = [todo.pop() for _ in range(size)]
            async with pool.acquire() as conn, conn.transaction():
                await conn.executemany(insert, mine)
        return size

    return {"one_per_commit_per_s": one_per_s, "batched_per_s": await _workers(writers, batched)}


def _eventsourcing(db_url: str, schema: str, events: int, single: int, writers: int, batch: int) -> dict[str, Any]:
    """`eventsourcing`'s recorder is synchronous (psycopg 3): one thread per writer, as its docs run it."""
    from concurrent.futures import ThreadPoolExecutor

    from eventsourcing.persistence import StoredEvent
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    url = urlsplit(db_url)
    datastore = PostgresDatastore(
        dbname=url.path.lstrip("/"),
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "",
        password=url.password or "",
        pool_size=writers,
        schema=schema,
    )
    try:
        recorder = PostgresApplicationRecorder(datastore, events_table_name="es_events")
        recorder.create_table()
        state = orjson.dumps(_event(0).model_dump(mode="json"))

        def stored() -> StoredEvent:
            return StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="bench:Noted", state=state)

        def drive(total: int, size: int) -> float:
            todo = [stored() for _ in range(total)]
            take = _quota(total)

            def worker() -> None:
                while n := take(size):
                    recorder.insert_events([todo.pop() for _ in range(n)])

            began = time.perf_counter()
            with ThreadPoolExecutor(writers) as pool:
                for future in [pool.submit(worker) for _ in range(writers)]:
                    future.result()
            return total / (time.perf_counter() - began)

        return {"one_per_commit_per_s": drive(single, 1), "batched_per_s": drive(events, batch)}
    finally:
        datastore.close()


async def run_append_bench(
    db_url: str, events: int = 20_000, writers: int = 8, batch: int = 250, single_events: int = 4_000
) -> dict[str, Any]:
    """Appends per second of ours, raw asyncpg and `eventsourcing`, in that order, on `db_url`'s database.

    `events` go through each batched path, `single_events` through each one-per-commit path (they
    are 10-100x slower). Everything is written into a schema of its own, dropped afterwards.
    """
    schema = f"bench_append_{uuid.uuid4().hex[:8]}"
    pool = await asyncpg.create_pool(db_url, min_size=writers, max_size=writers)
    try:
        await migrate(pool, schema)
        ours = await _ours(pool, schema, events, single_events, writers, batch)
        raw = await _raw(pool, schema, events, single_events, writers, batch)
        es = await asyncio.to_thread(_eventsourcing, db_url, schema, events, single_events, writers, batch)
        checkpointing = await measure_checkpointing(pool, db_url, batch)
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()
    return {
        "events": events,
        "single_events": single_events,
        "writers": writers,
        "batch": batch,
        "ours": ours,
        "raw_asyncpg": raw,
        "eventsourcing": es,
        "checkpointing": checkpointing,
    }


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.append", description=__doc__)
    p.add_argument("--events", type=int, default=20_000, help="events through each batched path (20000)")
    p.add_argument("--single-events", type=int, default=4_000, help="events through each one-per-commit path")
    p.add_argument("--writers", type=int, default=8, help="concurrent writers (8)")
    p.add_argument("--batch", type=int, default=250, help="events per transaction when batched (250)")
    return p.parse_args(argv)


async def _standalone(args: argparse.Namespace) -> dict[str, Any]:
    from bench.infra import create_database, drop_database, resolve

    infra = await asyncio.to_thread(resolve)
    name = f"pujiang_bench_append_{uuid.uuid4().hex[:8]}"
    db_url = await create_database(infra.database_url, name)
    try:
        return await run_append_bench(db_url, args.events, args.writers, args.batch, args.single_events)
    finally:
        await drop_database(infra.database_url, name)


def main(argv: list[str]) -> int:
    from bench import report

    result = asyncio.run(_standalone(_parse(argv)))
    print(report.append_table(result))
    c = result["checkpointing"]
    cost = "not measured (no checkpoint signed)"
    if c["cost_pct"] is not None:
        cost = (
            f"costs {c['cost_pct']:.1f}% of throughput, {c['cpu_cost_pct']:.1f}% more CPU per event; "
            f"signing alone {c['signing_cpu_us_per_event']:.2f} us/event, "
            f"{c['signing_cpu_share_pct']:.1f}% of appending's"
        )
    print(f"checkpointing: {c['with_per_s']:.0f}/s with, {c['without_per_s']:.0f}/s without, "
          f"{c['checkpoints_made']} checkpoints: {cost}")  # fmt: skip
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
