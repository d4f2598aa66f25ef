"""Events routing publishes: where a case is, what its handling unit decided, who acted.

A case is at exactly one unit at any moment: every move (first assignment, transfer,
escalation, review by the level above, takeover after a breach) is a `CaseAssigned` whose
`reason` says why, so every reader follows one shape.
"""

from __future__ import annotations

from typing import Literal

from shared.events.base import Event
from shared.vocabulary import Channel, Level

AssignmentReason = Literal[
    "initial", "transfer", "escalation", "review", "re_review", "takeover",
    # issue 10 (shared/events/routing.py): an upheld objection, a second send-back to the county
    # petition bureau, a category corrected before acceptance
    "objection", "returned", "recategorised",
]  # fmt: skip
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
    """An approved extension: the level above approved the unit's request (`request_id`; None in
    events recorded before approval existed, when the unit granted its own). The reason is told
    to the petitioner; sla extends the handling clock by `days`."""

    case_id: str
    days: int
    reason: str
    request_id: str | None = None


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


# ---- The work between units (issue 10, part A): sign-off (签收), send-back with a ruling (退单 /
# 异议), extension approval, the official in charge (承办人), category correction. Each names the
# person and unit in its envelope (actor, actor_unit). None moves a case's status (`status_after`
# is None): a move to another unit is always a `CaseAssigned` recorded next to them.

RulingDecision = Literal["upheld", "dismissed"]


class CaseSigned(Event):
    """The unit the case is at confirmed it received it (签收)."""

    case_id: str
    unit_id: str
    level: Level


class ObjectionRaised(Event):
    """The unit says the case is not its own, within its forward-objection window.

    `ruling_unit_id` / `ruling_division` name the level that rules (the unit that transferred the
    case, else the county petition bureau). `to_bureau`: the case's second send-back; it goes
    straight to the county petition bureau (a `CaseAssigned(reason=returned)` follows), no ruling.
    """

    case_id: str
    objection_id: str
    unit_id: str
    reason: str
    competent_unit: str | None = None
    ruling_unit_id: str
    ruling_division: str
    to_bureau: bool = False


class ObjectionRuled(Event):
    """The dispatching level ruled. Upheld: a `CaseAssigned(reason=objection)` to `unit_id` follows.
    `lapsed`: nobody ruled in time and the deployment's policy decided (`PUJIANG_OBJECTION_LAPSE`)."""

    case_id: str
    objection_id: str
    decision: RulingDecision
    reason: str
    unit_id: str | None = None
    lapsed: bool = False


class ObjectionWindowClosed(Event):
    """The unit's forward-objection window passed (sla's `forward_objection` breached): from now
    on the case is the unit's own."""

    case_id: str
    unit_id: str


class ExtensionRequested(Event):
    """The unit asks the level above for more handling time; only `ExtensionGranted` extends it."""

    case_id: str
    request_id: str
    unit_id: str
    days: int
    reason: str
    approver_division: str


class ExtensionDenied(Event):
    """The level above said no: the handling deadline stays."""

    case_id: str
    request_id: str
    reason: str


class OfficialAssigned(Event):
    """The unit put one of its officials (a JWT `sub`) in charge of the case (承办人)."""

    case_id: str
    unit_id: str
    assignee: str
    previous: str | None = None


class CategoryCorrected(Event):
    """The category was wrong. `moves`: before acceptance, so routing recomputed where the case
    starts and a `CaseAssigned(reason=recategorised)` follows; after acceptance only recorded."""

    case_id: str
    category: str
    previous: str
    reason: str
    moves: bool = False
