"""Events routing publishes: where a case is, what its handling unit decided, who acted.

A case is at exactly one unit at any moment: every move (first assignment, transfer,
escalation, review by the level above, takeover after a breach) is a `CaseAssigned` whose
`reason` says why, so every reader follows one shape.
"""

from __future__ import annotations

from typing import Literal

from shared.events.base import Event
from shared.vocabulary import Channel, Level

AssignmentReason = Literal["initial", "transfer", "escalation", "review", "re_review", "takeover"]
ClosingReason = Literal["satisfied", "final", "withdrawn", "no_feedback", "not_accepted"]
Round = Literal["first", "review", "re_review"]
EscalationStep = Literal["reminder", "supervision", "takeover"]


class CaseAssigned(Event):
    """The case is now at this unit; `reason` says why."""

    case_id: str
    division_code: str
    level: Level
    unit_id: str
    unit_name: str
    county_code: str
    category: str
    channel: Channel
    location_code: str
    reason: AssignmentReason = "initial"
    previous_unit_id: str | None = None
    note: str = ""


class CaseAccepted(Event):
    case_id: str
    unit_id: str
    level: Level


class CaseNotAccepted(Event):
    case_id: str
    division_code: str
    level: Level
    county_code: str
    category: str
    channel: Channel
    reason: str
    redirect_to: str | None = None


class ExtensionGranted(Event):
    """Handling extended once, approved by the unit's head, the reason told to the petitioner."""

    case_id: str
    days: int
    reason: str


class LeaderAssigned(Event):
    """A leader takes personal charge of a hard case (包案)."""

    case_id: str
    leader: str


class CollectivePetitionReported(Event):
    """A collective petition (聯名 / 集體訪) was routed: the informed unit (by default the county's
    petition bureau) is told. No personal data: the bureau reads the case for the rest."""

    case_id: str
    informed_unit_id: str
    county_code: str
    division_code: str
    level: Level
    category: str
    headcount: int


class CaseNoteAdded(Event):
    """An official's note on the case, for officials only: it moves nothing (no status, no clock)
    and the petitioner's view never shows it."""

    case_id: str
    text: str


class CaseResolved(Event):
    """A written reply (答覆意見) was given; `level` is where it was resolved: what 631 counts."""

    case_id: str
    reply: str
    unit_id: str
    division_code: str
    level: Level
    round: Round = "first"


class CaseReopenedForReview(Event):
    """The petitioner's review request was received: the case goes one level up."""

    case_id: str
    round: Literal["review", "re_review"]
    reason: str


class CaseClosed(Event):
    case_id: str
    reason: ClosingReason
    satisfied: bool | None = None


class SupervisionIssued(Event):
    """What routing's escalation policy did about a breached deadline (催辦, 督辦, takeover)."""

    case_id: str
    step: EscalationStep
    clock_id: str
    clock_kind: str
    by_division: str
    breach_count: int


# --- notices helper (issue 11 part A): callbacks and withdrawal ------------------------------

Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]


class CallbackRecorded(Event):
    """An official phoned or visited the petitioner after a reply (回訪) and recorded the outcome."""

    case_id: str
    method: Literal["phone", "visit"]
    reached: bool
    satisfaction: Satisfaction | None = None  # only when reached
    reasons: tuple[str, ...] = ()  # codes of services/routing/data/callbacks.yaml
    comment: str = ""
    round: Round = "first"
    attempt: int = 1  # the how-many-th callback of this round


class WithdrawalRecorded(Event):
    """The petition is withdrawn (撤回): by the petitioner, or by a cadre with their consent recorded.

    A `CaseClosed(reason=withdrawn)` follows it in the same append.
    """

    case_id: str
    by: Literal["petitioner", "cadre"]
    reason: str = ""
    consent: str | None = None  # how the petitioner consented (cadre withdrawals only)
