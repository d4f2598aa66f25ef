"""What routing remembers of the work between units (issue 10, part A), as part of a `Case`. Pure.

Sign-off, the forward-objection window, a pending send-back, a pending extension request and
the official in charge all belong to the unit the case is at: a move to another unit
(`CaseAssigned`) starts them afresh, and the counts (send-backs, requests) go on.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseNotAccepted,
    CaseResolved,
    CaseSigned,
    Event,
    ExtensionDenied,
    ExtensionGranted,
    ExtensionRequested,
    ObjectionRaised,
    ObjectionRuled,
    ObjectionWindowClosed,
    OfficialAssigned,
)

# The moves after which the receiving unit may send the case back: it was dispatched to it.
# Not after escalation or takeover (the level above took it up itself), nor review rounds, nor
# a second send-back (the county petition bureau must keep or place it).
OBJECTABLE_MOVES = frozenset({"initial", "transfer", "objection", "recategorised"})


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PendingObjection(Frozen):
    objection_id: str
    unit_id: str
    competent_unit: str | None
    ruling_unit_id: str
    ruling_division: str


class PendingExtension(Frozen):
    request_id: str
    days: int
    reason: str
    approver_division: str


class Work(Frozen):
    signed: bool = False
    dispatcher_unit: str | None = None  # who sent the case to its unit (None: routing itself)
    objection_window: bool = False
    objections: int = 0
    objection: PendingObjection | None = None
    extension_requests: int = 0
    extension: PendingExtension | None = None
    assignee: str | None = None


@singledispatch
def work_after(_event: Event, work: Work) -> Work:
    """The work once `event` is recorded (unchanged by events that do not concern it)."""
    return work


def _with(work: Work, **changes: Any) -> Work:
    return work.model_copy(update=changes)


@work_after.register
def _(e: CaseAssigned, w: Work) -> Work:
    return Work(
        dispatcher_unit=e.previous_unit_id if e.reason == "transfer" else None,
        objection_window=e.reason in OBJECTABLE_MOVES,
        objections=w.objections,
        extension_requests=w.extension_requests,
    )


@work_after.register
def _(_e: CaseSigned, w: Work) -> Work:
    return _with(w, signed=True)


@work_after.register
def _(_e: CaseAccepted, w: Work) -> Work:
    # Accepting makes the case the unit's own: its window and any objection it raised are over.
    return _with(w, objection_window=False, objection=None)


@work_after.register
def _(_e: CaseNotAccepted, w: Work) -> Work:
    return _with(w, objection_window=False, objection=None)


@work_after.register
def _(_e: ObjectionWindowClosed, w: Work) -> Work:
    return _with(w, objection_window=False)


@work_after.register
def _(e: ObjectionRaised, w: Work) -> Work:
    pending = None if e.to_bureau else PendingObjection(**e.model_dump(include=set(PendingObjection.model_fields)))
    return _with(w, objections=w.objections + 1, objection=pending, objection_window=False)


@work_after.register
def _(_e: ObjectionRuled, w: Work) -> Work:
    return _with(w, objection=None)


@work_after.register
def _(e: ExtensionRequested, w: Work) -> Work:
    pending = PendingExtension(**e.model_dump(include=set(PendingExtension.model_fields)))
    return _with(w, extension_requests=w.extension_requests + 1, extension=pending)


@work_after.register
def _(_e: ExtensionGranted, w: Work) -> Work:
    return _with(w, extension=None)


@work_after.register
def _(_e: ExtensionDenied, w: Work) -> Work:
    return _with(w, extension=None)


@work_after.register
def _(_e: CaseResolved, w: Work) -> Work:
    return _with(w, extension=None)  # answered: a request still waiting is moot


@work_after.register
def _(e: OfficialAssigned, w: Work) -> Work:
    return _with(w, assignee=e.assignee)
