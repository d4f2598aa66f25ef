"""Intake's HTTP API (api.md, "Intake"): submitting, and the petitioner's own side of the case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from services.intake import handlers
from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.entrypoints.bodies import FeedbackIn, PetitionIn, ReviewIn
from services.intake.handlers import Intake
from shared.http.auth import current_principal
from shared.vocabulary import Channel, Role

router = APIRouter(prefix="/v1", tags=["petitions"])

# Channels where a cadre records the petition and must say who they are. On any other channel
# (a walk-in visit, a leader's reception day) a cadre may still identify themselves, and is recorded.
CADRE_CHANNELS = {Channel.PROXY, Channel.DOOR_TO_DOOR}
RECORDING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


def intake(request: Request) -> Intake:
    return request.app.state.ctx.extras["intake"]  # type: ignore[no-any-return]


IntakeDep = Annotated[Intake, Depends(intake)]


@router.post("/petitions", status_code=201)
async def submit_petition(
    request: Request,
    petition: PetitionIn,
    intake: IntakeDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    recorded_by = recorder_unit = None
    if petition.channel in CADRE_CHANNELS or request.headers.get("authorization"):
        cadre = current_principal(request)
        cadre.require_role(*RECORDING_ROLES)
        cadre.require_jurisdiction(petition.division_code)
        recorded_by, recorder_unit = cadre.sub, cadre.division
    status, body = await handlers.submit_petition(
        intake, petition.model_dump(mode="json"), idempotency_key, recorded_by, recorder_unit
    )
    return JSONResponse(body, status_code=status)


@router.get("/petitions/{tracking_code}")
async def view_petition(
    tracking_code: str, intake: IntakeDep, access_code: Annotated[str, Query(max_length=100)] = ""
) -> dict[str, Any]:
    return await handlers.view_petition(intake, tracking_code, access_code)


@router.post("/petitions/{tracking_code}/feedback", status_code=201)
async def give_feedback(tracking_code: str, body: FeedbackIn, intake: IntakeDep) -> dict[str, Any]:
    command = GiveFeedback(satisfied=body.satisfied, comment=body.comment)
    return await handlers.give_feedback(intake, tracking_code, body.access_code, command)


@router.post("/petitions/{tracking_code}/review", status_code=201)
async def request_review(tracking_code: str, body: ReviewIn, intake: IntakeDep) -> dict[str, Any]:
    return await handlers.request_review(intake, tracking_code, body.access_code, RequestReview(reason=body.reason))
