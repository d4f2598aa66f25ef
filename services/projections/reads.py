"""The read use cases of supervisors and auditors: typed results, refusals from `shared.domain`.

Entry points reach them through one FastAPI dependency (`entrypoints.common.reads`) and only
shape HTTP; what may be seen and what is asked for is decided here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.adapters import event_log, queries
from services.projections.adapters.schema import serving
from services.projections.domain import case_export
from services.projections.domain.audit import StreamCheck, check_streams
from services.projections.domain.case import document
from services.projections.domain.evolve import fold
from services.projections.domain.order import causal_order
from services.projections.domain.paging import BadCursor, decode_cursor, encode_cursor
from services.projections.domain.privacy import as_seen_by
from services.projections.domain.stats import figures, hot_spots, new_cases
from shared.clock import Clock
from shared.domain import Invalid, NotFound
from shared.http.auth import Principal
from shared.i18n import strings
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.jurisdiction.divisions import level_of
from shared.vocabulary import Role

EXPORT_CHUNK = 1000  # cases per read of an export: memory stays flat whatever the list's length
AUDIT_SOURCE = "the projections' event log: a copy of the intake, routing and sla topics"


@dataclass(frozen=True)
class CasePage:
    division: str
    cases: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class CaseExport:
    """A case list as a CSV file: its name, and its bytes as they are read (BOM and header first)."""

    file_name: str
    body: AsyncIterator[bytes]


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
class Freshness:
    now: str
    last_event_time: str | None
    consumer_lag: int
    read_model: str


@dataclass(frozen=True)
class Stats:
    """A division's figures (`figures` are spread into the answer beside the other fields)."""

    division: str
    name: dict[str, str] | None
    level: str
    today: str
    figures: dict[str, Any]
    new_cases: dict[str, Any]
    hot_spots: dict[str, list[dict[str, Any]]]
    freshness: Freshness


@dataclass(frozen=True)
class Reads:
    pool: asyncpg.Pool
    base: str
    tz: ZoneInfo
    clock: Clock
    consumer_lag: Callable[[], Awaitable[int]]

    async def freshness(self) -> Freshness:
        """How far the serving read model has got: its newest event, the consumer's lag."""
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            last = await queries.last_event_time(conn, schema)
        return Freshness(
            self.clock.now().isoformat(), last.isoformat() if last else None, await self.consumer_lag(), schema
        )

    async def stats(self, division: str) -> Stats:
        """A division's figures from its counters, never a scan of cases (the division already checked)."""
        today = self.clock.now().astimezone(self.tz).date()
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            counts = await queries.counters(conn, schema, division, today - timedelta(days=29))
            hot = await queries.hot_rows(conn, schema, division, today)
        spots = {
            window: [{**spot, "division_name": division_names(spot["division"])} for spot in found]
            for window, found in hot_spots(hot).items()
        }
        return Stats(
            division,
            division_names(division),
            level_of(division).value,
            today.isoformat(),
            figures(counts),
            new_cases(counts, today),
            spots,
            await self.freshness(),
        )

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

    async def export(self, where: queries.CaseFilter, lang: str) -> CaseExport:
        """Every case the filter matches as CSV, newest first, read in keyset chunks of `EXPORT_CHUNK`
        (a connection is held per chunk only, so a slow download holds none). The first chunk is read
        before answering, so what fails fails before the first byte; each case comes once (the keys
        do not change), but the chunks are not one snapshot: a case may move on while the file is read."""
        labels = export_labels(lang, self.tz)
        day = self.clock.now().astimezone(self.tz).date()
        chunks = self._chunks(where)
        first = await anext(chunks)

        async def body() -> AsyncIterator[bytes]:
            head = case_export.BOM + case_export.lines([case_export.header(labels)])
            yield (head + case_export.lines(case_export.row(doc, labels) for doc in first)).encode()
            async for docs in chunks:
                yield case_export.lines(case_export.row(doc, labels) for doc in docs).encode()

        return CaseExport(case_export.file_name(labels, where.division, day), body())

    async def _chunks(self, where: queries.CaseFilter) -> AsyncIterator[list[dict[str, Any]]]:
        """The filter's cases, one list per chunk (the first maybe empty), until the last."""
        after: tuple[datetime, str] | None = None
        while True:
            async with self.pool.acquire() as conn:
                cases, after = await queries.case_page(conn, await serving(conn, self.base), where, EXPORT_CHUNK, after)
            yield cases
            if after is None:
                return

    async def history(self, who: Principal, case_id: str, as_of: datetime | None) -> CaseHistory:
        """The recorded events up to `as_of` in causal order, and the case folded from exactly those."""
        if as_of is not None and as_of.tzinfo is None:
            raise Invalid("as_of", "give a time zone (for example 2025-01-31T12:00:00+08:00)")
        async with self.pool.acquire() as conn:
            schema = await serving(conn, self.base)
            now = await _visible_case(conn, schema, who, case_id)
            events = causal_order(await event_log.of_case(conn, schema, case_id, as_of))
        # Erased now reads as erased in every past state too (the case as it stands says who is).
        erased = now.get("personal_data") == "erased" or frozenset(now.get("erased_signers") or ())
        return CaseHistory(
            case_id,
            as_of.isoformat() if as_of else None,
            [as_seen_by(who.role, e.model_dump(mode="json", exclude={"position"}), erased) for e in events],
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


def division_names(code: str) -> dict[str, str] | None:
    """The division's names for a reader ({"zh", "en"}), if the deployment's tree has it."""
    found = deployment_tree().get(code)
    return {"zh": found.name_zh, "en": found.name_en} if found else None


def unit_names(unit_id: str) -> dict[str, str] | None:
    """A handling unit's names for a reader: a county department's, or a division's own unit's."""
    tree = deployment_tree()
    department = tree.department(unit_id)
    if department is not None:
        return {"zh": department.name_zh, "en": department.name_en}
    found = tree.get(unit_id)
    return {"zh": found.unit_name_zh, "en": found.unit_name_en} if found else None


def export_labels(lang: str, tz: ZoneInfo) -> case_export.Labels:
    """The export's words in `lang`: the pages' catalogue, the deployment's category, place and unit names."""
    categories = {c.key: getattr(c, f"name_{lang}") for c in deployment_catalogue().categories}

    def named(names: dict[str, str] | None) -> str | None:
        return names[lang] if names else None

    return case_export.Labels(
        strings()[lang], categories, lambda code: named(division_names(code)), lambda unit: named(unit_names(unit)), tz
    )


async def _visible_case(conn: asyncpg.Connection, schema: str, who: Principal, case_id: str) -> dict[str, Any]:
    doc = await queries.case_doc(conn, schema, case_id)
    if doc is None:
        raise NotFound("case")
    # An assisting unit (a task of the joint handling) sees the case it works on.
    tasks = [t.get("division_code") for t in doc.get("tasks") or []]
    who.require_jurisdiction(doc.get("location_code"), doc.get("division_code"), *tasks)
    return doc
