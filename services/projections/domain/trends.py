"""Daily series of a division from its trend facts: every day of the period, empty days as zeros. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

METRICS = ("received", "resolved", "overdue", "satisfied", "unsatisfied")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def series(rows: Iterable[tuple[date, str, str, int]], start: date, end: date) -> dict[str, Any]:
    """{days: [{day, received, resolved, overdue, satisfied, answers, satisfaction}], totals, by_category}."""
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    per_category: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for day, category, metric, n in rows:
        if metric in METRICS:
            per_day[day][metric] += n
            per_category[category][metric] += n
    days = []
    at = start
    while at <= end:
        found = per_day.get(at) or dict.fromkeys(METRICS, 0)
        days.append({"day": at.isoformat(), **_shaped(found)})
        at += timedelta(days=1)
    totals: dict[str, int] = dict.fromkeys(METRICS, 0)
    for counts in per_category.values():
        for metric in METRICS:
            totals[metric] += counts[metric]
    order = sorted(per_category, key=lambda c: (-per_category[c]["received"], c))
    return {
        "days": days,
        "totals": _shaped(totals),
        "by_category": [{"category": c, **_shaped(per_category[c])} for c in order],
    }


def _shaped(counts: dict[str, int]) -> dict[str, Any]:
    answers = counts["satisfied"] + counts["unsatisfied"]
    return {
        "received": counts["received"],
        "resolved": counts["resolved"],
        "overdue": counts["overdue"],
        "satisfied": counts["satisfied"],
        "answers": answers,
        "satisfaction": _rate(counts["satisfied"], answers),
    }
