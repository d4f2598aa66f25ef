"""Routing's HTTP API of the work across units (not in api.md; designed in docs/lifecycle.md).

Joint handling: `POST /v1/cases/{id}/tasks` and `/tasks/{task_id}/sign|report|release|release-decision|close`;
`/consultations`; `/supervisions` and `/supervisions/{id}/response`; `/instructions`. Each answers
the shape of routing's other commands.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from services.routing.domain.work_commands import (
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
)
from services.routing.entrypoints.http import Body, LongText, Name, RoutingDep, Text, changed
from services.routing.handlers import Routing
from shared.events.routing import ReportKind
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/v1/cases/{case_id}", tags=["work across units"])


Id = Annotated[str, Field(min_length=1, max_length=20)]


class TaskIn(Body):
    unit_id: Name
    ask: Text
    due_date: date | None = None


class ReportIn(Body):
    kind: ReportKind
    text: LongText


class ReasonIn(Body):
    reason: Text


class ReleaseDecisionIn(Body):
    granted: bool
    reason: Text


class ConsultationIn(Body):
    held_on: date
    units: Annotated[list[Name], Field(min_length=1, max_length=50)]
    participants: Annotated[list[Name], Field(min_length=1, max_length=200)]
    minutes: LongText
    conclusions: LongText


class SupervisionIn(Body):
    demand: Text
    respond_by: date | None = None


class ResponseIn(Body):
    report: LongText


class InstructionIn(Body):
    leader: Name
    text: Text


async def _run(routing: Routing, case_id: str, command: WorkCommand, principal: CurrentPrincipal) -> dict[str, Any]:
    return changed(case_id, await routing.step(case_id, command, principal))


@router.post("/tasks")
async def add_task(case_id: str, body: TaskIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, AddTask(**body.model_dump()), principal)


@router.post("/tasks/{task_id}/sign")
async def sign_task(case_id: str, task_id: Id, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, SignTask(task_id=task_id), principal)


@router.post("/tasks/{task_id}/report")
async def report_task(
    case_id: str, task_id: Id, body: ReportIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, ReportTask(task_id=task_id, **body.model_dump()), principal)


@router.post("/tasks/{task_id}/release")
async def request_release(
    case_id: str, task_id: Id, body: ReasonIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, RequestRelease(task_id=task_id, **body.model_dump()), principal)


@router.post("/tasks/{task_id}/release-decision")
async def decide_release(
    case_id: str, task_id: Id, body: ReleaseDecisionIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, DecideRelease(task_id=task_id, **body.model_dump()), principal)


@router.post("/tasks/{task_id}/close")
async def close_task(
    case_id: str, task_id: Id, body: ReasonIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, CloseTask(task_id=task_id, **body.model_dump()), principal)


@router.post("/consultations")
async def record_consultation(
    case_id: str, body: ConsultationIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    fields = body.model_dump()
    command = RecordConsultation(**{**fields, "units": tuple(body.units), "participants": tuple(body.participants)})
    return await _run(routing, case_id, command, principal)


@router.post("/supervisions")
async def order_supervision(
    case_id: str, body: SupervisionIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, OrderSupervision(**body.model_dump()), principal)


@router.post("/supervisions/{supervision_id}/response")
async def answer_supervision(
    case_id: str, supervision_id: Id, body: ResponseIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    answer = AnswerSupervision(supervision_id=supervision_id, **body.model_dump())
    return await _run(routing, case_id, answer, principal)


@router.post("/instructions")
async def give_instruction(
    case_id: str, body: InstructionIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, GiveInstruction(**body.model_dump()), principal)
