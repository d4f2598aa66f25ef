"""SLA's HTTP API (api.md, "SLA")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, model_validator

from services.sla import handlers
from services.sla.domain.clocks import fold
from shared.events import REGISTRY
from shared.http.auth import current_principal
from shared.http.errors import ApiError, not_found
from shared.service import Context

router = APIRouter(tags=["clocks"])


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


@router.get("/admin/clock")
async def read_clock(request: Request) -> dict[str, Any]:
    ctx: Context = request.app.state.ctx
    return {"now": ctx.clock.now().isoformat(), "simulated": ctx.clock.simulated}


@router.post("/admin/clock")
async def move_clock(request: Request, move: ClockMove) -> dict[str, Any]:
    ctx: Context = request.app.state.ctx
    if not ctx.settings.dev:
        raise ApiError(403, "forbidden", "the simulated clock exists only when PUJIANG_ENV=dev")
    now = await handlers.move_clock(ctx, move.advance, move.set, actor="admin:clock")
    return {"now": now.isoformat(), "simulated": ctx.clock.simulated}


@router.get("/v1/cases/{case_id}/clocks")
async def case_clocks(request: Request, case_id: str) -> dict[str, Any]:
    current_principal(request)
    ctx: Context = request.app.state.ctx
    async with ctx.pool.acquire() as conn:
        history = await ctx.store.load(conn, handlers.clocks_stream(case_id))
    if not history:
        raise not_found("case clocks")
    state = fold([REGISTRY.decode(e) for e in history])
    return {
        "case_id": case_id,
        "clocks": [
            {
                "clock_id": c.clock_id,
                "kind": c.kind,
                "started": c.started_at,
                "due": c.due_at,
                "paused": False,
                "warned": [],
                "breached": False,
                "stopped": not c.running,
            }
            for c in state.clocks.values()
        ],
    }
