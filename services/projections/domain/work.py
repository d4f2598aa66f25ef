"""The work across units as the case document shows it (issue 10, part B). Pure.

Assisting units' tasks, consultations, supervisions on demand and leaders' instructions, each
with who recorded it and when (the event's actor and unit). Plain frozen dataclasses: the
document is serialised straight from them, like the timeline.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import singledispatch
from typing import Any

from services.projections.domain.case import CaseState
from services.projections.domain.work_views import ConsultationView, InstructionView, SupervisionView, TaskView
from shared.events import Event, RecordedEvent
from shared.events.routing import (
    ConsultationRecorded,
    InstructionGiven,
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReleaseRequested,
    TaskReported,
    TaskSigned,
    supervision_clock_id,
    task_clock_id,
)

Changes = dict[str, Any]


@singledispatch
def work_changes(_event: Event, _s: CaseState, _r: RecordedEvent) -> Changes | None:
    """What a step of the work across units changes in the case; None for every other event."""
    return None


def _task(s: CaseState, task_id: str, r: RecordedEvent, **changes: Any) -> Changes:
    tasks = tuple(replace(t, **changes, updated_at=r.time) if t.task_id == task_id else t for t in s.tasks)
    return {"tasks": tasks}


@work_changes.register
def _(e: TaskAssigned, s: CaseState, r: RecordedEvent) -> Changes:
    task = TaskView(
        **e.model_dump(include={"task_id", "unit_id", "unit_name", "division_code", "lead_unit_id", "ask", "due_date"}),
        clock_id=task_clock_id(e.task_id), assigned_by=r.actor, assigned_at=r.time, updated_at=r.time,
    )  # fmt: skip
    return {"tasks": (*s.tasks, task)}


@work_changes.register
def _(e: TaskSigned, s: CaseState, r: RecordedEvent) -> Changes:
    return _task(s, e.task_id, r, status="signed", signed_by=r.actor, signed_at=r.time)


@work_changes.register
def _(e: TaskReported, s: CaseState, r: RecordedEvent) -> Changes:
    return _task(s, e.task_id, r, status="reported", report_kind=e.kind, report=e.text, reported_by=r.actor)


@work_changes.register
def _(e: TaskReleaseRequested, s: CaseState, r: RecordedEvent) -> Changes:
    return _task(s, e.task_id, r, status="release_requested", release_reason=e.reason)


@work_changes.register
def _(e: TaskReleaseDecided, s: CaseState, r: RecordedEvent) -> Changes:
    return _task(s, e.task_id, r, status="released" if e.granted else "signed", decision=e.reason)


@work_changes.register
def _(e: TaskClosed, s: CaseState, r: RecordedEvent) -> Changes:
    return _task(s, e.task_id, r, status="closed", decision=e.reason)


@work_changes.register
def _(e: ConsultationRecorded, s: CaseState, r: RecordedEvent) -> Changes:
    held = ConsultationView(
        **e.model_dump(include={"consultation_id", "held_on", "units", "participants", "minutes", "conclusions"}),
        recorded_by=r.actor, recorded_unit=r.actor_unit, recorded_at=r.time,
    )  # fmt: skip
    return {"consultations": (*s.consultations, held)}


@work_changes.register
def _(e: SupervisionOrdered, s: CaseState, r: RecordedEvent) -> Changes:
    ordered = SupervisionView(
        **e.model_dump(include={"supervision_id", "by_division", "unit_id", "demand", "respond_by"}),
        clock_id=supervision_clock_id(e.supervision_id), ordered_by=r.actor, ordered_at=r.time,
    )  # fmt: skip
    return {"supervisions": (*s.supervisions, ordered)}


@work_changes.register
def _(e: SupervisionAnswered, s: CaseState, r: RecordedEvent) -> Changes:
    answered = tuple(
        replace(v, answered=True, report=e.report, answered_by=r.actor, answered_at=r.time)
        if v.supervision_id == e.supervision_id else v
        for v in s.supervisions
    )  # fmt: skip
    return {"supervisions": answered}


@work_changes.register
def _(e: InstructionGiven, s: CaseState, r: RecordedEvent) -> Changes:
    given = InstructionView(e.instruction_id, e.leader, e.text, r.actor, r.actor_unit, r.time)
    return {"instructions": (*s.instructions, given)}


def supervision_outcome(state: CaseState, supervision: SupervisionView) -> str:
    """on_time, late (answered after its deadline, or overdue unanswered) or pending.

    An answer is judged by its own time against the due (the clock's stop says `met_on_time`),
    not by a breach that sla recorded while the answer was still on its way to it.
    """
    clock = state.clocks.get(supervision.clock_id)
    if supervision.answered:
        if clock is not None and clock.stopped and clock.met_on_time is not None:
            return "on_time" if clock.met_on_time else "late"
        return "late" if clock is not None and clock.breached else "on_time"
    return "late" if clock is not None and clock.breached else "pending"


def work_contribution(state: CaseState) -> Counter[tuple[str, str]]:
    """What the work across units adds to the stats: joint cases, tasks, supervision answers, instructions."""
    c: Counter[tuple[str, str]] = Counter()
    if state.tasks:
        c["joint", "cases"] += 1
        c["joint", "open_cases"] += state.open and any(t.open for t in state.tasks)
    for task in state.tasks:
        c["tasks", "open" if task.open else task.status] += 1
    c["consultations", ""] += len(state.consultations)
    for supervision in state.supervisions:
        c["supervision", supervision_outcome(state, supervision)] += 1
    c["instructions", ""] += len(state.instructions)
    c["instructed", ""] += bool(state.instructions)
    return c


def work_figures(counts: dict[tuple[str, str], int]) -> dict[str, Any]:
    """The stats' figures of the work across units, from the roll-up counters."""
    supervision = {key: n for (metric, key), n in counts.items() if metric == "supervision"}
    on_time, late, pending = (supervision.get(k, 0) for k in ("on_time", "late", "pending"))
    due = on_time + late  # answered, or past their deadline: what the response rate is of
    return {
        "joint_cases": {"cases": counts.get(("joint", "cases"), 0), "open": counts.get(("joint", "open_cases"), 0)},
        "tasks": {key: n for (metric, key), n in counts.items() if metric == "tasks"},
        "consultations": counts.get(("consultations", ""), 0),
        "supervision_response": {
            "ordered": on_time + late + pending,
            "on_time": on_time,
            "late": late,
            "pending": pending,
            "rate": round(on_time / due, 4) if due else None,
        },
        "instructions": {"given": counts.get(("instructions", ""), 0), "cases": counts.get(("instructed", ""), 0)},
    }
