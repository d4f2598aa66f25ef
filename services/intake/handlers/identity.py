"""Who may read a petitioner's identity and contact in plaintext, and the record of every such read.

Intake holds the data keys, so only intake opens a sealed petitioner. An official in the case's
jurisdiction is shown each petitioner unless the rule of shared/privacy.py withholds them
(anonymous, or the petition complains about the official's own unit); every read that showed
something is an `IdentityViewed` on the petition stream (in its hash chain) and a row auditors list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import asyncpg
from pydantic import BaseModel, ConfigDict

from services.intake.adapters import identity_reads, petition_index
from services.intake.adapters.identity_reads import IdentityRead
from services.intake.domain.petition import PetitionNotFound
from services.intake.handlers import cases
from services.intake.handlers.sealing import open_people, people_of
from shared.divisions import significant_prefix
from shared.domain import NotFound
from shared.events import IdentityViewed, PetitionSubmitted
from shared.events.intake import IdentityRead as ReadKind
from shared.http.auth import Principal
from shared.privacy import withheld_from
from shared.sealing import ERASED
from shared.vocabulary import Role

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake

READING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
LISTING_ROLES = (Role.AUDITOR,)
MAX_LISTED = 500

ShownState = Literal["shown", "anonymous", "complaint", "erased", "unsealed"]


class PersonShown(BaseModel):
    """One petitioner as this official may see them: `state` says what, the fields only when `shown`
    (erased ones read `[已删除]`)."""

    model_config = ConfigDict(frozen=True)

    signer: int  # 0 the petitioner, i the i-th co-petitioner
    state: ShownState
    anonymous: bool
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    email: str | None = None
    address: str | None = None
    notify_by: str | None = None


class PetitionerIdentity(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    erased: bool  # every person erased (each one's own `state` says who is)
    complaint: bool  # the petition complains about a unit (ComplaintAbout)
    petitioners: list[PersonShown]


class Places(BaseModel):
    model_config = ConfigDict(frozen=True)

    division_code: str
    handling_division: str | None
    complaint_unit: str | None


async def places_of(intake: Intake, conn: asyncpg.Connection, case_id: str) -> Places | None:
    row = await conn.fetchrow(
        f"""SELECT division_code, handling_division, complaint_unit FROM {intake.schema}.petition_index
            WHERE case_id = $1""",
        case_id,
    )
    return None if row is None else Places(**dict(row))


async def petitioner_identity(intake: Intake, principal: Principal, case_id: str) -> PetitionerIdentity:
    """The case's petitioners opened for this official, and the read recorded when anything was shown."""
    principal.require_role(*READING_ROLES)
    async with intake.pool.acquire() as conn, conn.transaction():
        places = await places_of(intake, conn, case_id)
        if places is None:
            raise PetitionNotFound
        principal.require_jurisdiction(places.division_code, places.handling_division)
        await petition_index.lock(conn, intake.schema, case_id)
        loaded = await cases.load(intake, conn, case_id)
        submitted = loaded.facts[0].event
        assert isinstance(submitted, PetitionSubmitted)
        opened = await open_people(intake, conn, people_of(submitted))
        shown: list[PersonShown] = []
        for signer, o in enumerate(opened):
            withheld = withheld_from(principal.role, principal.division, o.anonymous, places.complaint_unit)
            if o.state == "erased" or signer in loaded.petition.erased_signers:
                shown.append(
                    PersonShown(signer=signer, state="erased", anonymous=o.anonymous, name=ERASED, phone=ERASED)
                )
            elif o.state == "unsealed" or o.person is None:
                shown.append(PersonShown(signer=signer, state="unsealed", anonymous=o.anonymous))
            elif withheld is not None:
                state: ShownState = "complaint" if withheld == "complaint" else "anonymous"
                shown.append(PersonShown(signer=signer, state=state, anonymous=o.anonymous))
            else:
                p = o.person
                shown.append(PersonShown(
                    signer=signer, state="shown", anonymous=p.anonymous, name=p.name, phone=p.phone,
                    id_number=p.id_number, email=p.email, address=p.address, notify_by=p.notify_by,
                ))  # fmt: skip
        signers = tuple(p.signer for p in shown if p.state == "shown")
        if signers:
            await record_view(intake, conn, principal, case_id, "petitioner", signers, loaded, places)
    if signers:
        intake.poke()
    return PetitionerIdentity(
        case_id=case_id,
        erased=loaded.petition.erased,
        complaint=places.complaint_unit is not None,
        petitioners=shown,
    )


async def record_view(
    intake: Intake,
    conn: asyncpg.Connection,
    principal: Principal,
    case_id: str,
    what: ReadKind,
    signers: Sequence[int],
    loaded: cases.Loaded | None = None,
    places: Places | None = None,
) -> None:
    """Record that `principal` was shown this case's petitioners' identity (in the caller's transaction)."""
    places = places or await places_of(intake, conn, case_id)
    if places is None:
        raise PetitionNotFound
    if loaded is None:
        await petition_index.lock(conn, intake.schema, case_id)
        loaded = await cases.load(intake, conn, case_id)
    event = IdentityViewed(
        case_id=case_id, what=what, viewer=principal.sub, role=principal.role.value,
        viewer_division=principal.division, signers=tuple(signers),
    )  # fmt: skip
    appended = await cases.append(intake, conn, loaded, [event], loaded.caused_by(principal.sub, principal.division))
    recorded = appended.history[-1]
    await identity_reads.add(conn, intake.schema, IdentityRead(
        recorded.id, recorded.time, case_id, None, what, principal.sub, principal.role.value, principal.division,
        places.division_code, places.handling_division,
    ))  # fmt: skip


async def reads_in_scope(
    intake: Intake, principal: Principal, case_id: str | None, viewer: str | None, limit: int
) -> list[IdentityRead]:
    """Auditors list who saw which petitioner's identity, in their jurisdiction, newest first."""
    principal.require_role(*LISTING_ROLES)
    async with intake.pool.acquire() as conn:
        if case_id is not None:
            places = await places_of(intake, conn, case_id)
            if places is None:
                raise NotFound("petition")
            principal.require_jurisdiction(places.division_code, places.handling_division)
        return await identity_reads.newest(
            conn, intake.schema, significant_prefix(principal.division), case_id, viewer, min(limit, MAX_LISTED)
        )
