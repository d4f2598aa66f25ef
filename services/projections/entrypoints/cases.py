"""Cases for supervisors: one case now, a page of cases, every case of a list as CSV, one case's history
as of any moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from services.projections.adapters import queries
from services.projections.domain import case_export
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


def case_filter(
    request: Request,
    division: str | None = None,
    status: str | None = None,
    level: Level | None = None,
    category: str | None = None,
    channel: Channel | None = None,
    resolved_level: Level | None = None,
    overdue: bool | None = None,
    at_risk: bool | None = None,
) -> queries.CaseFilter:
    """The case list's filters, the division checked against the caller (the list and its export)."""
    return queries.CaseFilter(
        division=scoped_division(principal(request), division),
        statuses=_statuses(status),
        level=level.value if level else None,
        category=category,
        channel=channel.value if channel else None,
        resolved_level=resolved_level.value if resolved_level else None,
        overdue=overdue,
        at_risk=at_risk,
    )


CaseFilterDep = Annotated[queries.CaseFilter, Depends(case_filter)]


@router.get("/cases")
async def list_cases(
    reads: ReadsDep,
    where: CaseFilterDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    return vars(await reads.page(where, limit, cursor))


@router.get(
    "/cases.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "every case of the list, as CSV"}},
)
async def export_cases(
    reads: ReadsDep,
    where: CaseFilterDep,
    lang: Annotated[Literal["zh", "en"], Query(description="the header's and the names' language")] = "zh",
) -> StreamingResponse:
    """Every case `GET /v1/cases` would page through with these filters, as one CSV file (docs/case-export.md)."""
    export = await reads.export(where, lang)
    disposition = case_export.content_disposition(export.file_name)
    return StreamingResponse(
        export.body, media_type=case_export.MEDIA_TYPE, headers={"Content-Disposition": disposition}
    )


@router.get("/cases/{case_id}")
async def get_case(request: Request, reads: ReadsDep, case_id: str) -> dict[str, Any]:
    return await reads.case(principal(request), case_id)


@router.get("/cases/{case_id}/history")
async def case_history(
    request: Request, reads: ReadsDep, case_id: str, as_of: datetime | None = None
) -> dict[str, Any]:
    """The recorded events up to `as_of` in causal order, and the case folded from exactly those."""
    return vars(await reads.history(principal(request), case_id, as_of))
