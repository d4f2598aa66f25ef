"""The reads GeoReport v2's `GET requests` needs: intake's index and stored views, filtered and scoped in SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.intake.domain.progress import CaseProgress


@dataclass(frozen=True)
class RequestFilter:
    """GeoReport v2's filters; None means "any". `within` is the significant prefix of the caller's division."""

    within: str
    tracking_codes: Collection[str] | None = None
    categories: Collection[str] | None = None
    statuses: Collection[str] | None = None
    start: datetime | None = None
    end: datetime | None = None


async def find(conn: asyncpg.Connection, schema: str, wanted: RequestFilter, limit: int) -> list[CaseProgress]:
    """Newest first: cases whose place or handling unit lies within the caller's division."""
    rows = await conn.fetch(
        f"""SELECT v.progress FROM {schema}.petition_index i JOIN {schema}.petitioner_view v USING (case_id)
            WHERE ($1::text[] IS NULL OR i.tracking_code = ANY($1)) AND ($2::text[] IS NULL OR i.category = ANY($2))
              AND ($3::text[] IS NULL OR i.status = ANY($3))
              AND ($4::timestamptz IS NULL OR i.submitted_at >= $4)
              AND ($5::timestamptz IS NULL OR i.submitted_at <= $5)
              AND (i.division_code LIKE $6 || '%' OR i.handling_division LIKE $6 || '%')
            ORDER BY i.submitted_at DESC, i.case_id LIMIT $7""",
        _list(wanted.tracking_codes),
        _list(wanted.categories),
        _list(wanted.statuses),
        wanted.start,
        wanted.end,
        wanted.within,
        limit,
    )
    return [CaseProgress.model_validate_json(row["progress"]) for row in rows]


def _list(values: Collection[str] | None) -> list[str] | None:
    return None if values is None else list(values)
