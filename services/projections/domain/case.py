"""A case as supervisors see it, folded from the events of every service. Pure: no I/O.

The same fold serves the live read model, audit replay as of any moment, and rebuilds, so a
case looks the same whichever of them is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict

from services.projections.domain.work_views import ConsultationView, InstructionView, SupervisionView, TaskView
from shared.events.base import RecordedEvent
from shared.vocabulary import CaseStatus, Channel, Level

_SIGNABLE = frozenset({CaseStatus.ASSIGNED, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW})


def callback_satisfied(grade: str | None) -> bool:
    """A callback's grade as the satisfaction rate counts it: 滿意 and 基本滿意 are satisfied."""
    return grade in {"satisfied", "basically_satisfied"}


def satisfaction_source_of(
    feedback_satisfied: int, feedback_unsatisfied: int, callback_grade: str | None
) -> str | None:
    """Which answers the satisfaction rate counts for a case (the one home of that rule): the
    petitioner's own `feedback` when they gave any; otherwise the latest `callback` that reached them."""
    if feedback_satisfied or feedback_unsatisfied:
        return "feedback"
    return None if callback_grade is None else "callback"


def counted_satisfaction_of(
    feedback_satisfied: int, feedback_unsatisfied: int, callback_grade: str | None
) -> tuple[int, int]:
    """(satisfied, unsatisfied) answers the satisfaction rate counts for a case, by
    `satisfaction_source_of` (滿意 and 基本滿意 count as satisfied)."""
    source = satisfaction_source_of(feedback_satisfied, feedback_unsatisfied, callback_grade)
    if source == "feedback":
        return feedback_satisfied, feedback_unsatisfied
    if source is None:
        return 0, 0
    return (1, 0) if callback_satisfied(callback_grade) else (0, 1)


def petitioner_clock(kind: str) -> bool:
    """The request windows run against the petitioner, not against an official's deadline."""
    return kind.endswith("_request_window")


_Frozen = TypeVar("_Frozen", bound=BaseModel)


def moved(model: _Frozen, changes: dict[str, Any]) -> _Frozen:
    """`model.model_copy(update=changes)` for this module's frozen models (no extras, no private
    attributes), without its copy machinery: a fold makes one per event, a rebuild millions."""
    new = model.__class__.__new__(model.__class__)
    object.__setattr__(new, "__dict__", {**model.__dict__, **changes})
    object.__setattr__(new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | changes.keys())
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new


class ClockView(BaseModel):
    model_config = ConfigDict(frozen=True)

    clock_id: str
    kind: str = "unknown"
    policy: str | None = None
    started: datetime | None = None
    due: datetime | None = None
    paused: bool = False
    warned: tuple[str, ...] = ()
    breached: bool = False
    stopped: bool = False
    stopped_reason: str | None = None
    met_on_time: bool | None = None
    extended_days: int = 0

    @property
    def counts_for_officials(self) -> bool:
        return not petitioner_clock(self.kind)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as the case's timeline shows it (a plain dataclass: one is made per event folded)."""

    event_id: str
    type: str
    time: datetime
    actor: str
    actor_unit: str | None
    source: str
    stream_id: str
    version: int
    causation_id: str | None
    detail: dict[str, Any]


