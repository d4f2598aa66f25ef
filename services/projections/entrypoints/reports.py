"""The monthly report of a division as a file: `GET /v1/reports/monthly?division=&month=&format=&lang=`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.projections.entrypoints.assessments import assessments_of
from services.projections.entrypoints.common import context, principal, scoped_division
from services.projections.reports.monthly import MEDIA_TYPES, MonthlyReports, asked_report
from services.projections.reports.pdf import Font, FontMissing
from shared.http.errors import ApiError

router = APIRouter(prefix="/v1", tags=["reports"])


def reports_of(request: Request) -> MonthlyReports:
    ctx, _ = context(request)
    found = ctx.extras.get("reports")
    if found is None:
        font = Font(ctx.settings.pujiang_report_font, ctx.settings.pujiang_report_font_index)
        found = ctx.extras["reports"] = MonthlyReports(assessments_of(request), font)
    assert isinstance(found, MonthlyReports)
    return found


def attachment(filename: str, plain: str) -> str:
    """Content-Disposition with the UTF-8 name (RFC 5987/6266) and an ASCII one for older clients."""
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/reports/monthly",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}, "description": "the report's file"}},
)
async def monthly(
    request: Request,
    reports: Annotated[MonthlyReports, Depends(reports_of)],
    division: Annotated[str | None, Query(description="12-digit division code (default: the caller's)")] = None,
    month: Annotated[str | None, Query(description="YYYY-MM (default: this month)")] = None,
    fmt: Annotated[str | None, Query(alias="format", description="pdf (default) or xlsx")] = None,
    lang: Annotated[str | None, Query(description="zh (default) or en")] = None,
) -> Response:
    """The division's monthly report: figures, 631 pyramid, rankings, trends, topics (docs/scorecards.md)."""
    who = principal(request)
    asked = asked_report(who, division, month, fmt, lang, reports.today())
    scoped_division(who, asked.division)
    try:
        found = await reports.rendered(who, asked)
    except FontMissing as error:
        raise ApiError(503, "unavailable", str(error)) from error
    headers = {"content-disposition": attachment(found.filename, found.ascii_filename), "cache-control": "no-store"}
    return Response(found.content, media_type=found.media_type, headers=headers)
