"""What the work between units records (issue 10, part A), given the case as it stands. Pure.

Sign-off, send-back with a ruling, extension approval, the official in charge, category
correction. Each `decide_*` raises `NotAllowed` (409, naming the status) when the step does not
fit the case now, `Invalid` (422, naming the field) for a bad value; who may act is
`acting_unit` (403 outside it). A case is at exactly one unit all along: every move is
a `CaseAssigned` recorded with the step that caused it.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from services.routing.domain.assignment import Jurisdictions, Unit, assigned_to, starting_unit
from services.routing.domain.case import Case, evolve
from services.routing.domain.commands import (
    AssignOfficial,
    Command,
    CorrectCategory,
    DecideExtension,
    Object,
    RequestExtension,
    RuleObjection,
    Rules,
    Sign,
)
from services.routing.domain.objection_window import ObjectionWindow, window_ended
from shared.divisions import county_of, parent_of
from shared.domain import Invalid, NotAllowed
from shared.events import (
    CaseSigned,
    CategoryCorrected,
    ClockBreached,
    Event,
    ExtensionDenied,
    ExtensionGranted,
    ExtensionRequested,
    ObjectionRaised,
    ObjectionRuled,
    ObjectionWindowClosed,
    OfficialAssigned,
)
from shared.jurisdiction.petition_bureau import division_of_unit, petition_bureau
from shared.vocabulary import AWAITING_UNIT, CaseStatus, Level

SIGNABLE = frozenset({CaseStatus.ASSIGNED, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW})
# The clocks of this work whose breach routing answers itself (never by the escalation steps).
# A missed sign-off is on record (overdue, on-time figures) and stands out in worklists; the
# escalation steps follow the acceptance clock, which runs on beside it.
WORK_CLOCKS = frozenset({"signoff", "forward_objection", "objection_ruling", "extension_decision"})


def _ids(state: Case) -> tuple[str, str]:
    """The case's id and its unit's: a routed case has both (`lifecycle.decide` checked it is routed)."""
    if state.case_id is None or state.unit_id is None:
        raise _refuse(state, "the case has not been routed yet")
    return state.case_id, state.unit_id


def _refuse(state: Case, message: str) -> NotAllowed:
    return NotAllowed(message, state.status)


def _require(state: Case, allowed: frozenset[CaseStatus], action: str) -> None:
    if state.status not in allowed:
        raise _refuse(state, f"cannot {action} a case that is {state.status}")


def acting_unit(state: Case, command: Command) -> str | None:
    """Which unit a command is for: a ruling the dispatching unit's (the county petition bureau
    when routing dispatched), an extension decision the level above's, everything else the case's
    own unit's. Its officials, or a level above it, may take it (`Principal.require_unit`)."""
    if isinstance(command, RuleObjection) and state.unit_work.objection is not None:
        return state.unit_work.objection.ruling_unit_id
    if isinstance(command, DecideExtension) and state.unit_work.extension is not None:
        return state.unit_work.extension.approver_division  # the division's own unit
    return state.unit_id


def bureau_of(state: Case) -> str:
    """The county petition bureau over the case (shared.jurisdiction.petition_bureau)."""
    return petition_bureau(state.county_code or state.division_code or state.unit_id or "")


def _unit(where: Jurisdictions, unit_id: str) -> Unit:
    unit = where.unit(unit_id)
    if unit is None:  # a county's bureau always exists in the tree; a bare code stands for itself
        return Unit(unit_id=unit_id, division_code=division_of_unit(unit_id), level=Level.COUNTY, name=unit_id)
    return unit


def sign_for(state: Case) -> list[Event]:
    """The unit's sign-off: it has received the case (签收)."""
    case_id, unit_id = _ids(state)
    return [CaseSigned(case_id=case_id, unit_id=unit_id, level=state.level or Level.VILLAGE)]


@singledispatch
def decide_work(command: Command, _state: Case, _where: Jurisdictions, _rules: Rules) -> list[Event]:
    raise Invalid("command", f"unknown command {type(command).__name__}")


@decide_work.register
def _(_c: Sign, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, SIGNABLE, "sign for")
    if state.unit_work.signed:
        raise _refuse(state, "this unit has signed for the case already")
    return sign_for(state)


# ---- send-back (退单 / 异议) and its ruling ---------------------------------------------------


def _target(state: Case, where: Jurisdictions, unit_id: str, field: str) -> Unit:
    unit = where.unit(unit_id)
    if unit is None:
        raise Invalid(field, "no such unit")
    if unit.unit_id == state.unit_id:
        raise Invalid(field, "the case is already at this unit")
    if county_of(unit.division_code) != state.county_code:
        raise Invalid(field, "the case stays within its county")
    return unit


