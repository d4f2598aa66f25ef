"""Personal data sealed (issue 14, services/intake/README.md "Personal data sealed"): officials' read of
a petitioner's identity, erasure requests and their decision, and auditors' list of who saw what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain.erasure import DecideErasure, RequestErasure
from services.intake.entrypoints.bodies import MAX_CO_PETITIONERS, Body, Reason
from services.intake.entrypoints.http import IntakeDep
from services.intake.handlers import erasure, identity
from services.intake.handlers.identity import PetitionerIdentity
from shared.http.auth import CurrentPrincipal
from shared.vocabulary import ErasureBasis, ErasureRequester

router = APIRouter(prefix="/v1", tags=["personal data"])


class ErasureRequestIn(Body):
    asked_by: ErasureRequester
    legal_basis: ErasureBasis
    reason: Reason
    # Whose data: signers as the identity read numbers them (0 the petitioner, i the i-th
    # co-petitioner); left out: every person of the petition not erased yet.
    signers: list[Annotated[int, Field(ge=0)]] | None = Field(
        default=None, min_length=1, max_length=1 + MAX_CO_PETITIONERS
    )


class ErasureDecisionIn(Body):
    approve: bool
    reason: str = Field(default="", max_length=2000)


class IdentityReadShown(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    at: datetime
    case_id: str | None
    schedule_id: str | None
    what: str
    viewer: str
    role: str
    viewer_division: str


class IdentityReads(BaseModel):
    reads: list[IdentityReadShown]


@router.get("/cases/{case_id}/petitioner")
async def petitioner_identity(case_id: str, principal: CurrentPrincipal, intake: IntakeDep) -> PetitionerIdentity:
    """The petitioners' identity and contact, opened for an official in scope; every read is recorded."""
    return await identity.petitioner_identity(intake, principal, case_id)


@router.get("/cases/{case_id}/erasure-requests")
async def erasure_requests(case_id: str, principal: CurrentPrincipal, intake: IntakeDep) -> erasure.Erasures:
    return await erasure.erasures_of(intake, principal, case_id)


@router.post("/cases/{case_id}/erasure-requests", status_code=201)
async def request_erasure(
    case_id: str, body: ErasureRequestIn, principal: CurrentPrincipal, intake: IntakeDep
) -> erasure.Erasures:
    fields = body.model_dump(exclude={"signers"})
    signers = None if body.signers is None else tuple(body.signers)
    command = RequestErasure(request_id=erasure.new_request_id(), signers=signers, **fields)
    return await erasure.request_erasure(intake, principal, case_id, command)


@router.post("/cases/{case_id}/erasure-requests/{request_id}/decision")
async def decide_erasure(
    case_id: str, request_id: str, body: ErasureDecisionIn, principal: CurrentPrincipal, intake: IntakeDep
) -> erasure.Erasures:
    command = DecideErasure(request_id=request_id, approve=body.approve, reason=body.reason)
    return await erasure.decide_erasure(intake, principal, case_id, command)


@router.get("/identity-reads")
async def identity_reads(
    principal: CurrentPrincipal,
    intake: IntakeDep,
    case_id: Annotated[str | None, Query(max_length=100)] = None,
    viewer: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=identity.MAX_LISTED)] = 100,
) -> IdentityReads:
    """For auditors: who was shown a petitioner's identity or contact, when, on which case (their jurisdiction)."""
    rows = await identity.reads_in_scope(intake, principal, case_id, viewer, limit)
    return IdentityReads(reads=[IdentityReadShown(**{**r._asdict(), "event_id": str(r.event_id)}) for r in rows])
