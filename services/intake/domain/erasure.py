"""Erasing personal data of a petition's people (issue 14): recorded, then decided by another person. Pure.

Two steps, as a bureau works: an official records who asked and on which legal ground (PIPL art.
47); a supervisor or admin other than them approves or refuses. A request names the signers it
covers (0 the petitioner, i the i-th co-petitioner, as the identity read numbers them; none named:
every person not erased yet), so one signer of a collective petition can have their own data erased
and the others stay readable. Requests that cover a common signer wait for each other: a second one
is refused while the first awaits its decision; requests for different signers go side by side.
Approval names the signers erased and their data keys; the handler destroys those keys in the
transaction that records `PersonalDataErased`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.intake.domain.petition import ErasureRequest, Petition, PetitionNotFound
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import ErasureRefused, ErasureRequested, Event, PersonalDataErased
from shared.events.intake import signers_covered
from shared.vocabulary import ErasureBasis, ErasureRequester


class RequestErasure(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    asked_by: ErasureRequester
    legal_basis: ErasureBasis
    reason: str
    signers: tuple[int, ...] | None = None  # None: every person of the petition not erased yet


class DecideErasure(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    approve: bool
    reason: str = ""


def covered(state: Petition, request: ErasureRequest) -> frozenset[int]:
    """The signers a request covers on this petition."""
    return signers_covered(request.request.signers, len(state.signer_keys))


def _listed(signers: frozenset[int]) -> str:
    return ", ".join(str(s) for s in sorted(signers))


def decide_request(state: Petition, command: RequestErasure, recorded_by: str) -> list[Event]:
    if state.case_id is None:
        raise PetitionNotFound
    named = None if command.signers is None else tuple(sorted(set(command.signers)))
    if named == ():
        raise Invalid("signers", "name at least one signer, or leave signers out for every person")
    wanted = signers_covered(named, len(state.signer_keys))
    if named is not None and (unknown := wanted - state.signers):
        last = len(state.signer_keys) - 1
        raise Invalid("signers", f"this petition has no signer {_listed(unknown)} (its signers are 0 to {last})")
    if named is None:
        if state.erased:
            raise NotAllowed("this petition's personal data is erased already", "erased")
        wanted -= state.erased_signers  # every person: those not erased yet
    elif gone := wanted & state.erased_signers:
        raise NotAllowed(f"the personal data of signer {_listed(gone)} is erased already", "erased")
    for r in state.erasure_requests:
        if r.status == "pending" and (common := covered(state, r) & wanted):
            raise NotAllowed(
                f"an erasure request covering signer {_listed(common)} awaits its decision", "erasure_pending"
            )
    fields = command.model_dump(exclude={"signers"})
    return [ErasureRequested(case_id=state.case_id, recorded_by=recorded_by, signers=named, **fields)]


def decide_decision(state: Petition, command: DecideErasure, decided_by: str) -> list[Event]:
    """Approve (naming the signers erased and the keys to destroy) or refuse a pending request; never
    by the one who recorded it."""
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
    signers = sorted(covered(state, found) - state.erased_signers)
    keys = tuple(key for s in signers if (key := state.signer_keys[s]) is not None)
    return [
        PersonalDataErased(
            case_id=state.case_id,
            request_id=command.request_id,
            approved_by=decided_by,
            legal_basis=found.request.legal_basis,
            key_ids=keys,
            signers=tuple(signers),
        )
    ]
