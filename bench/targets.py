"""The engine issue's targets and issue 13's, checked against one run's figures, each with what
stopped it when missed.

A figure a run did not measure (a skipped phase) is reported as not measured, never as met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.scale import ENGINE_QUERIES

Getter = Callable[[dict[str, Any]], float | None]
MILLION_CASES = 1_000_000


@dataclass(frozen=True)
class Target:
    name: str
    figure: Getter
    bound: float
    at_least: bool  # True: the figure must reach the bound; False: stay at or below it
    unit: str = ""

    def check(self, result: dict[str, Any]) -> tuple[float | None, bool | None]:
        try:
            value = self.figure(result)
        except (KeyError, TypeError, IndexError):
            value = None
        if value is None:
            return None, None
        return value, value >= self.bound if self.at_least else value <= self.bound


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _engine_queries(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The flatness figures of the engine issue's queries (issue 13's have their own target)."""
    return [q for name, q in result["scale"]["flat"].items() if name in ENGINE_QUERIES]


def _flat(result: dict[str, Any]) -> float | None:
    """The largest p50 at any size over the smallest size's p50, of any query (flat: at most 1.2)."""
    ratios = [q["p50_ratio"] for q in _engine_queries(result)]
    return max(ratios) if ratios else None


def _scale_p99(result: dict[str, Any]) -> float | None:
    worst = [q["worst_p99_ms"] for q in _engine_queries(result)]
    return float(max(worst)) if worst else None


def _p99_at_a_million_cases(query: str) -> Getter:
    """The query's p99 at the first size with at least a million cases (the 10M-event size holds
    about 1.04 million); not measured when the run stopped below it."""

    def figure(result: dict[str, Any]) -> float | None:
        sized = [s for s in result["scale"]["sizes"] if s["cases"] >= MILLION_CASES and query in s]
        return float(sized[0][query]["p99_ms"]) if sized else None

    return figure


def _half_rate_p99(result: dict[str, Any]) -> float | None:
    """The paced phase's p99, unless it ran at a rate given on the command line (then not the target's rate)."""
    paced = result["paced"]
    return None if paced.get("fixed_rate") else _ms(paced["lag_s"]["p99"])


def _rss_growth(result: dict[str, Any]) -> float | None:
    growth = [g for g in result["soak"]["rss_growth"].values() if g is not None]
    return max(growth) if growth else None


TARGETS = (
    Target("sustained petitions/s", lambda r: r["ours"]["sustained_per_s"], 1000, True, "/s"),
    Target("submit-only petitions/s", lambda r: r["ours"]["submit_per_s"], 1500, True, "/s"),
    Target("HTTP p99 at 16 clients", lambda r: _ms(r["ours"]["http_latency_s"]["p99"]), 100, False, " ms"),
    Target("submit->visible p50 at idle", lambda r: _ms(r["idle"]["lag_s"]["p50"]), 100, False, " ms"),
    Target("submit->visible p99 at half rate", _half_rate_p99, 500, False, " ms"),
    Target(
        "event store append, concurrent writers, events/s",
        lambda r: r["append"]["ours"]["group_commit_per_s"],
        20_000,
        True,
        "/s",
    ),
    Target(
        "signed checkpoints' cost of append throughput",
        lambda r: r["append"]["checkpointing"]["cost_pct"],
        5,
        False,
        "%",
    ),
    Target("full rebuild events/s", lambda r: r["replay"]["rebuild_per_s"], 50_000, True, "/s"),
    Target(
        "full rebuild / raw Kafka read",
        lambda r: r["replay"]["rebuild_per_s"] / r["replay"]["raw_read_per_s"],
        0.5,
        True,
    ),
    Target("queries flat across sizes (worst p50 / smallest size's)", _flat, 1.2, False, "x"),
    Target("queries p99 at every size", _scale_p99, 50, False, " ms"),
    Target("soak: service RSS growth (last/early)", _rss_growth, 1.2, False, "x"),
    Target(
        "a city's month scorecard p99 at 1M cases", _p99_at_a_million_cases("scorecard_city_month"), 200, False, " ms"
    ),
    Target(
        "the province's year trend p99 at 1M cases", _p99_at_a_million_cases("trend_province_year"), 200, False, " ms"
    ),
)


def bottleneck(result: dict[str, Any]) -> str:
    """What the throughput phase ran out of: the machine's CPU, and who used it, per petition."""
    cpu, n = result.get("cpu_s"), result.get("petitions")
    if not cpu or not n:
        return "not measured"
    busy, total = cpu["machine busy"], cpu["machine total"]
    ours = {k: v for k, v in cpu.items() if not k.startswith("machine") and v is not None}
    ours["postgres, kafka, others"] = busy - sum(ours.values())
    name, seconds = max(ours.items(), key=lambda item: item[1])
    return (
        f"CPU: the machine was {busy / total:.0%} busy while ours ran; the biggest user was {name} "
        f"({seconds * 1000 / n:.2f} ms of CPU per petition of {busy * 1000 / n:.2f} in all)"
    )


def evaluate(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for target in TARGETS:
        value, met = target.check(result)
        rows.append(
            {
                "target": target.name,
                "bound": ("≥ " if target.at_least else "≤ ") + f"{target.bound:g}{target.unit}",
                "value": value,
                "met": met,
            }
        )
    return rows
