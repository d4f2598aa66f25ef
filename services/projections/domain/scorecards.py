"""A handling unit's scorecard for a period, its tier and its ranks among peers. Pure.

Every figure is defined in docs/scorecards.md; its counts are sums of the scope's daily facts
(`unit_facts`) over the period's days, so any period is a sum and never a scan of cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Sums = Mapping[str, int]  # metric -> n over the period

# (figure, numerator metrics, denominator metrics, better): a rate is numerator / denominator.
RATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("sign_off", ("signoff.met",), ("signoff.met", "signoff.missed"), "higher"),
    ("acceptance_on_time", ("acceptance.met",), ("acceptance.met", "acceptance.missed"), "higher"),
    ("handling_on_time", ("handling.met",), ("handling.met", "handling.missed"), "higher"),
    ("first_time_resolution", ("first_time.yes",), ("first_time.yes", "first_time.no"), "higher"),
    ("satisfaction", ("satisfaction.yes",), ("satisfaction.yes", "satisfaction.no"), "higher"),
    ("repeat_petitions", ("repeated",), ("received",), "lower"),
    ("escalated", ("escalated",), ("received",), "lower"),
    ("supervision_response", ("supervision.on_time",), ("supervision.on_time", "supervision.late"), "higher"),
)
COUNTS = ("received", "supervised", "overdue")
BETTER = {name: better for name, _, _, better in RATES} | {"received": "none", "supervised": "none"}
BETTER["overdue"] = "lower"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(sums: Sums) -> dict[str, dict[str, Any]]:
    """Each figure: its value (a count, or a rate with its parts)."""
    found: dict[str, dict[str, Any]] = {name: {"value": sums.get(name, 0)} for name in COUNTS}
    for name, top, bottom, _ in RATES:
        part, whole = sum(sums.get(m, 0) for m in top), sum(sums.get(m, 0) for m in bottom)
        found[name] = {"value": _rate(part, whole), "part": part, "whole": whole}
    found["supervised"]["pending"] = sums.get("supervision.pending", 0)
    return found


def with_change(now: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each figure with the previous period's value and the change (rates in points of 1.0)."""
    out = {}
    for name, figure in now.items():
        value, previous = figure["value"], before[name]["value"]
        change = None if value is None or previous is None else round(value - previous, 4)
        out[name] = {**figure, "previous": previous, "change": change}
    return out


def tier_of(received: int) -> int | None:
    """分檔 by volume: tier k holds units that received 10^(k-1) to 10^k - 1 cases (1-9, 10-99, ...);
    None for a unit that received none in the period (it is shown, not ranked)."""
    return len(str(received)) if received > 0 else None


def score(figs: Mapping[str, Mapping[str, Any]]) -> float | None:
    """The composite: the mean of the unit's rates that have a value, those where lower is better taken as 1 - rate."""
    values = []
    for name, _, _, better in RATES:
        value = figs[name]["value"]
        if value is not None:
            values.append(1 - value if better == "lower" else value)
    return round(sum(values) / len(values), 4) if values else None


def _order_key(better: str, value: float | int | None) -> tuple[int, float]:
    if value is None:
        return (1, 0.0)
    return (0, -float(value) if better == "higher" else float(value))


def ranked(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Peers ranked within their tier, overall (by `score`) and figure by figure; ties share a rank.

    Each card has `tier`, `score` and `figures`; a card without a tier, or a figure without a
    value, gets rank None. Cards come back in tier order (biggest first), then by overall rank.
    """
    by_tier: dict[int, list[dict[str, Any]]] = {}
    for card in cards:
        if card["tier"] is not None:
            by_tier.setdefault(card["tier"], []).append(card)
    for peers in by_tier.values():
        _rank(peers, lambda c: c["score"], "higher", lambda c, r: c.__setitem__("rank", r))
        for name, better in BETTER.items():
            if better == "none":
                continue
            _rank(
                peers, lambda c, n=name: c["figures"][n]["value"], better,
                lambda c, r, n=name: c["figures"][n].__setitem__("rank", r),
            )  # fmt: skip
        for card in peers:
            card["peers_in_tier"] = len(peers)
    for card in cards:
        card.setdefault("rank", None)
        card.setdefault("peers_in_tier", 0)
        for figure in card["figures"].values():
            figure.setdefault("rank", None)
    return sorted(cards, key=lambda c: (-(c["tier"] or 0), c["rank"] or 10**9, c["scope"]))


def _rank(peers: list[dict[str, Any]], value: Any, better: str, put: Any) -> None:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; no value, no rank."""
    ordered = sorted(peers, key=lambda c: _order_key(better, value(c)))
    last: tuple[int, float] | None = None
    rank = 0
    for i, card in enumerate(ordered, start=1):
        key = _order_key(better, value(card))
        if key != last:
            rank, last = i, key
        put(card, rank if value(card) is not None else None)


def card(scope: str, now: Sums, before: Sums) -> dict[str, Any]:
    """One scope's scorecard for a period, against the period before (not yet ranked)."""
    figs = with_change(figures(now), figures(before))
    return {"scope": scope, "tier": tier_of(now.get("received", 0)), "score": score(figs), "figures": figs}
