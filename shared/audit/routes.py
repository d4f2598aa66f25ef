"""`GET /v1/audit/proofs?case_id=`: every service proves its own events of a case (auditors, supervisors, admins)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request

from shared.audit.bundle import event_json
from shared.audit.checkpointer import Checkpointer
from shared.audit.proofs import case_proofs
from shared.audit.tree_store import TreeStore
from shared.http.auth import CurrentPrincipal
from shared.jurisdiction.divisions import is_division_code
from shared.vocabulary import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])

AUDITORS = (Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)  # as projections' chain check


@router.get("/proofs")
async def proofs(request: Request, who: CurrentPrincipal, case_id: str) -> dict[str, Any]:
    """This service's events of the case, their inclusion proofs, the checkpoints and keys they need.

    A checkpoint is signed first if events are waiting, so the answer covers everything so far.
    """
    who.require_role(*AUDITORS)
    ctx = request.app.state.ctx
    checkpointer: Checkpointer | None = ctx.extras.get("checkpointer")
    if checkpointer is not None:
        await checkpointer.checkpoint_now()
    # One snapshot for every read of the tree: a checkpoint made meanwhile must not mix its blocks
    # with the one the proofs are built for.
    async with ctx.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        subject = await ctx.store.read_subject(conn, case_id)
        if subject:
            # The caller's jurisdiction, from the divisions and units the case's own events name:
            # every one of them, signed yet or not, so a checkpoint running late changes nothing.
            who.require_jurisdiction(*divisions_named(event_json(e) for _, e in subject))
        found = await case_proofs(conn, TreeStore(ctx.store), subject)
    return found.to_json()


def divisions_named(events: Iterable[dict[str, Any]]) -> set[str]:
    """Every division code an event names: its payload's division or unit (a department `<county>:<kind>`
    counts as its county), its actor's unit."""
    codes = set()
    for event in events:
        data = event.get("data") or {}
        for value in (data.get("division_code"), data.get("unit_id"), data.get("to_unit"), event.get("actor_unit")):
            if isinstance(value, str) and is_division_code(code := value.partition(":")[0]):
                codes.add(code)
    return codes
