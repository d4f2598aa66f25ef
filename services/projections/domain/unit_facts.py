"""What one case adds to the scorecards and the trends, day by day. Pure.

A case's facts are a function of its folded state (its timeline in causal order and its
settled outcomes), like its roll-up contribution: the consumer moves the fact tables by
`facts(after) - facts(before)`, so they are always the sum of every case's current facts and a
rebuild lands on the same rows. docs/scorecards.md defines each figure built from them.

Scorecard facts are kept per *scope*: `unit:<unit id>` (one handling unit's own work) and
`area:<division>` (the handling units of that place and of every place below it, a county's
departments included). Trend facts are per day and category, under the division where the
matter is (as `/v1/stats` counts), and spread to every division above it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from services.projections.domain.case import CaseState, TimelineEntry, callback_satisfied, petitioner_clock
from services.projections.domain.rollup import divisions_counting
from services.projections.domain.work import supervision_outcome
from shared.jurisdiction.petition_bureau import division_of_unit

UnitFact = tuple[str, str, str]  # (scope, day, metric)
TrendFact = tuple[str, str, str]  # (day, category, metric)

# Which clocks each on-time figure is of: sign-off, the acceptance decision, the written reply
# (the first round's handling and the review rounds' answers).
CLOCK_FIGURE = {"signoff": "signoff", "acceptance": "acceptance", "handling": "handling"}
CLOCK_FIGURE |= {"review": "handling", "re_review": "handling"}
ESCALATING = frozenset({"escalation", "takeover"})


@dataclass
class _Stint:
    """One stay of the case at one unit: from its receipt to the next assignment."""

    unit: str
    day: str
    left_by: str | None = None  # the reason of the assignment that moved it on
    repeated: bool = False
    overdue_day: str | None = None


@dataclass
class _Walk:
    tz: ZoneInfo
    unit_of_clock: dict[str, str | None] = field(default_factory=dict)
    outcome_seen: set[str] = field(default_factory=set)
    stints: list[_Stint] = field(default_factory=list)
    per_unit: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (unit, day, metric)
    trend: Counter[tuple[str, str]] = field(default_factory=Counter)  # (day, metric)
    resolver: str | None = None
    first_resolver: tuple[str, str] | None = None  # (unit, day) of the first round's last resolution
    answers: list[tuple[str | None, str, bool]] = field(default_factory=list)  # (unit, day, satisfied)
    callback: tuple[str | None, str, bool] | None = None
    breached_case: bool = False

    def day(self, entry: TimelineEntry) -> str:
        return entry.time.astimezone(self.tz).date().isoformat()

    @property
    def unit(self) -> str | None:
        return self.stints[-1].unit if self.stints else None


def _step(w: _Walk, e: TimelineEntry, state: CaseState) -> None:
    d, day = e.detail, w.day(e)
    if e.type == "CaseAssigned":
        if w.stints:
            w.stints[-1].left_by = str(d.get("reason"))
        w.stints.append(_Stint(str(d["unit_id"]), day))
    elif e.type == "RepeatPetitionReceived" and w.stints:
        w.stints[-1].repeated = True
    elif e.type == "ClockStarted":
        w.unit_of_clock[str(d["clock_id"])] = d.get("unit_id") or w.unit
    elif e.type in {"ClockStopped", "ClockBreached"}:
        _clock_outcome(w, e, day)
    elif e.type == "CaseResolved":
        w.resolver = str(d.get("unit_id") or w.unit)
        w.trend[day, "resolved"] += 1
        if d.get("round", "first") == "first":
            w.first_resolver = (w.resolver, day)
    elif e.type == "FeedbackGiven":
        w.answers.append((w.resolver or w.unit, day, bool(d.get("satisfied"))))
    elif e.type == "CallbackRecorded" and d.get("reached") and d.get("satisfaction") is not None:
        w.callback = (w.resolver or w.unit, day, callback_satisfied(str(d["satisfaction"])))
    elif e.type == "SupervisionIssued" and w.unit is not None:
        w.per_unit[w.unit, day, "supervised"] += 1
    elif e.type == "SupervisionOrdered":
        found = next((s for s in state.supervisions if s.supervision_id == d.get("supervision_id")), None)
        if found is not None:
            w.per_unit[found.unit_id, day, "supervised"] += 1
            w.per_unit[found.unit_id, day, f"supervision.{supervision_outcome(state, found)}"] += 1


def _clock_outcome(w: _Walk, e: TimelineEntry, day: str) -> None:
    clock_id, kind = str(e.detail.get("clock_id")), str(e.detail.get("kind"))
    unit = w.unit_of_clock.get(clock_id) or w.unit
    breached = e.type == "ClockBreached"
    if breached and not petitioner_clock(kind):
        if not w.breached_case:
            w.breached_case = True
            w.trend[day, "overdue"] += 1
        stint = w.stints[-1] if w.stints else None
        if stint is not None and stint.overdue_day is None and unit in {None, stint.unit}:
            stint.overdue_day = day
    figure = CLOCK_FIGURE.get(kind)
    if figure is None or unit is None or clock_id in w.outcome_seen:
        return
    w.outcome_seen.add(clock_id)  # the first outcome is the clock's: met when stopped on time, else missed
    met = not breached and bool(e.detail.get("met_on_time"))
    w.per_unit[unit, day, f"{figure}.{'met' if met else 'missed'}"] += 1


def scopes_of(unit: str) -> tuple[str, ...]:
    """Every scope a unit's work counts in: its own, and the area of its place and of each place above."""
    return (f"unit:{unit}", *(f"area:{code}" for code in divisions_counting(division_of_unit(unit))))


