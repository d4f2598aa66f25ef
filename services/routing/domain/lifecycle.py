"""What each official's command records, given the case as it stands. Pure: no I/O."""

from __future__ import annotations

from functools import singledispatch

from services.routing.domain.aftercare import decide_cadre_withdrawal, decide_callback
from services.routing.domain.assignment import Jurisdictions, Unit, assigned_to
from services.routing.domain.case import Case
from services.routing.domain.commands import (
    Accept,
    AddNote,
    AssignLeader,
    Command,
    Escalate,
    Extend,
    RecordCallback,
    Reject,
    RequestExtension,
    Resolve,
    Rules,
    Transfer,
    Withdraw,
)
from services.routing.domain.unit_work import decide_work, sign_for
from shared.divisions import county_of, parent_of
from shared.domain import Invalid, NotAllowed
from shared.events import (
    CaseAccepted,
    CaseClosed,
    CaseNotAccepted,
    CaseNoteAdded,
    CaseResolved,
    Event,
    LeaderAssigned,
)
from shared.vocabulary import CaseStatus

# A case changes units only before its unit answers; a review round stays where it was sent.
MOVABLE = frozenset({CaseStatus.ASSIGNED, CaseStatus.ACCEPTED})
RESOLVABLE = frozenset({CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW})
LEADABLE = frozenset({*MOVABLE, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW, CaseStatus.RESOLVED})


def _require(state: Case, allowed: frozenset[CaseStatus], action: str) -> None:
    if state.status not in allowed:
        raise NotAllowed(f"cannot {action} a case that is {state.status}", state.status)


def next_level_unit(state: Case, where: Jurisdictions) -> Unit:
    """The unit one level above the case's current division (its parent)."""
    parent = parent_of(state.division_code) if state.division_code else None
    unit = where.unit(parent) if parent else None
    if unit is None:
        raise NotAllowed("there is no level above this one", state.status)
    return unit


def decide(state: Case, command: Command, where: Jurisdictions, rules: Rules) -> list[Event]:
    """The events an official's command records; NotAllowed / Invalid otherwise."""
    if state.version == 0 or state.case_id is None:
        raise NotAllowed("the case has not been routed yet", state.status)
    return _decide(command, state, where, rules)


@singledispatch
def _decide(command: Command, state: Case, where: Jurisdictions, rules: Rules) -> list[Event]:
    return decide_work(command, state, where, rules)  # the work between units, or Invalid


@_decide.register
def _(_c: Accept, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, frozenset({CaseStatus.ASSIGNED}), "accept")
    # Accepting a case is having received it: an unsigned one is signed for in the same step.
    signed = [] if state.unit_work.signed else sign_for(state)
    return [*signed, CaseAccepted(case_id=state.case_id, unit_id=state.unit_id, level=state.level)]


@_decide.register
def _(c: Reject, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, frozenset({CaseStatus.ASSIGNED}), "reject")
    fields = state.model_dump(include={"case_id", "division_code", "level", "county_code", "category", "channel"})
    return [CaseNotAccepted(**fields, reason=c.reason, redirect_to=c.redirect_to)]


@_decide.register
def _(c: Extend, state: Case, where: Jurisdictions, rules: Rules) -> list[Event]:
    # The unit no longer grants its own extension: `extend` asks the level above (unit_work).
    return decide_work(RequestExtension(days=c.days, reason=c.reason), state, where, rules)


@_decide.register
def _(c: Transfer, state: Case, where: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, MOVABLE, "transfer")
    unit = where.unit(c.division_code)
    if unit is None:
        raise Invalid("division_code", "no such unit")
    if unit.unit_id == state.unit_id:
        raise Invalid("division_code", "the case is already at this unit")
    if county_of(unit.division_code) != state.county_code:
        raise Invalid("division_code", "a transfer stays within the case's county; escalate instead")
    return [assigned_to(state, unit, "transfer", c.reason)]


@_decide.register
def _(c: Escalate, state: Case, where: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, MOVABLE, "escalate")
    return [assigned_to(state, next_level_unit(state, where), "escalation", c.reason)]


@_decide.register
def _(c: Resolve, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, RESOLVABLE, "resolve")
    fields = state.model_dump(include={"case_id", "unit_id", "division_code", "level", "round"})
    resolved = CaseResolved(**fields, reply=c.reply)
    # After re-review the matter is final (終結): nothing more can be asked.
    final = [CaseClosed(case_id=resolved.case_id, reason="final")] if state.round == "re_review" else []
    return [resolved, *final]


@_decide.register
def _(c: AssignLeader, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, LEADABLE, "assign a leader to")
    return [LeaderAssigned(case_id=state.case_id, leader=c.leader)]


@_decide.register
def _(c: AddNote, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    # A note records what officials know; it is allowed in every status, closed included.
    if not c.text.strip():
        raise Invalid("text", "must not be blank")
    return [CaseNoteAdded(case_id=state.case_id, text=c.text)]


@_decide.register
def _(c: RecordCallback, state: Case, _w: Jurisdictions, rules: Rules) -> list[Event]:
    return decide_callback(state, c, rules.callbacks)


@_decide.register
def _(c: Withdraw, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    return decide_cadre_withdrawal(state, c)
