"""Routing's and sla's events of each case as intake received them, and the petitioner's view.

The events are kept (they are few per case) so the view is always the fold of everything
received, whatever order the topics delivered it in.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.intake.domain.progress import CaseProgress, Fact
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseMergeUndone,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    CasesMergedIn,
    CaseUnmerged,
    ClockBreached,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    Event,
    ExtensionGranted,
    LeaderAssigned,
    SupervisionIssued,
    WithdrawalRecorded,
)

CASE_PROGRESS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.case_progress (
    case_id text NOT NULL,
    stream  text NOT NULL,
    version integer NOT NULL,
    type    text NOT NULL,
    time    timestamptz NOT NULL,
    data    jsonb NOT NULL,
    PRIMARY KEY (case_id, stream, version)
);
CREATE TABLE IF NOT EXISTS {schema}.petitioner_view (
    case_id    text PRIMARY KEY,
    progress   jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""

# The other services' events the petitioner's view is made of (ClockWarned adds nothing to it).
FOLLOWED: tuple[type[Event], ...] = (
    CaseAssigned,
    CaseAccepted,
    CaseNotAccepted,
    ExtensionGranted,
    LeaderAssigned,
    CaseResolved,
    CaseReopenedForReview,
    CaseClosed,
    SupervisionIssued,
    WithdrawalRecorded,
    # 並案: the lead's side says who is handled in it; the merged-in side, what its petitioner sees
    CasesMergedIn,
    CaseMergeUndone,
    CaseMergedInto,
    CaseUnmerged,
    ClockStarted,
    ClockPaused,
    ClockResumed,
    ClockExtended,
    ClockBreached,
    ClockStopped,
)
_BY_NAME = {cls.type_name(): cls for cls in FOLLOWED}


def stream_kind(stream_id: str) -> str:
    """`case` for routing's `case-{id}`, `clocks` for sla's `clocks-{id}`."""
    return stream_id.split("-", 1)[0]


async def record(conn: asyncpg.Connection, schema: str, case_id: str, fact: Fact) -> bool:
    """Keep one received event; False when it was already kept."""
    kept = await conn.fetchval(
        f"""INSERT INTO {schema}.case_progress (case_id, stream, version, type, time, data)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING true""",
        case_id,
        fact.stream,
        fact.version,
        fact.event.type_name(),
        fact.time,
        fact.event.model_dump_json(),
    )
    return bool(kept)


async def record_many(
    conn: asyncpg.Connection, schema: str, kept: Sequence[tuple[str, Fact]]
) -> set[tuple[str, str, int]]:
    """Keep received events (case id, fact) with one statement; the (case, stream, version) not kept before."""
    if not kept:
        return set()
    rows = await conn.fetch(
        f"""INSERT INTO {schema}.case_progress (case_id, stream, version, type, time, data)
            SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::jsonb[])
            ON CONFLICT DO NOTHING RETURNING case_id, stream, version""",
        [case_id for case_id, _ in kept],
        [fact.stream for _, fact in kept],
        [fact.version for _, fact in kept],
        [fact.event.type_name() for _, fact in kept],
        [fact.time for _, fact in kept],
        [fact.event.model_dump_json() for _, fact in kept],
    )
    return {(row["case_id"], row["stream"], row["version"]) for row in rows}


async def facts_many(conn: asyncpg.Connection, schema: str, case_ids: Sequence[str]) -> dict[str, list[Fact]]:
    """Every kept event of each case, with one statement."""
    found: dict[str, list[Fact]] = {case_id: [] for case_id in case_ids}
    rows = await conn.fetch(
        f"""SELECT case_id, stream, version, type, time, data FROM {schema}.case_progress
            WHERE case_id = ANY($1::text[])""",
        list(case_ids),
    )
    for row in rows:
        if row["type"] in _BY_NAME:
            event = _BY_NAME[row["type"]].model_validate_json(row["data"])
            found[row["case_id"]].append(Fact(row["stream"], row["version"], row["time"], event))
    return found


async def facts(conn: asyncpg.Connection, schema: str, case_id: str) -> list[Fact]:
    rows = await conn.fetch(
        f"SELECT stream, version, type, time, data FROM {schema}.case_progress WHERE case_id = $1", case_id
    )
    return [
        Fact(row["stream"], row["version"], row["time"], _BY_NAME[row["type"]].model_validate_json(row["data"]))
        for row in rows
        if row["type"] in _BY_NAME
    ]


async def save_view(conn: asyncpg.Connection, schema: str, progress: CaseProgress) -> None:
    await save_views(conn, schema, [progress])


async def save_views(conn: asyncpg.Connection, schema: str, views: Sequence[CaseProgress]) -> None:
    """Write petitioners' views with one statement."""
    await conn.execute(
        f"""INSERT INTO {schema}.petitioner_view (case_id, progress)
            SELECT * FROM unnest($1::text[], $2::jsonb[])
            ON CONFLICT (case_id) DO UPDATE SET progress = EXCLUDED.progress, updated_at = clock_timestamp()""",
        [v.case_id for v in views],
        [v.model_dump_json() for v in views],
    )


async def load_view(conn: asyncpg.Connection, schema: str, case_id: str) -> CaseProgress | None:
    data = await conn.fetchval(f"SELECT progress FROM {schema}.petitioner_view WHERE case_id = $1", case_id)
    return None if data is None else CaseProgress.model_validate_json(data)
