"""The bulk path into a bare generation: whole cases folded in memory, their rows copied in.

Used by the rebuild (records read from the topics) and by the data-scale benchmark (synthetic
cases). Events are copied into the event log as they come; cases are held until their chunk
closes (for the topics: the end of a pass, when every event of each held case has been seen),
then folded once, written, and forgotten. Writes run on their own connections while the next
events are decoded, at most `IN_FLIGHT` at a time, so PostgreSQL and Python work side by side.
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.adapters import bulk, facts
from services.projections.adapters.read_model import case_row
from services.projections.domain.evolve import PROJECTED, fold_decoded
from services.projections.domain.rollup import Cell, contribution, spread
from services.projections.domain.unit_facts import UnitFact, case_facts
from shared.events import Event, RecordedEvent
from shared.messaging.consumer import Consumed

EVENTS_PER_COPY = 10_000
CASES_PER_COPY = 5_000
IN_FLIGHT = 2


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Bulk decoding makes millions of acyclic objects: the cyclic collector would rescan them all."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class BulkLoad:
    def __init__(self, pool: asyncpg.Pool, schema: str, tz: ZoneInfo) -> None:
        self._pool = pool
        self._schema = schema
        self._tz = tz
        self._cases: dict[str, dict[UUID, tuple[RecordedEvent, Event]]] = {}
        self._logged_only: set[UUID] = set()  # this chunk's events that are logged but fold into no case
        self._pending: list[RecordedEvent] = []
        self._writes: list[asyncio.Task[None]] = []
        self._counters: Counter[Cell] = Counter()
        self.events = 0
        self.cases = 0
        self.held = 0  # events of the open chunk's cases

    async def prepare(self) -> None:
        async with self._pool.acquire() as conn:
            await bulk.prepare(conn, self._schema)

    async def add(self, consumed: Consumed) -> None:
        """One decoded event; a second delivery of an event is dropped here, as the live log's key does."""
        event = consumed.event
        if event.type not in PROJECTED:  # logged, as the live path does, but it moves no case
            if event.id not in self._logged_only:
                self._logged_only.add(event.id)
                self._pending.append(event)
                self.events += 1
            return
        case = self._cases.setdefault(event.subject, {})
        if event.id in case:
            return
        case[event.id] = (event, consumed.payload)
        self.held += 1
        self._pending.append(event)
        self.events += 1
        if len(self._pending) >= EVENTS_PER_COPY:
            await self._flush_events()

    async def close_chunk(self) -> None:
        """Every held case is complete: fold each once, write its row and its counts."""
        await self._flush_events()
        rows: list[list[Any]] = []
        units, trend = Counter[UnitFact](), Counter[facts.TrendCell]()
        for case_id, decoded in self._cases.items():
            state = fold_decoded(case_id, list(decoded.values()))
            counts = contribution(state, self._tz)
            self._counters.update(spread(state.division, counts))
            case_units, case_trend = case_facts(state, self._tz)
            units.update(case_units)
            trend.update(facts.spread_trend(state.division, case_trend))
            rows.append(case_row(state, counts, facts.encode(case_units, case_trend)))
            if len(rows) >= CASES_PER_COPY:
                await self._write(bulk.copy_cases, rows)
                rows = []
        if rows:
            await self._write(bulk.copy_cases, rows)
        self.cases += len(self._cases)
        self._cases, self._logged_only, self.held = {}, set(), 0
        await self._write(bulk.stage_counters, self._counters)
        self._counters = Counter()
        await self._write(bulk.stage_facts, (units, trend))

    async def flush(self) -> None:
        """Close the chunk and wait for every write (several loads may fill one generation side by side)."""
        await self.close_chunk()
        await self._drain(0)

    async def finish(self) -> None:
        """Wait for every write, then sum the counters and build keys and indexes."""
        await self.flush()
        await bulk.finish(self._pool, self._schema)

    async def _flush_events(self) -> None:
        if self._pending:
            await self._write(bulk.copy_events, self._pending)
            self._pending = []

    async def _write(self, copy: Any, rows: Any) -> None:
        await self._drain(IN_FLIGHT - 1)

        async def run() -> None:
            async with self._pool.acquire() as conn:
                # Nothing serves from this generation before the switch, whose own commit is synchronous.
                await conn.execute("SET synchronous_commit = off")
                await copy(conn, self._schema, rows)

        self._writes.append(asyncio.create_task(run()))

    async def _drain(self, keep: int) -> None:
        while len(self._writes) > keep:
            await self._writes.pop(0)
