"""Checking a case's tamper-evidence chains, in the event log built from the Kafka topics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.projections.entrypoints.common import ReadsDep, principal

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify")
async def verify(request: Request, reads: ReadsDep, case_id: str) -> dict[str, Any]:
    """Each of the case's streams in version order through verify_chain; the first bad event named."""
    return vars(await reads.verify(principal(request), case_id))
