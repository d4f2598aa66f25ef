"""The deployment's clock rules applied to one clock: limits, due instants, warning points. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.sla.domain.calendar import SHANGHAI, WarnPoint, WorkingCalendar, extended_due, warning_times
from services.sla.domain.clocks import CaseClocks, Clock, PauseSpan
from services.sla.domain.policies import ClockKind, ClockSpec, Policy, PolicySet

STATUTORY = frozenset(ClockKind)


@dataclass(frozen=True)
class ClockRules:
    """Policies, holiday calendar and time zone of one deployment; `base` names its policy."""

    policies: PolicySet
    calendar: WorkingCalendar
    tz: ZoneInfo = SHANGHAI
    base: str | None = None
    _named: dict[str, Policy] = field(default_factory=dict, compare=False, repr=False)

    def policy_for(self, category: str | None, channel: str | None) -> Policy:
        """The policy a case of this category and channel runs under."""
        return self.policies.resolve(category=category, channel=channel, base=self.base)

    def named(self, name: str) -> Policy:
        """The policy `resolve` called `name`: the name records the layers it applied."""
        if name not in self._named:
            base, *layers = name.split("+")
            choice = dict(layer.split(":", 1) for layer in layers)
            self._named[name] = self.policies.resolve(
                category=choice.get("category"), channel=choice.get("channel"), base=base
            )
        return self._named[name]

    def due(self, spec: ClockSpec, start: datetime) -> datetime:
        return spec.due(start, self.calendar, self.tz)

    def extend(self, clock: Clock, days: int) -> datetime:
        """The clock's due once extended by `days` calendar days, counted on its unpaused period."""
        unpaused = unpaused_due(clock)
        return clock.due_at + (extended_due(unpaused, days, "calendar_days", self.calendar, self.tz) - unpaused)

    def warn_points(self, clock: Clock) -> tuple[WarnPoint, ...]:
        spec = self.named(clock.policy).clocks.get(clock.kind)
        return spec.warn_at if spec is not None else ()

    def warnings(self, clock: Clock) -> list[tuple[str, datetime]]:
        """Every warning point of the clock not yet given, with when it falls."""
        given = {w.point for w in clock.warned}
        points = warning_times(clock.started_at, unpaused_due(clock), self.warn_points(clock))
        pauses = closed_pauses(clock)
        return [(label, pushed(at, pauses)) for label, at in points if label not in given]


def case_policy(state: CaseClocks, rules: ClockRules) -> Policy:
    """The policy the case's clocks run under: the latest clock's (its category and channel)."""
    latest = max(state.clocks.values(), key=lambda c: c.started_at, default=None)
    return rules.named(latest.policy) if latest else rules.policy_for(None, None)


def local_kinds(policy: Policy) -> list[str]:
    """The clocks a local policy adds to the statutory ones (a hotline's sign-off)."""
    return [kind for kind in policy.clocks if kind not in STATUTORY]


def closed_pauses(clock: Clock) -> list[tuple[datetime, datetime]]:
    """The clock's pauses that have ended, in order (a clock pauses only while running: never overlapping)."""
    return [(p.paused_at, p.resumed_at) for p in clock.pauses if p.resumed_at is not None]


def pushed(instant: datetime, pauses: list[tuple[datetime, datetime]]) -> datetime:
    """The one pause rule: an instant of running time moves out by each pause that began before it."""
    for start, end in pauses:
        if start < instant:
            instant += end - start
    return instant


def unpaused_due(clock: Clock) -> datetime:
    """When the clock would fall due had it never paused: its running period, end to end."""
    paused = timedelta()
    for start, end in closed_pauses(clock):
        overlap = min(end, clock.due_at) - max(start, clock.started_at)
        paused += max(overlap, timedelta())
    return clock.due_at - paused


def resumed_due(clock: Clock, at: datetime) -> datetime:
    """The due once the open pause ends at `at`: pushed out by the pause, if it began before the due."""
    pause: PauseSpan | None = clock.open_pause
    assert pause is not None
    return pushed(clock.due_at, [(pause.paused_at, at)])