def decide_objection(
    state: Case, c: Object, where: Jurisdictions, now: datetime, window: ObjectionWindow | None
) -> list[Event]:
    """A send-back, decided at `now` (the system's clock) against the unit's window as sla timed it."""
    if state.version == 0 or state.case_id is None:
        raise _refuse(state, "the case has not been routed yet")
    _require(state, frozenset({CaseStatus.ASSIGNED}), "send back")
    if not c.reason.strip():
        raise Invalid("reason", "must not be blank")
    work = state.unit_work
    bureau = bureau_of(state)
    if work.objection is not None:
        raise _refuse(state, f"objection {work.objection.objection_id} is waiting for a ruling")
    if state.unit_id == bureau:
        raise _refuse(state, "the county petition bureau keeps or places a case (transfer it); it cannot send it back")
    if work.objections >= 2:
        raise _refuse(state, "the case was sent back twice: the county petition bureau's placement stands")
    ended = window_ended(window, state.unit_id, now) if work.objection_window else None
    if ended is not None:  # sla's breach may still be on its way: the due time decides, not its arrival
        raise _refuse(state, f"the forward-objection window ended at {ended.isoformat()}")
    if not work.objection_window:
        raise _refuse(state, "the forward-objection window is over (or the case was not dispatched to this unit)")
    competent = _target(state, where, c.competent_unit, "competent_unit").unit_id if c.competent_unit else None
    case_id, unit_id = _ids(state)
    second = work.objections >= 1
    ruler = bureau if second or work.dispatcher_unit is None else work.dispatcher_unit
    raised = ObjectionRaised(
        case_id=case_id,
        objection_id=f"objection-{work.objections + 1}",
        unit_id=unit_id,
        reason=c.reason,
        competent_unit=competent,
        ruling_unit_id=ruler,
        ruling_division=division_of_unit(ruler),
        to_bureau=second,
    )
    if not second:
        return [raised]
    # No ping-pong: a second send-back goes to the county petition bureau, which keeps or places it.
    return [raised, assigned_to(evolve(state, raised), _unit(where, bureau), "returned", c.reason)]


@decide_work.register
def _(c: RuleObjection, state: Case, where: Jurisdictions, _r: Rules) -> list[Event]:
    pending = state.unit_work.objection
    if pending is None or pending.objection_id != c.objection_id:
        raise _refuse(state, f"objection {c.objection_id} is not waiting for a ruling")
    _require(state, frozenset({CaseStatus.ASSIGNED}), "rule on an objection to")
    if not c.reason.strip():
        raise Invalid("reason", "must not be blank")
    case_id, _ = _ids(state)
    if c.decision == "dismiss":
        return [ObjectionRuled(case_id=case_id, objection_id=pending.objection_id, decision="dismissed",
                               reason=c.reason)]  # fmt: skip
    target = c.unit_id or pending.competent_unit
    if target is None:
        raise Invalid("unit_id", "name the unit the case goes to")
    unit = _target(state, where, target, "unit_id")
    ruled = ObjectionRuled(
        case_id=case_id, objection_id=pending.objection_id, decision="upheld", reason=c.reason,
        unit_id=unit.unit_id,
    )  # fmt: skip
    return [ruled, assigned_to(evolve(state, ruled), unit, "objection", c.reason)]


def on_work_breach(state: Case, breach: ClockBreached, where: Jurisdictions, rules: Rules) -> list[Event]:
    """A missed window or ruling of the work between units (WORK_CLOCKS); [] when it no longer
    concerns the case as it stands (the unit changed, the step was taken meanwhile)."""
    if state.case_id is None or state.unit_id is None or breach.unit_id not in (None, state.unit_id):
        return []
    pending = state.unit_work.objection
    if breach.kind == "forward_objection" and state.unit_work.objection_window:
        return [ObjectionWindowClosed(case_id=state.case_id, unit_id=state.unit_id)]
    if breach.kind == "objection_ruling" and pending is not None and state.status == CaseStatus.ASSIGNED:
        if rules.objection_lapse == "stays":
            lapsed = ObjectionRuled(case_id=state.case_id, objection_id=pending.objection_id, decision="dismissed",
                                    reason="no ruling in time: the case stays", lapsed=True)  # fmt: skip
            return [lapsed]
        bureau = bureau_of(state)
        lapsed = ObjectionRuled(case_id=state.case_id, objection_id=pending.objection_id, decision="upheld",
                                reason="no ruling in time: the county petition bureau places it", unit_id=bureau,
                                lapsed=True)  # fmt: skip
        if bureau == state.unit_id:
            return [lapsed.model_copy(update={"decision": "dismissed", "unit_id": None})]
        return [lapsed, assigned_to(evolve(state, lapsed), _unit(where, bureau), "returned", lapsed.reason)]
    # signoff: see WORK_CLOCKS. extension_decision: the approver is late, not the unit; the breach
    # is on record (overdue, on-time figures) and the request still waits for its decision.
    return []


