"""Durable timers at scale: a firing pass costs what is due, not what is open.

`python -m bench.timers --clocks 1000000` fills a schema of its own with open clocks (a
ClockStarted event and a timer row each, by COPY), then, at 10% and at 100% of them, times
firing passes with k = 0, 100 and 1,000 clocks due, measures lateness (fired minus due) of a
batch coming due under the service's own polling loop, and reports this process's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson
from tqdm import tqdm  # type: ignore[import-untyped]

from services.sla.adapters.timers import TIMERS_DDL, TimerStore
from services.sla.domain.calendar import WeekendCalendar
from services.sla.domain.policies import load_policies
from services.sla.domain.rules import ClockRules
from services.sla.entrypoints.timer_loop import fire_forever
from services.sla.handlers import Sla, clocks_stream
from services.sla.timers import fire_due
from shared.clock import SystemClock
from shared.events.base import GENESIS_HASH, chain_hash
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore

POLICY = "default: bench\npolicies:\n  bench:\n    clocks:\n      deadline: {amount: 1, unit: hours}\n"
CHUNK = 20_000
REPEATS = 3
BATCH = 200  # rows per firing pass, as the service's default PUJIANG_SLA_TIMER_BATCH
POLL_S = 0.25  # the service's default PUJIANG_SLA_TIMER_POLL_S
LATENESS_BATCH, LATENESS_OVER_S = 1000, 5.0
QUANTILES = {"p50": 0.5, "p99": 0.99, "max": 1.0}
DEFAULT_URL = "postgresql://pujiang:pujiang@127.0.0.1:5432/pujiang"
EVENT_COLUMNS = (
    *("stream_id", "version", "event_id", "type", "schema_version", "subject", "source", "time"),
    *("correlation_id", "causation_id", "actor", "actor_unit", "data", "prev_hash", "hash"),
)


def _json_time(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")  # how pydantic writes an aware UTC instant


def _clock_rows(case_id: str, due: datetime) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """One open clock: its ClockStarted event (hash-chained like the store's) and its timer row."""
    started = due - timedelta(hours=1)
    event_id, correlation_id, stream = uuid.uuid4(), uuid.uuid4(), clocks_stream(case_id)
    data = {
        **{"case_id": case_id, "clock_id": "deadline-1", "kind": "deadline", "policy": "bench"},
        **{"started_at": _json_time(started), "due_at": _json_time(due), "amount": 1, "unit": "hours", "unit_id": None},
    }
    fields = {
        **{"id": str(event_id), "source": "/pujiang/sla", "type": "ClockStarted", "subject": case_id},
        **{"time": _json_time(started), "stream_id": stream, "version": 1, "schema_version": 1, "data": data},
        **{"correlation_id": str(correlation_id), "causation_id": None, "actor": "bench", "actor_unit": None},
    }
    digest = chain_hash(fields, GENESIS_HASH)
    event = (stream, 1, event_id, "ClockStarted", 1, case_id, "/pujiang/sla", started, correlation_id, None, "bench")
    return (*event, None, orjson.dumps(data).decode(), GENESIS_HASH, digest), (case_id, "deadline-1", due)


async def _open_clocks(pool: asyncpg.Pool, schema: str, n: int, clock: Callable[[int], tuple[str, datetime]]) -> None:
    """Open `n` clocks, `clock(i)` naming the i-th one's case and due; made chunk by chunk, never all at once."""
    with tqdm(total=n, desc=f"opening {n:,} clocks", unit="clock", file=sys.stderr, disable=n < CHUNK) as progress:
        for start in range(0, n, CHUNK):
            rows = (_clock_rows(*clock(i)) for i in range(start, min(n, start + CHUNK)))
            events, timers = zip(*rows, strict=True)
            async with pool.acquire() as conn, conn.transaction():
                await conn.copy_records_to_table("events", schema_name=schema, records=events, columns=EVENT_COLUMNS)
                await conn.copy_records_to_table("timers", schema_name=schema, records=timers)
            progress.update(len(events))
    await pool.execute(f"ANALYZE {schema}.timers")


def _far_clock(base: int, later: datetime, i: int) -> tuple[str, datetime]:
    n = base + i
    return f"open-{n:07d}", later + timedelta(seconds=(n * 7919) % (60 * 86_400))


def _named_clock(prefix: str, due: datetime, i: int) -> tuple[str, datetime]:
    return f"{prefix}-{i}", due


async def _drain(sla: Sla, pool: asyncpg.Pool) -> tuple[float, int]:
    """Firing passes until one claims less than a full batch: seconds taken and passes run."""
    started, passes = time.perf_counter(), 0
    while True:
        passes += 1
        if await fire_due(sla, pool, datetime.now(UTC), BATCH) < BATCH:
            return time.perf_counter() - started, passes


async def _pass_costs(sla: Sla, pool: asyncpg.Pool, schema: str, open_now: int) -> list[dict[str, Any]]:
    """Median time to fire k due clocks (k = 0: an empty pass) over REPEATS rounds."""
    rows: list[dict[str, Any]] = []
    for k in (0, 100, 1000):
        samples = []
        for _ in range(REPEATS):
            due, prefix = datetime.now(UTC) - timedelta(seconds=1), f"due-{uuid.uuid4().hex[:8]}"
            await _open_clocks(pool, schema, k, partial(_named_clock, prefix, due))
            samples.append(await _drain(sla, pool))
        seconds, passes = statistics.median(s for s, _ in samples), samples[0][1]
        per_due = 1e6 * seconds / k if k else None
        row = {"open": open_now, "due": k, "passes": passes, "ms": 1000 * seconds, "us_per_due": per_due}
        rows.append({**row, "ms_per_pass": 1000 * seconds / passes})
    return rows


async def _lateness(sla: Sla, pool: asyncpg.Pool, schema: str, batch: int, over_s: float) -> dict[str, Any]:
    """A batch coming due evenly over `over_s`, fired by the service's own loop: fired (event time) minus due."""
    first = datetime.now(UTC) + timedelta(seconds=1)
    cases = [(f"late-{i}-{uuid.uuid4().hex[:8]}", first + timedelta(seconds=over_s) * i / batch) for i in range(batch)]
    await _open_clocks(pool, schema, batch, cases.__getitem__)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(fire_forever(sla, pool, SystemClock(), POLL_S, BATCH), timeout=over_s + 4)
    rows = await pool.fetch(
        f"""SELECT time, (data->>'due_at')::timestamptz AS due FROM {schema}.events
            WHERE type = 'ClockBreached' AND subject = ANY($1::text[])""",
        [c for c, _ in cases],
    )
    late = sorted((r["time"] - r["due"]).total_seconds() * 1000 for r in rows)
    return {
        "batch": batch,
        "over_s": over_s,
        "fired": len(late),
        **{f"{q}_ms": _rank(late, f) for q, f in QUANTILES.items()},
    }


def _rank(ordered: list[float], q: float) -> float | None:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else None


def _memory_kib() -> dict[str, int]:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM")}


async def run_timer_bench(database_url: str, clocks: int = 1_000_000) -> dict[str, Any]:
    """Fill `clocks` open clocks in a schema of its own (dropped after) and time the firing passes."""
    schema = f"bench_timers_{uuid.uuid4().hex[:8]}"
    pool = await asyncpg.create_pool(database_url, min_size=2, max_size=8)
    try:
        await migrate(pool, schema, TIMERS_DDL.format(schema=schema))
        rules = ClockRules(load_policies(POLICY), WeekendCalendar(), base="bench")
        clock = SystemClock()
        sla = Sla(PostgresEventStore(schema, "/pujiang/sla", clock), TimerStore(schema), rules, pool, clock)
        later = datetime.now(UTC) + timedelta(days=1)
        passes: list[dict[str, Any]] = []
        rss: dict[str, Any] = {"start": _memory_kib()["VmRSS"]}
        filled = 0
        for size in sorted({max(1, clocks // 10), clocks}):
            # Spread over the next 60 days, none due during the run.
            await _open_clocks(pool, schema, size - filled, partial(_far_clock, filled, later))
            filled = size
            await _pass_costs(sla, pool, schema, size)  # warm-up: caches and prepared statements
            before = _memory_kib()["VmRSS"]
            passes += await _pass_costs(sla, pool, schema, size)
            rss[f"{size}"] = {"before_passes": before, "after_passes": _memory_kib()["VmRSS"]}
        lateness = await _lateness(sla, pool, schema, LATENESS_BATCH, LATENESS_OVER_S)
        result = {"clocks": clocks, "batch": BATCH, "poll_s": POLL_S, "passes": passes, "lateness": lateness}
        return {**result, "rss_kib": rss, "peak_rss_kib": _memory_kib()["VmHWM"]}
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()


def print_table(result: dict[str, Any]) -> None:
    print(f"{'open clocks':>12} {'due k':>6} {'passes':>6} {'total ms':>9} {'ms/pass':>8} {'µs / due':>9}")
    for row in result["passes"]:
        per = f"{row['us_per_due']:.0f}" if row["us_per_due"] else "-"
        print(
            f"{row['open']:>12,} {row['due']:>6,} {row['passes']:>6} {row['ms']:>9.2f} {row['ms_per_pass']:>8.2f}"
            f" {per:>9}"
        )
    late = result["lateness"]
    print(
        f"lateness of {late['fired']:,}/{late['batch']:,} coming due over {late['over_s']:g} s",
        f"(poll {result['poll_s']} s):",
        f"p50 {late['p50_ms']:.0f} ms, p99 {late['p99_ms']:.0f} ms, max {late['max_ms']:.0f} ms",
    )
    mib = {k: v if isinstance(v, int) else v["after_passes"] for k, v in result["rss_kib"].items()}
    rss = ", ".join(f"{k if k == 'start' else f'{int(k):,} open'}: {v / 1024:.0f} MiB" for k, v in mib.items())
    print(f"RSS of this process {rss}; peak {result['peak_rss_kib'] / 1024:.0f} MiB")


async def _in_fresh_database(admin_url: str, clocks: int) -> dict[str, Any]:
    """Like the rest of the bench: a database of its own, so dev data is never touched."""
    name = f"pujiang_bench_timers_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return await run_timer_bench(urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}")), clocks)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.timers", description=__doc__)
    parser.add_argument("--clocks", type=int, default=1_000_000, help="open clocks at the end (1,000,000)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL), help="server to use")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    figures = asyncio.run(_in_fresh_database(args.database_url, args.clocks))
    print_table(figures)
    if args.out:
        args.out.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
