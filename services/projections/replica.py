"""Queries served from a read replica say how stale they may be.

With PUJIANG_READ_DATABASE_URL set, the projections' queries read a streaming replica (the
consumer still writes the read model on the primary). Every answer then carries

    Pujiang-Read-Source: replica            (or "primary")
    Pujiang-Replica-Lag-Seconds: 0.8        (replay lag at the last sample + the sample's age)

The lag is sampled once a second: 0 when the replica has replayed all the WAL it received from a
primary it is streaming from, else the time since the last transaction it replayed. Adding the
sample's age makes the figure an upper bound. "unknown" when the replica does not answer. What
the read model itself has consumed is a separate question: GET /v1/freshness answers it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.service import Context

log = structlog.get_logger()

SOURCE_HEADER = "pujiang-read-source"
LAG_HEADER = "pujiang-replica-lag-seconds"
SAMPLE_EVERY_S = 1.0

# pg_last_wal_receive_lsn is null when nothing streams: then the replay timestamp is all we know.
REPLAY_LAG_SQL = """
SELECT CASE
    WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
END::float8
"""


@dataclass
class ReplicaLag:
    """The replica's replay lag at the last sample, and when that was."""

    lag_s: float | None = None
    sampled_at: float = 0.0

    async def sample(self, pool: asyncpg.Pool) -> None:
        try:
            async with asyncio.timeout(2):
                self.lag_s = float(await pool.fetchval(REPLAY_LAG_SQL))
        except Exception as error:  # the replica away: the header says so, the sampler carries on
            self.lag_s = None
            log.warning("projections.replica_lag_unknown", error=repr(error))
        self.sampled_at = time.monotonic()

    def bound(self) -> float | None:
        if self.lag_s is None:
            return None
        return self.lag_s + (time.monotonic() - self.sampled_at)


def replica_lag(ctx: Context) -> ReplicaLag:
    found = ctx.extras.get("replica_lag")
    if found is None:
        found = ctx.extras["replica_lag"] = ReplicaLag()
    assert isinstance(found, ReplicaLag)
    return found


async def sample_replica_lag(ctx: Context) -> None:
    """Background job: keep the lag figure fresh (nothing to do without a replica)."""
    if ctx.read_pool is None:
        await asyncio.Event().wait()  # park: a supervised job that returned would be started again at once
        return
    lag = replica_lag(ctx)
    while True:
        await lag.sample(ctx.read_pool)
        await asyncio.sleep(SAMPLE_EVERY_S)


def staleness_headers(ctx: Context | None) -> list[tuple[bytes, bytes]]:
    if ctx is None:
        return []
    if ctx.read_pool is None:
        return [(SOURCE_HEADER.encode(), b"primary")]
    bound = replica_lag(ctx).bound()
    value = "unknown" if bound is None else f"{bound:.1f}"
    return [(SOURCE_HEADER.encode(), b"replica"), (LAG_HEADER.encode(), value.encode())]


class StalenessHeaders:
    """Adds the read source (and the replica's lag) to every answer of the query API (/v1/...)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        ctx = getattr(app.state, "ctx", None) if app is not None else None

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *staleness_headers(ctx)]
            await send(message)

        await self.app(scope, receive, with_headers)
