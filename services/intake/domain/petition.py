"""A petition as intake holds it: decide what a command records, evolve state from events."""

from __future__ import annotations

from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from services.intake.domain.commands import NewCase, SubmitPetition
from shared.domain import NotFound, StaleState
from shared.events import Event, PetitionSubmitted, RepeatPetitionReceived


class Petition(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    tracking_code: str | None = None
    access_code_hash: str | None = None
    version: int = 0

    @property
    def exists(self) -> bool:
        return self.case_id is not None


class PetitionAlreadyExists(StaleState):
    """The case id is taken (a new case's id is fresh, so only a retry of the same write meets this)."""


class PetitionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("petition")


def decide_submit(state: Petition, command: SubmitPetition, case: NewCase) -> list[Event]:
    if state.exists:
        raise PetitionAlreadyExists(f"petition {case.case_id} already exists")
    # Both parts were checked when they were made (the request body, the issued codes): the event
    # is assembled from them, not validated a third time on intake's busiest path.
    return [PetitionSubmitted.model_construct(**dict(case), **dict(command))]


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
            "version": state.version + 1,
        }
    )


def fold(events: list[Event]) -> Petition:
    state = Petition()
    for event in events:
        state = evolve(event, state)
    return state
