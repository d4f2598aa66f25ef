"""SLA's HTTP API (api.md, "SLA"): the system clock, a case's clocks, officials' pauses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sla import handlers
from services.sla.domain import commands
from services.sla.domain.clocks import CaseClocks
from services.sla.domain.errors import NotAllowed, UnknownClock
from services.sla.entrypoints.views import case_clocks_view, clock_view
from shared.events import Event, Metadata, RecordedEvent
from shared.eventstore.errors import ConcurrencyError
from shared.http.auth import CurrentPrincipal, Principal
from shared.http.errors import ApiError, conflict, not_found
from shared.service import Context
from shared.vocabulary import Role

router = APIRouter(tags=["clocks"])
ACTING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


def context(request: Request) -> Context:
    return request.app.state.ctx  # type: ignore[no-any-return]


CtxDep = Annotated[Context, Depends(context)]


class ClockMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance: timedelta | None = None
    set: datetime | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ClockMove:
        if (self.advance is None) == (self.set is None):
            raise ValueError("give exactly one of advance (ISO 8601 duration) or set (timestamp)")
        if self.set is not None and self.set.tzinfo is None:
            raise ValueError("set needs a time zone")
        return self


class PauseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


@router.get("/admin/clock")
async def read_clock(ctx: CtxDep) -> dict[str, Any]:
    return {"now": ctx.clock.now().isoformat(), "simulated": ctx.clock.simulated}


@router.post("/admin/clock")
async def move_clock(ctx: CtxDep, move: ClockMove) -> dict[str, Any]:
    if not ctx.settings.dev:
        raise ApiError(403, "forbidden", "the simulated clock exists only when PUJIANG_ENV=dev")
    try:
        now = await handlers.move_clock(ctx, move.advance, move.set, actor="admin:clock")
    except ConcurrencyError as error:
        raise conflict("the clock was moved concurrently; read it and try again", None) from error
    return {"now": now.isoformat(), "simulated": ctx.clock.simulated}


@router.get("/v1/cases/{case_id}/clocks")
async def case_clocks(ctx: CtxDep, principal: CurrentPrincipal, case_id: str) -> dict[str, Any]:
    sla: handlers.Sla = ctx.extras["sla"]
    async with ctx.pool.acquire() as conn:
        state, history = await sla.load(conn, case_id)
    if not history:
        raise not_found("case clocks")
    if not any(principal.covers(division_of(c.unit_id)) for c in state.clocks.values() if c.unit_id):
        raise ApiError(403, "forbidden", "this case is outside your jurisdiction")
    return case_clocks_view(state, sla.rules, ctx.clock.now())


@router.post("/v1/cases/{case_id}/clocks/{clock_id}/pause")
async def pause(ctx: CtxDep, principal: CurrentPrincipal, case_id: str, clock_id: str, body: PauseIn) -> dict[str, Any]:
    now = ctx.clock.now()
    return await _command(ctx, principal, case_id, clock_id, lambda s: commands.pause(s, clock_id, body.reason, now))


@router.post("/v1/cases/{case_id}/clocks/{clock_id}/resume")
async def resume(ctx: CtxDep, principal: CurrentPrincipal, case_id: str, clock_id: str) -> dict[str, Any]:
    now = ctx.clock.now()
    return await _command(ctx, principal, case_id, clock_id, lambda s: commands.resume(s, clock_id, now))


async def _command(
    ctx: Context, principal: Principal, case_id: str, clock_id: str, decide: Callable[[CaseClocks], list[Event]]
) -> dict[str, Any]:
    principal.require_role(*ACTING_ROLES)
    sla: handlers.Sla = ctx.extras["sla"]

    def authorize(state: CaseClocks) -> None:
        unit = unit_of(state, commands.clock_of(state, clock_id).clock_id)
        if unit is None or not principal.covers(division_of(unit)):
            raise ApiError(403, "forbidden", "this clock's unit is outside your jurisdiction")

    def metadata(history: list[RecordedEvent]) -> Metadata:
        return Metadata(
            correlation_id=history[-1].correlation_id,
            causation_id=history[-1].id,
            actor=principal.sub,
            actor_unit=principal.division,
        )

    try:
        state = await sla.command(ctx.pool, case_id, decide, metadata, authorize)
    except UnknownClock as error:
        raise not_found("clock") from error
    except NotAllowed as error:
        raise conflict(str(error), error.status) from error
    except ConcurrencyError as error:
        raise conflict("the clock changed concurrently; read it and try again", None) from error
    return clock_view(state.clocks[clock_id], sla.rules, ctx.clock.now())


def unit_of(state: CaseClocks, clock_id: str) -> str | None:
    """The clock's unit; a review clock starts before its unit is named: the case's last known one."""
    clock = state.clocks[clock_id]
    if clock.unit_id is not None:
        return clock.unit_id
    known = [c for c in state.clocks.values() if c.unit_id is not None and c.started_at <= clock.started_at]
    return max(known, key=lambda c: c.started_at).unit_id if known else None


def division_of(unit_id: str) -> str:
    """A unit is its division's own (the 12-digit code) or a county department (`<county>:<dept>`)."""
    return unit_id.split(":", 1)[0]
