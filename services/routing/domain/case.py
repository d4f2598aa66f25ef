"""A case as routing holds it: where it is and what state it is in. Pure: no I/O."""

from __future__ import annotations

from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    Event,
    ExtensionGranted,
    LeaderAssigned,
    SupervisionIssued,
)
from shared.events.routing import Round
from shared.vocabulary import CaseStatus, Channel, Level

TERMINAL = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_ACCEPTED})
_STATUS_AFTER_ASSIGNMENT = {"review": CaseStatus.UNDER_REVIEW, "re_review": CaseStatus.UNDER_RE_REVIEW}


class Case(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    status: CaseStatus | None = None
    division_code: str | None = None
    level: Level | None = None
    unit_id: str | None = None
    county_code: str | None = None
    location_code: str | None = None
    category: str | None = None
    channel: Channel | None = None
    round: Round = "first"
    extensions: int = 0
    leader: str | None = None
    breaches: int = 0
    handling_breached: bool = False
    resolved_level: Level | None = None
    version: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@singledispatch
def _apply(_event: Event, state: Case) -> Case:
    return state


@_apply.register
def _(e: CaseAssigned, s: Case) -> Case:
    return s.model_copy(
        update={
            "case_id": e.case_id,
            "status": _STATUS_AFTER_ASSIGNMENT.get(e.reason, CaseStatus.ASSIGNED),
            "division_code": e.division_code,
            "level": e.level,
            "unit_id": e.unit_id,
            "county_code": e.county_code,
            "location_code": e.location_code,
            "category": e.category,
            "channel": e.channel,
            "handling_breached": False,
        }
    )


@_apply.register
def _(e: CaseNotAccepted, s: Case) -> Case:
    return s.model_copy(
        update={
            "case_id": e.case_id,
            "status": CaseStatus.NOT_ACCEPTED,
            "division_code": e.division_code,
            "level": e.level,
            "county_code": e.county_code,
            "category": e.category,
            "channel": e.channel,
        }
    )


@_apply.register
def _(_e: CaseAccepted, s: Case) -> Case:
    return s.model_copy(update={"status": CaseStatus.ACCEPTED})


@_apply.register
def _(_e: ExtensionGranted, s: Case) -> Case:
    return s.model_copy(update={"extensions": s.extensions + 1})


@_apply.register
def _(e: LeaderAssigned, s: Case) -> Case:
    return s.model_copy(update={"leader": e.leader})


@_apply.register
def _(e: CaseResolved, s: Case) -> Case:
    return s.model_copy(update={"status": CaseStatus.RESOLVED, "round": e.round, "resolved_level": e.level})


@_apply.register
def _(e: CaseReopenedForReview, s: Case) -> Case:
    return s.model_copy(update={"round": e.round})


@_apply.register
def _(_e: CaseClosed, s: Case) -> Case:
    return s.model_copy(update={"status": CaseStatus.CLOSED})


@_apply.register
def _(e: SupervisionIssued, s: Case) -> Case:
    handling = s.handling_breached or e.clock_kind == "handling"
    return s.model_copy(update={"breaches": e.breach_count, "handling_breached": handling})


def evolve(event: Event, state: Case) -> Case:
    """The next state; every recorded event of the stream moves the version on."""
    return _apply(event, state).model_copy(update={"version": state.version + 1})


def fold(events: list[Event], state: Case | None = None) -> Case:
    state = state or Case()
    for event in events:
        state = evolve(event, state)
    return state
