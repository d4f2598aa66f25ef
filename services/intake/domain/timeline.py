"""What happened, in plain words for the petitioner: units by name, never an official's identity."""

from __future__ import annotations

from functools import singledispatch

from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    Event,
    ExtensionGranted,
    FeedbackGiven,
    LeaderAssigned,
    PetitionSubmitted,
    RepeatPetitionReceived,
    ReviewRequested,
    SupervisionIssued,
)

_MOVES = {
    "initial": "assigned to",
    "transfer": "transferred to",
    "escalation": "escalated to",
    "review": "sent for review to",
    "re_review": "sent for re-review to",
    "takeover": "taken over by",
}
_CLOSINGS = {
    "satisfied": "closed: the petitioner is satisfied",
    "final": "closed: the answer is final",
    "withdrawn": "closed: withdrawn",
    "no_feedback": "closed: no review was requested in time",
    "not_accepted": "closed: not accepted",
}
_SUPERVISION = {
    "reminder": "a reminder was sent to the handling unit",
    "supervision": "the level above is supervising the handling",
    "takeover": "the level above is taking the case over",
}
_ROUNDS = {"first": "reply", "review": "review answer", "re_review": "re-review answer"}


@singledispatch
def describe(_event: Event) -> str | None:
    """The sentence for the petitioner's timeline, or None for what they need not see."""
    return None


@describe.register
def _(e: PetitionSubmitted) -> str:
    return f"petition received ({e.channel.value.replace('_', ' ')})"


@describe.register
def _(e: RepeatPetitionReceived) -> str:
    return f"the matter was raised again ({e.channel.value.replace('_', ' ')}) and linked to this case"


@describe.register
def _(e: CaseAssigned) -> str:
    return f"{_MOVES.get(e.reason, 'assigned to')} {e.unit_name}"


@describe.register
def _(_e: CaseAccepted) -> str:
    return "accepted"


@describe.register
def _(e: CaseNotAccepted) -> str:
    redirect = f" (turn to: {e.redirect_to})" if e.redirect_to else ""
    return f"not accepted: {e.reason}{redirect}"


@describe.register
def _(e: ExtensionGranted) -> str:
    return f"extended by {e.days} days: {e.reason}"


@describe.register
def _(_e: LeaderAssigned) -> str:
    return "a leader took personal charge of the case"


@describe.register
def _(e: CaseResolved) -> str:
    label = "reply given" if e.round == "first" else f"{_ROUNDS[e.round]} given"
    return f"{label}: {e.reply}"


@describe.register
def _(e: CaseReopenedForReview) -> str:
    return "review request received" if e.round == "review" else "re-review request received"


@describe.register
def _(e: CaseClosed) -> str:
    return _CLOSINGS.get(e.reason, "closed")


@describe.register
def _(e: SupervisionIssued) -> str:
    return _SUPERVISION[e.step]


@describe.register
def _(e: FeedbackGiven) -> str:
    verdict = "satisfied" if e.satisfied else "not satisfied"
    return f"feedback on the {_ROUNDS[e.round]}: {verdict}"


@describe.register
def _(e: ReviewRequested) -> str:
    asked = "review" if e.round == "review" else "re-review"
    return f"{asked} requested: {e.reason}"
