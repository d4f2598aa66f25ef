"""What routing keeps of the work across units on a case: assisting units' tasks and supervisions. Pure.

A task is open (requested, signed, release_requested) or closed (reported, released, closed),
never both: `TaskStatus` says which, and `Task.open` is the one test of it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class TaskStatus(StrEnum):
    REQUESTED = "requested"  # the lead asked; the assisting unit has not signed yet
    SIGNED = "signed"
    RELEASE_REQUESTED = "release_requested"
    REPORTED = "reported"  # the assisting unit gave its part
    RELEASED = "released"  # the lead let it go
    CLOSED = "closed"  # the lead closed it, with a reason

    @property
    def open(self) -> bool:
        return self in OPEN_TASK_STATUSES


OPEN_TASK_STATUSES = frozenset({TaskStatus.REQUESTED, TaskStatus.SIGNED, TaskStatus.RELEASE_REQUESTED})


class Task(BaseModel):
    model_config = ConfigDict(frozen=True)

    task_id: str
    unit_id: str
    unit_name: str
    division_code: str
    ask: str
    due_date: date | None = None
    status: TaskStatus = TaskStatus.REQUESTED

    @property
    def open(self) -> bool:
        return self.status.open


class Supervision(BaseModel):
    model_config = ConfigDict(frozen=True)

    supervision_id: str
    by_division: str
    unit_id: str
    answered: bool = False


def with_task(tasks: tuple[Task, ...], task_id: str, status: TaskStatus) -> tuple[Task, ...]:
    return tuple(t.model_copy(update={"status": status}) if t.task_id == task_id else t for t in tasks)


def task_of(tasks: tuple[Task, ...], task_id: str) -> Task | None:
    return next((t for t in tasks if t.task_id == task_id), None)
