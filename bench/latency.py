"""Submit -> visible below saturation: at idle (one petition at a time) and at a steady paced rate.

The throughput phase measures lag with a queue in front of every service; these two measure
what a petitioner meets on an ordinary day. Each case is watched on its own with a fine poll,
so the poll period adds little to what is measured.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import orjson
from tqdm import tqdm  # type: ignore[import-untyped]

from bench.load_client import LoadClient
from bench.ours import VISIBLE_SQL
from bench.stats import summary
from tests.support.petitions import a_petition

FINE_POLL_S = 0.005
CONNECTIONS = 32  # open loop: enough connections that a slow answer does not hold back the next request


async def idle_lag(intake: str, db_url: str, count: int, timeout_s: float = 30) -> dict[str, Any]:
    """One petition at a time, the next only once the last is visible: the system is otherwise idle."""
    lags: list[float] = []
    conn = await asyncpg.connect(db_url)
    try:
        sql = VISIBLE_SQL.format(view=await conn.fetchval("SELECT schema FROM projections.read_model"))
        async with LoadClient(intake, timeout_s) as client:
            for _ in tqdm(range(count), desc="idle lag", unit="pet"):
                sent = time.perf_counter()
                case_id = await _submit(client)
                if case_id is not None and await _visible(conn, sql, case_id, timeout_s):
                    lags.append(time.perf_counter() - sent)
                await asyncio.sleep(0.05)  # let every consumer go idle again
    finally:
        await conn.close()
    return {"count": count, "lag_s": summary(lags)}


async def paced_lag(
    intake: str, db_url: str, rate_per_s: float, seconds: float, timeout_s: float = 30
) -> dict[str, Any]:
    """Open loop at a fixed rate (a new request every 1/rate s, whatever the answers), one watcher for all."""
    total = max(1, int(rate_per_s * seconds))
    pending: dict[str, float] = {}
    lags: list[float] = []
    statuses: dict[int, int] = {}
    cases: list[str] = []
    done = asyncio.Event()
    conn = await asyncpg.connect(db_url)
    try:
        sql = VISIBLE_SQL.format(view=await conn.fetchval("SELECT schema FROM projections.read_model"))
        watcher = asyncio.create_task(_watch(conn, sql, pending, lags, done, timeout_s))
        idle: asyncio.Queue[LoadClient] = asyncio.Queue()
        for _ in range(CONNECTIONS):
            idle.put_nowait(LoadClient(intake, timeout_s))
        try:

            async def one() -> None:
                client = await idle.get()
                sent = time.perf_counter()
                case_id = await _submit(client, statuses)
                idle.put_nowait(client)
                if case_id is not None:
                    pending[case_id] = sent
                    cases.append(case_id)

            start = time.perf_counter()
            requests: list[asyncio.Task[None]] = []
            with tqdm(total=total, desc=f"paced {rate_per_s:.0f}/s", unit="pet") as bar:
                for i in range(total):
                    await asyncio.sleep(max(0.0, start + i / rate_per_s - time.perf_counter()))
                    requests.append(asyncio.create_task(one()))
                    bar.update()
                await asyncio.gather(*requests)
            achieved = total / (time.perf_counter() - start)
        finally:
            while not idle.empty():
                await idle.get_nowait().close()
        done.set()
        await watcher
    finally:
        await conn.close()
    return {"rate_per_s": rate_per_s, "achieved_per_s": achieved, "count": total, "statuses": statuses,
            "lag_s": summary(lags), "cases": cases}  # fmt: skip


async def _watch(
    conn: asyncpg.Connection,
    sql: str,
    pending: dict[str, float],
    lags: list[float],
    done: asyncio.Event,
    timeout_s: float,
) -> None:
    """Every few ms, one query for all cases still awaited; ends when all are seen or after the timeout."""
    deadline: float | None = None
    while True:
        asked = time.perf_counter()
        if pending:
            for (case_id,) in await conn.fetch(sql, list(pending)):
                lags.append(asked - pending.pop(case_id))
        if done.is_set():
            deadline = deadline or asked + timeout_s
            if not pending or asked > deadline:
                return
        await asyncio.sleep(FINE_POLL_S)


async def _submit(client: LoadClient, statuses: dict[int, int] | None = None) -> str | None:
    status, answer = await client.post("/v1/petitions", orjson.dumps(a_petition()))
    if statuses is not None:
        statuses[status] = statuses.get(status, 0) + 1
    return str(orjson.loads(answer)["case_id"]) if status == 201 else None


async def _visible(conn: asyncpg.Connection, sql: str, case_id: str, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if await conn.fetch(sql, [case_id]):
            return True
        await asyncio.sleep(FINE_POLL_S)
    return False
