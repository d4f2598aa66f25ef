"""What officials ask routing to do with a case (api.md, "Routing")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.events.routing import EscalationStep, Satisfaction


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)


class Accept(Command):
    pass


class Reject(Command):
    reason: str
    redirect_to: str | None = None


class Extend(Command):
    days: int
    reason: str


class Transfer(Command):
    division_code: str
    reason: str


class Escalate(Command):
    reason: str


class Resolve(Command):
    reply: str


class AssignLeader(Command):
    leader: str


class AddNote(Command):
    text: str


# --- notices helper (issue 11 part A) ---------------------------------------------------


class RecordCallback(Command):
    method: Literal["phone", "visit"]
    reached: bool
    satisfaction: Satisfaction | None = None
    reasons: tuple[str, ...] = ()
    comment: str = ""


class Withdraw(Command):
    """A cadre withdraws a door-to-door or proxy petition, saying how the petitioner consented."""

    consent: str
    reason: str = ""


class CallbackPolicy(BaseModel):
    """The deployment's callback data (services/routing/data/callbacks.yaml): reasons, tries."""

    model_config = ConfigDict(frozen=True)

    reasons: tuple[str, ...] = ("other",)
    tries_before_no_feedback: int = 3


class Rules(BaseModel):
    """The deployment's limits: extensions, and what a breach leads to, step by step."""

    model_config = ConfigDict(frozen=True)

    max_extension_days: int = 30
    max_extensions: int = 1
    escalation_steps: tuple[EscalationStep, ...] = ("reminder", "supervision", "takeover")
    # What happens to a send-back nobody ruled on in time: the case stays, or goes to the county
    # petition bureau (which keeps or places it).
    objection_lapse: Literal["stays", "bureau"] = "stays"
    callbacks: CallbackPolicy = CallbackPolicy()


# ---- similar matters from different people (並案, issue 11; decided in services/routing/domain/merging.py)


class Merge(Command):
    """Merge other petitioners' cases into this one (the lead)."""

    case_ids: tuple[str, ...]
    reason: str


class Unmerge(Command):
    """Give a merged-in case back its own handling (only before the lead was accepted)."""

    reason: str


# ---- the work between units (issue 10, part A; decided in services/routing/domain/unit_work.py)


class Sign(Command):
    pass


class Object(Command):
    reason: str
    competent_unit: str | None = None


class RuleObjection(Command):
    objection_id: str
    decision: Literal["uphold", "dismiss"]
    reason: str
    unit_id: str | None = None


class RequestExtension(Command):
    days: int
    reason: str


class DecideExtension(Command):
    request_id: str
    approve: bool
    reason: str = ""


class AssignOfficial(Command):
    assignee: str


class CorrectCategory(Command):
    category: str
    reason: str
