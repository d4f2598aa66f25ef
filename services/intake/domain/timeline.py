"""What happened, for the petitioner: units by name, never an official's identity.

Each step has a stable `kind` (dotted, e.g. `assigned.transfer`, `closed.satisfied`) and the
`params` its sentence needs, so a page says it in its own language (the catalogue's `timeline`
group); `text` is the same step in plain English, as the API has always sent it.
"""

from __future__ import annotations

from functools import singledispatch
from typing import NamedTuple

from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    CaseUnmerged,
    Event,
    ExtensionGranted,
    FeedbackGiven,
    InformationAdded,
    LeaderAssigned,
    PetitionSubmitted,
    ReceivedByLeader,
    RepeatPetitionReceived,
    ReviewRequested,
    SupervisionIssued,
    WithdrawalRecorded,
    WithdrawalRequested,
)

_MOVES = {
    "initial": "assigned to",
    "transfer": "transferred to",
    "escalation": "escalated to",
    "review": "sent for review to",
    "re_review": "sent for re-review to",
    "takeover": "taken over by",
    "unmerged": "handled on its own again by",
}
_AS_TRANSFER = frozenset({"objection", "returned", "recategorised"})
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


class Step(NamedTuple):
    kind: str
    params: dict[str, str | int]
    text: str


@singledispatch
def describe(_event: Event) -> Step | None:
    """The petitioner's timeline step for an event, or None for what they need not see."""
    return None


def _channel(channel: str) -> str:
    return channel.replace("_", " ")


@describe.register
def _(e: PetitionSubmitted) -> Step:
    return Step("submitted", {"channel": e.channel.value}, f"petition received ({_channel(e.channel.value)})")


@describe.register
def _(e: RepeatPetitionReceived) -> Step:
    text = f"the matter was raised again ({_channel(e.channel.value)}) and linked to this case"
    return Step("repeat", {"channel": e.channel.value}, text)


@describe.register
def _(e: CaseAssigned) -> Step:
    # A move by an upheld send-back or a corrected category reads as a transfer to the petitioner.
    reason = "transfer" if e.reason in _AS_TRANSFER else e.reason if e.reason in _MOVES else "initial"
    return Step(f"assigned.{reason}", {"unit": e.unit_name}, f"{_MOVES[reason]} {e.unit_name}")


@describe.register
def _(_e: CaseAccepted) -> Step:
    return Step("accepted", {}, "accepted")


@describe.register
def _(e: CaseNotAccepted) -> Step:
    if e.redirect_to:
        text = f"not accepted: {e.reason} (turn to: {e.redirect_to})"
        return Step("not_accepted.redirected", {"reason": e.reason, "redirect_to": e.redirect_to}, text)
    return Step("not_accepted.plain", {"reason": e.reason}, f"not accepted: {e.reason}")


@describe.register
def _(e: ExtensionGranted) -> Step:
    return Step("extended", {"days": e.days, "reason": e.reason}, f"extended by {e.days} days: {e.reason}")


@describe.register
def _(_e: LeaderAssigned) -> Step:
    return Step("leader_assigned", {}, "a leader took personal charge of the case")


@describe.register
def _(e: ReceivedByLeader) -> Step:
    return Step("received_by_leader", {"leader": e.leader_name}, f"received by {e.leader_name} at a reception day")


@describe.register
def _(e: CaseResolved) -> Step:
    label = "reply given" if e.round == "first" else f"{_ROUNDS[e.round]} given"
    return Step(f"resolved.{e.round}", {"reply": e.reply}, f"{label}: {e.reply}")


@describe.register
def _(e: CaseReopenedForReview) -> Step:
    text = "review request received" if e.round == "review" else "re-review request received"
    return Step(f"reopened.{e.round}", {}, text)


@describe.register
def _(e: CaseClosed) -> Step | None:
    if e.reason == "merged":
        return None  # the `CaseMergedInto` just before says it, and the matter is not closed for the petitioner
    if e.reason in _CLOSINGS:
        return Step(f"closed.{e.reason}", {}, _CLOSINGS[e.reason])
    return Step("closed.other", {}, "closed")


@describe.register
def _(e: SupervisionIssued) -> Step:
    return Step(f"supervision.{e.step}", {}, _SUPERVISION[e.step])


@describe.register
def _(e: FeedbackGiven) -> Step:
    verdict = "satisfied" if e.satisfied else "not satisfied"
    kind = f"feedback.{e.round}.{'satisfied' if e.satisfied else 'unsatisfied'}"
    return Step(kind, {}, f"feedback on the {_ROUNDS[e.round]}: {verdict}")


@describe.register
def _(e: ReviewRequested) -> Step:
    asked = "review" if e.round == "review" else "re-review"
    return Step(f"review_requested.{e.round}", {"reason": e.reason}, f"{asked} requested: {e.reason}")


@describe.register
def _(e: WithdrawalRequested) -> Step:
    return Step("withdrawal_requested", {"reason": e.reason}, f"withdrawal requested: {e.reason}".rstrip(": "))


@describe.register
def _(e: WithdrawalRecorded) -> Step:
    if e.by == "cadre":
        return Step("withdrawn.cadre", {}, "withdrawn by a cadre with the petitioner's consent")
    return Step("withdrawn.petitioner", {}, "withdrawn by the petitioner")


@describe.register
def _(e: InformationAdded) -> Step:
    files = len(e.attachments)
    return Step("information_added", {"files": files}, f"information added ({files} attachments)")


@describe.register
def _(_e: CaseMergedInto) -> Step:
    return Step("merged", {}, "handled together with similar matters of other petitioners")


@describe.register
def _(_e: CaseUnmerged) -> Step:
    return Step("unmerged", {}, "no longer handled together with other matters")
