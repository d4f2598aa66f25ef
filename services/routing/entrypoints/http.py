"""Routing's HTTP API for officials (api.md, "Routing")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.routing.domain.commands import (
    Accept,
    AddNote,
    AssignLeader,
    Command,
    Escalate,
    Extend,
    Reject,
    Resolve,
    Transfer,
)
from services.routing.handlers import Changed, Routing
from shared.http.auth import CurrentPrincipal, Principal

router = APIRouter(prefix="/v1", tags=["cases"])


def routing(request: Request) -> Routing:
    return request.app.state.ctx.extras["routing"]  # type: ignore[no-any-return]


RoutingDep = Annotated[Routing, Depends(routing)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The text limits every routing body shares (the work between units' bodies too).
Text = Annotated[str, Field(min_length=1, max_length=2000)]  # a reason, a note, an ask
LongText = Annotated[str, Field(min_length=1, max_length=20_000)]  # a reply, minutes, a report
Name = Annotated[str, Field(min_length=1, max_length=200)]  # a person or a unit


class RejectIn(Body):
    reason: Text
    redirect_to: str | None = Field(default=None, max_length=200)


class ExtendIn(Body):
    days: int = Field(ge=1, le=365)
    reason: Text


class TransferIn(Body):
    division_code: str = Field(min_length=12, max_length=64)
    reason: Text


class EscalateIn(Body):
    reason: Text


class ResolveIn(Body):
    reply: LongText


class LeaderIn(Body):
    leader: Name


class NoteIn(Body):
    text: Text


def changed(case_id: str, result: Changed) -> dict[str, Any]:
    state = result.case
    return {
        "case_id": case_id,
        "status": state.status,
        "level": state.level,
        "unit_id": state.unit_id,
        "division_code": state.division_code,
        "version": state.version,
        "events": [{"id": str(e.id), "type": e.type, "version": e.version} for e in result.recorded],
    }


async def run_command(routing: Routing, case_id: str, command: Command, principal: Principal) -> dict[str, Any]:
    return changed(case_id, await routing.command(case_id, command, principal))


@router.post("/cases/{case_id}/accept")
async def accept(case_id: str, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Accept(), principal)


@router.post("/cases/{case_id}/reject")
async def reject(case_id: str, body: RejectIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Reject(**body.model_dump()), principal)


@router.post("/cases/{case_id}/extend")
async def extend(case_id: str, body: ExtendIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Extend(**body.model_dump()), principal)


@router.post("/cases/{case_id}/transfer")
async def transfer(case_id: str, body: TransferIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Transfer(**body.model_dump()), principal)


@router.post("/cases/{case_id}/escalate")
async def escalate(case_id: str, body: EscalateIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Escalate(**body.model_dump()), principal)


@router.post("/cases/{case_id}/resolve")
async def resolve(case_id: str, body: ResolveIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Resolve(**body.model_dump()), principal)


@router.post("/cases/{case_id}/assign-leader")
async def assign_leader(
    case_id: str, body: LeaderIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, AssignLeader(**body.model_dump()), principal)


@router.post("/cases/{case_id}/notes")
async def add_note(case_id: str, body: NoteIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, AddNote(**body.model_dump()), principal)


@router.get("/worklist")
async def worklist(
    routing: RoutingDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str = "",
    assignee: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> dict[str, Any]:
    """`assignee=me` (or an official's `sub`): only the cases that official is in charge of. Marked
    with the work across units (open tasks, pending supervision, the cases the unit assists on)."""
    found = await routing.worklist(principal, cursor, limit, assignee)
    return {"cases": found.cases, "next_cursor": found.next_cursor}


@router.get("/collective-petitions")
async def collective_petitions(
    routing: RoutingDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str = "",
) -> dict[str, Any]:
    """For the petition bureau the collective policy informs (and the levels above): its collective petitions."""
    found = await routing.collective(principal, cursor, limit)
    return {"cases": found.cases, "next_cursor": found.next_cursor}
