"""What each step of the work across units records, given the case as it stands. Pure: no I/O.

Joint handling (主辦/協辦), consultation (會商), supervision on demand (督辦) and leaders'
instructions (批示), issue 10 part B. Who may act is decided here too, from the actor's role and
division (`WorkRules`), because it depends on the case: the lead's division for the lead's steps,
the task's for the assisting unit's, a level above the handling unit for a supervision.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import singledispatch

from services.routing.domain.assignment import Jurisdictions
from services.routing.domain.case import Case
from services.routing.domain.work_commands import (
    Actor,
    AddTask,
    AnswerSupervision,
    CloseTask,
    DecideRelease,
    GiveInstruction,
    OrderSupervision,
    RecordConsultation,
    ReportTask,
    RequestRelease,
    SignTask,
    WorkCommand,
    WorkRules,
)
from services.routing.domain.work_state import Task, TaskStatus, task_of
from shared.divisions import county_of, is_within
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import Event
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
)
from shared.vocabulary import CaseStatus, Role

# Tasks are added while the lead handles the case (a review round's unit may ask for help too).
HANDLING = frozenset({CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW})


def decide_work(
    state: Case, command: WorkCommand, actor: Actor, where: Jurisdictions, rules: WorkRules, today: date
) -> list[Event]:
    """The events a step records; Forbidden (role or jurisdiction), NotAllowed (409), Invalid (422) otherwise."""
    if state.version == 0 or state.case_id is None or state.status is None:
        raise NotAllowed("the case has not been routed yet", state.status)
    # Outside the case's scope (its unit's division, or an assisting unit's) nothing more is said.
    scope = [state.unit_id, *(t.unit_id for t in state.tasks)]
    if not any(actor.acts_for(unit) for unit in scope):
        raise Forbidden("this is outside your jurisdiction")
    return _decide(command, state, actor, where, rules, today)


def open_tasks(state: Case) -> list[Task]:
    return [t for t in state.tasks if t.open]


def require_no_open_task(state: Case) -> None:
    """The lead cannot resolve while an assisting unit's task is open: it closes that task first, with a reason."""
    if pending := open_tasks(state):
        named = ", ".join(f"task {t.task_id} ({t.unit_name}, {t.status})" for t in pending)
        raise NotAllowed(f"cannot resolve while tasks are open: {named}; close each with a reason first", state.status)


def _role(actor: Actor, roles: tuple[Role, ...]) -> None:
    if actor.role not in roles:
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def _lead(state: Case, actor: Actor, rules: WorkRules) -> None:
    _role(actor, rules.lead)
    if not actor.acts_for(state.unit_id):
        raise Forbidden("only the lead unit (or a level above it) takes this step")


def _open_case(state: Case, action: str) -> None:
    if state.terminal:
        raise NotAllowed(f"cannot {action} a case that is {state.status}", state.status)


def _text(field: str, value: str) -> str:
    if not value.strip():
        raise Invalid(field, "must not be blank")
    return value


def _date(field: str, value: date | None, today: date, rules: WorkRules) -> date | None:
    if value is not None and not today <= value <= today + timedelta(days=rules.max_days_ahead):
        raise Invalid(field, f"must lie between today ({today}) and {rules.max_days_ahead} days ahead")
    return value


def _task(state: Case, task_id: str) -> Task:
    task = task_of(state.tasks, task_id)
    if task is None:
        raise NotFound("task")
    return task


def _task_refused(state: Case, task: Task, message: str) -> NotAllowed:
    """A 409 naming the case's status, and the task's status beside it."""
    refusal = NotAllowed(f"{message}: task {task.task_id} is {task.status}", state.status)
    refusal.details.append({"task_status": str(task.status)})
    return refusal


def _require_task(state: Case, task: Task, allowed: frozenset[TaskStatus], message: str) -> None:
    if state.terminal or task.status not in allowed:
        raise _task_refused(state, task, message)


def _assisting(task: Task, actor: Actor, rules: WorkRules) -> None:
    _role(actor, rules.assisting)
    if not actor.acts_for(task.unit_id):
        raise Forbidden("only the assisting unit (or a level above it) takes this step")


@singledispatch
def _decide(command: WorkCommand, _s: Case, _a: Actor, _w: Jurisdictions, _r: WorkRules, _t: date) -> list[Event]:
    raise Invalid("command", f"unknown command {type(command).__name__}")


@_decide.register
def _(c: AddTask, state: Case, actor: Actor, where: Jurisdictions, rules: WorkRules, today: date) -> list[Event]:
    _lead(state, actor, rules)
    if state.status not in HANDLING:
        raise NotAllowed(f"cannot add an assisting unit to a case that is {state.status}", state.status)
    unit = where.unit(c.unit_id)
    if unit is None:
        raise Invalid("unit_id", "no such unit")
    if unit.unit_id == state.unit_id:
        raise Invalid("unit_id", "this is the lead unit itself")
    if county_of(unit.division_code) != state.county_code:
        raise Invalid("unit_id", "assisting units are departments or townships of the case's county")
    if any(t.open and t.unit_id == unit.unit_id for t in state.tasks):
        raise Invalid("unit_id", "this unit has an open task on the case already")
    assert state.case_id is not None
    assert state.unit_id is not None
    return [
        TaskAssigned(
            case_id=state.case_id,
            task_id=str(len(state.tasks) + 1),
            unit_id=unit.unit_id,
            unit_name=unit.name,
            division_code=unit.division_code,
            lead_unit_id=state.unit_id,
            ask=_text("ask", c.ask),
            due_date=_date("due_date", c.due_date, today, rules),
        )
    ]


