"""GeoReport v2's use cases on intake: the same submit as `POST /v1/petitions`, and scoped reads.

Submitting goes through `submit_petition` with the body the native API validates; reading a
request needs either an official's JWT (as `api_key`) whose division covers the case's place or
handling unit, or the petitioner's own access code (as on `GET /v1/petitions/{tracking_code}`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.intake.adapters import case_progress, petition_index
from services.intake.adapters.open311_reads import RequestFilter, find
from services.intake.domain import codes
from services.intake.domain.progress import CaseProgress
from services.intake.handlers.petitioner import authenticate
from services.intake.handlers.search import SEARCHING_ROLES
from services.intake.handlers.service import Intake
from shared.divisions import significant_prefix
from shared.domain import Invalid, NotFound
from shared.http.auth import Principal
from shared.vocabulary import Role

# The specification's default window and longest span for `GET requests`, and our page size.
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# Who reads requests through Open311: those who search petitions, and auditors (they read everything in scope).
READING_ROLES = (*SEARCHING_ROLES, Role.AUDITOR)


async def list_requests(
    intake: Intake,
    principal: Principal,
    tracking_codes: list[str] | None,
    categories: list[str] | None,
    statuses: list[str] | None,
    start: datetime | None,
    end: datetime | None,
) -> list[CaseProgress]:
    principal.require_role(*READING_ROLES)
    if tracking_codes is None:
        # The specification: at most 90 days, the most recent ones when no dates are given.
        end = end or intake.clock.now()
        start = start or end - WINDOW
        if start > end:
            raise Invalid("start_date", "must not be after end_date")
        if end - start > WINDOW:
            raise Invalid("start_date", "start_date and end_date may not span more than 90 days")
    else:
        # A list of ids overrides every other filter (the specification says so).
        normalized = [codes.normalize_tracking_code(c) for c in tracking_codes]
        tracking_codes, categories, statuses, start, end = [c for c in normalized if c], None, None, None, None
    wanted = RequestFilter(significant_prefix(principal.division), tracking_codes, categories, statuses, start, end)
    async with intake.pool.acquire() as conn:
        found = await find(conn, intake.schema, wanted, MAX_REQUESTS)
    # The SQL scoped by prefix; the one jurisdiction rule says the last word.
    return [p for p in found if any(principal.covers(c) for c in (p.division_code, p.handling_division) if c)]


async def one_request(
    intake: Intake, tracking_code: str, principal: Principal | None, access_code: str | None
) -> CaseProgress:
    async with intake.pool.acquire() as conn:
        if principal is None:
            # The petitioner: exactly the native petitioner's check (throttled, 404 for anything wrong).
            case_id = await authenticate(intake, conn, tracking_code, access_code or "")
        else:
            principal.require_role(*READING_ROLES)
            code = codes.normalize_tracking_code(tracking_code)
            found = None if code is None else await petition_index.credentials(conn, intake.schema, code)
            if found is None:
                raise NotFound("service request")
            case_id = found[0]
        progress = await case_progress.load_view(conn, intake.schema, case_id)
    if progress is None:
        raise NotFound("service request")
    if principal is not None:
        principal.require_jurisdiction(progress.division_code, progress.handling_division)
    return progress


async def token(intake: Intake, value: str) -> str:
    """The tracking code a submit's token (its case id, unguessable) stands for."""
    async with intake.pool.acquire() as conn:
        found = await petition_index.tracking_code(conn, intake.schema, value)
    if found is None:
        raise NotFound("token")
    return found
