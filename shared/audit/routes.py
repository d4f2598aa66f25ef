"""`GET /v1/audit/proofs?case_id=`: every service proves its own events of a case (auditors, supervisors, admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shared.audit.checkpointer import Checkpointer
from shared.audit.proofs import case_proofs
from shared.audit.tree_store import TreeStore
from shared.events.base import RecordedEvent
from shared.http.auth import CurrentPrincipal
from shared.jurisdiction.petition_bureau import division_of_unit
from shared.vocabulary import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])

AUDITORS = (Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)  # as projections' chain check


_PLACES = ("division_code", "location_code", "county_code", "by_division")
_UNITS = ("unit_id", "previous_unit_id")


def divisions_named(events: list[RecordedEvent]) -> list[str]:
    """Every division the case's events name: its place, the units that held it, who acted."""
    found: list[str] = []
    for event in events:
        found += [v for k in _PLACES if isinstance(v := event.data.get(k), str)]
        found += [division_of_unit(v) for k in _UNITS if isinstance(v := event.data.get(k), str)]
        if event.actor_unit:
            found.append(event.actor_unit)
    return found


@router.get("/proofs")
async def proofs(request: Request, who: CurrentPrincipal, case_id: str) -> dict[str, Any]:
    """This service's events of the case, their inclusion proofs, the checkpoints and keys they need.

    A checkpoint is signed first if events are waiting, so the answer covers everything so far.
    """
    who.require_role(*AUDITORS)
    ctx = request.app.state.ctx
    async with ctx.pool.acquire() as conn:
        events = [e for _, e in await ctx.store.read_subject(conn, case_id)]
    if events:
        # The jurisdiction rule, as everywhere: the case's events name its place and units.
        who.require_jurisdiction(*divisions_named(events))
    checkpointer: Checkpointer | None = ctx.extras.get("checkpointer")
    if checkpointer is not None:
        await checkpointer.checkpoint_now()
    async with ctx.pool.acquire() as conn:
        return (await case_proofs(conn, TreeStore(ctx.store), case_id)).to_json()
