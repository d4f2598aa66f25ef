"""The read models against a real PostgreSQL, fed recorded events straight into the live handler."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.projections.adapters import queries
from services.projections.adapters.changes import ChangeHub
from services.projections.adapters.schema import ensure_read_model, serving
from services.projections.domain.case import document
from services.projections.domain.evolve import CONSUMED, PROJECTED, fold
from services.projections.domain.rollup import Cell, contribution, spread
from services.projections.handlers import Projections
from services.projections.synthetic import histories
from shared.divisions import is_within
from shared.events import RecordedEvent, WithdrawalRequested
from shared.messaging.consumer import Consumed
from tests.support.polling import eventually_async
from tests.unit.intake.facts import recorded as intake_recorded

pytestmark = pytest.mark.integration
TZ = ZoneInfo("Asia/Shanghai")
PUJIANG = "330726000000"


def interleaved(recorded: list[tuple[str, RecordedEvent]], seed: int) -> list[RecordedEvent]:
    """Each service's events in its own order, the three topics interleaved at random."""
    per_topic: dict[str, list[RecordedEvent]] = defaultdict(list)
    for service, event in recorded:
        per_topic[service].append(event)
    rng, out = random.Random(seed), []
    while any(per_topic.values()):
        out.append(per_topic[rng.choice([s for s, q in per_topic.items() if q])].pop(0))
    return out


async def feed(pool: asyncpg.Pool, projections: Projections, events: list[RecordedEvent]) -> None:
    """In consumer batches of uneven sizes, as Kafka hands them over."""
    rng, at = random.Random(len(events)), 0
    while at < len(events):
        size = rng.randint(1, 7)
        async with pool.acquire() as conn, conn.transaction():
            await projections.on_events(conn, [Consumed.of(e) for e in events[at : at + size]])
        at += size


def by_case(events: list[RecordedEvent]) -> dict[str, list[RecordedEvent]]:
    found: dict[str, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        found[event.subject].append(event)
    return found


def expected_counters(events: list[RecordedEvent]) -> Counter[Cell]:
    cells: Counter[Cell] = Counter()
    for case_id, history in by_case(events).items():
        state = fold(case_id, history)
        cells.update(spread(state.division, contribution(state, TZ)))
    return +cells


@pytest.fixture
async def projections(pg_pool: asyncpg.Pool, schema: str) -> Projections:
    await ensure_read_model(pg_pool, schema)
    return Projections(schema, TZ)


async def rollup(pool: asyncpg.Pool, generation: str) -> Counter[Cell]:
    rows = await pool.fetch(f"SELECT division, metric, key, n FROM {generation}.rollup")
    return Counter({(r["division"], r["metric"], r["key"]): r["n"] for r in rows})


async def test_cases_and_counters_match_the_pure_fold_for_any_arrival_order(
    pg_pool: asyncpg.Pool, projections: Projections
) -> None:
    recorded = histories(600, datetime.now(UTC) - timedelta(days=20))
    events = interleaved(recorded, seed=1)
    await feed(pg_pool, projections, events)
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, projections.base)
        for case_id, history in list(by_case(events).items())[:40]:
            assert await queries.case_doc(conn, generation, case_id) == document(fold(case_id, history))
    assert await rollup(pg_pool, generation) == expected_counters(events)

    # A redelivered event changes nothing.
    await feed(pg_pool, projections, events[:25])
    assert await rollup(pg_pool, generation) == expected_counters(events)


async def test_the_case_list_pages_through_exactly_the_matching_cases(
    pg_pool: asyncpg.Pool, projections: Projections
) -> None:
    recorded = histories(500, datetime.now(UTC) - timedelta(days=10), seed=3)
    events = [event for _, event in recorded]
    await feed(pg_pool, projections, events)
    states = [fold(case_id, history) for case_id, history in by_case(events).items()]
    wanted = {s.case_id for s in states if s.open and s.division and is_within(s.division, PUJIANG)}
    assert wanted
    seen: list[str] = []
    after = None
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, projections.base)
        where = queries.CaseFilter(division=PUJIANG, statuses=("submitted", "assigned", "accepted", "resolved",
                                                                   "under_review", "under_re_review"))  # fmt: skip
        while True:
            page, after = await queries.case_page(conn, generation, where, 7, after)
            seen.extend(c["case_id"] for c in page)
            if after is None:
                break
        overdue, _ = await queries.case_page(conn, generation, queries.CaseFilter(PUJIANG, overdue=True), 200, None)
    assert len(seen) == len(set(seen))
    assert set(seen) == wanted
    assert {c["case_id"] for c in overdue} == {s.case_id for s in states if s.overdue and s.case_id in wanted}


