"""What a consumer remembers of what it applied, and how long: offsets for ever, event ids for a while.

Two things can bring an event back to a consumer:

- Kafka redelivers records whose offsets were not committed (a crash, a rebalance, or a
  consumer group whose committed offsets expired and restarts from the earliest). Each
  transaction that applies a batch also moves `consumer_offsets` (the next offset of every
  partition in the batch), so any record below it is known applied and skipped before it is
  decoded, however old. That table has one row per partition.
- A relay republishes what was in flight when it crashed: the same event under a new offset.
  Only that needs the event id (`inbox`). A topic has one publishing relay, which republishes
  at most `relay.IN_FLIGHT * relay.BATCH` events from its checkpoint, so a repeat lands within
  twice that many offsets of the original on its partition, however long the relay was down.

So `prune_inbox` deletes the ids more than `KEEP_OFFSETS` behind their partition's committed
offset: rows stay bounded under any load, and neither kind of repeat can have a second effect.
Rebuilds do not go through here (projections replay into a new generation by their own
reader); a new consumer group on the same database starts from the stored offsets, not from
Kafka's, so it cannot reapply either. Rows written before offsets were recorded (no offset) go
after `LEGACY_RETENTION`.

This rests on what architecture.md already asks: topics are kept for ever and never recreated
under the same name while the databases live on (a recreated topic starts again at offset 0,
below the stored offsets, and its records would be skipped as applied: reset the service's
`consumer_offsets` rows along with the topic).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Protocol

import asyncpg
import structlog

from shared.messaging import relay

log = structlog.get_logger()

KEEP_OFFSETS = max(5_000, 2 * relay.IN_FLIGHT * relay.BATCH)
LEGACY_RETENTION = timedelta(days=1)
PRUNE_EVERY_S = 30.0
_DELETE_CHUNK = 10_000  # rows per statement: a big backlog never holds long locks

INBOX_DDL = """
ALTER TABLE {schema}.inbox ADD COLUMN IF NOT EXISTS source_topic text;
ALTER TABLE {schema}.inbox ADD COLUMN IF NOT EXISTS source_partition integer;
ALTER TABLE {schema}.inbox ADD COLUMN IF NOT EXISTS source_offset bigint;
CREATE INDEX IF NOT EXISTS inbox_by_offset ON {schema}.inbox (consumer, source_topic, source_partition, source_offset);
CREATE TABLE IF NOT EXISTS {schema}.consumer_offsets (
    consumer    text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (consumer, topic, partition)
);
"""


async def prune_inbox(pool: asyncpg.Pool, schema: str, keep_offsets: int = KEEP_OFFSETS) -> int:
    """Delete the inbox rows no repeat can still need; how many went."""
    gone = 0
    while True:
        status = await pool.execute(
            f"""DELETE FROM {schema}.inbox WHERE ctid = ANY(ARRAY(
                    SELECT i.ctid FROM {schema}.inbox i JOIN {schema}.consumer_offsets o
                        ON o.consumer = i.consumer AND o.topic = i.source_topic AND o.partition = i.source_partition
                    WHERE i.source_offset < o.next_offset - $1
                    LIMIT $2))""",
            keep_offsets,
            _DELETE_CHUNK,
        )
        deleted = int(status.split()[-1])
        gone += deleted
        if deleted < _DELETE_CHUNK:
            break
    status = await pool.execute(
        f"DELETE FROM {schema}.inbox WHERE source_offset IS NULL AND processed_at < clock_timestamp() - $1::interval",
        LEGACY_RETENTION,
    )
    return gone + int(status.split()[-1])


async def prune_forever(pool: asyncpg.Pool, schema: str, every_s: float = PRUNE_EVERY_S) -> None:
    """Prune now and then for as long as the service lives."""
    while True:
        gone = await prune_inbox(pool, schema)
        if gone:
            log.info("inbox.pruned", schema=schema, rows=gone)
        await asyncio.sleep(every_s)


class _Service(Protocol):
    pool: asyncpg.Pool
    name: str


async def inbox_pruning(ctx: _Service) -> None:
    """The background job (ServiceSpec.background) that keeps a service's inbox bounded."""
    await prune_forever(ctx.pool, ctx.name)
