"""Cases for supervisors: one case now, a page of cases, one case's history as of any moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.projections.adapters import queries
from services.projections.entrypoints.common import ReadsDep, principal, scoped_division
from shared.domain import Invalid
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
    reads: ReadsDep,
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
    return vars(await reads.page(where, limit, cursor))


@router.get("/cases/{case_id}")
async def get_case(request: Request, reads: ReadsDep, case_id: str) -> dict[str, Any]:
    return await reads.case(principal(request), case_id)


@router.get("/cases/{case_id}/history")
async def case_history(
    request: Request, reads: ReadsDep, case_id: str, as_of: datetime | None = None
) -> dict[str, Any]:
    """The recorded events up to `as_of` in causal order, and the case folded from exactly those."""
    return vars(await reads.history(principal(request), case_id, as_of))
