"""The soak: a steady load for minutes, sampling what must not grow (service RSS, inbox rows).

Events are kept forever, so the event tables grow by design; what may not grow is memory and
the consumers' bookkeeping, which is pruned once the committed offsets have passed it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import orjson
from tqdm import tqdm  # type: ignore[import-untyped]

from bench.load_client import LoadClient
from bench.stats import rss_kib
from tests.support.petitions import a_petition
from tests.support.system import System

SCHEMAS = ("intake", "routing", "sla", "projections")


async def _sample(system: System, conn: asyncpg.Connection, started: float) -> dict[str, Any]:
    inbox = {s: await conn.fetchval(f"SELECT count(*) FROM {s}.inbox") for s in SCHEMAS}
    rss = {name: rss_kib(p.proc.pid) if p.proc else None for name, p in system.services.items()}
    return {"t_s": round(time.perf_counter() - started, 1), "rss_kib": rss, "inbox_rows": inbox}


async def run_soak(
    system: System, db_url: str, minutes: float, rate_per_s: float, every_s: float = 30
) -> dict[str, Any]:
    """Submit at `rate_per_s` for `minutes`, sampling every `every_s`; growth is last sample over the second."""
    intake = system.url("intake")
    samples: list[dict[str, Any]] = []
    sent = failed = 0
    conn = await asyncpg.connect(db_url)
    started = time.perf_counter()
    end = started + minutes * 60
    try:
        async with LoadClient(intake) as client:
            next_sample = started
            with tqdm(total=int(minutes * 60), desc="soak", unit="s") as bar:
                while (now := time.perf_counter()) < end:
                    if now >= next_sample:
                        samples.append(await _sample(system, conn, started))
                        next_sample += every_s
                    status, _ = await client.post("/v1/petitions", orjson.dumps(a_petition()))
                    failed += status != 201
                    sent += 1
                    await asyncio.sleep(max(0.0, started + sent / rate_per_s - time.perf_counter()))
                    if (elapsed := int(time.perf_counter() - started)) > bar.n:
                        bar.update(elapsed - bar.n)  # once a second, not once a petition
        await asyncio.sleep(every_s)  # let the consumers and the pruning catch up
        samples.append(await _sample(system, conn, started))
    finally:
        await conn.close()
    # The first sample is taken before the load warms the services up; growth counts from the second.
    base, last = samples[min(1, len(samples) - 1)], samples[-1]
    return {
        "minutes": minutes,
        "rate_per_s": rate_per_s,
        "sent": sent,
        "failed": failed,
        "samples": samples,
        "rss_growth": {n: _ratio(last["rss_kib"][n], base["rss_kib"][n]) for n in base["rss_kib"]},
        "inbox_growth": {s: _ratio(last["inbox_rows"][s], base["inbox_rows"][s]) for s in SCHEMAS},
    }


def _ratio(last: int | None, base: int | None) -> float | None:
    return None if last is None or not base else last / base
