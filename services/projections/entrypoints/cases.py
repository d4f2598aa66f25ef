"""Cases for supervisors: one case now, a page of cases, one case's history as of any moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.projections.adapters import event_log, queries
from services.projections.domain.case import document
from services.projections.domain.evolve import fold
from services.projections.domain.order import causal_order
from services.projections.domain.paging import BadCursor, decode_cursor, encode_cursor
from services.projections.domain.privacy import as_seen_by
from services.projections.entrypoints.common import principal, reading, require_case_scope, scoped_division
from shared.domain import Invalid, NotFound
from shared.vocabulary import CaseStatus, Channel, Level

router = APIRouter(prefix="/v1", tags=["cases"])
OPEN = tuple(s.value for s in CaseStatus if s.open)


def _statuses(status: str | None) -> tuple[str, ...]:
    """`status=accepted,resolved`, or `status=open` for every status that is not closed."""
    if not status:
        return ()
    wanted: list[str] = []
    for word in status.split(","):
        if word == "open":
            wanted.extend(OPEN)
        elif word in CaseStatus.__members__.values():
            wanted.append(word)
        else:
            raise Invalid("status", f"unknown status {word!r}")
    return tuple(dict.fromkeys(wanted))


@router.get("/cases")
async def list_cases(
    request: Request,
    division: str | None = None,
    status: str | None = None,
    level: Level | None = None,
    category: str | None = None,
    channel: Channel | None = None,
    resolved_level: Level | None = None,
    overdue: bool | None = None,
    at_risk: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    who = principal(request)
    where = queries.CaseFilter(
        division=scoped_division(who, division),
        statuses=_statuses(status),
        level=level.value if level else None,
        category=category,
        channel=channel.value if channel else None,
        resolved_level=resolved_level.value if resolved_level else None,
        overdue=overdue,
        at_risk=at_risk,
    )
    try:
        after = decode_cursor(cursor) if cursor else None
    except BadCursor as error:
        raise Invalid("cursor", "not a cursor this list handed out") from error
    async with reading(request) as (conn, schema):
        cases, last = await queries.case_page(conn, schema, where, limit, after)
    return {"division": where.division, "cases": cases, "next_cursor": encode_cursor(*last) if last else None}


@router.get("/cases/{case_id}")
async def get_case(request: Request, case_id: str) -> dict[str, Any]:
    who = principal(request)
    async with reading(request) as (conn, schema):
        doc = await queries.case_doc(conn, schema, case_id)
    if doc is None:
        raise NotFound("case")
    require_case_scope(who, doc)
    return doc


@router.get("/cases/{case_id}/history")
async def case_history(request: Request, case_id: str, as_of: datetime | None = None) -> dict[str, Any]:
    """The recorded events up to `as_of` in causal order, and the case folded from exactly those."""
    who = principal(request)
    if as_of is not None and as_of.tzinfo is None:
        raise Invalid("as_of", "give a time zone (for example 2025-01-31T12:00:00+08:00)")
    async with reading(request) as (conn, schema):
        doc = await queries.case_doc(conn, schema, case_id)
        if doc is None:
            raise NotFound("case")
        require_case_scope(who, doc)
        events = causal_order(await event_log.of_case(conn, schema, case_id, as_of))
    return {
        "case_id": case_id,
        "as_of": as_of.isoformat() if as_of else None,
        "events": [as_seen_by(who.role, e.model_dump(mode="json", exclude={"position"})) for e in events],
        "case": document(fold(case_id, events)) if events else None,
    }
