"""What officials ask routing to do in the work across units (issue 10, part B): the commands."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.events.routing import ReportKind
from shared.jurisdiction.petition_bureau import acts_for
from shared.vocabulary import Role


class Actor(BaseModel):
    """Who asks: the person, their role and the division of the unit they work for (from the token)."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    division: str
    unit: str | None = None  # a county department's official acts for that unit alone

    def acts_for(self, unit_id: str | None) -> bool:
        return acts_for(self.division, self.unit, unit_id)


class WorkCommand(BaseModel):
    model_config = ConfigDict(frozen=True)


class AddTask(WorkCommand):
    """The lead unit asks an assisting unit for its part, optionally by a given last day."""

    unit_id: str
    ask: str
    due_date: date | None = None


class SignTask(WorkCommand):
    task_id: str


class ReportTask(WorkCommand):
    task_id: str
    kind: ReportKind
    text: str


class RequestRelease(WorkCommand):
    task_id: str
    reason: str


class DecideRelease(WorkCommand):
    task_id: str
    granted: bool
    reason: str


class CloseTask(WorkCommand):
    task_id: str
    reason: str


class RecordConsultation(WorkCommand):
    held_on: date
    units: tuple[str, ...]
    participants: tuple[str, ...]
    minutes: str
    conclusions: str


class OrderSupervision(WorkCommand):
    demand: str
    respond_by: date | None = None


class AnswerSupervision(WorkCommand):
    supervision_id: str
    report: str


class GiveInstruction(WorkCommand):
    leader: str
    text: str


_ACTING = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


class WorkRules(BaseModel):
    """Who may take each step (roles), and how far ahead a given date may lie: the deployment's data.

    Jurisdiction comes on top: the lead's steps need the case's division in the caller's scope,
    an assisting unit's steps the task's division, a supervision a level above the case's unit.
    """

    model_config = ConfigDict(frozen=True)

    lead: tuple[Role, ...] = _ACTING  # add and close tasks, decide releases, record consultations
    assisting: tuple[Role, ...] = _ACTING  # sign, report, ask to be released
    supervise: tuple[Role, ...] = (Role.SUPERVISOR, Role.ADMIN)  # 督辦 on demand
    answer: tuple[Role, ...] = _ACTING  # the handling unit's progress report
    instruct: tuple[Role, ...] = _ACTING  # record a leader's instruction (批示)
    max_days_ahead: int = 365
