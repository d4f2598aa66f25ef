"""A petition as intake holds it: decide what a command records, evolve state from events."""

from __future__ import annotations

from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from services.intake.domain.commands import NewCase, SealedPeople, SubmitPetition
from shared.domain import NotFound, StaleState
from shared.events import (
    ErasureRefused,
    ErasureRequested,
    Event,
    PersonalDataErased,
    PetitionSubmitted,
    RepeatPetitionReceived,
)
from shared.events.intake import signers_covered


class ErasureRequest(BaseModel):
    """One request to erase personal data of the petition's people, as it stands (domain/erasure.py)."""

    model_config = ConfigDict(frozen=True)

    request: ErasureRequested
    status: str = "pending"  # pending, approved, refused
    decided_by: str | None = None
    decision_reason: str = ""


class Petition(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    tracking_code: str | None = None
    access_code_hash: str | None = None
    version: int = 0
    # Each of the petition's people by signer (0 the petitioner, i the i-th co-petitioner): the id of
    # their data key (None: recorded before sealing), and those whose data is erased.
    signer_keys: tuple[str | None, ...] = ()
    erased_signers: frozenset[int] = frozenset()
    erasure_requests: tuple[ErasureRequest, ...] = ()

    @property
    def erased(self) -> bool:
        """Every person of the petition erased (one signer erased alone leaves the others readable)."""
        return bool(self.signer_keys) and self.erased_signers >= self.signers

    @property
    def signers(self) -> frozenset[int]:
        return frozenset(range(len(self.signer_keys)))

    @property
    def exists(self) -> bool:
        return self.case_id is not None


class PetitionAlreadyExists(StaleState):
    """The case id is taken (a new case's id is fresh, so only a retry of the same write meets this)."""


class PetitionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("petition")


def decide_submit(state: Petition, command: SubmitPetition, case: NewCase, people: SealedPeople) -> list[Event]:
    """The petition as recorded: the people sealed (`people`), never the command's plaintext."""
    if state.exists:
        raise PetitionAlreadyExists(f"petition {case.case_id} already exists")
    # Every part was checked when it was made (the request body, the issued codes, the sealing): the
    # event is assembled from them, not validated a third time on intake's busiest path.
    return [PetitionSubmitted.model_construct(**dict(case), **{**dict(command), **dict(people)})]


def decide_repeat(state: Petition, command: SubmitPetition) -> list[Event]:
    """The same petitioner raised this open matter again: linked to it, not opened anew."""
    if state.case_id is None:
        raise PetitionNotFound
    return [
        RepeatPetitionReceived(
            case_id=state.case_id,
            channel=command.channel,
            title=command.title,
            content=command.content,
            recorded_by=command.recorded_by,
        )
    ]


@singledispatch
def evolve(_event: Event, state: Petition) -> Petition:
    return state.model_copy(update={"version": state.version + 1})


@evolve.register
def _(event: PetitionSubmitted, state: Petition) -> Petition:
    return state.model_copy(
        update={
            "case_id": event.case_id,
            "tracking_code": event.tracking_code,
            "access_code_hash": event.access_code_hash,
            "signer_keys": tuple(p.key_id for p in (event.petitioner, *event.co_petitioners)),
            "version": state.version + 1,
        }
    )


@evolve.register
def _(event: ErasureRequested, state: Petition) -> Petition:
    requests = (*state.erasure_requests, ErasureRequest(request=event))
    return state.model_copy(update={"erasure_requests": requests, "version": state.version + 1})


def _decided(state: Petition, request_id: str, status: str, by: str, reason: str) -> Petition:
    requests = tuple(
        r.model_copy(update={"status": status, "decided_by": by, "decision_reason": reason})
        if r.request.request_id == request_id
        else r
        for r in state.erasure_requests
    )
    return state.model_copy(update={"erasure_requests": requests, "version": state.version + 1})


@evolve.register
def _(event: ErasureRefused, state: Petition) -> Petition:
    return _decided(state, event.request_id, "refused", event.refused_by, event.reason)


@evolve.register
def _(event: PersonalDataErased, state: Petition) -> Petition:
    decided = _decided(state, event.request_id, "approved", event.approved_by, "")
    erased = state.erased_signers | signers_covered(event.signers, len(state.signer_keys))
    return decided.model_copy(update={"erased_signers": erased})


def fold(events: list[Event]) -> Petition:
    state = Petition()
    for event in events:
        state = evolve(event, state)
    return state
