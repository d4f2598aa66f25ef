"""Which clocks start and stop when routing records a step (docs/lifecycle.md, "Clocks"). Pure.

`at` is the routing event's own time: a deadline runs from when the unit received the case,
and an obligation is met when routing recorded it, never when sla happened to read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import singledispatch

from services.sla.domain.clocks import CaseClocks, Clock
from services.sla.domain.policies import Policy
from services.sla.domain.rules import STATUTORY, ClockRules, case_policy, local_kinds
from services.sla.domain.work_clocks import work_react
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    ClockExtended,
    ClockStarted,
    ClockStopped,
    Event,
    ExtensionGranted,
)
from shared.events.routing import CaseSigned, ExtensionDenied, ExtensionRequested, ObjectionRaised, ObjectionRuled

HELD_BY_UNIT = ("acceptance", "forward_objection", "handling", "signoff", "objection_ruling", "extension_decision")
# `unmerged`: a merge undone (並案) gives the case back to its unit, whose clocks the merge had closed.
MOVES = frozenset(
    {"initial", "transfer", "escalation", "takeover", "objection", "returned", "recategorised", "unmerged"}
)
# The moves after which the receiving unit may send the case back (routing's work_state has the
# same set: a dispatched case); not after escalation, takeover or a second send-back.
_DISPATCHED = frozenset({"initial", "transfer", "objection", "recategorised"})
_ROUNDS = frozenset({"review", "re_review"})
# A decision on acceptance also ends the unit's right to object, its sign-off (accepting is
# receiving), a pending ruling, and a local promise: a clock that outlived it would only breach.
_DECIDED = ("acceptance", "forward_objection", "signoff", "objection_ruling")
_AFTER_ROUND = {"first": ("handling", "review_request_window"), "review": ("review", "re_review_request_window")}


@singledispatch
def react(event: Event, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    """The clock events a routing event leads to (none for events that concern no clock)."""
    return work_react(event, state, at, rules)  # the work across units' clocks, else none


@react.register
def _(e: CaseAssigned, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    if e.reason in _ROUNDS:
        # The reviewing unit signs for the case; its review clock started with CaseReopenedForReview.
        if _started_at(state, "signoff", at):
            return []
        signoff = _start(e.case_id, state, rules, case_policy(state, rules), "signoff", at, e.unit_id)
        return [*_stop(e.case_id, state.running("signoff"), "moved", at), *([signoff] if signoff else [])]
    if e.reason not in MOVES or _started_at(state, "acceptance", at):
        return []  # a redelivery
    policy = rules.policy_for(e.category, e.channel.value)
    kinds = ["acceptance", "signoff", *(["forward_objection"] if e.reason in _DISPATCHED else [])]
    kinds += local_kinds(policy) if e.reason == "initial" else []
    started = [_start(e.case_id, state, rules, policy, kind, at, e.unit_id) for kind in kinds]
    return [*_stop(e.case_id, state.running(*HELD_BY_UNIT), "moved", at), *(s for s in started if s)]


@react.register
def _(e: CaseSigned, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return list(_stop(e.case_id, state.running("signoff"), "signed", at))


@react.register
def _(e: ObjectionRaised, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    # The ruling is the dispatching level's; the clock is kept on the case's unit, where the case
    # waits (a move stops it). A second send-back goes to the bureau without a ruling.
    if e.to_bureau or _started_at(state, "objection_ruling", at):
        return []
    ruling = _start(e.case_id, state, rules, case_policy(state, rules), "objection_ruling", at, e.unit_id)
    return [ruling] if ruling else []


@react.register
def _(e: ObjectionRuled, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return list(_stop(e.case_id, state.running("objection_ruling"), "ruled", at))


@react.register
def _(e: ExtensionRequested, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    if _started_at(state, "extension_decision", at):
        return []
    decision = _start(e.case_id, state, rules, case_policy(state, rules), "extension_decision", at, e.unit_id)
    return [decision] if decision else []


@react.register
def _(e: ExtensionDenied, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return list(_stop(e.case_id, state.running("extension_decision"), "denied", at))


@react.register
def _(e: CaseAccepted, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    if _started_at(state, "handling", at):
        return []
    handling = _start(e.case_id, state, rules, case_policy(state, rules), "handling", at, e.unit_id)
    return [*_stop(e.case_id, _decided(state), "accepted", at), *([handling] if handling else [])]


@react.register
def _(e: CaseNotAccepted, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return list(_stop(e.case_id, _decided(state), "not_accepted", at))


@react.register
def _(e: ExtensionGranted, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    extended = [
        ClockExtended(case_id=e.case_id, clock_id=c.clock_id, days=e.days, due_at=rules.extend(c, e.days))
        for c in state.running("handling")
    ]
    return [*_stop(e.case_id, state.running("extension_decision"), "approved", at), *extended]


@react.register
def _(e: CaseResolved, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    if e.round == "re_review":
        return list(_stop(e.case_id, state.running("re_review"), "resolved", at))
    answered, window = _AFTER_ROUND[e.round]
    if _started_at(state, window, at):
        return []
    started = _start(e.case_id, state, rules, case_policy(state, rules), window, at, e.unit_id)
    # An answer also ends what the unit still waited on (a sign-off in review, an extension decision).
    ended = state.running(answered, "signoff", "extension_decision")
    return [*_stop(e.case_id, ended, "resolved", at), *([started] if started else [])]


@react.register
def _(e: CaseReopenedForReview, state: CaseClocks, at: datetime, rules: ClockRules) -> list[Event]:
    if _started_at(state, e.round, at):
        return []
    # The reviewing unit is named by the CaseAssigned that follows; the clock starts now, unit unknown.
    started = _start(e.case_id, state, rules, case_policy(state, rules), e.round, at, None)
    window = state.running(f"{e.round}_request_window")
    return [*_stop(e.case_id, window, "review_requested", at), *([started] if started else [])]


@react.register
def _(e: CaseClosed, state: CaseClocks, at: datetime, _rules: ClockRules) -> list[Event]:
    return list(_stop(e.case_id, state.running(), "closed", at))


def _start(
    case_id: str, state: CaseClocks, rules: ClockRules, policy: Policy, kind: str, at: datetime, unit_id: str | None
) -> ClockStarted | None:
    spec = policy.clocks.get(kind)
    if spec is None:
        return None  # this deployment runs no such clock
    return ClockStarted(
        case_id=case_id,
        clock_id=state.next_id(kind),
        kind=kind,
        policy=policy.name,
        started_at=at,
        due_at=rules.due(spec, at),
        amount=spec.amount,
        unit=spec.unit,
        unit_id=unit_id,
        shown_to_petitioner=spec.petitioner,
    )


def _stop(case_id: str, clocks: Iterable[Clock], reason: str, at: datetime) -> Iterable[ClockStopped]:
    return (
        ClockStopped(case_id=case_id, clock_id=c.clock_id, kind=c.kind, reason=reason, met_on_time=c.on_time_at(at))
        for c in clocks
    )


def _decided(state: CaseClocks) -> list[Clock]:
    return [c for c in state.running() if c.kind in _DECIDED or c.kind not in STATUTORY]


def _started_at(state: CaseClocks, kind: str, at: datetime) -> bool:
    return any(c.kind == kind and c.started_at == at for c in state.clocks.values())
