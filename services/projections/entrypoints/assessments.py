"""Supervisors' scorecards, trends and the month's topics of a division, for a period (docs/scorecards.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as date_type
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.projections.assessments import Assessments
from services.projections.domain.periods import Period, period_of, refuse
from services.projections.entrypoints.common import context, principal, scoped_division
from shared.domain import Invalid
from shared.http.auth import Principal
from shared.jurisdiction.division_data import deployment_catalogue
from shared.jurisdiction.divisions import is_division_code

router = APIRouter(prefix="/v1", tags=["assessments"])


def assessments_of(request: Request) -> Assessments:
    ctx, projections = context(request)
    found = ctx.extras.get("assessments")
    if found is None:
        pool = ctx.read_pool or ctx.pool
        found = ctx.extras["assessments"] = Assessments(pool, projections.base, projections.tz, ctx.clock)
    assert isinstance(found, Assessments)
    return found


AssessmentsDep = Annotated[Assessments, Depends(assessments_of)]
PERIOD_HELP = "day, week, month, quarter, year (with date=, default today), or range (from= and to=)"


@dataclass(frozen=True)
class Asked:
    """The division and period parameters as sent; checked together, so one 422 names every bad field."""

    division: Annotated[str | None, Query(description="12-digit division code (default: the caller's)")] = None
    period: Annotated[str | None, Query(description=PERIOD_HELP)] = None
    date: Annotated[str | None, Query(description="a day inside the period, YYYY-MM-DD")] = None
    start: Annotated[str | None, Query(alias="from", description="first day of a range, YYYY-MM-DD")] = None
    end: Annotated[str | None, Query(alias="to", description="last day of a range, YYYY-MM-DD")] = None

    def checked(
        self, who: Principal, today: date_type, category: str | None = None, also: Sequence[tuple[str, str]] = ()
    ) -> tuple[str, Period]:
        """The division (in the caller's jurisdiction) and period; one 422 naming these and `also`'s bad fields."""
        problems: list[tuple[str, str]] = list(also)
        division = self.division or who.division
        if not is_division_code(division):
            problems.append(("division", "a 12-digit division code"))
        if category is not None and deployment_catalogue().get(category) is None:
            problems.append(("category", f"unknown category {category!r}"))
        try:
            period = period_of(self.period, self.date, self.start, self.end, today)
        except Invalid as error:
            problems.extend((d["field"], d["message"]) for d in error.details)
        refuse(problems)
        return scoped_division(who, division), period


AskedDep = Annotated[Asked, Depends()]


@router.get("/scorecards")
async def scorecards(request: Request, assessments: AssessmentsDep, asked: AskedDep) -> dict[str, Any]:
    """The division's figures and its handling units' (places one level below, a county's departments), ranked."""
    who = principal(request)
    division, period = asked.checked(who, assessments.today())
    return await assessments.scorecards(who, division, period)


@router.get("/trends")
async def trends(
    request: Request, assessments: AssessmentsDep, asked: AskedDep, category: str | None = None
) -> dict[str, Any]:
    """Daily series of the division and below: received, resolved, newly overdue, satisfaction."""
    who = principal(request)
    division, period = asked.checked(who, assessments.today(), category)
    return await assessments.trends(who, division, period, category)


TOPICS_LIMIT = 50


def topics_limit(raw: str | None) -> tuple[int, list[tuple[str, str]]]:
    """`limit=` of /v1/topics: 1 to 50, default 10; the problem with it, if any."""
    if raw is None:
        return 10, []
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= TOPICS_LIMIT:
        return int(raw), []
    return 10, [("limit", f"a whole number from 1 to {TOPICS_LIMIT}")]


@router.get("/topics")
async def topics(
    request: Request,
    assessments: AssessmentsDep,
    asked: AskedDep,
    category: str | None = None,
    limit: Annotated[str | None, Query(description=f"topics at most, 1 to {TOPICS_LIMIT} (default 10)")] = None,
) -> dict[str, Any]:
    """The period's recurring problems in the division and below (每月一题): similar petitions, largest first."""
    who = principal(request)
    most, problems = topics_limit(limit)
    division, period = asked.checked(who, assessments.today(), category, problems)
    return await assessments.topics(who, division, period, category, most)
