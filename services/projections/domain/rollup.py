"""What one case adds to the roll-ups, and how a change of case moves the counters.

Each case contributes counts (metric, key) to the division where the matter is and to every
division above it. An event changes a case; the counters move by the difference between the
case's contribution after and before. So the roll-ups are the sum of every case's current
contribution, whatever order events arrived in, and a rebuild lands on the same numbers.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from zoneinfo import ZoneInfo

from services.projections.domain.case import CaseState
from shared.jurisdiction.divisions import ancestors, is_division_code

Count = tuple[str, str]  # (metric, key)
Cell = tuple[str, str, str]  # (division, metric, key)


def contribution(state: CaseState, tz: ZoneInfo) -> dict[Count, int]:
    """The counts this case adds to its division (and so to each division above)."""
    if state.division is None:
        return {}
    c: Counter[Count] = Counter()
    c["cases", "all"] += 1
    c["status", state.status.value] += 1
    if state.open:
        c["open", f"{state.level.value if state.level else 'none'}:{state.status.value}"] += 1
    if state.resolved_level is not None:
        c["resolved", state.resolved_level.value] += 1
    if state.first_time is not None:
        c["first_time", "yes" if state.first_time else "no"] += 1
    satisfied, unsatisfied = state.counted_satisfaction  # feedback first, else a callback's
    c["feedback", "satisfied"] += satisfied
    c["feedback", "unsatisfied"] += unsatisfied
    if state.callback_satisfaction is not None:
        c["callback", state.callback_satisfaction] += 1
    for clock in state.clocks.values():
        if clock.stopped and clock.counts_for_officials and clock.met_on_time is not None:
            c["on_time", "met" if clock.met_on_time else "missed"] += 1
    if state.channel is not None:
        c["channel", state.channel.value] += 1
    c["overdue", ""] += state.overdue
    c["at_risk", ""] += state.at_risk
    c["escalated", ""] += state.open and state.escalations > 0
    # the work between units: each receipt by a unit, each sign-off, send-backs ruled
    c["signoff", "received"] += state.receipts
    c["signoff", "signed"] += state.signoffs
    c["unsigned", ""] += state.open and state.unsigned
    c["objections", "upheld"] += state.objections_upheld
    c["objections", "dismissed"] += state.objections_dismissed
    c["objections", "pending"] += state.objection is not None
    c["extensions", "granted"] += state.extensions
    c["extensions", "denied"] += state.extensions_denied
    if state.collective:
        c["collective", "open" if state.open else "settled"] += 1
        c["collective_people", ""] += state.headcount
    since = state.submitted_at or state.opened_at
    if state.category and since is not None:
        c["new", f"{since.astimezone(tz).date().isoformat()}|{state.category}"] += 1
    return {k: v for k, v in c.items() if v}


@cache
def divisions_counting(division: str) -> tuple[str, ...]:
    """The division and every one above it (a malformed code counts only for itself)."""
    return (division, *ancestors(division)) if is_division_code(division) else (division,)


def spread(division: str | None, counts: dict[Count, int]) -> Counter[Cell]:
    cells: Counter[Cell] = Counter()
    if division is None:
        return cells
    for code in divisions_counting(division):
        for (metric, key), n in counts.items():
            cells[code, metric, key] += n
    return cells


def delta(
    before_division: str | None, before: dict[Count, int], after_division: str | None, after: dict[Count, int]
) -> dict[Cell, int]:
    """How every counter moves when a case's contribution changes (zero moves left out)."""
    moved = spread(after_division, after)
    moved.subtract(spread(before_division, before))
    return {cell: n for cell, n in sorted(moved.items()) if n}
