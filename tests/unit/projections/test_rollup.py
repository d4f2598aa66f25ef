"""Roll-ups: the counters after any arrival order equal the sum of every case's final contribution."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.projections.domain.case import CaseState
from services.projections.domain.evolve import fold
from services.projections.domain.rollup import Cell, Count, contribution, delta, divisions_counting, spread
from services.projections.domain.stats import figures, hot_spots
from services.projections.synthetic import histories
from shared.events.base import RecordedEvent
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_a_village_case_counts_at_every_level_above() -> None:
    assert divisions_counting("330726001001") == (
        "330726001001",
        "330726001000",
        "330726000000",
        "330700000000",
        "330000000000",
    )
    assert divisions_counting("not-a-code") == ("not-a-code",)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000))
def test_incremental_deltas_land_on_the_sum_of_final_contributions(seed: int) -> None:
    events = [e for _, e in histories(120, START, seed=seed)]
    random.Random(seed).shuffle(events)
    counters: Counter[Cell] = Counter()
    seen: dict[str, list[RecordedEvent]] = {}
    before: dict[str, tuple[str | None, dict[Count, int]]] = {}
    for event in events:  # one event at a time, as the live consumer applies them
        history = seen.setdefault(event.subject, [])
        history.append(event)
        state = fold(event.subject, history)
        after = (state.division, contribution(state, TZ))
        counters.update(delta(*before.get(event.subject, (None, {})), *after))
        before[event.subject] = after
    expected: Counter[Cell] = Counter()
    for case_id, history in seen.items():
        state = fold(case_id, history)
        expected.update(spread(state.division, contribution(state, TZ)))
    assert +counters == +expected
    assert all(n >= 0 for n in counters.values())


def test_figures_read_the_counters() -> None:
    counts = {
        ("cases", "all"): 10,
        ("open", "village:assigned"): 3,
        ("open", "township:accepted"): 1,
        ("resolved", "village"): 6,
        ("resolved", "county"): 2,
        ("first_time", "yes"): 5,
        ("first_time", "no"): 1,
        ("feedback", "satisfied"): 9,
        ("feedback", "unsatisfied"): 1,
        ("channel", "online"): 8,
        ("channel", "letter"): 2,
        ("overdue", ""): 1,
    }
    f = figures(counts)
    assert f["cases"] == {"total": 10, "open": 4}
    assert f["open"]["by_level_and_status"] == {"village": {"assigned": 3}, "township": {"accepted": 1}}
    village = f["pyramid"]["levels"][0]
    assert village == {"level": "village", "count": 6, "share": 0.75, "target": 0.6}
    assert f["satisfaction"]["rate"] == 0.9
    assert f["online_share"] == {"online": 8, "cases": 10, "rate": 0.8, "target": 0.85}
    assert f["on_time"]["rate"] is None
    assert f["overdue"] == 1


def test_hot_spots_rank_each_window_and_flag_rising_counts() -> None:
    spots = hot_spots([("330726001000", "environment", 5, 1, 9), ("330726002000", "labour_wages", 0, 2, 12)])
    assert [s["category"] for s in spots["last_7d"]] == ["environment"]
    assert spots["last_7d"][0]["rising"] is True
    assert [s["category"] for s in spots["last_30d"]] == ["labour_wages", "environment"]


def test_collective_petitions_are_counted_with_their_people() -> None:
    one = CaseState(case_id="a", location_code="330726001001", status=CaseStatus.ASSIGNED)
    many = one.model_copy(update={"case_id": "b", "collective": True, "headcount": 30})
    settled = many.model_copy(update={"case_id": "c", "headcount": 4, "status": CaseStatus.CLOSED})
    counts: Counter[Count] = Counter()
    for state in (one, many, settled):
        counts.update(contribution(state, TZ))
    assert figures(dict(counts))["collective"] == {"cases": 2, "open": 1, "people": 34}
