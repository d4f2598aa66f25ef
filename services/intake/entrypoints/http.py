"""Intake's HTTP API (api.md, "Intake"): submitting, and the petitioner's own side of the case."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request, Response

from services.intake import handlers
from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.domain.document import PetitionerDocument
from services.intake.entrypoints.bodies import PHONE_PATTERN, FeedbackIn, PetitionIn, ReviewIn
from services.intake.handlers import FoundPetitions, Intake, Submitted
from services.intake.handlers.similar import SimilarMatters
from shared.http.auth import CurrentPrincipal, Principal, current_principal
from shared.http.errors import ApiError
from shared.vocabulary import Channel, Role

router = APIRouter(prefix="/v1", tags=["petitions"])

# Channels where a cadre records the petition and must say who they are. On any other channel
# (a walk-in visit, a leader's reception day) a cadre may still identify themselves, and is recorded.
CADRE_CHANNELS = {Channel.PROXY, Channel.DOOR_TO_DOOR}
RECORDING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


async def intake(request: Request) -> Intake:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a costly hop per request.
    return request.app.state.ctx.extras["intake"]  # type: ignore[no-any-return]


IntakeDep = Annotated[Intake, Depends(intake)]


def recorder_of(petition: PetitionIn, cadre: Principal | None) -> tuple[str | None, str | None]:
    """Who records the petition and their unit: the cadre, checked; or nobody (the petitioner themselves).

    The one rule for every door petitions come in by (this API and Open311's).
    """
    if cadre is None:
        if petition.channel in CADRE_CHANNELS:
            raise ApiError(401, "unauthorized", "send Authorization: Bearer <JWT>")
        return None, None
    cadre.require_role(*RECORDING_ROLES)
    cadre.require_jurisdiction(petition.division_code)
    return cadre.sub, cadre.division


@router.post("/petitions", status_code=201, response_model=None)
async def submit_petition(
    request: Request,
    petition: PetitionIn,
    intake: IntakeDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    wants_cadre = petition.channel in CADRE_CHANNELS or request.headers.get("authorization")
    recorded_by, recorder_unit = recorder_of(petition, current_principal(request) if wants_cadre else None)
    result = await handlers.submit_petition(intake, petition.command(recorded_by), idempotency_key, recorder_unit)
    # 201 for a new case; 200 for a repeat, which created nothing but a link.
    status = 201 if isinstance(result, Submitted) else 200
    return Response(orjson.dumps(result), status_code=status, media_type="application/json")


@router.get("/petitions")
async def find_petitions(
    principal: CurrentPrincipal, intake: IntakeDep, phone: Annotated[str, Query(pattern=PHONE_PATTERN)]
) -> FoundPetitions:
    """For officials: the petitions in their scope first submitted with this phone (services/intake/README.md)."""
    return await handlers.petitions_by_phone(intake, principal, phone)


@router.get("/petitions/{tracking_code}")
async def view_petition(
    tracking_code: str, intake: IntakeDep, access_code: Annotated[str, Query(max_length=100)] = ""
) -> PetitionerDocument:
    return await handlers.view_petition(intake, tracking_code, access_code)


@router.post("/petitions/{tracking_code}/feedback", status_code=201)
async def give_feedback(tracking_code: str, body: FeedbackIn, intake: IntakeDep) -> PetitionerDocument:
    command = GiveFeedback(satisfied=body.satisfied, comment=body.comment)
    return await handlers.give_feedback(intake, tracking_code, body.access_code, command)


@router.post("/petitions/{tracking_code}/review", status_code=201)
async def request_review(tracking_code: str, body: ReviewIn, intake: IntakeDep) -> PetitionerDocument:
    return await handlers.request_review(intake, tracking_code, body.access_code, RequestReview(reason=body.reason))


@router.get("/cases/{case_id}/similar")
async def similar_matters(case_id: str, principal: CurrentPrincipal, intake: IntakeDep) -> SimilarMatters:
    """For officials: open matters of other petitioners that resemble this case (並案, services/intake/README.md)."""
    return await handlers.similar_matters(intake, principal, case_id)
