"""Officials find petitions by the phone the petitioner gave: only within their scope, never an anonymous one.

The index keeps a hash of the phone, not the phone; the caller's number is hashed the same way.
A petition is in scope when the caller's division covers the place of the matter or the division
of the unit handling it now (as routing and projections scope a case).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.intake.adapters import petition_index
from services.intake.domain.repeats import phone_key
from services.intake.handlers.service import Intake
from shared.http.auth import Principal
from shared.privacy import sees_identity
from shared.vocabulary import Role

SEARCHING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


class FoundPetition(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    tracking_code: str
    title: str | None
    status: str
    category: str
    division_code: str
    submitted_at: str


class FoundPetitions(BaseModel):
    """Newest first; `truncated` when more were in scope than one answer holds."""

    model_config = ConfigDict(frozen=True)

    petitions: list[FoundPetition]
    truncated: bool


async def petitions_by_phone(intake: Intake, principal: Principal, phone: str) -> FoundPetitions:
    principal.require_role(*SEARCHING_ROLES)
    anonymous_too = sees_identity(principal.role, anonymous=True)
    async with intake.pool.acquire() as conn:
        rows = await petition_index.by_phone(conn, intake.schema, phone_key(phone, intake.sealer.blind), anonymous_too)
    # A petition complaining about the caller's own unit is not found by them (shared/privacy.withheld_from).
    in_scope = [
        r
        for r in rows
        if any(principal.covers(code) for code in (r.division_code, r.handling_division) if code)
        and r.complaint_unit != principal.division
    ]
    return FoundPetitions(
        petitions=[
            FoundPetition(
                case_id=r.case_id,
                tracking_code=r.tracking_code,
                title=r.title,
                status=r.status.value,
                category=r.category,
                division_code=r.division_code,
                submitted_at=r.submitted_at.isoformat(),
            )
            for r in in_scope[: petition_index.FOUND]
        ],
        truncated=len(in_scope) > petition_index.FOUND,
    )
