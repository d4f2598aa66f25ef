"""The read use cases of supervisors and auditors: typed results, refusals from `shared.domain`.

Entry points reach them through one FastAPI dependency (`entrypoints.common.reads`) and only
shape HTTP; what may be seen and what is asked for is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.projections.adapters import event_log, queries
from services.projections.adapters.schema import serving
from services.projections.domain.audit import StreamCheck, check_streams
from services.projections.domain.case import document
from services.projections.domain.evolve import fold
from services.projections.domain.order import causal_order
from services.projections.domain.paging import BadCursor, decode_cursor, encode_cursor
from services.projections.domain.privacy import as_seen_by
from shared.domain import Invalid, NotFound
from shared.http.auth import Principal
from shared.vocabulary import Role

AUDIT_SOURCE = "the projections' event log: a copy of the intake, routing and sla topics"


@dataclass(frozen=True)
class CasePage:
    division: str
    cases: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class CaseHistory:
    case_id: str
    as_of: str | None
    events: list[dict[str, Any]]
    case: dict[str, Any] | None


@dataclass(frozen=True)
class Verification:
    case_id: str
    ok: bool
    source: str
    events_checked: int
    streams: list[dict[str, Any]]
    first_bad: dict[str, Any] | None


@dataclass(frozen=True)
class Reads:
    pool: asyncpg.Pool
    base: str

    async def case(self, who: Principal, case_id: str) -> dict[str, Any]:
        """The case now, as stored (the API document)."""
        async with self.pool.acquire() as conn:
            return await _visible_case(conn, await serving(conn, self.base), who, case_id)

    async def page(self, where: queries.CaseFilter, limit: int, cursor: str | None) -> CasePage:
        """Newest first (the division already checked against the caller)."""
        try:
            after = decode_cursor(cursor) if cursor else None
        except BadCursor as error:
            raise Invalid("cursor", "not a cursor this list handed out") from error
        async with self.pool.acquire() as conn:
            cases, last = await queries.case_page(conn, await serving(conn, self.base), where, limit, after)
        return CasePage(where.division, cases, encode_cursor(*last) if last else None)

    async def history(self, who: Principal, case_id: str, as_of: datetime | None) -> CaseHistory:
        """The recorded events up to `as_of` in causal order, and the case folded from exactly those."""
        if as_of is not None and as_of.tzinfo is None:
            raise Invalid("as_of", "give a time zone (for example 2025-01-31T12:00:00+08:00)")
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            await _visible_case(conn, schema, who, case_id)
            events = causal_order(await event_log.of_case(conn, schema, case_id, as_of))
        return CaseHistory(
            case_id,
            as_of.isoformat() if as_of else None,
            [as_seen_by(who.role, e.model_dump(mode="json", exclude={"position"})) for e in events],
            document(fold(case_id, events)) if events else None,
        )

    async def verify(self, who: Principal, case_id: str) -> Verification:
        """Each of the case's streams in version order through verify_chain; the first bad event named."""
        who.require_role(Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            await _visible_case(conn, schema, who, case_id)
            events = await event_log.of_case(conn, schema, case_id)
        streams: list[StreamCheck] = check_streams(events)
        bad = [s.first_bad for s in streams if s.first_bad is not None]
        return Verification(
            case_id, not bad, AUDIT_SOURCE, len(events), [s.model_dump() for s in streams], bad[0] if bad else None
        )


async def _visible_case(conn: asyncpg.Connection, schema: str, who: Principal, case_id: str) -> dict[str, Any]:
    doc = await queries.case_doc(conn, schema, case_id)
    if doc is None:
        raise NotFound("case")
    who.require_jurisdiction(doc.get("location_code"), doc.get("division_code"))
    return doc
