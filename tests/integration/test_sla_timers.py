"""Durable timers against a real PostgreSQL: written with the clocks, fired once, by any instance."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest

from services.sla.adapters.timers import TIMERS_DDL, TimerStore
from services.sla.domain.firing import schedule
from services.sla.handlers import Sla, clocks_stream
from services.sla.timers import fire_due
from shared.clock import SystemClock
from shared.events import CaseAccepted, Event, RecordedEvent
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.consumer import Consumed
from shared.vocabulary import Level
from tests.unit.sla.support import ACCEPTANCE_DUE, RECEIVED, VILLAGE, assigned
from tests.unit.sla.support import STATUTORY_RULES as RULES

pytestmark = pytest.mark.integration

HALF = RECEIVED + (ACCEPTANCE_DUE - RECEIVED) / 2
LONG_AFTER = ACCEPTANCE_DUE + timedelta(days=30)


def from_routing(payload: Event, at: datetime, case_id: str) -> RecordedEvent:
    return RecordedEvent(
        id=uuid.uuid4(),
        source="/pujiang/routing",
        type=payload.type_name(),
        subject=case_id,
        time=at,
        stream_id=f"case-{case_id}",
        version=1,
        schema_version=1,
        correlation_id=uuid.uuid4(),
        causation_id=None,
        actor="system:routing",
        actor_unit=None,
        data=payload.model_dump(mode="json"),
        prev_hash="",
        hash="",
    )


@pytest.fixture
async def sla(pg_pool: asyncpg.Pool, schema: str) -> Sla:
    await migrate(pg_pool, schema, TIMERS_DDL.format(schema=schema))
    return an_sla(pg_pool, schema)


def an_sla(pool: asyncpg.Pool, schema: str) -> Sla:
    clock = SystemClock()
    return Sla(PostgresEventStore(schema, "/pujiang/sla", clock), TimerStore(schema), RULES, pool, clock)


async def routed(pool: asyncpg.Pool, sla: Sla, payload: Any, at: datetime = RECEIVED) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await sla.on_events(conn, [Consumed(from_routing(payload, at, payload.case_id), payload)])


async def open_cases(pool: asyncpg.Pool, sla: Sla, n: int) -> list[str]:
    cases = [f"case-{i}-{uuid.uuid4().hex[:6]}" for i in range(n)]
    for case_id in cases:
        await routed(pool, sla, assigned(case_id=case_id))
    return cases


async def timers(pool: asyncpg.Pool, sla: Sla) -> dict[tuple[str, str], datetime]:
    rows = await pool.fetch(f"SELECT case_id, clock_id, fire_at FROM {sla.timers.schema}.timers")
    return {(r["case_id"], r["clock_id"]): r["fire_at"] for r in rows}


async def fired(pool: asyncpg.Pool, sla: Sla) -> Counter[tuple[str, str, str, str]]:
    """How often each warning point and breach of each clock was recorded."""
    rows = await pool.fetch(
        f"""SELECT subject, type, data->>'clock_id', coalesce(data->>'point', '') FROM {sla.store.schema}.events
            WHERE type IN ('ClockWarned', 'ClockBreached')"""
    )
    return Counter(tuple(r) for r in rows)


async def test_a_routing_event_writes_clocks_and_their_timer_in_one_transaction(
    pg_pool: asyncpg.Pool, sla: Sla
) -> None:
    case_id = "c-atomic"
    assert await timers(pg_pool, sla) == {}
    async with pg_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        event = assigned(case_id=case_id)
        await sla.on_events(conn, [Consumed(from_routing(event, RECEIVED, case_id), event)])
        await transaction.rollback()  # a crash before the commit
    assert await timers(pg_pool, sla) == {}
    await routed(pg_pool, sla, assigned(case_id=case_id))
    assert await timers(pg_pool, sla) == {(case_id, "acceptance-1"): HALF}


async def test_the_due_query_walks_the_fire_at_index(pg_pool: asyncpg.Pool, sla: Sla) -> None:
    async with pg_pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = await conn.fetch(
            f"""EXPLAIN SELECT case_id, clock_id FROM {sla.timers.schema}.timers WHERE fire_at <= $1
                ORDER BY fire_at LIMIT 100 FOR UPDATE SKIP LOCKED""",
            LONG_AFTER,
        )
    assert "timers_fire_at" in "\n".join(r[0] for r in plan)


async def test_a_pass_fires_what_is_due_once_and_moves_each_timer_on(pg_pool: asyncpg.Pool, sla: Sla) -> None:
    (case_id,) = await open_cases(pg_pool, sla, 1)
    assert await fire_due(sla, pg_pool, HALF - timedelta(seconds=1)) == 0
    assert await fire_due(sla, pg_pool, HALF) == 1
    state_after_half = (await timers(pg_pool, sla))[(case_id, "acceptance-1")]
    assert state_after_half == RECEIVED + (ACCEPTANCE_DUE - RECEIVED) * 3 / 4
    # Down for a month: everything that fell due meanwhile fires once, as a breach.
    assert await fire_due(sla, pg_pool, LONG_AFTER) == 1
    assert await fire_due(sla, pg_pool, LONG_AFTER) == 0
    assert await timers(pg_pool, sla) == {}
    async with pg_pool.acquire() as conn:
        history = await sla.store.load(conn, clocks_stream(case_id))
    assert [e.type for e in history] == ["ClockStarted", "ClockWarned", "ClockBreached"]


async def test_side_by_side_firing_loops_fire_every_due_timer_exactly_once(pg_pool: asyncpg.Pool, sla: Sla) -> None:
    cases = await open_cases(pg_pool, sla, 120)
    schema = sla.store.schema
    instances = [
        sla,
        *(an_sla(pg_pool, schema) for _ in range(3)),
    ]

    async def loop(instance: Sla, now: datetime) -> int:
        passes = 0
        while await fire_due(instance, pg_pool, now, limit=7):
            passes += 1
        return passes

    for now in (HALF + timedelta(days=1), LONG_AFTER):  # first the warnings, then the breaches
        passes = await asyncio.gather(*(loop(s, now) for s in instances))
        assert sum(passes) >= len(cases) // 7, "the instances shared the work"
    counts = await fired(pg_pool, sla)
    assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1]
    assert Counter(kind for _, kind, _, _ in counts) == {"ClockWarned": len(cases), "ClockBreached": len(cases)}
    assert await timers(pg_pool, sla) == {}


async def test_routing_events_and_firing_passes_on_the_same_cases_never_deadlock_or_disagree(
    pg_pool: asyncpg.Pool, sla: Sla
) -> None:
    cases = await open_cases(pg_pool, sla, 60)
    accepted_at = ACCEPTANCE_DUE - timedelta(days=1)

    async def accept(case_id: str) -> None:
        await routed(pg_pool, sla, CaseAccepted(case_id=case_id, unit_id=VILLAGE, level=Level.VILLAGE), accepted_at)

    async def fire_until_quiet() -> None:
        for _ in range(1000):
            if not await fire_due(sla, pg_pool, accepted_at, limit=5):
                return
            await asyncio.sleep(0)

    async with asyncio.timeout(60):
        await asyncio.gather(*(accept(c) for c in cases), fire_until_quiet(), fire_until_quiet())
    rows = await timers(pg_pool, sla)
    async with pg_pool.acquire() as conn:
        for case_id in cases:
            state, _ = await sla.load(conn, case_id)
            assert not state.clocks["acceptance-1"].running
            stopped = state.clocks["acceptance-1"].stopped
            assert stopped is not None
            assert stopped.met_on_time
            wanted = {(case_id, clock_id): at for clock_id, at in schedule(state, RULES).items()}
            assert {k: v for k, v in rows.items() if k[0] == case_id} == wanted


async def test_a_timer_whose_case_has_no_clocks_is_dropped(pg_pool: asyncpg.Pool, sla: Sla) -> None:
    async with pg_pool.acquire() as conn:
        await sla.timers.schedule(conn, {"ghost": {"acceptance-1": RECEIVED}})
    assert await fire_due(sla, pg_pool, LONG_AFTER) == 1
    assert await timers(pg_pool, sla) == {}
