"""Scorecards and trends on a real PostgreSQL: the figures the read model serves are the ones a plain
recount of the event log gives, for any period, after any arrival order, and after a rebuild's bulk path."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.projections.adapters import event_log
from services.projections.adapters.schema import create_generation, ensure_read_model, serving
from services.projections.assessments import Assessments
from services.projections.bulk import BulkLoad
from services.projections.domain.order import causal_order
from services.projections.domain.periods import Period, containing
from services.projections.handlers import Projections
from services.projections.synthetic import decoded_cases, histories
from shared.clock import FixedClock
from shared.domain import Forbidden
from shared.http.auth import Principal
from shared.jurisdiction.division_data import deployment_tree
from shared.messaging.consumer import Consumed
from shared.vocabulary import Level, Role
from tests.integration.test_projections_read_model import feed, interleaved
from tests.support.recount import in_area, is_unit, recount
from tests.unit.projections.assessed_cases import COUNTY, LABOUR, TOWNSHIP, VILLAGE, assessed_histories

pytestmark = pytest.mark.integration
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 2, 20, tzinfo=UTC)
PROVINCE_VILLAGES = sorted(d.code for d in deployment_tree() if d.level == Level.VILLAGE)  # as bench/scale.py
SUPERVISOR = Principal(sub="s", role=Role.SUPERVISOR, division=COUNTY)
FIGURE_PARTS = {
    "sign_off": ("signoff.met", ("signoff.met", "signoff.missed")),
    "acceptance_on_time": ("acceptance.met", ("acceptance.met", "acceptance.missed")),
    "handling_on_time": ("handling.met", ("handling.met", "handling.missed")),
    "first_time_resolution": ("first_time.yes", ("first_time.yes", "first_time.no")),
    "satisfaction": ("satisfaction.yes", ("satisfaction.yes", "satisfaction.no")),
    "repeat_petitions": ("repeated", ("received",)),
    "escalated": ("escalated", ("received",)),
    "supervision_response": ("supervision.on_time", ("supervision.on_time", "supervision.late")),
}


def recounted_figures(sums: Counter[str]) -> dict[str, Any]:
    found: dict[str, Any] = {name: sums[name] for name in ("received", "supervised", "overdue")}
    for name, (top, bottom) in FIGURE_PARTS.items():
        found[name] = (sums[top], sum(sums[m] for m in bottom))
    return found


def served_figures(card: dict[str, Any]) -> dict[str, Any]:
    figs = card["figures"]
    found: dict[str, Any] = {name: figs[name]["value"] for name in ("received", "supervised", "overdue")}
    for name in FIGURE_PARTS:
        found[name] = (figs[name]["part"], figs[name]["whole"])
    return found


async def logged_cases(pool: asyncpg.Pool, generation: str) -> list[list[dict[str, Any]]]:
    """Every case's events from the event log, in causal order, as plain {type, time, data}."""
    async with pool.acquire() as conn:
        ids = [r["case_id"] for r in await conn.fetch(f"SELECT DISTINCT case_id FROM {generation}.event_log")]
        cases = await event_log.of_cases(conn, generation, ids)
    return [
        [{"type": e.type, "time": e.time, "data": e.data} for e in causal_order(events)] for events in cases.values()
    ]


@pytest.fixture
async def served(pg_pool: asyncpg.Pool, schema: str) -> tuple[Assessments, str]:
    await ensure_read_model(pg_pool, schema)
    recorded = assessed_histories(START, 60) + histories(400, START)
    await feed(pg_pool, Projections(schema, TZ), interleaved(recorded, seed=4))
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, schema)
    return Assessments(pg_pool, schema, TZ, FixedClock(datetime(2026, 3, 15, tzinfo=UTC))), generation


@pytest.mark.parametrize(
    "period",
    [
        containing("month", date(2026, 3, 1)),
        containing("week", date(2026, 3, 4)),
        Period("range", START.date(), date(2026, 4, 30)),
    ],
    ids=["month", "week", "range"],
)
async def test_scorecards_agree_with_a_recount_of_the_event_log(
    pg_pool: asyncpg.Pool, served: tuple[Assessments, str], period: Period
) -> None:
    assessments, generation = served
    cases = await logged_cases(pg_pool, generation)
    answer = await assessments.scorecards(SUPERVISOR, COUNTY, period)
    before = period.previous()

    def check(card: dict[str, Any], inside: Any) -> None:
        assert served_figures(card) == recounted_figures(recount(cases, inside, period.start, period.end, TZ))
        previous = recount(cases, inside, before.start, before.end, TZ)
        assert card["figures"]["received"]["previous"] == previous["received"]

    check(answer["total"], in_area(COUNTY))
    check(answer["own_unit"], is_unit(COUNTY))
    township = next(c for c in answer["places"] if c["id"] == TOWNSHIP)
    check(township, in_area(TOWNSHIP))
    labour = next(c for c in answer["departments"] if c["id"] == LABOUR)
    check(labour, is_unit(LABOUR))
    assert township["figures"]["received"]["value"] > 0
    assert labour["figures"]["supervised"]["value"] > 0
    assert labour["figures"]["satisfaction"]["whole"] > 0
    village = await assessments.scorecards(SUPERVISOR, TOWNSHIP, period)
    check(next(c for c in village["places"] if c["id"] == VILLAGE), in_area(VILLAGE))


