"""`python -m services.projections.audit`: check the hash chain of every stream; non-zero exit naming bad events.

By default it reads what the projections service holds: the serving generation's event log, a
copy of the intake, routing and sla topics (the log an auditor replays). `--store <schema>`
checks one service's own event store instead (`<schema>.events`): an operator's check run with
that service's database rights, never something the projections service does itself. Each
connects as that service's own role (projections' by default), which may read exactly that.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator

import asyncpg

from services.projections.adapters import event_log
from services.projections.adapters.schema import serving
from services.projections.domain.audit import StreamCheck, check_stream
from shared.clock import SystemClock
from shared.events.base import RecordedEvent
from shared.eventstore.roles import service_url
from shared.eventstore.store import PostgresEventStore
from shared.settings import Settings


async def _streams(conn: asyncpg.Connection, store: str | None, base: str) -> AsyncIterator[list[RecordedEvent]]:
    """Every stream's events, one stream at a time, read with a server-side cursor."""
    if store is not None:
        async for events in PostgresEventStore(store, f"/pujiang/{store}", SystemClock()).streams(conn):
            yield events
        return
    query = f"SELECT {event_log.COLUMNS} FROM {await serving(conn, base)}.event_log ORDER BY stream_id, version"
    current: list[RecordedEvent] = []
    async for row in conn.cursor(query, prefetch=2000):
        event = event_log.to_recorded(row)
        if current and current[0].stream_id != event.stream_id:
            yield current
            current = []
        current.append(event)
    if current:
        yield current


async def check_all(conn: asyncpg.Connection, store: str | None = None, base: str = "projections") -> list[StreamCheck]:
    """A check per stream of the chosen store (in one read-only transaction)."""
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        return [check_stream(events[0].stream_id, events) async for events in _streams(conn, store, base)]


def report(checks: list[StreamCheck], where: str) -> tuple[str, bool]:
    bad = [c for c in checks if not c.ok]
    lines = [f"checked {sum(c.events for c in checks)} events in {len(checks)} streams of {where}"]
    for check in bad:
        b = check.first_bad or {}
        lines.append(
            f"BAD {b.get('event_id')} stream={b.get('stream_id')} version={b.get('version')} "
            f"type={b.get('type')}: {b.get('reason')}"
        )
    lines.append("every chain holds" if not bad else f"{len(bad)} stream(s) fail the check")
    return "\n".join(lines), not bad


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.projections.audit", description=__doc__)
    parser.add_argument("--store", help="check <schema>.events of a service's event store instead of the event log")
    args = parser.parse_args(argv)
    if args.store is not None and not args.store.isidentifier():
        parser.error("--store takes a schema name")
    # The projections role owns the generations it reads; a service's role may read its events.
    conn = await asyncpg.connect(service_url(Settings(), args.store or "projections"))
    try:
        checks = await check_all(conn, args.store)
    finally:
        await conn.close()
    text, ok = report(checks, f"{args.store}.events" if args.store else "the projections event log")
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
