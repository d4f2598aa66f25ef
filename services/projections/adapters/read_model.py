"""Applying events to a generation of the read models: event log, case rows, roll-up counters.

The live consumer's path (a consumed batch per transaction) and the rebuild's catch-up: log the
events not seen before, lock their cases, move each case's stored state on by its new events
(a fold of its whole log only when they arrive out of causal order), write the case rows and
move the counters by the difference of contributions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from services.projections.adapters import event_log, facts, segmenter
from services.projections.adapters.case_states import StateCache, stored_states
from services.projections.adapters.schema import LEVEL_COLUMNS
from services.projections.domain import topics
from services.projections.domain.case import CaseState, document_json
from services.projections.domain.evolve import PROJECTED, advance, fold, fold_decoded
from services.projections.domain.rollup import Cell, Count, contribution, delta
from services.projections.domain.unit_facts import UnitFact, case_facts
from shared.events import Event
from shared.events.base import RecordedEvent
from shared.jurisdiction.divisions import ancestors, is_division_code, parent_of
from shared.messaging.consumer import Consumed

CASE_COLUMNS = (
    "case_id, division, " + ", ".join(LEVEL_COLUMNS) + ", division_code, status, level, category, channel, "
    "overdue, at_risk, opened_at, updated_at, doc, contrib, facts, terms"
)
_CASE_TYPES = ["text"] * 12 + ["boolean", "boolean", "timestamptz", "timestamptz", "text", "text", "text", "text"]


@cache
def parent_division(division: str) -> str | None:
    return parent_of(division) if is_division_code(division) else None


@cache
def _places(division: str | None) -> tuple[str | None, ...]:
    """The case's division at each level column, province first (None below where it is named)."""
    if division is None or not is_division_code(division):
        return (None,) * len(LEVEL_COLUMNS)
    chain = [*reversed(ancestors(division)), division]
    return (*chain, *([None] * (len(LEVEL_COLUMNS) - len(chain))))


def case_row(state: CaseState, counts: dict[Count, int], facts_json: str = "{}") -> list[Any]:
    assert state.opened_at is not None
    assert state.updated_at is not None
    return [
        state.case_id,
        state.division,
        *_places(state.division),
        state.division_code,
        state.status.value,
        state.level.value if state.level else None,
        state.category,
        state.channel.value if state.channel else None,
        state.overdue,
        state.at_risk,
        state.opened_at,
        state.updated_at,
        document_json(state).decode(),
        orjson.dumps([[m, k, n] for (m, k), n in sorted(counts.items())]).decode(),
        facts_json,
        topics.encoded(segmenter.title_terms(state.title)),  # what the month's topics group by
    ]


async def _write_cases(conn: asyncpg.Connection, schema: str, rows: list[list[Any]]) -> None:
    names = [c.strip() for c in CASE_COLUMNS.split(",")]
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(_CASE_TYPES, start=1))
    select = ", ".join(f"{n}::jsonb" if n in {"doc", "contrib", "facts"} else n for n in names)
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names[1:])
    await conn.execute(
        f"""INSERT INTO {schema}.case_view ({CASE_COLUMNS})
            SELECT {select} FROM unnest({arrays}) AS u({CASE_COLUMNS})
            ON CONFLICT (case_id) DO UPDATE SET {updates}""",
        *([row[i] for row in rows] for i in range(len(names))),
    )


async def _move_counters(conn: asyncpg.Connection, schema: str, moves: dict[Cell, int]) -> None:
    if not moves:
        return
    cells = sorted(moves)  # one lock order for every writer: no deadlocks between instances
    divisions, metrics, keys = ([c[i] for c in cells] for i in range(3))
    parents = [parent_division(d) for d in divisions]
    emptied = await conn.fetchval(
        f"""WITH moved AS (
                INSERT INTO {schema}.rollup AS r (division, metric, key, parent, n)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                ON CONFLICT (division, metric, key) DO UPDATE SET n = r.n + EXCLUDED.n RETURNING n)
            SELECT count(*) FILTER (WHERE n = 0) FROM moved""",
        divisions,
        metrics,
        keys,
        parents,
        [moves[c] for c in cells],
    )
    if not emptied:
        return
    await conn.execute(
        f"""DELETE FROM {schema}.rollup WHERE n = 0
              AND (division, metric, key) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))""",
        divisions,
        metrics,
        keys,
    )


