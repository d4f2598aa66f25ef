"""Events routing publishes: where a case is, what its handling unit decided, who acted.

A case is at exactly one unit at any moment: every move (first assignment, transfer,
escalation, review by the level above, takeover after a breach) is a `CaseAssigned` whose
`reason` says why, so every reader follows one shape.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from shared.events.base import Event
from shared.vocabulary import Channel, Level

AssignmentReason = Literal[
    "initial", "transfer", "escalation", "review", "re_review", "takeover",
    # issue 10 (shared/events/routing.py): an upheld objection, a second send-back to the county
    # petition bureau, a category corrected before acceptance
    "objection", "returned", "recategorised",
    # issue 11 (並案): a merged-in case given back to its own unit when the merge is undone
    "unmerged",
]  # fmt: skip
# `merged`: the case is handled inside another one (並案, `CaseMergedInto` before it); undone by `CaseUnmerged`.
ClosingReason = Literal["satisfied", "final", "withdrawn", "no_feedback", "not_accepted", "merged"]
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
    """A collective petition (联名 / 集体访) was routed: the informed unit (by default the county's
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
    """A written reply (答复意见) was given; `level` is where it was resolved: what 631 counts."""

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
    """What routing's escalation policy did about a breached deadline (催办, 督办, takeover)."""

    case_id: str
    step: EscalationStep
    clock_id: str
    clock_kind: str
    by_division: str
    breach_count: int


# ---- Work across units (issue 10, part B): joint handling (主办/协办), consultation (会商),
# ---- supervision on demand (督办) and leaders' instructions (批示). Recorded on the case's stream.

ReportKind = Literal["opinion", "action"]


def task_clock_id(task_id: str) -> str:
    """The sla clock of an assisting unit's task: one per task, named by it (sla and readers agree here)."""
    return f"assist_task-{task_id}"


def supervision_clock_id(supervision_id: str) -> str:
    """The sla clock of a supervision's response deadline."""
    return f"supervision_response-{supervision_id}"


class TaskAssigned(Event):
    """The lead unit asks an assisting unit (a department or another township) for its part (协办).

    `division_code` is the assisting unit's division: whose jurisdiction acts on the task.
    `due_date` is the last day the lead gave; without one the policy's `assist_task` clock runs.
    """

    case_id: str
    task_id: str
    unit_id: str
    unit_name: str
    division_code: str
    lead_unit_id: str
    ask: str
    due_date: date | None = None


class TaskSigned(Event):
    """The assisting unit confirms it has the task (签收)."""

    case_id: str
    task_id: str
    unit_id: str


class TaskReported(Event):
    """The assisting unit's part: an opinion or an action taken. The task is done."""

    case_id: str
    task_id: str
    unit_id: str
    kind: ReportKind
    text: str


class TaskReleaseRequested(Event):
    """The assisting unit asks to be released from the task; the lead decides."""

    case_id: str
    task_id: str
    unit_id: str
    reason: str


class TaskReleaseDecided(Event):
    """The lead's decision on a release request: granted ends the task, refused keeps it open."""

    case_id: str
    task_id: str
    granted: bool
    reason: str


class TaskClosed(Event):
    """The lead closes a task that is still open, with a reason (so that the case can be resolved)."""

    case_id: str
    task_id: str
    reason: str


class ConsultationRecorded(Event):
    """A consultation (会商 / 联席会议) on the case: who met, when, what was said and decided."""

    case_id: str
    consultation_id: str
    held_on: date
    units: tuple[str, ...]
    participants: tuple[str, ...]
    minutes: str
    conclusions: str


class SupervisionOrdered(Event):
    """A supervisor of a higher level supervises the case on demand (督办), not after a breach.

    `unit_id` must answer with a progress report by `respond_by` (else the policy's
    `supervision_response` clock).
    """

    case_id: str
    supervision_id: str
    by_division: str
    unit_id: str
    demand: str
    respond_by: date | None = None


class SupervisionAnswered(Event):
    """The handling unit's progress report on a supervision."""

    case_id: str
    supervision_id: str
    unit_id: str
    report: str


class InstructionGiven(Event):
    """A leader's instruction (批示) on the case: who gave it and what it says."""

    case_id: str
    instruction_id: str
    leader: str
    text: str


# --- notices helper (issue 11 part A): callbacks and withdrawal ------------------------------

Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]


class CallbackRecorded(Event):
    """An official phoned or visited the petitioner after a reply (回访) and recorded the outcome."""

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


# ---- Similar matters from different people (並案, issue 11). A merge is recorded on both sides
# in one transaction: the lead case lists who joined it, each merged-in case says where it went
# (and is closed as `merged` in the same append, so every clock and worklist entry of its own ends).


class CasesMergedIn(Event):
    """Other petitioners' cases were merged into this one (the lead): it is now handled for them too."""

    case_id: str
    merged_case_ids: tuple[str, ...]
    reason: str


class CaseMergedInto(Event):
    """This case is handled inside `lead_case_id` from now on; a `CaseClosed(merged)` follows it."""

    case_id: str
    lead_case_id: str
    reason: str


class CaseMergeUndone(Event):
    """A merge was undone (before the lead was accepted): `merged_case_id` is no longer handled here."""

    case_id: str
    merged_case_id: str
    reason: str


class CaseUnmerged(Event):
    """This case is its own again; a `CaseAssigned(reason=unmerged)` back to its unit follows."""

    case_id: str
    lead_case_id: str
    reason: str
