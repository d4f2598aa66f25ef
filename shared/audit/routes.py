"""`GET /v1/audit/proofs?case_id=`: every service proves its own events of a case (auditors, supervisors, admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shared.audit.checkpointer import Checkpointer
from shared.audit.proofs import case_proofs
from shared.audit.tree_store import TreeStore
from shared.http.auth import CurrentPrincipal
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
    async with ctx.pool.acquire() as conn:
        return (await case_proofs(conn, TreeStore(ctx.store), case_id)).to_json()
