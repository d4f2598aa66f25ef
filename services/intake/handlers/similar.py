"""並案 suggestions for the dispatcher: open matters of other petitioners that resemble a case.

Computed here because intake holds the petitions' text; routing never reads it. Only what the
caller's jurisdiction covers is suggested, and a suggestion carries no one's personal data.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.intake.adapters import petition_index
from services.intake.domain.similar import Suggestion, suggest
from services.intake.handlers.search import SEARCHING_ROLES
from services.intake.handlers.service import Intake
from shared.domain import NotFound
from shared.http.auth import Principal


class SimilarMatters(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    suggestions: list[Suggestion]


async def similar_matters(intake: Intake, principal: Principal, case_id: str) -> SimilarMatters:
    principal.require_role(*SEARCHING_ROLES)
    async with intake.pool.acquire() as conn:
        found = await petition_index.similar_candidates(conn, intake.schema, case_id)
        handling = await conn.fetchval(
            f"SELECT handling_division FROM {intake.schema}.petition_index WHERE case_id = $1", case_id
        )
    if found is None:
        raise NotFound("petition")
    new, others = found
    principal.require_jurisdiction(new.division_code, handling)
    in_scope = [o for o in others if principal.covers(o.division_code)]
    return SimilarMatters(case_id=case_id, suggestions=suggest(new, in_scope))
