"""Routing's HTTP API for the work between units (issue 10, part A; designed here, see
services/routing/README.md): sign-off, send-back and its ruling, extension requests and their
decision, the official in charge, category correction. Each answers like routing's other
commands (`http.changed`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from services.routing.domain.commands import (
    AssignOfficial,
    CorrectCategory,
    DecideExtension,
    Object,
    RequestExtension,
    RuleObjection,
    Sign,
)
from services.routing.entrypoints.http import Body, Name, RoutingDep, Text, changed, run_command
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["work between units"])

UnitId = Field(default=None, min_length=1, max_length=64)


class ObjectionIn(Body):
    reason: Text
    competent_unit: str | None = UnitId


class RulingIn(Body):
    decision: Literal["uphold", "dismiss"]
    reason: Text
    unit_id: str | None = UnitId


class ExtensionRequestIn(Body):
    days: int = Field(ge=1, le=365)
    reason: Text


class ExtensionDecisionIn(Body):
    approve: bool
    reason: str = Field(default="", max_length=2000)


class AssigneeIn(Body):
    assignee: Name


class CategoryIn(Body):
    category: str = Field(min_length=1, max_length=100)
    reason: Text


@router.post("/cases/{case_id}/sign")
async def sign(case_id: str, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await run_command(routing, case_id, Sign(), principal)


@router.post("/cases/{case_id}/objections")
async def object_to(
    case_id: str, body: ObjectionIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return changed(case_id, await routing.object_to(case_id, Object(**body.model_dump()), principal))


@router.post("/cases/{case_id}/objections/{objection_id}/ruling")
async def rule(
    case_id: str, objection_id: str, body: RulingIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, RuleObjection(objection_id=objection_id, **body.model_dump()), principal)


@router.post("/cases/{case_id}/extension-requests")
async def request_extension(
    case_id: str, body: ExtensionRequestIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, RequestExtension(**body.model_dump()), principal)


@router.post("/cases/{case_id}/extension-requests/{request_id}/decision")
async def decide_extension(
    case_id: str, request_id: str, body: ExtensionDecisionIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, DecideExtension(request_id=request_id, **body.model_dump()), principal)


@router.post("/cases/{case_id}/assignee")
async def assign_official(
    case_id: str, body: AssigneeIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, AssignOfficial(**body.model_dump()), principal)


@router.post("/cases/{case_id}/category")
async def correct_category(
    case_id: str, body: CategoryIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await run_command(routing, case_id, CorrectCategory(**body.model_dump()), principal)
