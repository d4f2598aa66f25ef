"""`python -m services.projections.rebuild`: replay the topics into fresh read models, then switch.

1. A new generation schema is created and filled from offset 0 of the intake, routing and sla
   topics by a throwaway consumer (no group, no commits), while the serving one keeps serving.
2. It catches up with what arrived meanwhile, then takes the switch lock exclusively: live
   writers wait, the last records up to the end offsets of that moment are applied, the pointer
   moves, and the offsets reached are recorded in `<base>.rebuilds`, all in one transaction.
3. The live consumer resumes from its own committed offsets, now writing to the new generation.
   Everything it consumed before the switch is below those end offsets, so it is in the new
   generation (no gap); what it consumes next and the rebuild already applied is dropped by the
   event log's primary key (no double).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from aiokafka import ConsumerRecord
from tqdm import tqdm  # type: ignore[import-untyped]

from services.projections.adapters import changes, read_model
from services.projections.adapters.replay import Offsets, TopicReplay, projected
from services.projections.adapters.schema import create_generation, ensure_read_model, serving, switch_lock
from shared.messaging.topics import Topics
from shared.settings import Settings

CATCH_UP_ROUNDS = 5
SMALL_ENOUGH = 1000  # records still behind when we stop catching up and switch


def _offsets(found: Offsets) -> dict[str, dict[str, int]]:
    shaped: dict[str, dict[str, int]] = {}
    for tp, offset in found.items():
        shaped.setdefault(tp.topic, {})[str(tp.partition)] = offset
    return shaped


async def rebuild(
    pool: asyncpg.Pool, kafka: str, topics: list[str], base: str, tz: ZoneInfo, *, progress: bool = True
) -> dict[str, Any]:
    """Build a fresh generation from the topics and make it the serving one; what it did."""
    started = time.perf_counter()
    await ensure_read_model(pool, base)
    async with pool.acquire() as conn, conn.transaction():
        schema = await create_generation(conn, base)
        await conn.execute(f"INSERT INTO {base}.rebuilds (schema, started_at) VALUES ($1, now())", schema)
    replay = TopicReplay(kafka, topics)
    begin = await replay.start()
    applied = 0
    bar = tqdm(desc=f"rebuild {schema}", unit="ev", disable=not progress, file=sys.stderr, smoothing=0.1)

    async def apply(records: list[ConsumerRecord[bytes, bytes]]) -> None:
        nonlocal applied
        events = projected(records)
        async with pool.acquire() as conn, conn.transaction():
            await read_model.apply(conn, schema, events, tz)
        applied += len(events)
        bar.update(len(records))

    async def catch_up(targets: Offsets) -> None:
        bar.total = sum(targets[tp] - begin[tp] for tp in targets)
        bar.refresh()
        await replay.read_until(targets, apply)

    try:
        await catch_up(await replay.ends())
        for _ in range(CATCH_UP_ROUNDS):
            targets = await replay.ends()
            if await replay.behind(targets) < SMALL_ENOUGH:
                break
            await catch_up(targets)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", switch_lock(base))
            final = await replay.ends()
            await catch_up(final)
            previous = await serving(conn, base)
            await conn.execute(f"UPDATE {base}.read_model SET schema = $1, since = clock_timestamp()", schema)
            await conn.execute(
                f"""UPDATE {base}.rebuilds SET previous = $2, switched_at = clock_timestamp(), events = $3,
                        offsets = $4::jsonb WHERE schema = $1""",
                schema,
                previous,
                applied,
                orjson.dumps(_offsets(final)).decode(),
            )
            await changes.publish(conn, base, [{"type": "rebuilt", "read_model": schema}])
    finally:
        bar.close()
        await replay.stop()
    seconds = time.perf_counter() - started
    return {
        "schema": schema,
        "previous": previous,
        "records": replay.records,
        "events": applied,
        "seconds": round(seconds, 3),
        "events_per_s": round(applied / seconds, 1) if seconds else None,
        "offsets": _offsets(final),
    }


async def drop_old_generations(pool: asyncpg.Pool, base: str, keep: set[str]) -> list[str]:
    """Drop generations that neither serve nor are kept (the previous one stays for a while)."""
    names = await pool.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_rm\\_%' ORDER BY 1", base)
    dropped = [row["nspname"] for row in names if row["nspname"] not in keep]
    for name in dropped:
        await pool.execute(f'DROP SCHEMA "{name}" CASCADE')
    return dropped


async def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m services.projections.rebuild", description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--drop-previous", action="store_true", help="drop the replaced generation at once")
    args = parser.parse_args(argv)
    settings = Settings()
    topics = Topics(settings.pujiang_topic_prefix)
    base = "projections"
    pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=4)
    try:
        result = await rebuild(
            pool, settings.kafka_bootstrap_servers, [topics.of(s) for s in ("intake", "routing", "sla")], base,
            ZoneInfo(settings.pujiang_timezone), progress=not args.quiet,
        )  # fmt: skip
        keep = {result["schema"]} | (set() if args.drop_previous else {result["previous"]})
        result["dropped"] = await drop_old_generations(pool, base, keep)
    finally:
        await pool.close()
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return result


if __name__ == "__main__":
    asyncio.run(main())
