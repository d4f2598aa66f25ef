"""The raw PostgreSQL bound: N event rows into a copy of intake's events table, no application around it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
from tqdm import tqdm  # type: ignore[import-untyped]

from bench.sample import COLUMNS, Sample
from bench.stats import summary

INSERT = f"INSERT INTO {{table}} ({COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13::jsonb,$14,$15)"


async def run(db_url: str, n: int, concurrency: int, batch: int, sample: Sample, budget_s: float) -> dict[str, Any]:
    pool = await asyncpg.create_pool(db_url, min_size=concurrency, max_size=concurrency, command_timeout=60)
    try:
        async with pool.acquire() as conn:
            # LIKE ... INCLUDING ALL: same columns, defaults, identity, keys and indexes as the
            # real table, so each insert does the same index work; the triggers are left out.
            await conn.execute(
                """CREATE SCHEMA bench_raw;
                   CREATE TABLE bench_raw.one_per_tx (LIKE intake.events INCLUDING ALL);
                   CREATE TABLE bench_raw.batched (LIKE intake.events INCLUDING ALL);"""
            )
        rows = _rows(sample, n)
        latencies: list[float] = []

        async def one(conn: asyncpg.Connection, chunk: list[tuple[Any, ...]]) -> None:
            begun = time.perf_counter()
            async with conn.transaction():  # BEGIN, INSERT, COMMIT: the round trips of our HTTP path
                await conn.execute(INSERT.format(table="bench_raw.one_per_tx"), *chunk[0])
            latencies.append(time.perf_counter() - begun)

        async def many(conn: asyncpg.Connection, chunk: list[tuple[Any, ...]]) -> None:
            async with conn.transaction():
                await conn.executemany(INSERT.format(table="bench_raw.batched"), chunk)

        one_s = await asyncio.wait_for(_drive(pool, rows, 1, concurrency, one, "pg 1 row/tx"), budget_s)
        many_s = await asyncio.wait_for(_drive(pool, rows, batch, concurrency, many, "pg batched"), budget_s)
    finally:
        await pool.close()
    return {
        "row_bytes": sample.row_bytes,
        "connections": concurrency,
        "one_per_tx_s": one_s,
        "one_per_tx_per_s": n / one_s,
        "one_per_tx_latency_s": summary(latencies),
        "batch_rows": batch,
        "batched_s": many_s,
        "batched_per_s": n / many_s,
    }


def _rows(sample: Sample, n: int) -> list[tuple[Any, ...]]:
    """The sample row n times over, each with its own case (stream, event id, subject are unique keys)."""
    rows = []
    for _ in range(n):
        case = str(uuid.uuid4())
        row = {**sample.row, "stream_id": f"petition-{case}", "event_id": uuid.uuid4(), "subject": case}
        rows.append(tuple(row.values()))
    return rows


async def _drive(
    pool: asyncpg.Pool,
    rows: list[tuple[Any, ...]],
    size: int,
    concurrency: int,
    insert: Callable[[asyncpg.Connection, list[tuple[Any, ...]]], Awaitable[None]],
    label: str,
) -> float:
    """C workers take the next chunk of `size` rows until none is left; returns the seconds it took."""
    chunks: Iterator[list[tuple[Any, ...]]] = (rows[i : i + size] for i in range(0, len(rows), size))

    async def worker(bar: tqdm) -> None:
        for chunk in chunks:
            async with pool.acquire() as conn:  # per chunk, as a request handler acquires per request
                await insert(conn, chunk)
            bar.update(len(chunk))

    with tqdm(total=len(rows), desc=label, unit="row") as bar:
        begun = time.perf_counter()
        await asyncio.gather(*(worker(bar) for _ in range(concurrency)))
        return time.perf_counter() - begun
