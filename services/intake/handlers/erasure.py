"""Erasure of personal data of a petition's people: the request, and its decision, which destroys data keys.

Approval runs in one transaction: `PersonalDataErased` appended on the petition stream, the data keys
of the signers it covers destroyed, the notices sealed under those keys cleared of their addresses,
and, when the petitioner (signer 0) is among them, the index's keyed hashes of the petitioner. The
events keep their ciphertext, so every hash chain and checkpoint still holds.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from services.intake.adapters import notice_outbox, personal_keys, petition_index
from services.intake.domain.erasure import DecideErasure, RequestErasure, decide_decision, decide_request
from services.intake.domain.petition import ErasureRequest, PetitionNotFound
from services.intake.domain.repeats import nobody
from services.intake.handlers import cases
from services.intake.handlers.identity import places_of
from shared.domain import Forbidden
from shared.events import PersonalDataErased
from shared.events.intake import signers_covered
from shared.http.auth import Principal
from shared.vocabulary import ERASURE_APPROVERS, ERASURE_REQUESTERS, Role

if TYPE_CHECKING:
    import asyncpg

    from services.intake.handlers.service import Intake

READING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


class ErasureShown(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    case_id: str
    status: str
    asked_by: str
    legal_basis: str
    reason: str
    recorded_by: str
    decided_by: str | None
    decision_reason: str
    signers: list[int] | None  # as asked; None: every person of the petition not erased yet

    @classmethod
    def of(cls, r: ErasureRequest) -> ErasureShown:
        q = r.request
        return cls(
            request_id=q.request_id, case_id=q.case_id, status=r.status, asked_by=q.asked_by.value,
            legal_basis=q.legal_basis.value, reason=q.reason, recorded_by=q.recorded_by,
            decided_by=r.decided_by, decision_reason=r.decision_reason,
            signers=None if q.signers is None else list(q.signers),
        )  # fmt: skip


class Erasures(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    erased: bool  # every person of the petition erased
    erased_signers: list[int]
    requests: list[ErasureShown]


async def _scoped(intake: Intake, conn: asyncpg.Connection, principal: Principal, case_id: str) -> cases.Loaded:
    places = await places_of(intake, conn, case_id)
    if places is None:
        raise PetitionNotFound
    principal.require_jurisdiction(places.division_code, places.handling_division)
    await petition_index.lock(conn, intake.schema, case_id)
    return await cases.load(intake, conn, case_id)


def _require(principal: Principal, roles: frozenset[Role], what: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"{what} needs one of the roles: {', '.join(sorted(roles))}")


async def request_erasure(intake: Intake, principal: Principal, case_id: str, asked: RequestErasure) -> Erasures:
    _require(principal, ERASURE_REQUESTERS, "recording an erasure request")
    async with intake.pool.acquire() as conn, conn.transaction():
        loaded = await _scoped(intake, conn, principal, case_id)
        events = decide_request(loaded.petition, asked, principal.sub)
        loaded = await cases.append(intake, conn, loaded, events, loaded.caused_by(principal.sub, principal.division))
    intake.poke()
    return _shown(case_id, loaded)


async def decide_erasure(intake: Intake, principal: Principal, case_id: str, decision: DecideErasure) -> Erasures:
    """Approve (destroying the data keys of the signers it covers) or refuse a pending request."""
    _require(principal, ERASURE_APPROVERS, "deciding an erasure request")
    async with intake.pool.acquire() as conn, conn.transaction():
        loaded = await _scoped(intake, conn, principal, case_id)
        events = decide_decision(loaded.petition, decision, principal.sub)
        loaded = await cases.append(intake, conn, loaded, events, loaded.caused_by(principal.sub, principal.division))
        for erased in (e for e in events if isinstance(e, PersonalDataErased)):
            await personal_keys.destroy(conn, intake.schema, case_id, decision.request_id, erased.key_ids)
            await notice_outbox.forget_addresses(conn, intake.schema, case_id, erased.key_ids)
            if 0 in signers_covered(erased.signers, len(loaded.petition.signer_keys)):
                # The index compares and finds the petitioner (signer 0) only: they match no one now.
                gone = nobody(case_id)
                await conn.execute(
                    f"""UPDATE {intake.schema}.petition_index SET id_key = NULL, contact_key = $2, phone_key = $3
                        WHERE case_id = $1""",
                    case_id,
                    gone.contact_key,
                    gone.phone_key,
                )
    intake.poke()
    return _shown(case_id, loaded)


async def erasures_of(intake: Intake, principal: Principal, case_id: str) -> Erasures:
    principal.require_role(*READING_ROLES)
    async with intake.pool.acquire() as conn:
        places = await places_of(intake, conn, case_id)
        if places is None:
            raise PetitionNotFound
        principal.require_jurisdiction(places.division_code, places.handling_division)
        loaded = await cases.load(intake, conn, case_id)
    return _shown(case_id, loaded)


def _shown(case_id: str, loaded: cases.Loaded) -> Erasures:
    return Erasures(
        case_id=case_id,
        erased=loaded.petition.erased,
        erased_signers=sorted(loaded.petition.erased_signers),
        requests=[ErasureShown.of(r) for r in loaded.petition.erasure_requests],
    )


def new_request_id() -> str:
    return str(uuid.uuid4())
