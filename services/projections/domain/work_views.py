"""The views of the work across units in the case document: plain frozen dataclasses, serialised
straight into the document like the timeline (services/projections/domain/work.py folds them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

OPEN_TASK = frozenset({"requested", "signed", "release_requested"})


@dataclass(frozen=True, slots=True)
class TaskView:
    task_id: str
    unit_id: str
    unit_name: str
    division_code: str
    lead_unit_id: str
    ask: str
    due_date: date | None
    clock_id: str
    status: str = "requested"
    assigned_by: str = ""
    assigned_at: datetime | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    report_kind: str | None = None
    report: str | None = None
    reported_by: str | None = None
    release_reason: str | None = None
    decision: str | None = None  # the lead's reason for granting, refusing or closing
    updated_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in OPEN_TASK


@dataclass(frozen=True, slots=True)
class ConsultationView:
    consultation_id: str
    held_on: date
    units: tuple[str, ...]
    participants: tuple[str, ...]
    minutes: str
    conclusions: str
    recorded_by: str
    recorded_unit: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class SupervisionView:
    supervision_id: str
    by_division: str
    ordered_by: str
    ordered_at: datetime
    unit_id: str
    demand: str
    respond_by: date | None
    clock_id: str
    answered: bool = False
    report: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InstructionView:
    instruction_id: str
    leader: str
    text: str
    recorded_by: str
    recorded_unit: str | None
    recorded_at: datetime
