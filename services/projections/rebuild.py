"""`python -m services.projections.rebuild`: replay the topics into fresh read models, then switch.

1. A new generation schema is created bare (no keys, no indexes) and filled in bulk from offset 0
   up to the end offsets of that moment of the intake, routing and sla topics by a throwaway
   consumer (no group, no commits), while the serving one keeps serving: records decoded once,
   whole cases folded in memory and copied in, then keys and indexes built. Cases are held in
   memory a chunk at a time: when the topics hold more than `--chunk-events` records, the
   topics are read in several passes, each keeping the cases whose key hashes to it.
2. It catches up with what arrived meanwhile through the live path, then takes the switch lock exclusively: live
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
import math
import sys
import time
import zlib
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from aiokafka import ConsumerRecord, TopicPartition
from tqdm import tqdm  # type: ignore[import-untyped]

from services.projections.adapters import changes, read_model
from services.projections.adapters.replay import Offsets, TopicReplay, projected
from services.projections.adapters.schema import create_generation, ensure_read_model, point_at, switch_lock
from services.projections.app import SPEC
from services.projections.bulk import BulkLoad, no_gc_pauses
from shared.messaging.topics import Topics
from shared.service import migrate_service
from shared.settings import Settings

CATCH_UP_ROUNDS = 5
SMALL_ENOUGH = 1000  # records still behind when we stop catching up and switch
CHUNK_EVENTS = 500_000  # records whose cases one pass holds in memory (about 2-3 kB each)


def _offsets(found: Offsets) -> dict[str, dict[str, int]]:
    shaped: dict[str, dict[str, int]] = {}
    for tp, offset in found.items():
        shaped.setdefault(tp.topic, {})[str(tp.partition)] = offset
    return shaped


async def bulk_fill(
    pool: asyncpg.Pool,
    replay: TopicReplay,
    schema: str,
    tz: ZoneInfo,
    targets: Offsets,
    chunk_events: int,
    bar: tqdm,
) -> int:
    """Everything before `targets` into the bare generation; the number of events applied."""
    begin = await replay.positions()
    passes = max(1, math.ceil(sum(targets[tp] - begin[tp] for tp in targets) / chunk_events))
    load = BulkLoad(pool, schema, tz)
    await load.prepare()
    for n in range(passes):
        if n:
            await replay.rewind()

        async def take(records: list[ConsumerRecord[bytes, bytes]], n: int = n) -> None:
            # Only records before the targets: later ones are the catch-up's, whichever pass meets them.
            mine = [r for r in records if r.offset < targets[TopicPartition(r.topic, r.partition)]]
            if passes > 1:
                mine = [r for r in mine if zlib.crc32(r.key or b"") % passes == n]
            for consumed in projected(mine):
                await load.add(consumed)
            bar.update(len(records) if n == 0 else 0)

        with no_gc_pauses():
            await replay.read_until(targets, take)
            await load.close_chunk()
    await load.finish()
    replay.seek(targets)
    return load.events


async def rebuild(
    pool: asyncpg.Pool,
    kafka: str,
    topics: list[str],
    base: str,
    tz: ZoneInfo,
    *,
    progress: bool = True,
    chunk_events: int = CHUNK_EVENTS,
) -> dict[str, Any]:
    """Build a fresh generation from the topics and make it the serving one; what it did."""
    started = time.perf_counter()
    await ensure_read_model(pool, base)
    async with pool.acquire() as conn, conn.transaction():
        schema = await create_generation(conn, base, indexed=False)
        await conn.execute(f"INSERT INTO {base}.rebuilds (schema, started_at) VALUES ($1, now())", schema)
    replay = TopicReplay(kafka, topics)
    begin = await replay.start()
    bar = tqdm(desc=f"rebuild {schema}", unit="ev", disable=not progress, file=sys.stderr, smoothing=0.1)
    applied = 0

    async def apply(records: list[ConsumerRecord[bytes, bytes]]) -> None:
        nonlocal applied
        decoded = projected(records)
        async with pool.acquire() as conn, conn.transaction():
            await read_model.apply(conn, schema, decoded, tz)
        applied += len(decoded)
        bar.update(len(records))

    async def catch_up(targets: Offsets) -> None:
        bar.total = sum(targets[tp] - begin[tp] for tp in targets)
        bar.refresh()
        await replay.read_until(targets, apply)

    try:
        targets = await replay.ends()
        bar.total = sum(targets[tp] - begin[tp] for tp in targets)
        applied = await bulk_fill(pool, replay, schema, tz, targets, chunk_events, bar)
        bulk_s = time.perf_counter() - started
        for _ in range(CATCH_UP_ROUNDS):
            targets = await replay.ends()
            if await replay.behind(targets) < SMALL_ENOUGH:
                break
            await catch_up(targets)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", switch_lock(base))
            final = await replay.ends()
            await catch_up(final)
            previous = await point_at(conn, base, schema)
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
        "bulk_seconds": round(bulk_s, 3),
        "events_per_s": round(applied / seconds, 1) if seconds else None,
        "offsets": _offsets(final),
    }


async def drop_old_generations(pool: asyncpg.Pool, base: str, keep: set[str]) -> list[str]:
    """Drop our generations that neither serve nor are kept (the previous one stays for a while).

    Ours: one made before projections had a role of its own belongs to the migration role, which
    drops it (README "Database roles"); the service's role may not, and a rebuild need not fail.
    """
    names = await pool.fetch(
        """SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_rm\\_%'
               AND pg_has_role(current_user, nspowner, 'USAGE') ORDER BY 1""",
        base,
    )
    dropped = [row["nspname"] for row in names if row["nspname"] not in keep]
    for name in dropped:
        await pool.execute(f'DROP SCHEMA "{name}" CASCADE')
    return dropped


async def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m services.projections.rebuild", description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--drop-previous", action="store_true", help="drop the replaced generation at once")
    parser.add_argument("--chunk-events", type=int, default=CHUNK_EVENTS, help="records per pass held in memory")
    args = parser.parse_args(argv)
    settings = Settings()
    topics = Topics(settings.pujiang_topic_prefix)
    base = SPEC.name
    # As the service's own role, not the migration role: the generations it makes are then the
    # role's, which the live service writes and a later rebuild drops (README "Database roles").
    # The migration first, as the service's start does, so the role and the pointer exist.
    url = await migrate_service(SPEC, settings)
    pool = await asyncpg.create_pool(url, min_size=2, max_size=4)
    try:
        result = await rebuild(
            pool, settings.kafka_bootstrap_servers, [topics.of(s) for s in ("intake", "routing", "sla")], base,
            ZoneInfo(settings.pujiang_timezone), progress=not args.quiet, chunk_events=args.chunk_events,
        )  # fmt: skip
        keep = {result["schema"]} | (set() if args.drop_previous else {result["previous"]})
        result["dropped"] = await drop_old_generations(pool, base, keep)
    finally:
        await pool.close()
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return result


if __name__ == "__main__":
    asyncio.run(main())