async def test_committed_changes_reach_listeners_of_the_division_only(
    pg_pool: asyncpg.Pool, test_database_url: str, projections: Projections
) -> None:
    hub = ChangeHub()
    listener = asyncio.create_task(hub.listen(test_database_url, projections.base))
    try:

        async def listening() -> bool:
            return hub.listening

        await eventually_async(listening, every=0.01, what="the hub listening")
        inside = hub.subscribe(lambda n: bool(n["division"]) and is_within(n["division"], PUJIANG))
        elsewhere = hub.subscribe(lambda n: bool(n["division"]) and is_within(n["division"], "330782000000"))
        await feed(pg_pool, projections, [event for _, event in histories(80, datetime.now(UTC))])
        notice = await asyncio.wait_for(inside.queue.get(), 5)
        assert is_within(notice["division"], PUJIANG)
        assert {"case_id", "status", "level", "overdue", "at_risk", "time"} <= set(notice)
        while not elsewhere.queue.empty():
            assert is_within(elsewhere.queue.get_nowait()["division"], "330782000000")
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)


async def test_two_instances_and_a_rolled_back_batch_never_leave_a_stale_state_behind(
    pg_pool: asyncpg.Pool, projections: Projections
) -> None:
    """Each instance remembers the cases it folded; another's write or a rollback makes that memory a miss."""
    events = [e for _, e in sorted(histories(400, datetime.now(UTC) - timedelta(days=5), seed=4),
                                   key=lambda pair: pair[1].time)]  # fmt: skip
    other = Projections(projections.base, TZ)
    for i in range(0, len(events), 9):
        batch = [Consumed.of(e) for e in events[i : i + 9]]
        if i % 27 == 9:  # applied, then undone: the instance must not trust what it folded here
            with contextlib.suppress(RuntimeError):
                async with pg_pool.acquire() as conn, conn.transaction():
                    await projections.on_events(conn, batch)
                    raise RuntimeError("the commit never happens")
        async with pg_pool.acquire() as conn, conn.transaction():
            await (projections if i % 2 else other).on_events(conn, batch)
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, projections.base)
        for case_id, history in by_case(events).items():
            assert await queries.case_doc(conn, generation, case_id) == document(fold(case_id, history))
    assert await rollup(pg_pool, generation) == expected_counters(events)


async def test_a_document_of_an_older_layout_is_folded_again_from_the_log(
    pg_pool: asyncpg.Pool, projections: Projections
) -> None:
    """An upgrade must not wedge the consumer on documents the previous version wrote."""
    events = [event for _, event in histories(30, datetime.now(UTC) - timedelta(days=5), seed=7)]
    half = len(events) // 2
    await feed(pg_pool, projections, events[:half])
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, projections.base)
        # What the previous layout wrote: timeline entries without causation ids.
        await conn.execute(
            f"""UPDATE {generation}.case_view SET doc = jsonb_set(doc, '{{timeline}}', (
                    SELECT coalesce(jsonb_agg(entry - 'causation_id'), '[]')
                    FROM jsonb_array_elements(doc->'timeline') entry))"""
        )
    projections_fresh = Projections(projections.base, TZ)  # a restarted instance: nothing cached
    await feed(pg_pool, projections_fresh, events[half:])
    touched_after = {event.subject for event in events[half:]}
    assert touched_after
    async with pg_pool.acquire() as conn:
        for case_id, history in by_case(events).items():
            if case_id in touched_after:
                assert await queries.case_doc(conn, generation, case_id) == document(fold(case_id, history))
    assert await rollup(pg_pool, generation) == expected_counters(events)


async def test_the_event_log_keeps_events_no_case_is_folded_from_and_the_case_is_as_without_them(
    pg_pool: asyncpg.Pool, projections: Projections
) -> None:
    """A withdrawal request moves no case here (routing closes it), but the auditor's log needs it."""
    recorded = histories(3, datetime.now(UTC) - timedelta(days=5))
    events = [event for _, event in recorded]
    case_id = events[0].subject
    withdrawal = intake_recorded(
        WithdrawalRequested(case_id=case_id, reason="settled"), f"petition-{case_id}", 99, events[-1].time, case_id
    )
    assert withdrawal.type not in PROJECTED
    assert withdrawal.type in CONSUMED  # the live consumer takes it (it skipped it, leaving a gap)
    await feed(pg_pool, projections, [*events, withdrawal])
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, projections.base)
        logged = await conn.fetchval(f"SELECT count(*) FROM {generation}.event_log WHERE event_id = $1", withdrawal.id)
        assert logged == 1
        assert await queries.case_doc(conn, generation, case_id) == document(fold(case_id, by_case(events)[case_id]))
        assert await queries.case_doc(conn, generation, case_id) == document(fold(case_id, [*events, withdrawal]))
