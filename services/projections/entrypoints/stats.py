"""A division's figures from its roll-ups (never a scan of cases), and how fresh they are."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request

from services.projections.adapters import queries
from services.projections.domain.stats import figures, hot_spots
from services.projections.entrypoints.common import context, principal, reading, scoped_division
from shared.divisions import level_of
from shared.jurisdiction.division_data import deployment_tree

router = APIRouter(prefix="/v1", tags=["stats"])


def _new_cases(counts: dict[tuple[str, str], int], today: date) -> dict[str, Any]:
    week, month = str(today - timedelta(days=6)), str(today - timedelta(days=29))
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: {"last_7d": 0, "last_30d": 0})
    for (metric, key), n in counts.items():
        day, _, category = key.partition("|")
        if metric != "new" or not month <= day <= str(today):
            continue
        by_category[category]["last_30d"] += n
        if day >= week:
            by_category[category]["last_7d"] += n
    order = sorted(by_category, key=lambda c: (-by_category[c]["last_7d"], c))
    return {
        "last_7d": sum(n["last_7d"] for n in by_category.values()),
        "last_30d": sum(n["last_30d"] for n in by_category.values()),
        "by_category": [{"category": c, **by_category[c]} for c in order],
    }


async def freshness(request: Request) -> dict[str, Any]:
    ctx, _ = context(request)
    async with reading(request) as (conn, schema):
        last = await queries.last_event_time(conn, schema)
    return {
        "now": ctx.clock.now().isoformat(),
        "last_event_time": last.isoformat() if last else None,
        "consumer_lag": await ctx.consumer_lag(),
        "read_model": schema,
    }


def names(code: str) -> dict[str, str] | None:
    """The division's names for a reader ({"zh", "en"}), if the deployment's tree has it."""
    found = deployment_tree().get(code)
    return {"zh": found.name_zh, "en": found.name_en} if found else None


def _named(spots: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        window: [{**spot, "division_name": names(spot["division"])} for spot in found]
        for window, found in spots.items()
    }


@router.get("/stats")
async def stats(request: Request, division: str | None = None) -> dict[str, Any]:
    who = principal(request)
    place = scoped_division(who, division)
    ctx, projections = context(request)
    today = ctx.clock.now().astimezone(projections.tz).date()
    async with reading(request) as (conn, schema):
        counts = await queries.counters(conn, schema, place, today - timedelta(days=29))
        hot = await queries.hot_rows(conn, schema, place, today)
    return {
        "division": place,
        "name": names(place),
        "level": level_of(place).value,
        "today": today.isoformat(),
        **figures(counts),
        "new_cases": _new_cases(counts, today),
        "hot_spots": _named(hot_spots(hot)),
        "freshness": await freshness(request),
    }


@router.get("/freshness")
async def how_fresh(request: Request) -> dict[str, Any]:
    principal(request)
    return await freshness(request)
