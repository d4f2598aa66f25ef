"""Checking a case's tamper-evidence chains, in the event log built from the Kafka topics."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from services.projections.entrypoints.common import ReadsDep, principal
from shared.audit.export import export_bundle, log_services
from shared.vocabulary import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify")
async def verify(request: Request, reads: ReadsDep, case_id: str) -> dict[str, Any]:
    """Each of the case's streams in version order through verify_chain; the first bad event named."""
    return vars(await reads.verify(principal(request), case_id))


@router.get("/cases/{case_id}/bundle")
async def bundle(request: Request, reads: ReadsDep, case_id: str) -> Response:
    """The case bundle to check offline (docs/audit.md): every service's events of the case, proven.

    Projections reads no other service's tables: each service proves its own events
    (`GET /v1/audit/proofs`, asked with the caller's token) and this puts them in one file.
    """
    who = principal(request)
    who.require_role(Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)
    await reads.case(who, case_id)  # 404 for a case we do not know, 403 outside the caller's jurisdiction
    found = await export_bundle(case_id, log_services(request.app.state.settings), request.headers["authorization"])
    return Response(
        orjson.dumps(found),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="case-{case_id}.bundle.json"'},
    )
