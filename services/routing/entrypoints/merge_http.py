"""Routing's HTTP API for merging similar matters of different petitioners (並案); not in api.md (README)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from services.routing.domain.commands import Merge, Unmerge
from services.routing.domain.merging import MAX_MERGED
from services.routing.entrypoints.http import Body, RoutingDep, Text
from services.routing.handlers import Merged
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["merging"])

CaseId = Annotated[str, Field(min_length=1, max_length=64)]


class MergeIn(Body):
    case_ids: list[CaseId] = Field(min_length=1, max_length=MAX_MERGED)
    reason: Text


class UnmergeIn(Body):
    reason: Text


def merged(result: Merged) -> dict[str, Any]:
    return {
        "cases": [
            {
                "case_id": case_id,
                "status": state.status,
                "merged_into": state.merged_into,
                "merged_cases": list(state.merged_cases),
                "version": state.version,
            }
            for case_id, state in result.cases.items()
        ],
        "events": [
            {"id": str(e.id), "type": e.type, "case_id": e.subject, "version": e.version} for e in result.recorded
        ],
    }


@router.post("/cases/{case_id}/merge")
async def merge(case_id: str, body: MergeIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Merge other petitioners' similar cases into this one (the lead)."""
    command = Merge(case_ids=tuple(body.case_ids), reason=body.reason)
    return merged(await routing.merge(case_id, command, principal))


@router.post("/cases/{case_id}/unmerge")
async def unmerge(case_id: str, body: UnmergeIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Give a merged-in case its own handling again; refused (409) once the lead case was accepted."""
    return merged(await routing.unmerge(case_id, Unmerge(reason=body.reason), principal))
