"""How routing answers other services' events: feedback, review requests, breached deadlines."""

from __future__ import annotations

from services.routing.domain.assignment import Jurisdictions, assigned_to
from services.routing.domain.case import Case
from services.routing.domain.commands import Rules
from services.routing.domain.lifecycle import LEADABLE, MOVABLE, next_level_unit
from services.routing.domain.unit_work import WORK_CLOCKS, on_work_breach
from shared.domain import NotAllowed
from shared.events import (
    CaseClosed,
    CaseReopenedForReview,
    ClockBreached,
    Event,
    FeedbackGiven,
    LeaderAssigned,
    ReceivedByLeader,
    ReviewRequested,
    SupervisionIssued,
)
from shared.vocabulary import CaseStatus

REQUEST_WINDOWS = {"review_request_window", "re_review_request_window"}
# The receiving unit's window to object to a transfer: when it passes, the transfer simply stands.
UNIT_WINDOWS = {"forward_objection"}
# Which round's answer a review request of each kind follows.
_FOLLOWS = {"review": "first", "re_review": "review"}


def on_feedback(state: Case, feedback: FeedbackGiven) -> list[Event]:
    """A satisfied petitioner closes the case; an unsatisfied one may still ask for review."""
    if state.status != CaseStatus.RESOLVED or not feedback.satisfied or state.case_id is None:
        return []
    return [CaseClosed(case_id=state.case_id, reason="satisfied", satisfied=True)]


def on_review_requested(state: Case, request: ReviewRequested, where: Jurisdictions) -> list[Event]:
    """Review goes to the level above the one that answered; re-review one level further."""
    if state.status != CaseStatus.RESOLVED or state.round != _FOLLOWS[request.round] or state.case_id is None:
        return []  # out of order or too late: intake refused it already; never reopen twice
    try:
        unit = next_level_unit(state, where)
    except NotAllowed:
        return []
    return [
        CaseReopenedForReview(case_id=state.case_id, round=request.round, reason=request.reason),
        assigned_to(state, unit, request.round, request.reason),
    ]


def on_breach(state: Case, breach: ClockBreached, where: Jurisdictions, rules: Rules) -> list[Event]:
    """A missed request window closes the case; any other breach climbs the escalation steps."""
    if breach.kind in WORK_CLOCKS and not state.terminal:
        return on_work_breach(state, breach, where, rules)  # sign-off aside: the work between units
    if state.terminal or state.case_id is None or state.division_code is None or breach.kind in UNIT_WINDOWS:
        return []
    if breach.kind in REQUEST_WINDOWS:
        if state.status != CaseStatus.RESOLVED:
            return []
        return [CaseClosed(case_id=state.case_id, reason="no_feedback" if state.round == "first" else "final")]
    count = state.breaches + 1
    step = rules.escalation_steps[min(count, len(rules.escalation_steps)) - 1]
    supervisor = next_level_unit(state, where) if state.level and state.level.up() else None
    issued = SupervisionIssued(
        case_id=state.case_id,
        step=step,
        clock_id=breach.clock_id,
        clock_kind=breach.kind,
        by_division=supervisor.division_code if supervisor else state.division_code,
        breach_count=count,
    )
    if step == "takeover" and supervisor is not None and state.status in MOVABLE:
        return [issued, assigned_to(state, supervisor, "takeover", f"{breach.kind} deadline missed")]
    return [issued]


def on_received_by_leader(state: Case, received: ReceivedByLeader) -> list[Event]:
    """A leader received the matter at a reception day or a visit down: they take personal charge (包案),
    as `assign-leader` would, where a leader can still be put in charge."""
    if state.case_id is None or state.status not in LEADABLE or state.leader == received.leader:
        return []
    return [LeaderAssigned(case_id=state.case_id, leader=received.leader)]
