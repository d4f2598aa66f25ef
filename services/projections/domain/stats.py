"""The supervisor's figures for one division, from its roll-up counters. Pure."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from shared.vocabulary import Level

# The province's own goals (domain.md): measured, never enforced.
PYRAMID_TARGET = {Level.VILLAGE: 0.6, Level.TOWNSHIP: 0.3, Level.COUNTY: 0.1}
FIRST_TIME_TARGET = 0.97
SATISFACTION_TARGET = 0.98
ONLINE_TARGET = 0.85


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _ratio(part: int, whole: int, names: tuple[str, str], target: float | None = None) -> dict[str, Any]:
    figure: dict[str, Any] = {names[0]: part, names[1]: whole, "rate": _rate(part, whole)}
    if target is not None:
        figure["target"] = target
    return figure


def figures(counts: dict[tuple[str, str], int]) -> dict[str, Any]:
    """Everything /v1/stats shows except hot spots, from (metric, key) -> n."""

    def metric(name: str) -> dict[str, int]:
        return {key: n for (m, key), n in counts.items() if m == name}

    by_level: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in metric("open").items():
        level, _, status = key.partition(":")
        by_level[level] += n
        by_status[status] += n
        grid[level][status] = n
    resolved = metric("resolved")
    resolved_total = sum(resolved.values())
    pyramid = [
        {
            "level": level.value,
            "count": resolved.get(level.value, 0),
            "share": _rate(resolved.get(level.value, 0), resolved_total),
            "target": PYRAMID_TARGET.get(level, 0.0),
        }
        for level in Level
    ]
    first, feedback, on_time, channels = metric("first_time"), metric("feedback"), metric("on_time"), metric("channel")
    signoff = metric("signoff")
    return {
        "cases": {"total": counts.get(("cases", "all"), 0), "open": sum(by_level.values())},
        "by_status": metric("status"),
        "open": {"by_level": dict(by_level), "by_status": dict(by_status), "by_level_and_status": dict(grid)},
        "pyramid": {"resolved": resolved_total, "levels": pyramid},
        "first_time_resolution": _ratio(
            first.get("yes", 0), sum(first.values()), ("resolved_first_time", "settled"), FIRST_TIME_TARGET
        ),
        "satisfaction": _ratio(
            feedback.get("satisfied", 0), sum(feedback.values()), ("satisfied", "feedback"), SATISFACTION_TARGET
        ),
        "on_time": _ratio(on_time.get("met", 0), sum(on_time.values()), ("met", "stopped")),
        "online_share": _ratio(channels.get("online", 0), sum(channels.values()), ("online", "cases"), ONLINE_TARGET),
        "channels": channels,
        "overdue": counts.get(("overdue", ""), 0),
        "at_risk": counts.get(("at_risk", ""), 0),
        "escalated": counts.get(("escalated", ""), 0),
        # the work between units (issue 10, part A)
        "sign_off": _ratio(signoff.get("signed", 0), signoff.get("received", 0), ("signed", "received")),
        "unsigned": counts.get(("unsigned", ""), 0),
        "objections": {key: metric("objections").get(key, 0) for key in ("upheld", "dismissed", "pending")},
        "extensions": {key: metric("extensions").get(key, 0) for key in ("granted", "denied")},
        "collective": {
            "cases": sum(metric("collective").values()),
            "open": counts.get(("collective", "open"), 0),
            "people": counts.get(("collective_people", ""), 0),
        },
    }


def hot_spots(rows: list[tuple[str, str, int, int, int]], limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """(place, category, last 7 days, the 7 days before, last 30 days) -> the top of each window."""
    week = sorted((r for r in rows if r[2]), key=lambda r: (-r[2], -r[4], r[0], r[1]))
    month = sorted((r for r in rows if r[4]), key=lambda r: (-r[4], -r[2], r[0], r[1]))

    def spot(row: tuple[str, str, int, int, int]) -> dict[str, Any]:
        place, category, n7, p7, n30 = row
        return {"division": place, "category": category, "last_7d": n7, "previous_7d": p7, "last_30d": n30,
                "rising": n7 > p7}  # fmt: skip

    return {"last_7d": [spot(r) for r in week[:limit]], "last_30d": [spot(r) for r in month[:limit]]}


def new_cases(counts: dict[tuple[str, str], int], today: date) -> dict[str, Any]:
    """New cases over the last 7 and 30 days (up to `today`), by category, busiest first."""
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
