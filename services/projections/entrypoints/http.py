"""Projections' HTTP API for supervisors and auditors (api.md, "Projections")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.projections.adapters.case_view import row_to_case
from shared.http.auth import CurrentPrincipal
from shared.http.errors import ApiError, not_found
from shared.service import Context

router = APIRouter(prefix="/v1", tags=["cases"])


@router.get("/cases/{case_id}")
async def get_case(request: Request, case_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    ctx: Context = request.app.state.ctx
    row = await ctx.pool.fetchrow(f"SELECT * FROM {ctx.name}.case_view WHERE case_id = $1", case_id)
    if row is None:
        raise not_found("case")
    if not any(principal.covers(code) for code in (row["location_code"], row["division_code"]) if code):
        raise ApiError(403, "forbidden", "this case is outside your jurisdiction")
    return row_to_case(row)
