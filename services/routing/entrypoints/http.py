"""Routing's HTTP API for officials (api.md, "Routing")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.routing.adapters import case_index
from services.routing.domain.case import Case
from services.routing.domain.commands import (
    Accept,
    AssignLeader,
    Command,
    Escalate,
    Extend,
    Reject,
    Resolve,
    Transfer,
)
from services.routing.domain.errors import InvalidCommand, NotAllowed
from services.routing.handlers import Routing
from shared.eventstore.errors import ConcurrencyError
from shared.http.auth import CurrentPrincipal, Principal
from shared.http.errors import ApiError, conflict
from shared.vocabulary import Role

router = APIRouter(prefix="/v1", tags=["cases"])
ACTING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


def routing(request: Request) -> Routing:
    return request.app.state.ctx.extras["routing"]  # type: ignore[no-any-return]


RoutingDep = Annotated[Routing, Depends(routing)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RejectIn(Body):
    reason: str = Field(min_length=1, max_length=2000)
    redirect_to: str | None = Field(default=None, max_length=200)


class ExtendIn(Body):
    days: int = Field(ge=1, le=365)
    reason: str = Field(min_length=1, max_length=2000)


class TransferIn(Body):
    division_code: str = Field(min_length=12, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class EscalateIn(Body):
    reason: str = Field(min_length=1, max_length=2000)


class ResolveIn(Body):
    reply: str = Field(min_length=1, max_length=20_000)


class LeaderIn(Body):
    leader: str = Field(min_length=1, max_length=200)


def _authorizer(principal: Principal) -> Any:
    def authorize(state: Case) -> None:
        principal.require_role(*ACTING_ROLES)
        if state.division_code is None or not principal.covers(state.division_code):
            raise ApiError(403, "forbidden", "this case is outside your jurisdiction")

    return authorize


async def _run(routing: Routing, case_id: str, command: Command, principal: Principal) -> dict[str, Any]:
    try:
        state, recorded = await routing.command(case_id, command, principal, _authorizer(principal))
    except NotAllowed as refused:
        raise conflict(str(refused), refused.status) from refused
    except InvalidCommand as invalid:
        raise ApiError(
            422, "invalid", "some fields are invalid", [{"field": invalid.field, "message": invalid.message}]
        ) from invalid
    except ConcurrencyError as race:
        raise conflict("the case changed concurrently; reload and try again", None) from race
    return {
        "case_id": case_id,
        "status": state.status,
        "level": state.level,
        "unit_id": state.unit_id,
        "division_code": state.division_code,
        "version": state.version,
        "events": [{"id": str(e.id), "type": e.type, "version": e.version} for e in recorded],
    }


@router.post("/cases/{case_id}/accept")
async def accept(case_id: str, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Accept(), principal)


@router.post("/cases/{case_id}/reject")
async def reject(case_id: str, body: RejectIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Reject(**body.model_dump()), principal)


@router.post("/cases/{case_id}/extend")
async def extend(case_id: str, body: ExtendIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Extend(**body.model_dump()), principal)


@router.post("/cases/{case_id}/transfer")
async def transfer(case_id: str, body: TransferIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Transfer(**body.model_dump()), principal)


@router.post("/cases/{case_id}/escalate")
async def escalate(case_id: str, body: EscalateIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Escalate(**body.model_dump()), principal)


@router.post("/cases/{case_id}/resolve")
async def resolve(case_id: str, body: ResolveIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await _run(routing, case_id, Resolve(**body.model_dump()), principal)


@router.post("/cases/{case_id}/assign-leader")
async def assign_leader(
    case_id: str, body: LeaderIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _run(routing, case_id, AssignLeader(**body.model_dump()), principal)


@router.get("/worklist")
async def worklist(
    routing: RoutingDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str = "",
) -> dict[str, Any]:
    async with routing.ctx.pool.acquire() as conn:
        cases = await case_index.worklist(conn, routing.ctx.name, principal.division, cursor, limit)
    return {"cases": cases, "next_cursor": cases[-1]["case_id"] if len(cases) == limit else None}
