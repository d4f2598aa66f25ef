"""The one rule for which status each event leaves a case in: routing, intake and projections all ask here."""

from __future__ import annotations

from shared.events.base import Event
from shared.events.intake import PetitionSubmitted
from shared.events.routing import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
)
from shared.vocabulary import CaseStatus

# A review round is handled like a fresh assignment, under its own status.
_UNDER = {"review": CaseStatus.UNDER_REVIEW, "re_review": CaseStatus.UNDER_RE_REVIEW}
_FIXED: dict[type[Event], CaseStatus] = {
    PetitionSubmitted: CaseStatus.SUBMITTED,
    CaseAccepted: CaseStatus.ACCEPTED,
    CaseNotAccepted: CaseStatus.NOT_ACCEPTED,
    CaseResolved: CaseStatus.RESOLVED,
    CaseClosed: CaseStatus.CLOSED,
}


def status_after(event: Event) -> CaseStatus | None:
    """The status the case is in once `event` is recorded; None when the event does not move it."""
    if isinstance(event, CaseAssigned):
        return _UNDER.get(event.reason, CaseStatus.ASSIGNED)
    if isinstance(event, CaseReopenedForReview):
        return _UNDER[event.round]
    return _FIXED.get(type(event))
