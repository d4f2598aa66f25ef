"""What the simulator knows and decides: petitions by local reference, what it saw of each case,
the steps people plan, and the commands that result. Pure data: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shared.vocabulary import CaseStatus

Action = Literal[
    "submit",
    "repeat",
    "accept",
    "reject",
    "extend",
    "transfer",
    "escalate",
    "resolve",
    "assign-leader",
    # the work between units (issue 10, part A)
    "sign",
    "objections",
    "ruling",
    "extension-decision",
    "assignee",
    "category",
    "feedback",
    "review",
    # The work across units (docs/lifecycle.md): routing's tasks, consultations, supervision, instructions.
    "add-task",
    "sign-task",
    "report-task",
    "release-task",
    "decide-release",
    "close-task",
    "consult",
    "supervise",
    "answer-supervision",
    "instruct",
    "note",
    "callbacks",
    "withdraw",
    # similar matters of different people (並案): merged into another open case (`body["lead"]`, its ref)
    "merge",
]
OFFICIAL_ACTIONS: frozenset[Action] = frozenset(
    {"accept", "reject", "extend", "transfer", "escalate", "resolve", "assign-leader", "sign", "objections",
     "ruling", "extension-decision", "assignee", "category", "callbacks", "merge"}
)  # fmt: skip
# Steps taken by the level above the unit (the dispatching level rules, the level above approves):
# not on that official's own worklist.
FROM_ABOVE: frozenset[Action] = frozenset({"ruling", "extension-decision"})
# Officials' actions on a case after its reply, when it is no longer on the unit's worklist (回访).
AFTER_REPLY_ACTIONS: frozenset[Action] = frozenset({"callbacks"})
PETITIONER_ACTIONS: frozenset[Action] = frozenset({"feedback", "review", "withdraw"})
# Steps of the work across units: sent by the official of `Command.division` (the lead, or the
# assisting unit), or by a supervisor of it for SUPERVISOR_ACTIONS, to `Command.path`.
WORK_ACTIONS: frozenset[Action] = frozenset(
    {"add-task", "sign-task", "report-task", "release-task", "decide-release", "close-task", "consult",
     "supervise", "answer-supervision", "instruct", "note"}
)  # fmt: skip
SUPERVISOR_ACTIONS: frozenset[Action] = frozenset({"supervise", "instruct"})
# `refused`: intake did not take the petition at all (no case exists); not a status of api.md.
REFUSED = "refused"
TERMINAL = frozenset({CaseStatus.CLOSED.value, CaseStatus.NOT_ACCEPTED.value, REFUSED})


class PetitionSpec(BaseModel):
    """A petition as the simulator made it up (personal contact data is added per run by the adapter)."""

    model_config = ConfigDict(frozen=True)

    ref: int
    tick: int
    channel: str
    category: str
    division_code: str
    title: str
    content: str
    name: str
    anonymous: bool
    attachments: tuple[str, ...] = ()
    recorded_by: str | None = None  # the division of the cadre who records it, for channels that need one
    # A joint letter's other signers, or a group visit's representatives (聯名 / 集體訪), and how many in all.
    co_signers: tuple[str, ...] = ()
    headcount: int = 1


class Command(BaseModel):
    """One request the simulator sends, named by local references only, so two runs compare."""

    model_config = ConfigDict(frozen=True)

    seq: int
    tick: int
    petition: int
    action: Action
    actor: str
    division: str | None = None  # the acting official's division (their JWT), or the cadre's
    body: dict[str, Any] = {}
    path: str | None = None  # a work step's path under /v1/cases/{id}/ (the action's own name otherwise)


@dataclass(frozen=True, slots=True)
class Observed:
    """A case as the simulator last saw it settled (from the supervisors' read model)."""

    status: str
    level: str | None = None
    division_code: str | None = None
    unit_id: str | None = None
    round: str = "first"
    transfers: int = 0
    escalations: int = 0
    breaches: int = 0
    extensions: int = 0
    leader: str | None = None
    handling_due_tick: int | None = None  # the first tick at which the running handling clock is overdue
    tasks: int = 0  # assisting units' tasks ever added (the next one is tasks + 1)
    open_tasks: tuple[str, ...] = ()  # ids of the tasks still open
    supervisions: int = 0
    pending_supervisions: tuple[str, ...] = ()  # ids of the supervisions not yet answered
    objections: int = 0  # send-backs ruled or waiting
    signed: bool = False
    category: str | None = None  # as routing now has it (a correction changes it)
    category_corrections: int = 0

    @property
    def key(self) -> tuple[str, str | None, str]:
        """What starts a new stay when it changes: who holds the case, in which state and round."""
        return (self.status, self.unit_id, self.round)

    @property
    def moves(self) -> int:
        return self.transfers + self.escalations


@dataclass(frozen=True, slots=True)
class Step:
    """Something a person plans to do with a case at a tick, unless the case moves on first."""

    tick: int
    action: Action
    body: Mapping[str, Any] = field(default_factory=dict)
    division: str | None = None  # a work step's actor, when not the unit holding the case
    unit: str | None = None
    path: str | None = None
    by: str | None = None  # the acting official's division when it is not the case's unit's (FROM_ABOVE)


@dataclass(frozen=True, slots=True)
class Track:
    """One petition followed from submission to a terminal status."""

    petition: PetitionSpec
    observed: Observed | None = None
    stays: int = 0  # how many plans were drawn: names the random stream of the next one
    steps: tuple[Step, ...] = ()
    expects_change: bool = True  # a command was sent that should move the case on
    repeats: int = 0


@dataclass(frozen=True, slots=True)
class SimState:
    tick: int = -1
    next_ref: int = 1
    next_seq: int = 1
    tracks: Mapping[int, Track] = field(default_factory=dict)
    finished: Mapping[str, int] = field(default_factory=dict)

    def by_status(self) -> dict[str, int]:
        """Cases by the status last seen (submitted until routing's answer was seen)."""
        counts = dict(self.finished)
        for track in self.tracks.values():
            status = track.observed.status if track.observed else CaseStatus.SUBMITTED.value
            counts[status] = counts.get(status, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Decision:
    """What one tick decides: the officials' and petitioners' commands, then the new petitions."""

    state: SimState
    act: tuple[Command, ...]
    arrive: tuple[Command, ...]
