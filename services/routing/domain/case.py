"""A case as routing holds it: where it is and what state it is in. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.routing.domain.unit_work_state import Work, work_after
from services.routing.domain.work_state import Supervision, Task, TaskStatus, with_task
from shared.domain import fold as shared_fold
from shared.events import (
    CallbackRecorded,
    CaseAssigned,
    CaseMergedInto,
    CaseMergeUndone,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    CasesMergedIn,
    CaseUnmerged,
    CategoryCorrected,
    CollectivePetitionReported,
    Event,
    ExtensionGranted,
    LeaderAssigned,
    SupervisionIssued,
    status_after,
)
from shared.events.routing import (
    ConsultationRecorded,
    InstructionGiven,
    Round,
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReleaseRequested,
    TaskReported,
    TaskSigned,
)
from shared.vocabulary import CaseStatus, Channel, Level


class Case(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    status: CaseStatus | None = None
    division_code: str | None = None
    level: Level | None = None
    unit_id: str | None = None
    county_code: str | None = None
    location_code: str | None = None
    category: str | None = None
    channel: Channel | None = None
    round: Round = "first"
    extensions: int = 0
    leader: str | None = None
    breaches: int = 0
    handling_breached: bool = False
    resolved_level: Level | None = None
    # Work across units (issue 10, part B): the assisting units' tasks, supervisions on demand,
    # and how many consultations and leaders' instructions are on record (ids count from 1).
    tasks: tuple[Task, ...] = ()
    supervisions: tuple[Supervision, ...] = ()
    consultations: int = 0
    instructions: int = 0
    unit_work: Work = Work()  # sign-off, send-back, extension request, official in charge
    callbacks: int = 0  # callbacks recorded since the last reply
    unreached: int = 0  # of which the petitioner was not reached
    # People behind a collective petition (聯名 / 集體訪); 0 for a petition of one person.
    headcount: int = 0
    # Similar matters merged (並案): the lead lists the cases handled in it, a merged-in case its lead.
    merged_cases: tuple[str, ...] = ()
    merged_into: str | None = None
    unmerged_from: str | None = None  # the lead of the last merge undone (a repeated unmerge changes nothing)
    version: int = 0

    @property
    def signed(self) -> bool:
        return self.unit_work.signed

    @property
    def assignee(self) -> str | None:
        return self.unit_work.assignee

    @property
    def collective(self) -> bool:
        return self.headcount > 0

    @property
    def terminal(self) -> bool:
        return self.status is not None and self.status.terminal


@singledispatch
def _apply(_event: Event, _state: Case) -> dict[str, Any]:
    """What the event changes in the case (status and version aside: `evolve` sets those)."""
    return {}


@_apply.register
def _(e: CaseAssigned, _s: Case) -> dict[str, Any]:
    return {
        "case_id": e.case_id,
        "division_code": e.division_code,
        "level": e.level,
        "unit_id": e.unit_id,
        "county_code": e.county_code,
        "location_code": e.location_code,
        "category": e.category,
        "channel": e.channel,
        "handling_breached": False,
    }


@_apply.register
def _(e: CaseNotAccepted, _s: Case) -> dict[str, Any]:
    return {
        "case_id": e.case_id,
        "division_code": e.division_code,
        "level": e.level,
        "county_code": e.county_code,
        "category": e.category,
        "channel": e.channel,
    }


@_apply.register
def _(e: CollectivePetitionReported, _s: Case) -> dict[str, Any]:
    return {"headcount": e.headcount}


@_apply.register
def _(_e: ExtensionGranted, s: Case) -> dict[str, Any]:
    return {"extensions": s.extensions + 1}


@_apply.register
def _(e: LeaderAssigned, _s: Case) -> dict[str, Any]:
    return {"leader": e.leader}


@_apply.register
def _(e: CaseResolved, _s: Case) -> dict[str, Any]:
    return {"round": e.round, "resolved_level": e.level, "callbacks": 0, "unreached": 0}


@_apply.register
def _(e: CallbackRecorded, s: Case) -> dict[str, Any]:
    return {"callbacks": s.callbacks + 1, "unreached": s.unreached + (0 if e.reached else 1)}


@_apply.register
def _(e: CaseReopenedForReview, _s: Case) -> dict[str, Any]:
    return {"round": e.round}


@_apply.register
def _(e: SupervisionIssued, s: Case) -> dict[str, Any]:
    handling = s.handling_breached or e.clock_kind == "handling"
    return {"breaches": e.breach_count, "handling_breached": handling}


@_apply.register
def _(e: TaskAssigned, s: Case) -> dict[str, Any]:
    task = Task(**e.model_dump(include={"task_id", "unit_id", "unit_name", "division_code", "ask", "due_date"}))
    return {"tasks": (*s.tasks, task)}


@_apply.register
def _(e: TaskSigned, s: Case) -> dict[str, Any]:
    return {"tasks": with_task(s.tasks, e.task_id, TaskStatus.SIGNED)}


@_apply.register
def _(e: TaskReported, s: Case) -> dict[str, Any]:
    return {"tasks": with_task(s.tasks, e.task_id, TaskStatus.REPORTED)}


@_apply.register
def _(e: TaskReleaseRequested, s: Case) -> dict[str, Any]:
    return {"tasks": with_task(s.tasks, e.task_id, TaskStatus.RELEASE_REQUESTED)}


@_apply.register
def _(e: TaskReleaseDecided, s: Case) -> dict[str, Any]:
    # A refused release leaves the task signed: the unit still owes its part.
    return {"tasks": with_task(s.tasks, e.task_id, TaskStatus.RELEASED if e.granted else TaskStatus.SIGNED)}


@_apply.register
def _(e: TaskClosed, s: Case) -> dict[str, Any]:
    return {"tasks": with_task(s.tasks, e.task_id, TaskStatus.CLOSED)}


@_apply.register
def _(_e: ConsultationRecorded, s: Case) -> dict[str, Any]:
    return {"consultations": s.consultations + 1}


@_apply.register
def _(e: SupervisionOrdered, s: Case) -> dict[str, Any]:
    ordered = Supervision(supervision_id=e.supervision_id, by_division=e.by_division, unit_id=e.unit_id)
    return {"supervisions": (*s.supervisions, ordered)}


@_apply.register
def _(e: SupervisionAnswered, s: Case) -> dict[str, Any]:
    answered = tuple(
        v.model_copy(update={"answered": True}) if v.supervision_id == e.supervision_id else v for v in s.supervisions
    )
    return {"supervisions": answered}


@_apply.register
def _(_e: InstructionGiven, s: Case) -> dict[str, Any]:
    return {"instructions": s.instructions + 1}


@_apply.register
def _(e: CategoryCorrected, _s: Case) -> dict[str, Any]:
    return {"category": e.category}


@_apply.register
def _(e: CasesMergedIn, s: Case) -> dict[str, Any]:
    return {"merged_cases": (*s.merged_cases, *(c for c in e.merged_case_ids if c not in s.merged_cases))}


@_apply.register
def _(e: CaseMergeUndone, s: Case) -> dict[str, Any]:
    return {"merged_cases": tuple(c for c in s.merged_cases if c != e.merged_case_id)}


@_apply.register
def _(e: CaseMergedInto, _s: Case) -> dict[str, Any]:
    return {"merged_into": e.lead_case_id, "unmerged_from": None}


@_apply.register
def _(e: CaseUnmerged, _s: Case) -> dict[str, Any]:
    return {"merged_into": None, "unmerged_from": e.lead_case_id}


def evolve(state: Case, event: Event) -> Case:
    """The next state; every recorded event of the stream moves the version on."""
    status = status_after(event) or state.status
    work = work_after(event, state.unit_work)
    return state.model_copy(
        update={**_apply(event, state), "unit_work": work, "status": status, "version": state.version + 1}
    )


def fold(events: Iterable[Event], state: Case | None = None) -> Case:
    return shared_fold(evolve, events, state or Case())
