"""Routing's HTTP API for callbacks (回訪) and a cadre's withdrawal (撤回); not in api.md (docs/lifecycle.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.routing.domain.commands import RecordCallback, Withdraw
from services.routing.entrypoints.http import RoutingDep, changed
from shared.events.routing import Satisfaction
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["aftercare"])


class Body(BaseModel):
    # PostgreSQL cannot store NUL: a 422 here rather than a 500 at the append.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("must not contain the NUL character")
        return value


class CallbackIn(Body):
    method: Literal["phone", "visit"]
    reached: bool
    satisfaction: Satisfaction | None = None
    reasons: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=2000)


class WithdrawIn(Body):
    consent: str = Field(min_length=1, max_length=2000)
    reason: str = Field(default="", max_length=2000)


@router.get("/callback-reasons")
async def callback_reasons(routing: RoutingDep) -> dict[str, Any]:
    """The reasons a callback may record (data), and the tries before an unreached case closes."""
    policy = routing.rules.callbacks
    return {"reasons": list(policy.reasons), "tries_before_no_feedback": policy.tries_before_no_feedback}


@router.post("/cases/{case_id}/callbacks")
async def record_callback(
    case_id: str, body: CallbackIn, routing: RoutingDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    command = RecordCallback(**{**body.model_dump(), "reasons": tuple(body.reasons)})
    return changed(case_id, await routing.command(case_id, command, principal))


@router.post("/cases/{case_id}/withdraw")
async def withdraw(case_id: str, body: WithdrawIn, routing: RoutingDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return changed(case_id, await routing.command(case_id, Withdraw(**body.model_dump()), principal))
