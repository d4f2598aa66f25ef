"""How each event moves a case on: one registration per event type, folded in causal order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import singledispatch
from typing import Any

from services.projections.domain.case import CaseState, moved, timeline_entry
from services.projections.domain.clocks import Changes, clock_changes
from services.projections.domain.order import appends_in_order, causal_order
from services.projections.domain.work import work_changes
from shared.events import (
    REGISTRY,
    CallbackRecorded,
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseNoteAdded,
    CaseReopenedForReview,
    CaseResolved,
    CollectivePetitionReported,
    ErasureRefused,
    ErasureRequested,
    Event,
    ExtensionGranted,
    FeedbackGiven,
    InformationAdded,
    LeaderAssigned,
    NoticeDelivered,
    NoticeDeliveryFailed,
    NoticeIssued,
    PersonalDataErased,
    PetitionSubmitted,
    RecordedEvent,
    RepeatPetitionReceived,
    ReviewRequested,
    SupervisionIssued,
    WithdrawalRecorded,
    status_after,
)
from shared.events.intake import signers_covered
from shared.events.routing import (
    CaseMergedInto,
    CaseMergeUndone,
    CaseSigned,
    CasesMergedIn,
    CaseUnmerged,
    CategoryCorrected,
    ExtensionDenied,
    ExtensionRequested,
    ObjectionRaised,
    ObjectionRuled,
    ObjectionWindowClosed,
    OfficialAssigned,
)


@singledispatch
def _changes(event: Event, s: CaseState, r: RecordedEvent) -> Changes:
    work = work_changes(event, s, r)  # the work across units (tasks, supervision, ...), else the clocks
    return clock_changes(event, s) if work is None else work


@_changes.register
def _(e: PetitionSubmitted, s: CaseState, r: RecordedEvent) -> Changes:
    return {
        "tracking_code": e.tracking_code,
        "location_code": e.division_code,
        "category": s.category or e.category,
        "channel": s.channel or e.channel,
        "title": e.title,
        "anonymous": e.petitioner.anonymous,
        "headcount": e.headcount,
        "signers": 1 + len(e.co_petitioners),
        "complaint_about": None if e.complaint_about is None else e.complaint_about.unit,
        "submitted_at": r.time,
        "county_code": s.county_code or e.division_code[:6] + "000000",
    }


@_changes.register
def _(_e: RepeatPetitionReceived, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"repeats": s.repeats + 1}


@_changes.register
def _(e: FeedbackGiven, s: CaseState, _r: RecordedEvent) -> Changes:
    if e.satisfied:
        return {"feedback_satisfied": s.feedback_satisfied + 1, "satisfied": True}
    return {"feedback_unsatisfied": s.feedback_unsatisfied + 1, "satisfied": False}


@_changes.register
def _(_e: ReviewRequested, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"review_requests": s.review_requests + 1}


@_changes.register
def _(e: CaseAssigned, s: CaseState, _r: RecordedEvent) -> Changes:
    return {
        **e.model_dump(include={"level", "division_code", "unit_id", "unit_name", "county_code", "category"}),
        "channel": e.channel,
        "location_code": e.location_code or s.location_code,
        "transfers": s.transfers + (e.reason == "transfer"),
        "escalations": s.escalations + (e.reason in {"escalation", "takeover"}),
        # a new unit: it signs afresh, names its own official, and nothing of the last one waits
        "signed": False,
        "receipts": s.receipts + 1,
        "assignee": None,
        "objection": None,
        "extension_request": None,
    }


@_changes.register
def _(e: CaseNotAccepted, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {
        **e.model_dump(include={"division_code", "level", "county_code", "category", "redirect_to"}),
        "channel": e.channel,
        "not_accepted_reason": e.reason,
    }


@_changes.register
def _(_e: CaseAccepted, _s: CaseState, r: RecordedEvent) -> Changes:
    return {"accepted_at": r.time}


@_changes.register
def _(_e: ExtensionGranted, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"extensions": s.extensions + 1, "extension_request": None}


@_changes.register
def _(e: LeaderAssigned, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"leader": e.leader}


@_changes.register
def _(e: CollectivePetitionReported, _s: CaseState, _r: RecordedEvent) -> Changes:
    # Routing's policy decides what is collective (the headcount alone does not): the flag is its word.
    return {"collective": True, "headcount": e.headcount, "informed_unit_id": e.informed_unit_id}


@_changes.register
def _(_e: CaseNoteAdded, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {}  # the note is in the timeline, for officials: it changes no fact of the case


@_changes.register
def _(e: CaseResolved, _s: CaseState, r: RecordedEvent) -> Changes:
    return {
        "resolved_level": e.level,
        "resolved_round": e.round,
        "resolved_at": r.time,
        "round": e.round,
    }


@_changes.register
def _(e: CaseReopenedForReview, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"round": e.round, "reviews": s.reviews + 1, "closed_at": None}


@_changes.register
def _(e: CaseClosed, s: CaseState, r: RecordedEvent) -> Changes:
    satisfied = s.satisfied if e.satisfied is None else e.satisfied
    return {"closed_reason": e.reason, "satisfied": satisfied, "closed_at": r.time}


@_changes.register
def _(e: SupervisionIssued, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"supervision": e.step, "breaches": max(s.breaches, e.breach_count)}


# ---- the work between units (issue 10, part A) -------------------------------------------------


@_changes.register
def _(_e: CaseSigned, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"signed": True, "signoffs": s.signoffs + 1}


@_changes.register
def _(e: ObjectionRaised, _s: CaseState, r: RecordedEvent) -> Changes:
    if e.to_bureau:
        return {}  # no ruling: the CaseAssigned(returned) that follows moves it to the bureau
    fields = {"objection_id", "unit_id", "reason", "competent_unit", "ruling_unit_id", "ruling_division"}
    return {"objection": {**e.model_dump(include=fields), "raised_at": r.time.isoformat(), "by": r.actor}}


@_changes.register
def _(e: ObjectionRuled, s: CaseState, _r: RecordedEvent) -> Changes:
    if e.decision == "upheld":
        return {"objection": None, "objections_upheld": s.objections_upheld + 1}
    return {"objection": None, "objections_dismissed": s.objections_dismissed + 1}


@_changes.register
def _(_e: ObjectionWindowClosed, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {}


@_changes.register
def _(e: ExtensionRequested, _s: CaseState, r: RecordedEvent) -> Changes:
    fields = {"request_id", "unit_id", "days", "reason", "approver_division"}
    return {"extension_request": {**e.model_dump(include=fields), "requested_at": r.time.isoformat(), "by": r.actor}}


@_changes.register
def _(_e: ExtensionDenied, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"extension_request": None, "extensions_denied": s.extensions_denied + 1}


@_changes.register
def _(e: OfficialAssigned, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"assignee": e.assignee}


@_changes.register
def _(e: CategoryCorrected, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"category": e.category, "category_corrections": s.category_corrections + 1}


# --- notices helper (issue 11 part A): notices, callbacks, withdrawal, added information ----


@_changes.register
def _(e: NoticeIssued, s: CaseState, _r: RecordedEvent) -> Changes:
    state = {"none": "undeliverable", "letter": "awaiting_print"}.get(e.channel, "pending")
    notice = {
        "notice_id": e.notice_id, "tracking_code": e.tracking_code, "kind": e.kind, "channel": e.channel,
        "state": state, "attempts": 0, "text": e.text, "undelivered_reason": e.undelivered_reason,
    }  # fmt: skip
    return {"notices": (*s.notices, notice)}


def _notice_moved(s: CaseState, notice_id: str, **update: Any) -> Changes:
    return {"notices": tuple({**n, **update} if n["notice_id"] == notice_id else n for n in s.notices)}


@_changes.register
def _(e: NoticeDelivered, s: CaseState, _r: RecordedEvent) -> Changes:
    return _notice_moved(s, e.notice_id, state="delivered", attempts=e.attempts)


@_changes.register
def _(e: NoticeDeliveryFailed, s: CaseState, _r: RecordedEvent) -> Changes:
    return _notice_moved(s, e.notice_id, state="failed" if e.final else "retrying", attempts=e.attempt)


@_changes.register
def _(e: CallbackRecorded, s: CaseState, r: RecordedEvent) -> Changes:
    entry = {"time": r.time.isoformat(), "actor": r.actor, **e.model_dump(mode="json", exclude={"case_id"})}
    grade = e.satisfaction if e.reached and e.satisfaction is not None else s.callback_satisfaction
    return {"callbacks": (*s.callbacks, entry), "callback_satisfaction": grade}


@_changes.register
def _(_e: InformationAdded, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"information_added": s.information_added + 1}


@_changes.register
def _(e: WithdrawalRecorded, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"withdrawn_by": e.by}


# --- personal data sealed (issue 14): the petitioner's data erased, the case and its chain kept ---


@_changes.register
def _(_e: ErasureRequested, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"erasure": "requested"}


@_changes.register
def _(_e: ErasureRefused, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"erasure": "refused"}


@_changes.register
def _(e: PersonalDataErased, s: CaseState, _r: RecordedEvent) -> Changes:
    erased = frozenset(s.erased_signers) | signers_covered(e.signers, s.signers)
    whole = erased >= frozenset(range(s.signers))
    return {"erasure": "approved", "erased_signers": tuple(sorted(erased)),
            "personal_data": "erased" if whole else "partly_erased"}  # fmt: skip


# --- similar matters merged (並案, issue 11) --------------------------------------------------


@_changes.register
def _(e: CasesMergedIn, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"merged_cases": (*s.merged_cases, *(c for c in e.merged_case_ids if c not in s.merged_cases))}


@_changes.register
def _(e: CaseMergeUndone, s: CaseState, _r: RecordedEvent) -> Changes:
    return {"merged_cases": tuple(c for c in s.merged_cases if c != e.merged_case_id)}


@_changes.register
def _(e: CaseMergedInto, _s: CaseState, _r: RecordedEvent) -> Changes:
    return {"merged_into": e.lead_case_id}


@_changes.register
def _(_e: CaseUnmerged, _s: CaseState, _r: RecordedEvent) -> Changes:
    # Closed as merged no more: the CaseAssigned(unmerged) after it opens the case at its unit again.
    return {"merged_into": None, "closed_reason": None}


def evolve(state: CaseState, event: RecordedEvent, payload: Event) -> CaseState:
    changes = _changes(payload, state, event)
    status = status_after(payload)  # the one rule for where each event leaves a case
    if status is not None:
        changes["status"] = status
    opened = event.time if state.opened_at is None else min(state.opened_at, event.time)
    updated = event.time if state.updated_at is None else max(state.updated_at, event.time)
    timeline = (*state.timeline, timeline_entry(event))
    return moved(state, {**changes, "opened_at": opened, "updated_at": updated, "timeline": timeline})


def fold(case_id: str, events: Iterable[RecordedEvent]) -> CaseState:
    """The case after all these events (in any arrival order): the same answer every time."""
    return fold_decoded(case_id, [(event, REGISTRY.decode(event)) for event in events])


def fold_decoded(case_id: str, decoded: Sequence[tuple[RecordedEvent, Event]]) -> CaseState:
    """`fold` of events whose payloads are decoded already (a consumer decodes each record once)."""
    decoded = folded(decoded)
    payloads = {event.id: payload for event, payload in decoded}
    state = CaseState(case_id=case_id)
    for event in causal_order(event for event, _ in decoded):
        state = evolve(state, event, payloads[event.id])
    return state


def advance(state: CaseState, decoded: Sequence[tuple[RecordedEvent, Event]]) -> CaseState | None:
    """The folded state moved on by new events, or None when they do not come last in causal order
    (then only a fold of the whole log gives the answer `fold` would)."""
    decoded = folded(decoded)
    if not appends_in_order(state.timeline, (event for event, _ in decoded)):
        return None
    payloads = {event.id: payload for event, payload in decoded}
    for event in causal_order(event for event, _ in decoded):
        state = evolve(state, event, payloads[event.id])
    return state


# The event types the read models are built from: every type the fold knows.
PROJECTED = frozenset(
    cls.type_name()
    for cls in (*_changes.registry, *clock_changes.registry, *work_changes.registry)
    if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
)
# What projections consumes: every event of the system. The event log (the auditor's copy of the
# topics) keeps them all, so every chain in it is whole; only PROJECTED ones move a case. With
# PROJECTED alone, a withdrawal request (which routing acts on) left a gap in its petition's chain.
CONSUMED = frozenset(cls.type_name() for cls in REGISTRY.classes())


def folded(decoded: Sequence[tuple[RecordedEvent, Event]]) -> list[tuple[RecordedEvent, Event]]:
    """The events of these that the fold knows (the one place others are left out)."""
    return [(event, payload) for event, payload in decoded if event.type in PROJECTED]
