"""After the reply and around it: callbacks (回訪) and withdrawal (撤回). Pure: no I/O.

A callback is an official's phone call or visit to the petitioner after a reply. Reached and
satisfied (滿意) or basically satisfied (基本滿意), it closes a resolved case as satisfied, as the
petitioner's own "satisfied" does; dissatisfied (不滿意) leaves the petitioner's review open.
Not reached `tries` times in a round, the case closes as no feedback.

A withdrawal closes any open case as withdrawn: asked by the petitioner with their codes
(intake's `WithdrawalRequested`), or recorded by a cadre for a door-to-door or proxy petition
with how the petitioner consented.
"""

from __future__ import annotations

from services.routing.domain.case import Case
from services.routing.domain.commands import CallbackPolicy, RecordCallback, Withdraw
from shared.domain import Invalid, NotAllowed
from shared.events import CallbackRecorded, CaseClosed, Event, WithdrawalRecorded, WithdrawalRequested
from shared.vocabulary import CaseStatus, Channel

SATISFIED_GRADES = frozenset({"satisfied", "basically_satisfied"})
# A cadre withdraws only what a cadre recorded for the petitioner (上門走訪, 代辦).
CADRE_CHANNELS = frozenset({Channel.DOOR_TO_DOOR, Channel.PROXY})


def decide_callback(state: Case, c: RecordCallback, policy: CallbackPolicy) -> list[Event]:
    if (
        state.case_id is None
        or state.resolved_level is None
        or state.status
        not in (
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        )
    ):
        raise NotAllowed("a callback follows a written reply", state.status)
    if c.reached and c.satisfaction is None:
        raise Invalid("satisfaction", "a reached petitioner's satisfaction is required")
    if not c.reached and c.satisfaction is not None:
        raise Invalid("satisfaction", "only a reached petitioner gives a satisfaction")
    unknown = sorted(set(c.reasons) - set(policy.reasons))
    if unknown:
        raise Invalid("reasons", f"unknown reasons {', '.join(unknown)}; one of {', '.join(policy.reasons)}")
    recorded = CallbackRecorded(
        case_id=state.case_id,
        method=c.method,
        reached=c.reached,
        satisfaction=c.satisfaction,
        reasons=tuple(dict.fromkeys(c.reasons)),
        comment=c.comment,
        round=state.round,
        attempt=state.callbacks + 1,
    )
    if state.status != CaseStatus.RESOLVED:
        return [recorded]  # a later survey of a settled case: recorded, it changes nothing
    if c.reached and c.satisfaction in SATISFIED_GRADES:
        return [recorded, CaseClosed(case_id=state.case_id, reason="satisfied", satisfied=True)]
    if not c.reached and state.unreached + 1 >= policy.tries_before_no_feedback:
        return [recorded, CaseClosed(case_id=state.case_id, reason="no_feedback")]
    return [recorded]


def decide_cadre_withdrawal(state: Case, c: Withdraw) -> list[Event]:
    if state.case_id is None or state.terminal:
        raise NotAllowed("only an open case can be withdrawn", state.status)
    if state.channel not in CADRE_CHANNELS:
        raise NotAllowed("a cadre withdraws only door-to-door and proxy petitions", state.status)
    if not c.consent.strip():
        raise Invalid("consent", "how the petitioner consented must be recorded")
    return [
        WithdrawalRecorded(case_id=state.case_id, by="cadre", reason=c.reason, consent=c.consent),
        CaseClosed(case_id=state.case_id, reason="withdrawn"),
    ]


def on_withdrawal_requested(state: Case, request: WithdrawalRequested) -> list[Event]:
    """The petitioner withdrew with their codes: an open case closes; a settled one stays as it is."""
    if state.case_id is None or state.terminal:
        return []
    return [
        WithdrawalRecorded(case_id=state.case_id, by="petitioner", reason=request.reason),
        CaseClosed(case_id=state.case_id, reason="withdrawn"),
    ]