async def test_figures_respect_the_callers_jurisdiction_and_role(served: tuple[Assessments, str]) -> None:
    assessments, _ = served
    month = containing("month", date(2026, 3, 1))
    township_supervisor = Principal(sub="t", role=Role.SUPERVISOR, division=TOWNSHIP)
    answer = await assessments.scorecards(township_supervisor, TOWNSHIP, month)
    assert {c["id"] for c in answer["places"]} >= {VILLAGE}
    assert answer["departments"] == []  # a township has none; the county's are not its to see
    with pytest.raises(Forbidden):
        await assessments.scorecards(Principal(sub="o", role=Role.OFFICIAL, division=COUNTY), COUNTY, month)


async def test_trends_count_each_day_as_the_events_say(pg_pool: asyncpg.Pool, served: tuple[Assessments, str]) -> None:
    assessments, generation = served
    month = containing("month", date(2026, 3, 1))
    answer = await assessments.trends(SUPERVISOR, COUNTY, month, None)
    assert len(answer["days"]) == 31
    cases = [
        events
        for events in await logged_cases(pg_pool, generation)
        if any(e["type"] == "PetitionSubmitted" and e["data"]["division_code"].startswith(COUNTY[:6]) for e in events)
    ]
    submitted = Counter(
        e["time"].astimezone(TZ).date().isoformat()
        for events in cases
        for e in events
        if e["type"] == "PetitionSubmitted" and e["data"]["division_code"].startswith(COUNTY[:6])
    )
    assert {d["day"]: d["received"] for d in answer["days"]} == {
        d.isoformat(): submitted.get(d.isoformat(), 0) for d in (month.start + timedelta(days=i) for i in range(31))
    }
    resolved = sum(1 for events in cases for e in events if e["type"] == "CaseResolved"
                   and month.start <= e["time"].astimezone(TZ).date() <= month.end)  # fmt: skip
    assert answer["totals"]["resolved"] == resolved
    only = await assessments.trends(SUPERVISOR, COUNTY, month, "labour_wages")
    assert {c["category"] for c in only["by_category"]} <= {"labour_wages"}


async def test_the_bulk_path_lands_on_the_same_fact_tables(
    pg_pool: asyncpg.Pool, schema: str, served: tuple[Assessments, str]
) -> None:
    _, live = served
    async with pg_pool.acquire() as conn:
        bare = await create_generation(conn, schema, indexed=False)
        events = [e for events in (await event_log.of_cases(conn, live, [
            r["case_id"] for r in await conn.fetch(f"SELECT DISTINCT case_id FROM {live}.event_log")
        ])).values() for e in events]  # fmt: skip
    load = BulkLoad(pg_pool, bare, TZ)
    await load.prepare()
    for event in events:
        await load.add(Consumed.of(event))
    await load.finish()
    for table, key in {"unit_facts": "scope, day, metric", "trend": "division, day, category, metric"}.items():
        bulk = await pg_pool.fetch(f"SELECT * FROM {bare}.{table} ORDER BY {key}")
        assert bulk == await pg_pool.fetch(f"SELECT * FROM {live}.{table} ORDER BY {key}")
        assert bulk


async def test_the_scale_benchs_synthetic_load_fills_the_fact_tables_as_the_live_path(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    """bench/scale.py copies synthetic cases with their payloads as built (nothing decoded): the
    scorecard and trend tables it fills are the live consumer's for the same events, and not empty."""
    cases = list(islice(decoded_cases(START, seed=11, villages=PROVINCE_VILLAGES, days=60), 150))
    await ensure_read_model(pg_pool, schema)
    await feed(pg_pool, Projections(schema, TZ), [event for case in cases for event, _ in case])
    async with pg_pool.acquire() as conn:
        live = await serving(conn, schema)
        bare = await create_generation(conn, schema, indexed=False)
    load = BulkLoad(pg_pool, bare, TZ)
    await load.prepare()
    for case in cases:
        for event, payload in case:
            await load.add(Consumed(event, payload))
    await load.finish()
    for table, key in {"unit_facts": "scope, day, metric", "trend": "division, day, category, metric"}.items():
        bulk = await pg_pool.fetch(f"SELECT * FROM {bare}.{table} ORDER BY {key}")
        assert bulk == await pg_pool.fetch(f"SELECT * FROM {live}.{table} ORDER BY {key}")
    metrics = {r["metric"] for r in await pg_pool.fetch(f"SELECT DISTINCT metric FROM {bare}.unit_facts")}
    # What the synthetic lifecycles record: receipts, acceptance and handling clocks, first-time
    # outcomes, satisfaction, supervision after a breach, overdue (no sign-off, callbacks or repeats).
    assert {"received", "acceptance.met", "handling.met", "first_time.yes", "satisfaction.yes"} <= metrics
    assert {"supervised", "overdue"} <= metrics
    trend = {r["metric"] for r in await pg_pool.fetch(f"SELECT DISTINCT metric FROM {bare}.trend")}
    assert {"received", "resolved", "satisfied", "overdue"} <= trend