def _stint_facts(w: _Walk, facts: Counter[UnitFact]) -> None:
    """Received, repeated, escalated, overdue: once per stay in a scope (a move within it is no new receipt)."""
    open_in: dict[str, _Stint] = {}  # scope -> the stay's first stint
    flags: dict[str, dict[str, str]] = {}
    for i, stint in enumerate(w.stints):
        scopes = set(scopes_of(stint.unit))
        after = set(scopes_of(w.stints[i + 1].unit)) if i + 1 < len(w.stints) else set()
        for scope in scopes:
            first = open_in.setdefault(scope, stint)
            seen = flags.setdefault(scope, {})
            if first is stint:
                facts[scope, stint.day, "received"] += 1
            if stint.repeated and "repeated" not in seen:
                seen["repeated"] = first.day
            if stint.overdue_day and "overdue" not in seen:
                seen["overdue"] = stint.overdue_day
            if scope in after:
                continue
            if stint.left_by in ESCALATING:
                seen["escalated"] = first.day
            for metric, day in seen.items():
                facts[scope, day, metric] += 1
            del open_in[scope], flags[scope]
    for scope, seen in flags.items():
        for metric, day in seen.items():
            facts[scope, day, metric] += 1


def case_facts(state: CaseState, tz: ZoneInfo) -> tuple[dict[UnitFact, int], dict[TrendFact, int]]:
    """(scorecard facts by scope, day and metric; trend facts by day, category and metric) of one case."""
    w = _Walk(tz)
    for entry in state.timeline:
        _step(w, entry, state)
    since = state.submitted_at or state.opened_at
    if since is not None:
        w.trend[since.astimezone(tz).date().isoformat(), "received"] += 1
    if state.first_time is not None and w.first_resolver is not None:
        resolver, day = w.first_resolver
        w.per_unit[resolver, day, f"first_time.{'yes' if state.first_time else 'no'}"] += 1
    source = state.satisfaction_source  # the one rule: the petitioner's own word, else a callback's
    counted = w.answers if source == "feedback" else [w.callback] if source == "callback" and w.callback else []
    for answered, day, satisfied in counted:
        w.trend[day, "satisfied" if satisfied else "unsatisfied"] += 1
        if answered is not None:
            w.per_unit[answered, day, f"satisfaction.{'yes' if satisfied else 'no'}"] += 1
    facts: Counter[UnitFact] = Counter()
    for (unit, day, metric), n in w.per_unit.items():
        for scope in scopes_of(unit):
            facts[scope, day, metric] += n
    _stint_facts(w, facts)
    category = state.category or "other"
    trend = {(day, category, metric): n for (day, metric), n in w.trend.items() if n}
    return {k: n for k, n in facts.items() if n}, trend
