"""Checking a case's tamper-evidence chains, in the event log built from the Kafka topics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.projections.adapters import event_log, queries
from services.projections.domain.audit import check_streams
from services.projections.entrypoints.common import principal, reading, require_case_scope
from shared.domain import NotFound
from shared.vocabulary import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])
SOURCE = "the projections' event log: a copy of the intake, routing and sla topics"


@router.get("/verify")
async def verify(request: Request, case_id: str) -> dict[str, Any]:
    """Each of the case's streams in version order through verify_chain; the first bad event named."""
    who = principal(request)
    who.require_role(Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)
    async with reading(request) as (conn, schema):
        doc = await queries.case_doc(conn, schema, case_id)
        if doc is None:
            raise NotFound("case")
        require_case_scope(who, doc)
        events = await event_log.of_case(conn, schema, case_id)
    streams = check_streams(events)
    bad = [s.first_bad for s in streams if s.first_bad is not None]
    return {
        "case_id": case_id,
        "ok": not bad,
        "source": SOURCE,
        "events_checked": len(events),
        "streams": [s.model_dump() for s in streams],
        "first_bad": bad[0] if bad else None,
    }
