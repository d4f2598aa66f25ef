"""Scorecard facts of a case, periods, tiers and ranks: the pure parts of issue 13."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.projections.domain import scorecards
from services.projections.domain.evolve import fold
from services.projections.domain.periods import Period, containing, period_of
from services.projections.domain.unit_facts import case_facts
from shared.domain import Invalid
from shared.events import RecordedEvent
from tests.unit.projections.assessed_cases import (
    COUNTY,
    LABOUR,
    TOWNSHIP,
    VILLAGE,
    escalated_and_called_back,
    transferred_to_a_department,
)

pytestmark = pytest.mark.unit
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 1, tzinfo=UTC)  # 09:00 in Pujiang: every step of a case falls on 2 or 3 March


def facts_by_scope(case_events: list[tuple[str, RecordedEvent]]) -> dict[str, Counter[str]]:
    events = [e for _, e in case_events]
    state = fold(events[0].subject, events)
    units, _ = case_facts(state, TZ)
    found: dict[str, Counter[str]] = {}
    for (scope, _day, metric), n in units.items():
        found.setdefault(scope, Counter())[metric] += n
    return found


def test_an_escalation_within_a_township_is_its_villages_escalation_not_the_townships() -> None:
    found = facts_by_scope(escalated_and_called_back(START).events)
    village, township = found[f"area:{VILLAGE}"], found[f"area:{TOWNSHIP}"]
    assert village["received"] == 1
    assert village["escalated"] == 1
    assert village["repeated"] == 1
    assert (village["signoff.met"], village["acceptance.met"]) == (1, 1)
    # the township's area received the case once (from the village inside it), and never let it go up
    assert (township["received"], township["escalated"], township["repeated"]) == (1, 0, 1)
    assert found[f"unit:{TOWNSHIP}"]["received"] == 1
    assert found[f"unit:{TOWNSHIP}"]["signoff.missed"] == 1  # breached, then signed: missed once
    assert found[f"unit:{TOWNSHIP}"]["overdue"] == 1
    # a callback stands in for feedback never given; the resolver's, 基本满意 counts as satisfied
    assert found[f"unit:{TOWNSHIP}"]["satisfaction.yes"] == 1
    assert found[f"unit:{TOWNSHIP}"]["first_time.yes"] == 1
    assert "satisfaction.yes" not in found[f"unit:{VILLAGE}"]
    assert found[f"area:{COUNTY}"]["received"] == 1


def test_a_department_counts_its_own_work_and_in_its_county_not_in_the_township() -> None:
    found = facts_by_scope(transferred_to_a_department(START).events)
    labour = found[f"unit:{LABOUR}"]
    assert labour["received"] == 1
    assert (labour["acceptance.missed"], labour["handling.missed"], labour["signoff.met"]) == (1, 1, 1)
    assert (labour["supervised"], labour["supervision.late"]) == (1, 1)
    assert (labour["first_time.no"], labour["satisfaction.no"]) == (1, 1)
    assert found[f"area:{COUNTY}"]["first_time.no"] == 1
    assert "first_time.no" not in found[f"area:{TOWNSHIP}"]
    assert found[f"area:{TOWNSHIP}"]["received"] == 1  # it left the township by transfer: no escalation
    assert found[f"area:{TOWNSHIP}"]["escalated"] == 0
    assert found[f"area:{COUNTY}"]["received"] == 1  # a move within the county is no new receipt


def test_facts_follow_the_calendar_day_of_the_deployment() -> None:
    events = [e for _, e in escalated_and_called_back(datetime(2026, 3, 31, 15, 30, tzinfo=UTC)).events]
    units, trend = case_facts(fold(events[0].subject, events), TZ)
    assert {day for (scope, day, m) in units if m == "received" and scope == f"unit:{VILLAGE}"} == {"2026-04-01"}
    assert (("2026-04-01", "neighbourhood_dispute", "received") in trend) is True


def test_periods_and_the_period_before() -> None:
    today = date(2026, 3, 18)
    assert period_of(None, None, None, None, today) == Period("month", date(2026, 3, 1), date(2026, 3, 31))
    assert containing("quarter", today).previous() == Period("quarter", date(2025, 10, 1), date(2025, 12, 31))
    assert containing("week", today) == Period("week", date(2026, 3, 16), date(2026, 3, 22))
    assert containing("year", today).label == "2026"
    assert period_of("month", "2026-01-31", None, None, today).previous().label == "2025-12"
    ranged = period_of(None, None, "2026-03-01", "2026-03-10", today)
    assert ranged.previous() == Period("range", date(2026, 2, 19), date(2026, 2, 28))


def test_every_bad_period_field_is_named_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        period_of("fortnight", "18 March", None, None, date(2026, 3, 18))
    assert {d["field"] for d in refused.value.details} == {"period", "date"}
    with pytest.raises(Invalid) as refused:
        period_of(None, None, "2026-03-10", None, date(2026, 3, 18))
    assert [d["field"] for d in refused.value.details] == ["to"]
    with pytest.raises(Invalid):
        period_of(None, None, "2026-03-10", "2026-03-01", date(2026, 3, 18))
    with pytest.raises(Invalid) as refused:
        period_of("month", "9999-12-31", None, None, date(2026, 3, 18))  # no month after it to end this one
    assert [d["field"] for d in refused.value.details] == ["date"]


def test_units_are_ranked_only_against_units_of_their_volume() -> None:
    rng = random.Random(5)
    cards = []
    for i, received in enumerate([1200, 1500, 12, 15, 11, 0]):
        met = int(received * rng.random())
        sums = {"received": received, "signoff.met": met, "signoff.missed": received - met}
        cards.append(scorecards.card(f"area:33072610{i}000", sums, {}))
    ranked = scorecards.ranked(cards)
    assert [c["tier"] for c in ranked] == [4, 4, 2, 2, 2, None]
    assert sorted(c["rank"] for c in ranked if c["tier"] == 4) == [1, 2]
    assert sorted(c["rank"] for c in ranked if c["tier"] == 2) == [1, 2, 3]
    assert ranked[-1]["rank"] is None
    assert all(c["peers_in_tier"] == {4: 2, 2: 3, None: 0}[c["tier"]] for c in ranked)


def test_a_figure_shows_its_change_and_lower_is_better_where_it_should_be() -> None:
    a = scorecards.card("area:a", {"received": 10, "escalated": 1, "overdue": 0}, {"received": 10, "escalated": 3})
    b = scorecards.card("area:b", {"received": 10, "escalated": 4, "overdue": 2}, {})
    assert a["figures"]["escalated"]["change"] == pytest.approx(-0.2)
    assert b["figures"]["escalated"]["previous"] is None
    ranked = {c["scope"]: c for c in scorecards.ranked([a, b])}
    assert ranked["area:a"]["figures"]["escalated"]["rank"] == 1
    assert ranked["area:a"]["figures"]["overdue"]["rank"] == 1
    assert ranked["area:a"]["rank"] == 1
