"""The bench's target check: met, missed and not measured are told apart, and a miss names its cause."""

from __future__ import annotations

from typing import Any

import pytest

from bench.targets import bottleneck, evaluate

pytestmark = pytest.mark.unit


def a_result(**overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "petitions": 1000,
        "ours": {"sustained_per_s": 1200.0, "submit_per_s": 900.0, "http_latency_s": {"p99": 0.05}},
        "cpu_s": {"intake": 1.5, "routing": 0.5, "machine busy": 3.0, "machine total": 4.0},
    }
    result.update(overrides)
    return result


def verdicts(result: dict[str, Any]) -> dict[str, bool | None]:
    return {row["target"]: row["met"] for row in evaluate(result)}


def test_a_figure_at_or_beyond_its_bound_is_met_and_one_short_is_missed() -> None:
    found = verdicts(a_result())
    assert found["sustained petitions/s"] is True
    assert found["submit-only petitions/s"] is False
    assert found["HTTP p99 at 16 clients"] is True


def test_a_skipped_phase_is_not_measured_rather_than_met() -> None:
    found = verdicts(a_result())
    assert found["full rebuild events/s"] is None
    assert found["soak: service RSS growth (last/early)"] is None


def test_the_bottleneck_names_the_biggest_cpu_user_per_petition() -> None:
    told = bottleneck(a_result())
    assert "75% busy" in told
    assert "intake (1.50 ms" in told


def test_flatness_is_the_worst_p50_growth_of_any_query_and_p99_the_worst_at_any_size() -> None:
    flat = {
        "case": {"p50_ratio": 1.1, "worst_p99_ms": 9.0},
        "case_list_filtered": {"p50_ratio": 1.3, "worst_p99_ms": 60.0},
        # issue 13's queries have their own target, not the engine's 50 ms
        "trend_province_year": {"p50_ratio": 4.0, "worst_p99_ms": 150.0},
    }
    found = {row["target"]: row for row in evaluate(a_result(scale={"flat": flat, "sizes": []}))}
    flatness = found["queries flat across sizes (worst p50 / smallest size's)"]
    assert flatness["value"] == pytest.approx(1.3)
    assert flatness["met"] is False
    assert found["queries p99 at every size"]["value"] == pytest.approx(60.0)
    assert found["queries p99 at every size"]["met"] is False


def step(events: int, cases: int, scorecard_p99: float, trend_p99: float) -> dict[str, Any]:
    return {
        "events": events,
        "cases": cases,
        "scorecard_city_month": {"p50_ms": scorecard_p99 / 2, "p99_ms": scorecard_p99},
        "trend_province_year": {"p50_ms": trend_p99 / 2, "p99_ms": trend_p99},
    }


def test_the_scorecard_and_trend_targets_are_read_at_the_first_size_with_a_million_cases() -> None:
    sizes = [step(100_000, 10_400, 900.0, 900.0), step(10_000_000, 1_040_000, 120.0, 240.0)]
    found = {row["target"]: row for row in evaluate(a_result(scale={"flat": {}, "sizes": sizes}))}
    scorecard, trend = (
        found["a city's month scorecard p99 at 1M cases"],
        found["the province's year trend p99 at 1M cases"],
    )
    assert (scorecard["value"], scorecard["met"], scorecard["bound"]) == (120.0, True, "≤ 200 ms")
    assert (trend["value"], trend["met"]) == (240.0, False)


def test_the_scorecard_and_trend_targets_are_not_measured_below_a_million_cases() -> None:
    sizes = [step(100_000, 10_400, 20.0, 20.0), step(1_000_000, 104_000, 30.0, 30.0)]
    found = verdicts(a_result(scale={"flat": {}, "sizes": sizes}))
    assert found["a city's month scorecard p99 at 1M cases"] is None
    assert found["the province's year trend p99 at 1M cases"] is None