# ---- extension approval -----------------------------------------------------------------------


def check_extension(state: Case, days: int, rules: Rules) -> None:
    """The one home of the extension rule: at most `max_extension_days`, `max_extensions` times,
    asked before the handling deadline passed. Checked when asked and again when approved."""
    if not 0 < days <= rules.max_extension_days:
        raise Invalid("days", f"must be between 1 and {rules.max_extension_days}")
    if state.extensions >= rules.max_extensions:
        raise _refuse(state, f"handling may be extended only {rules.max_extensions} time(s)")
    if state.handling_breached:
        raise _refuse(state, "an extension must be asked for before the handling deadline")


def approver_division(state: Case) -> str:
    """The level above the case's unit, which approves its extensions."""
    above = parent_of(state.division_code) if state.division_code else None
    if above is None:
        raise _refuse(state, "there is no level above this one to approve an extension")
    return above


@decide_work.register
def _(c: RequestExtension, state: Case, _w: Jurisdictions, rules: Rules) -> list[Event]:
    _require(state, frozenset({CaseStatus.ACCEPTED}), "extend")
    if not c.reason.strip():
        raise Invalid("reason", "must not be blank")
    check_extension(state, c.days, rules)
    if state.unit_work.extension is not None:
        raise _refuse(state, f"extension request {state.unit_work.extension.request_id} is waiting for a decision")
    case_id, unit_id = _ids(state)
    return [
        ExtensionRequested(
            case_id=case_id,
            request_id=f"extension-{state.unit_work.extension_requests + 1}",
            unit_id=unit_id,
            days=c.days,
            reason=c.reason,
            approver_division=approver_division(state),
        )
    ]


@decide_work.register
def _(c: DecideExtension, state: Case, _w: Jurisdictions, rules: Rules) -> list[Event]:
    pending = state.unit_work.extension
    if pending is None or pending.request_id != c.request_id:
        raise _refuse(state, f"extension request {c.request_id} is not waiting for a decision")
    _require(state, frozenset({CaseStatus.ACCEPTED}), "decide an extension of")
    case_id, _ = _ids(state)
    if not c.approve:
        if not c.reason.strip():
            raise Invalid("reason", "say why the extension is denied")
        return [ExtensionDenied(case_id=case_id, request_id=pending.request_id, reason=c.reason)]
    check_extension(state, pending.days, rules)
    return [ExtensionGranted(case_id=case_id, days=pending.days, reason=pending.reason,
                             request_id=pending.request_id)]  # fmt: skip


# ---- the official in charge (承办人) and category correction ----------------------------------


@decide_work.register
def _(c: AssignOfficial, state: Case, _w: Jurisdictions, _r: Rules) -> list[Event]:
    _require(state, AWAITING_UNIT, "put an official in charge of")
    assignee = c.assignee.strip()
    if not assignee:
        raise Invalid("assignee", "must not be blank")
    if assignee == state.unit_work.assignee:
        raise Invalid("assignee", "is in charge of the case already")
    case_id, unit_id = _ids(state)
    return [OfficialAssigned(case_id=case_id, unit_id=unit_id, assignee=assignee,
                             previous=state.unit_work.assignee)]  # fmt: skip


@decide_work.register
def _(c: CorrectCategory, state: Case, where: Jurisdictions, _r: Rules) -> list[Event]:
    if state.terminal:
        raise _refuse(state, f"cannot correct the category of a case that is {state.status}")
    if not c.reason.strip():
        raise Invalid("reason", "must not be blank")
    category = where.catalogue.get(c.category)
    if category is None:
        raise Invalid("category", "no such category")
    if c.category == state.category:
        raise Invalid("category", "is the case's category already")
    case_id, _ = _ids(state)
    location = state.location_code or state.division_code or ""
    before_acceptance = state.status == CaseStatus.ASSIGNED and state.round == "first"
    if before_acceptance and not category.accepted:
        raise Invalid("category", "is not handled through petitions: refuse the case with a redirect instead")
    # Before acceptance the case starts where the catalogue says for the corrected category
    # (the same rule as the first assignment); after it the correction is only recorded.
    unit = starting_unit(c.category, location, where, state.headcount) if before_acceptance else None
    moves = unit is not None and unit.unit_id != state.unit_id
    corrected = CategoryCorrected(case_id=case_id, category=c.category, previous=state.category or "",
                                  reason=c.reason, moves=moves)  # fmt: skip
    if not moves or unit is None:
        return [corrected]
    return [corrected, assigned_to(evolve(state, corrected), unit, "recategorised", c.reason)]
