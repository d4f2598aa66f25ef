"""A case as routing holds it: where it is, what state it is in. Pure: no I/O."""

from __future__ import annotations

from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from shared.events import CaseAssigned, CaseNotAccepted, Event
from shared.vocabulary import CaseStatus, Level


class Case(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    status: CaseStatus | None = None
    division_code: str | None = None
    level: Level | None = None
    unit_id: str | None = None
    county_code: str | None = None
    category: str | None = None
    version: int = 0


@singledispatch
def evolve(_event: Event, state: Case) -> Case:
    return state.model_copy(update={"version": state.version + 1})


@evolve.register
def _assigned(event: CaseAssigned, state: Case) -> Case:
    return state.model_copy(
        update={
            "case_id": event.case_id,
            "status": CaseStatus.ASSIGNED,
            "division_code": event.division_code,
            "level": event.level,
            "unit_id": event.unit_id,
            "county_code": event.county_code,
            "category": event.category,
            "version": state.version + 1,
        }
    )


@evolve.register
def _not_accepted(event: CaseNotAccepted, state: Case) -> Case:
    return state.model_copy(
        update={
            "case_id": event.case_id,
            "status": CaseStatus.NOT_ACCEPTED,
            "division_code": event.division_code,
            "level": event.level,
            "county_code": event.county_code,
            "category": event.category,
            "version": state.version + 1,
        }
    )


def fold(events: list[Event], state: Case | None = None) -> Case:
    state = state or Case()
    for event in events:
        state = evolve(event, state)
    return state
