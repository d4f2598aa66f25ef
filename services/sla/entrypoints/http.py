"""SLA's HTTP API (api.md, "SLA"): the system clock, a case's clocks, officials' pauses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sla.entrypoints.views import case_clocks_view, clock_view
from services.sla.handlers import Sla
from shared.http.auth import CurrentPrincipal

router = APIRouter(tags=["clocks"])


def sla(request: Request) -> Sla:
    return request.app.state.ctx.extras["sla"]  # type: ignore[no-any-return]


SlaDep = Annotated[Sla, Depends(sla)]


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
async def read_clock(sla: SlaDep) -> dict[str, Any]:
    return {"now": sla.clock.now().isoformat(), "simulated": sla.clock.simulated}


@router.post("/admin/clock")
async def move_clock(sla: SlaDep, move: ClockMove) -> dict[str, Any]:
    now = await sla.move_clock(move.advance, move.set, actor="admin:clock")
    return {"now": now.isoformat(), "simulated": sla.clock.simulated}


@router.get("/v1/cases/{case_id}/clocks")
async def case_clocks(sla: SlaDep, principal: CurrentPrincipal, case_id: str) -> dict[str, Any]:
    return case_clocks_view(await sla.clocks(case_id, principal), sla.rules, sla.clock.now())


@router.post("/v1/cases/{case_id}/clocks/{clock_id}/pause")
async def pause(sla: SlaDep, principal: CurrentPrincipal, case_id: str, clock_id: str, body: PauseIn) -> dict[str, Any]:
    return clock_view(await sla.pause(case_id, clock_id, body.reason, principal), sla.rules, sla.clock.now())


@router.post("/v1/cases/{case_id}/clocks/{clock_id}/resume")
async def resume(sla: SlaDep, principal: CurrentPrincipal, case_id: str, clock_id: str) -> dict[str, Any]:
    return clock_view(await sla.resume(case_id, clock_id, principal), sla.rules, sla.clock.now())