@_decide.register
def _(c: SignTask, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    task = _task(state, c.task_id)
    _assisting(task, actor, rules)
    _require_task(state, task, frozenset({TaskStatus.REQUESTED}), "only a requested task is signed")
    assert state.case_id is not None
    return [TaskSigned(case_id=state.case_id, task_id=task.task_id, unit_id=task.unit_id)]


@_decide.register
def _(c: ReportTask, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    task = _task(state, c.task_id)
    _assisting(task, actor, rules)
    _require_task(state, task, frozenset({TaskStatus.SIGNED}), "sign the task before reporting on it")
    assert state.case_id is not None
    text = _text("text", c.text)
    return [TaskReported(case_id=state.case_id, task_id=task.task_id, unit_id=task.unit_id, kind=c.kind, text=text)]


@_decide.register
def _(c: RequestRelease, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    task = _task(state, c.task_id)
    _assisting(task, actor, rules)
    allowed = frozenset({TaskStatus.REQUESTED, TaskStatus.SIGNED})
    _require_task(state, task, allowed, "a release is asked for while the task is requested or signed")
    assert state.case_id is not None
    reason = _text("reason", c.reason)
    return [TaskReleaseRequested(case_id=state.case_id, task_id=task.task_id, unit_id=task.unit_id, reason=reason)]


@_decide.register
def _(c: DecideRelease, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    task = _task(state, c.task_id)
    _lead(state, actor, rules)
    _require_task(state, task, frozenset({TaskStatus.RELEASE_REQUESTED}), "no release was asked for")
    assert state.case_id is not None
    reason = _text("reason", c.reason)
    return [TaskReleaseDecided(case_id=state.case_id, task_id=task.task_id, granted=c.granted, reason=reason)]


@_decide.register
def _(c: CloseTask, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    task = _task(state, c.task_id)
    _lead(state, actor, rules)
    _require_task(state, task, frozenset(s for s in TaskStatus if s.open), "only an open task is closed")
    assert state.case_id is not None
    return [TaskClosed(case_id=state.case_id, task_id=task.task_id, reason=_text("reason", c.reason))]


@_decide.register
def _(
    c: RecordConsultation, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, today: date
) -> list[Event]:
    _lead(state, actor, rules)
    _open_case(state, "record a consultation on")
    if c.held_on > today:
        raise Invalid("held_on", f"a consultation is recorded once held: not after today ({today})")
    for field, names in (("units", c.units), ("participants", c.participants)):
        if not names or any(not n.strip() for n in names):
            raise Invalid(field, "name at least one, none blank")
    assert state.case_id is not None
    return [
        ConsultationRecorded(
            case_id=state.case_id,
            consultation_id=str(state.consultations + 1),
            held_on=c.held_on,
            units=c.units,
            participants=c.participants,
            minutes=_text("minutes", c.minutes),
            conclusions=_text("conclusions", c.conclusions),
        )
    ]


@_decide.register
def _(c: OrderSupervision, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, today: date) -> list[Event]:
    _role(actor, rules.supervise)
    division = state.division_code
    # A level above supervises: a county department is no level, it acts for its own unit alone.
    if not (division and is_within(division, actor.division)) or actor.division == division or actor.unit:
        raise Forbidden("supervision comes from a level above the handling unit, over a case in its scope")
    _open_case(state, "supervise")
    assert state.case_id is not None
    assert state.unit_id is not None
    return [
        SupervisionOrdered(
            case_id=state.case_id,
            supervision_id=str(len(state.supervisions) + 1),
            by_division=actor.division,
            unit_id=state.unit_id,
            demand=_text("demand", c.demand),
            respond_by=_date("respond_by", c.respond_by, today, rules),
        )
    ]


@_decide.register
def _(c: AnswerSupervision, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    supervision = next((v for v in state.supervisions if v.supervision_id == c.supervision_id), None)
    if supervision is None:
        raise NotFound("supervision")
    _role(actor, rules.answer)
    if actor.division != state.division_code or not actor.acts_for(state.unit_id):
        raise Forbidden("the unit that handles the case answers its supervision")
    if supervision.answered or state.terminal:
        raise NotAllowed(
            f"supervision {supervision.supervision_id} is answered already or the case settled", state.status
        )
    assert state.case_id is not None
    assert state.unit_id is not None
    report = _text("report", c.report)
    return [
        SupervisionAnswered(
            case_id=state.case_id, supervision_id=c.supervision_id, unit_id=state.unit_id, report=report
        )
    ]


@_decide.register
def _(c: GiveInstruction, state: Case, actor: Actor, _w: Jurisdictions, rules: WorkRules, _t: date) -> list[Event]:
    _role(actor, rules.instruct)
    if not actor.acts_for(state.unit_id):
        raise Forbidden("this is outside your jurisdiction")
    _open_case(state, "record an instruction on")
    assert state.case_id is not None
    return [
        InstructionGiven(
            case_id=state.case_id,
            instruction_id=str(state.instructions + 1),
            leader=_text("leader", c.leader),
            text=_text("text", c.text),
        )
    ]
