"""Routing and sla apply a consumed batch at once, as one event at a time would; a lost race costs only the loser."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from services.routing.adapters.case_index import CASE_INDEX_DDL
from services.routing.adapters.jurisdictions import load_jurisdictions
from services.routing.domain.commands import Rules
from services.routing.domain.work_commands import WorkRules
from services.routing.handlers import CONSUMED, Routing
from services.sla.adapters.timers import TIMERS_DDL, TimerStore
from services.sla.app import ROUTING_EVENTS
from services.sla.handlers import Sla
from shared.clock import SystemClock
from shared.events import CaseAccepted, Event, Metadata, PetitionSubmitted
from shared.eventstore.port import Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.codec import encode
from shared.messaging.consumer import BatchHandler, DeadLetters, EventConsumer
from shared.messaging.inbox import INBOX_DDL
from shared.vocabulary import Level
from tests.unit.intake.facts import T0, VILLAGE, assigned, recorded, submitted
from tests.unit.sla.support import STATUTORY_RULES as RULES

pytestmark = pytest.mark.integration


def as_record(event: Event, stream: str, version: int, case_id: str, offset: int) -> ConsumerRecord[bytes, bytes]:
    message = encode(recorded(event.model_copy(update={"case_id": case_id}), stream, version, T0, case_id))
    headers = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in message.headers.items()]
    return ConsumerRecord("t", 0, offset, 0, 0, message.key, message.value, None, 0, 0, headers)


class NoLetters(DeadLetters):
    def __init__(self) -> None:
        super().__init__(None, "dead")

    async def send(self, _record: ConsumerRecord[bytes, bytes], _consumer: str, reason: str) -> None:
        raise AssertionError(reason)


async def an_sla(pool: asyncpg.Pool, schema: str) -> tuple[Sla, EventConsumer]:
    await migrate(pool, schema, INBOX_DDL.format(schema=schema), TIMERS_DDL.format(schema=schema))
    clock = SystemClock()
    sla = Sla(PostgresEventStore(schema, "/pujiang/sla", clock), TimerStore(schema), RULES, pool, clock)
    handler = BatchHandler(frozenset(e.type_name() for e in ROUTING_EVENTS), sla.on_events)
    return sla, EventConsumer("sla", schema, pool, handler, NoLetters())


async def outcome(pool: asyncpg.Pool, schema: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    events = await pool.fetch(f"SELECT stream_id, version, type, data FROM {schema}.events ORDER BY stream_id, version")
    timers = await pool.fetch(f"SELECT case_id, clock_id, fire_at FROM {schema}.timers ORDER BY case_id, clock_id")
    return [tuple(r) for r in events], [tuple(r) for r in timers]


async def test_sla_decides_a_batch_as_it_would_one_event_at_a_time(pg_pool: asyncpg.Pool, schema: str) -> None:
    accepted = CaseAccepted(case_id="", unit_id=VILLAGE, level=Level.VILLAGE)
    records = [
        as_record(assigned(), "case", 1, "a", 0),
        as_record(assigned(), "case", 1, "b", 1),
        as_record(accepted, "case", 2, "a", 2),  # the same case again, later in the batch
    ]
    _, at_once = await an_sla(pg_pool, schema)
    await at_once.process(records)
    _, singly = await an_sla(pg_pool, schema + "_1")
    for record in records:
        await singly.process([record])
    together, apart = await outcome(pg_pool, schema), await outcome(pg_pool, schema + "_1")
    assert together == apart
    events, timers = together
    assert [(s, t) for s, _, t, _ in events] == [
        ("clocks-a", "ClockStarted"),
        ("clocks-a", "ClockStopped"),
        ("clocks-a", "ClockStarted"),
        ("clocks-b", "ClockStarted"),
    ]
    assert [(c, k) for c, k, _ in timers] == [("a", "handling-1"), ("b", "acceptance-1")]


class Racing(PostgresEventStore):
    """A store where another writer commits a case's first event just before our batch is written."""

    def __init__(self, pool: asyncpg.Pool, schema: str, case_id: str) -> None:
        super().__init__(schema, "/pujiang/routing", SystemClock())
        self._pool, self._case_id, self.raced = pool, case_id, False

    async def append_batch(self, conn: Any, appends: Sequence[Append]) -> list[list[Any]]:
        if not self.raced:
            self.raced = True
            async with self._pool.acquire() as other, other.transaction():
                rival = assigned(reason="initial").model_copy(update={"case_id": self._case_id})
                meta = Metadata(correlation_id=uuid.uuid4(), actor="rival")
                await super().append(other, f"case-{self._case_id}", 0, [rival], meta, self._case_id)
        return await super().append_batch(conn, appends)


async def test_a_batch_that_loses_a_race_is_applied_again_one_event_at_a_time_and_only_the_loser_yields(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    await migrate(pg_pool, schema, INBOX_DDL.format(schema=schema), CASE_INDEX_DDL.format(schema=schema))
    store = Racing(pg_pool, schema, "c1")
    ctx: Any = SimpleNamespace(name=schema, store=store, pool=pg_pool)
    routing = Routing(ctx, load_jurisdictions(), Rules(), WorkRules(), ZoneInfo("Asia/Shanghai"))
    consumer = EventConsumer("routing", schema, pg_pool, BatchHandler(CONSUMED, routing.on_events), NoLetters())
    petition: PetitionSubmitted = submitted()
    await consumer.process([as_record(petition, "petition", 1, f"c{i}", i) for i in range(1, 4)])
    assert store.raced
    rows = await pg_pool.fetch(f"SELECT stream_id, version, actor FROM {schema}.events ORDER BY stream_id, version")
    # The rival's assignment stands; the other two cases were routed; nobody was assigned twice.
    assert [tuple(r) for r in rows] == [
        ("case-c1", 1, "rival"),
        ("case-c2", 1, "system:routing"),
        ("case-c3", 1, "system:routing"),
    ]
    index = await pg_pool.fetch(f"SELECT case_id, status FROM {schema}.case_index ORDER BY case_id")
    assert [tuple(r) for r in index] == [("c2", "assigned"), ("c3", "assigned")]
    assert await pg_pool.fetchval(f"SELECT count(*) FROM {schema}.inbox") == 3
