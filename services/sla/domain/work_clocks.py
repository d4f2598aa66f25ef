"""The clocks of the work across units (issue 10, part B): an assisting unit's task, a supervision's
response deadline. Pure, like `reactions`; which of routing's steps start and stop them.

Each runs for its policy's length (`assist_task`, `supervision_response` in policies.yaml) unless
the step gave a last day: then it ends at 24:00 of that day in the deployment's time zone. One
clock per task or supervision, named by it (`task_clock_id`, `supervision_clock_id`), so a
redelivered step starts nothing twice and a stop finds its clock. Warnings and breaches come from
the timer loop as for every clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import singledispatch

from services.sla.domain.clocks import CaseClocks
from services.sla.domain.policies import ClockKind
from services.sla.domain.rules import ClockRules, case_policy
from shared.events import ClockStarted, ClockStopped, Event
from shared.events.routing import (
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReported,
    supervision_clock_id,
    task_clock_id,
)


@singledispatch
def work_react(_event: Event, _state: CaseClocks, _at: datetime, _rules: ClockRules) -> list[Event]:
    return []


@work_react.register
def _(e: TaskAssigned, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    return _start(state, rules, e.case_id, task_clock_id(e.task_id), ClockKind.ASSIST_TASK, at, e.unit_id, e.due_date)


@work_react.register
def _(e: TaskReported, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return _stop(state, e.case_id, task_clock_id(e.task_id), "reported", at)


@work_react.register
def _(e: TaskReleaseDecided, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    # A refused release leaves the unit owing its part: its clock runs on.
    return _stop(state, e.case_id, task_clock_id(e.task_id), "released", at) if e.granted else []


@work_react.register
def _(e: TaskClosed, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return _stop(state, e.case_id, task_clock_id(e.task_id), "closed", at)


@work_react.register
def _(e: SupervisionOrdered, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    clock_id = supervision_clock_id(e.supervision_id)
    return _start(state, rules, e.case_id, clock_id, ClockKind.SUPERVISION_RESPONSE, at, e.unit_id, e.respond_by)


@work_react.register
def _(e: SupervisionAnswered, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return _stop(state, e.case_id, supervision_clock_id(e.supervision_id), "answered", at)


def end_of_day(day: date, rules: ClockRules) -> datetime:
    """24:00 of `day` in the deployment's time zone (a period ends at the end of its last day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=rules.tz)


def _start(
    state: CaseClocks,
    rules: ClockRules,
    case_id: str,
    clock_id: str,
    kind: str,
    at: datetime,
    unit_id: str,
    last_day: date | None,
) -> list[Event]:
    if clock_id in state.clocks:
        return []  # a redelivered step: its clock runs already
    policy = case_policy(state, rules)
    spec = policy.clocks.get(kind)
    if last_day is not None:
        due = max(end_of_day(last_day, rules), at + timedelta(seconds=1))
        amount, unit = max(1, (last_day - at.astimezone(rules.tz).date()).days), "calendar_days"
    elif spec is not None:
        due, amount, unit = rules.due(spec, at), spec.amount, spec.unit
    else:
        return []  # this deployment runs no such clock and none was given
    started = ClockStarted(
        case_id=case_id, clock_id=clock_id, kind=kind, policy=policy.name, started_at=at, due_at=due,
        amount=amount, unit=unit, unit_id=unit_id,
    )  # fmt: skip
    return [started]


def _stop(state: CaseClocks, case_id: str, clock_id: str, reason: str, at: datetime) -> list[Event]:
    clock = state.clocks.get(clock_id)
    if clock is None or not clock.running:
        return []
    return [
        ClockStopped(
            case_id=case_id, clock_id=clock_id, kind=clock.kind, reason=reason, met_on_time=clock.on_time_at(at)
        )
    ]


# The routing events these clocks follow: what sla's consumer must take besides the lifecycle's.
WORK_EVENTS: tuple[type[Event], ...] = tuple(
    cls for cls in work_react.registry if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
)