class CaseState(BaseModel):
    """Everything the read model knows of one case; missing facts stay None until their event arrives."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    tracking_code: str | None = None
    status: CaseStatus = CaseStatus.SUBMITTED
    level: Level | None = None
    division_code: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None
    county_code: str | None = None
    location_code: str | None = None
    category: str | None = None
    channel: Channel | None = None
    title: str | None = None
    anonymous: bool | None = None
    headcount: int = 1
    collective: bool = False
    informed_unit_id: str | None = None
    submitted_at: datetime | None = None
    opened_at: datetime | None = None
    updated_at: datetime | None = None
    leader: str | None = None
    round: str = "first"
    resolved_level: Level | None = None
    resolved_round: str | None = None
    resolved_at: datetime | None = None
    accepted_at: datetime | None = None  # the latest acceptance (a review round is accepted anew)
    closed_at: datetime | None = None
    review_requests: int = 0
    reviews: int = 0
    repeats: int = 0
    extensions: int = 0
    transfers: int = 0
    escalations: int = 0
    supervision: str | None = None
    breaches: int = 0
    feedback_satisfied: int = 0
    feedback_unsatisfied: int = 0
    satisfied: bool | None = None
    closed_reason: str | None = None
    not_accepted_reason: str | None = None
    redirect_to: str | None = None
    # The work between units (issue 10, part A): sign-off of the unit the case is at, how often a
    # unit received it and signed, its official in charge, a send-back or extension request waiting.
    signed: bool = False
    receipts: int = 0
    signoffs: int = 0
    assignee: str | None = None
    objection: dict[str, Any] | None = None
    objections_upheld: int = 0
    objections_dismissed: int = 0
    extension_request: dict[str, Any] | None = None
    extensions_denied: int = 0
    category_corrections: int = 0
    clocks: dict[str, ClockView] = {}
    # The work across units (services/projections/domain/work.py), newest last.
    tasks: tuple[TaskView, ...] = ()
    consultations: tuple[ConsultationView, ...] = ()
    supervisions: tuple[SupervisionView, ...] = ()
    instructions: tuple[InstructionView, ...] = ()
    # notices helper (issue 11 part A): what the petitioner was told, callbacks, their own steps
    notices: tuple[dict[str, Any], ...] = ()  # notice_id, tracking_code, kind, channel, state, attempts, text
    callbacks: tuple[dict[str, Any], ...] = ()  # time, method, reached, satisfaction, reasons, comment, round
    callback_satisfaction: str | None = None  # the latest reached callback's grade
    information_added: int = 0
    withdrawn_by: str | None = None
    # Similar matters of different petitioners merged (並案): a lead case lists the cases handled in
    # it (each keeps its own petitioner and tracking code), a merged-in case names its lead.
    merged_cases: tuple[str, ...] = ()
    merged_into: str | None = None
    # Personal data sealed (issue 14): `erased` once every person the petition names (`signers`: the
    # petitioner and co-petitioners) is erased, `partly_erased` while only some are (`erased_signers`,
    # 0 the petitioner, i the i-th co-petitioner); the latest erasure request's state; the unit the
    # petition complains about.
    signers: int = 1
    erased_signers: tuple[int, ...] = ()
    personal_data: str = "sealed"
    erasure: str | None = None
    complaint_about: str | None = None
    timeline: tuple[TimelineEntry, ...] = ()

    @property
    def open(self) -> bool:
        return self.status.open

    @property
    def division(self) -> str | None:
        """Where the matter is: what statistics and jurisdiction count it under."""
        return self.location_code or self.division_code

    @property
    def unsigned(self) -> bool:
        """Waiting on a unit that has not signed for it yet (what worklists make stand out)."""
        return not self.signed and self.status in _SIGNABLE

    @property
    def overdue(self) -> bool:
        """An official's deadline passed and its obligation is still unmet."""
        return self.open and any(c.breached and not c.stopped and c.counts_for_officials for c in self.clocks.values())

    @property
    def at_risk(self) -> bool:
        """Warned, not yet breached, not yet met."""
        return self.open and any(
            c.warned and not c.breached and not c.stopped and c.counts_for_officials for c in self.clocks.values()
        )

    @property
    def satisfaction_source(self) -> str | None:
        """Which answers the satisfaction rate counts for this case: `satisfaction_source_of`."""
        return satisfaction_source_of(self.feedback_satisfied, self.feedback_unsatisfied, self.callback_satisfaction)

    @property
    def counted_satisfaction(self) -> tuple[int, int]:
        """(satisfied, unsatisfied) answers the satisfaction rate counts for this case: `counted_satisfaction_of`."""
        return counted_satisfaction_of(self.feedback_satisfied, self.feedback_unsatisfied, self.callback_satisfaction)

    @property
    def first_time(self) -> bool | None:
        """Resolved in one go (初次信訪一次性化解): None while that is not yet settled."""
        if self.review_requests or self.reviews or self.feedback_unsatisfied:
            return False
        if self.resolved_at is not None and (self.feedback_satisfied or self.status == CaseStatus.CLOSED):
            return True
        return None


def document_json(state: CaseState) -> bytes:
    """The case as the API shows it, as JSON: clocks in start order, the timeline in causal order, the flags.

    Serialised by orjson straight from the fields (the timeline entries are dataclasses): this runs
    once per written case, in rebuilds for every case.
    """
    body = dict(state.__dict__)
    clocks = sorted(state.clocks.values(), key=lambda c: (c.started is None, c.started, c.clock_id))
    body["clocks"] = [c.__dict__ for c in clocks]
    body |= {"overdue": state.overdue, "at_risk": state.at_risk, "first_time": state.first_time}
    body["unsigned"] = state.unsigned
    body["division"] = state.division
    return orjson.dumps(body, option=orjson.OPT_UTC_Z)


def document(state: CaseState) -> dict[str, Any]:
    """`document_json` as a plain JSON object, exactly as stored and served."""
    loaded: dict[str, Any] = orjson.loads(document_json(state))
    return loaded


def from_document(doc: dict[str, Any]) -> CaseState:
    """The state a document was made from (`document` keeps every field; its flags are derived again)."""
    return CaseState.model_validate({**doc, "clocks": {c["clock_id"]: c for c in doc["clocks"]}})


_PRIVATE = {"case_id", "petitioner", "co_petitioners", "content", "access_code_hash", "attachments"}


def timeline_entry(event: RecordedEvent) -> TimelineEntry:
    return TimelineEntry(
        str(event.id), event.type, event.time, event.actor, event.actor_unit, event.source, event.stream_id,
        event.version, str(event.causation_id) if event.causation_id else None,
        {k: v for k, v in event.data.items() if k not in _PRIVATE},
    )  # fmt: skip
