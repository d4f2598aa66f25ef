"""Erasing a petition's personal data (issue 14): recorded, then decided by another person. Pure.

Two steps, as a bureau works: an official records who asked and on which legal ground (PIPL art.
47); a supervisor or admin other than them approves or refuses. Approval names the data keys it
destroys; the handler destroys them in the transaction that records `PersonalDataErased`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.intake.domain.petition import Petition, PetitionNotFound
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import ErasureRefused, ErasureRequested, Event, PersonalDataErased
from shared.vocabulary import ErasureBasis, ErasureRequester


class RequestErasure(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    asked_by: ErasureRequester
    legal_basis: ErasureBasis
    reason: str


class DecideErasure(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    approve: bool
    reason: str = ""


def decide_request(state: Petition, command: RequestErasure, recorded_by: str) -> list[Event]:
    if state.case_id is None:
        raise PetitionNotFound
    if state.erased:
        raise NotAllowed("this petition's personal data is erased already", "erased")
    if any(r.status == "pending" for r in state.erasure_requests):
        raise NotAllowed("an erasure request of this petition awaits its decision", "erasure_pending")
    return [ErasureRequested(case_id=state.case_id, recorded_by=recorded_by, **command.model_dump())]


def decide_decision(state: Petition, command: DecideErasure, decided_by: str, key_ids: tuple[str, ...]) -> list[Event]:
    """Approve (naming the keys to destroy) or refuse a pending request; never by the one who recorded it."""
    if state.case_id is None:
        raise PetitionNotFound
    found = next((r for r in state.erasure_requests if r.request.request_id == command.request_id), None)
    if found is None:
        raise NotFound("erasure request")
    if found.status != "pending":
        raise NotAllowed(f"this erasure request was {found.status} already", found.status)
    if found.request.recorded_by == decided_by:
        raise Forbidden("an erasure request is decided by someone other than the official who recorded it")
    if not command.approve:
        if not command.reason.strip():
            raise Invalid("reason", "a refusal says why")
        return [ErasureRefused(case_id=state.case_id, request_id=command.request_id, refused_by=decided_by,
                               reason=command.reason)]  # fmt: skip
    return [
        PersonalDataErased(
            case_id=state.case_id,
            request_id=command.request_id,
            approved_by=decided_by,
            legal_basis=found.request.legal_basis,
            key_ids=key_ids,
        )
    ]