def _moving(batch: Sequence[Consumed], fresh: set[UUID]) -> dict[str, list[tuple[RecordedEvent, Event]]]:
    """The new events that move a case, by case: the log keeps every event, only PROJECTED ones fold."""
    new: dict[str, list[tuple[RecordedEvent, Event]]] = {}
    for c in batch:
        if c.event.id in fresh:
            fresh.discard(c.event.id)  # a record delivered twice in one batch counts once
            if c.event.type in PROJECTED:
                new.setdefault(c.event.subject, []).append((c.event, c.payload))
    return new


async def apply(
    conn: asyncpg.Connection, schema: str, batch: Sequence[Consumed], tz: ZoneInfo, cache: StateCache | None = None
) -> list[dict[str, Any]]:
    """Apply events (in the caller's transaction); one change notice per case that changed.

    Each touched case's stored state moves on by its new events; only a case whose new events
    do not come last in causal order is folded again from its whole log.
    """
    fresh = await event_log.append(conn, schema, [c.event for c in batch])
    if not fresh:
        return []
    new = _moving(batch, fresh)
    if not new:
        return []
    touched = sorted(new)
    # Instances consuming different partitions may hold events of one case: one at a time per case.
    xid = await conn.fetchval(
        """WITH locked AS (SELECT pg_advisory_xact_lock(hashtext($1 || c))
                           FROM (SELECT unnest($2::text[]) AS c ORDER BY 1) AS s)
           SELECT pg_current_xact_id()::text::bigint FROM (SELECT count(*) FROM locked) AS all_locked""",
        schema,
        touched,
    )
    cache = cache or StateCache(0)
    stored = await stored_states(conn, schema, touched, cache)
    states: dict[str, CaseState] = {}
    for case_id in touched:
        row = stored.get(case_id)
        if row is None:
            moved: CaseState | None = fold_decoded(case_id, new[case_id])
        else:
            moved = None if row[2] is None else advance(row[2], new[case_id])
        if moved is not None:
            states[case_id] = moved
    refold = [case_id for case_id in touched if case_id not in states]
    if refold:
        for case_id, history in (await event_log.of_cases(conn, schema, refold)).items():
            states[case_id] = fold(case_id, history)
    rows, moves, changes = [], Counter[Cell](), []
    unit_moves, trend_moves = Counter[UnitFact](), Counter[facts.TrendCell]()
    for case_id in touched:
        state = states[case_id]
        counts = contribution(state, tz)
        row = stored.get(case_id)
        old_division, old_counts = (row[0], {(m, k): n for m, k, n in orjson.loads(row[1])}) if row else (None, {})
        moves.update(delta(old_division, old_counts, state.division, counts))
        units, trend = case_facts(state, tz)
        old_units, old_trend = facts.decode(row[3]) if row else ({}, {})
        unit_moves.update(units)
        unit_moves.subtract(old_units)
        trend_moves.update(facts.spread_trend(state.division, trend))
        trend_moves.subtract(facts.spread_trend(old_division, old_trend))
        rows.append(case_row(state, counts, facts.encode(units, trend)))
        changes.append(change_notice(state))
    await _write_cases(conn, schema, rows)
    await _move_counters(conn, schema, {cell: n for cell, n in moves.items() if n})
    await facts.move(conn, schema, unit_moves, trend_moves)
    for case_id in touched:
        cache.put(schema, xid, states[case_id])
    return changes


def change_notice(state: CaseState) -> dict[str, Any]:
    """What subscribers of a division hear about a case that changed (kept well under NOTIFY's 8 kB)."""
    last = state.timeline[-1] if state.timeline else None
    return {
        "case_id": state.case_id,
        "division": state.division,
        "division_code": state.division_code,
        "status": state.status.value,
        "level": state.level.value if state.level else None,
        "overdue": state.overdue,
        "at_risk": state.at_risk,
        "event": last.type if last else None,
        "time": state.updated_at.isoformat() if state.updated_at else None,
    }
