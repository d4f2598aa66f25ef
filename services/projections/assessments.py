"""Supervisors' assessments (issue 13): scorecards of handling units, trends, the month's topics.

Read use cases like `reads.py`: supervisors and admins only, in their jurisdiction (the
division is checked by the entry point); typed answers, refusals from `shared.domain`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.adapters import fact_queries, queries, segmenter
from services.projections.adapters.schema import serving
from services.projections.domain import scorecards, topics, trends
from services.projections.domain.periods import Period
from services.projections.reads import division_names, unit_names
from shared.clock import Clock
from shared.divisions import truncate_to
from shared.http.auth import Principal
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.jurisdiction.divisions import level_of
from shared.vocabulary import Level, Role

ASSESSORS = (Role.SUPERVISOR, Role.ADMIN)


def shaped_period(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "from": period.start.isoformat(), "to": period.end.isoformat(), "label": period.label}


def _names_of(scope: str) -> tuple[str, str, dict[str, str] | None]:
    """(kind, id, names) of a scope: a place's area, a place's own unit, or a department."""
    kind, _, name = scope.partition(":")
    if deployment_tree().department(name) is not None:
        return "department", name, unit_names(name)
    if kind == "unit":
        return "unit", name, unit_names(name)
    return "place", name, division_names(name)


def _card(scope: str, now: dict[str, int], before: dict[str, int]) -> dict[str, Any]:
    kind, ident, names = _names_of(scope)
    return {"kind": kind, "id": ident, "name": names, **scorecards.card(scope, now, before)}


def peer_scopes(division: str) -> tuple[list[str], list[str]]:
    """The places one level below (their areas) and, for a county, its departments."""
    tree = deployment_tree()
    if division not in tree:
        return [], []
    places = [f"area:{d.code}" for d in tree.children(division)]
    departments = [f"unit:{d.id}" for d in tree.departments(division)] if level_of(division) == Level.COUNTY else []
    return places, departments


PLACE_KINDS = ("自治县", "街道", "社区", "村", "镇", "乡", "县", "市", "区", "省")


@cache
def place_names() -> frozenset[str]:
    """Every division's name, and without its kind (浦江县, 浦江): a place, not a problem, in a title."""
    found: set[str] = set()
    for division in deployment_tree():
        found.add(division.name_zh)
        kind = next((k for k in PLACE_KINDS if division.name_zh.endswith(k)), "")
        if len(division.name_zh) - len(kind) >= 2:
            found.add(division.name_zh.removesuffix(kind))
    return frozenset(found)


def place_below(division: str) -> Callable[[str], str]:
    """Where below `division` a case's division is: its child division containing it (a village: itself)."""
    level = level_of(division)
    if level == Level.VILLAGE:
        return lambda _code: division
    below = list(Level)[level.rank - 1]
    return lambda code: truncate_to(code, below)


def category_names(key: str) -> dict[str, str] | None:
    found = deployment_catalogue().get(key)
    return {"zh": found.name_zh, "en": found.name_en} if found else None


@dataclass(frozen=True)
class Assessments:
    pool: asyncpg.Pool
    base: str
    tz: ZoneInfo
    clock: Clock

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    async def scorecards(self, who: Principal, division: str, period: Period) -> dict[str, Any]:
        """The division's own figures and its peers' below it, ranked within their tiers, against the period before."""
        who.require_role(*ASSESSORS)
        before = period.previous()
        own = [f"area:{division}", f"unit:{division}"]
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            own_now = await fact_queries.scope_sums(conn, schema, own, period.start, period.end)
            own_before = await fact_queries.scope_sums(conn, schema, own, before.start, before.end)
            peers_now = await fact_queries.peer_sums(conn, schema, division, period.start, period.end)
            peers_before = await fact_queries.peer_sums(conn, schema, division, before.start, before.end)
        places, departments = peer_scopes(division)
        # a peer the tree does not name (a deployment's tree changed) still shows when it has facts
        places += sorted(s for s in peers_now.keys() - set(places) - set(departments) if s.startswith("area:"))
        departments += sorted(s for s in peers_now.keys() - set(places) - set(departments) if s.startswith("unit:"))

        def cards(scopes: list[str]) -> list[dict[str, Any]]:
            found = [_card(s, peers_now.get(s, {}), peers_before.get(s, {})) for s in scopes]
            return scorecards.ranked(found)

        return {
            "division": division,
            "name": division_names(division),
            "level": level_of(division).value,
            "period": shaped_period(period),
            "previous": shaped_period(before),
            "total": _card(own[0], own_now.get(own[0], {}), own_before.get(own[0], {})),
            "own_unit": _card(own[1], own_now.get(own[1], {}), own_before.get(own[1], {})),
            "places": cards(places),
            "departments": cards(departments),
            "definitions": "docs/scorecards.md",
        }

    async def trends(self, who: Principal, division: str, period: Period, category: str | None) -> dict[str, Any]:
        """Daily series of the division (and below): received, resolved, newly overdue, satisfaction."""
        who.require_role(*ASSESSORS)
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            rows = await fact_queries.trend_rows(conn, schema, division, period.start, period.end, category)
        return {
            "division": division,
            "name": division_names(division),
            "period": shaped_period(period),
            "category": category,
            **trends.series(rows, period.start, period.end),
        }

    async def topics(
        self, who: Principal, division: str, period: Period, category: str | None = None, limit: int = 10
    ) -> dict[str, Any]:
        """The period's recurring problems in the division (每月一题): groups of similar petitions, largest first."""
        who.require_role(*ASSESSORS)
        since = datetime.combine(period.start, time(), self.tz)
        until = datetime.combine(period.end + timedelta(days=1), time(), self.tz)
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            petitions = await queries.petitions(conn, schema, division, since, until, category)
            found = topics.topics(petitions, segmenter.weight, place_names(), limit)
            titles = await queries.titles(conn, schema, [p.case_id for t in found for p in t.examples])
        place_of = place_below(division)

        def example(p: topics.Petition) -> dict[str, Any]:
            title, received = titles.get(p.case_id), p.received_at.isoformat()
            return {"case_id": p.case_id, "title": title, "division": p.division, "received_at": received}

        def shaped(topic: topics.Topic) -> dict[str, Any]:
            return {
                "category": topic.category,
                "category_name": category_names(topic.category),
                "terms": list(topic.terms),
                "label": topic.label,
                "count": topic.count,
                "places": [
                    {"division": code, "name": division_names(code), "count": n} for code, n in topic.places(place_of)
                ],
                "examples": [example(p) for p in topic.examples],
            }

        return {
            "division": division,
            "name": division_names(division),
            "period": shaped_period(period),
            "category": category,
            "topics": [shaped(t) for t in found],
            "definitions": "docs/scorecards.md",
        }
