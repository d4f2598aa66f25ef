"""Routing's query table of the work across units: each task and supervision of a case, open or not.

Written in the same transaction as the events, like `case_index`: a unit's worklist shows the
cases it assists on (an open task) and, for the cases it leads, open tasks and pending supervision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.routing.domain.case import Case
from shared.vocabulary import OPEN_STATUSES

WORK_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.work_index (
    case_id       text NOT NULL,
    kind          text NOT NULL,   -- task | supervision
    item_id       text NOT NULL,
    unit_id       text NOT NULL,   -- the assisting unit, or the unit that must answer
    division_code text NOT NULL,
    status        text NOT NULL,
    open          boolean NOT NULL,
    version       integer NOT NULL,
    PRIMARY KEY (case_id, kind, item_id)
);
CREATE INDEX IF NOT EXISTS work_index_open ON {schema}.work_index (division_code, kind, case_id) WHERE open;
"""


def _rows(case: Case) -> list[tuple[str, str, str, str, str, str, bool, int]]:
    assert case.case_id is not None
    tasks = [
        (case.case_id, "task", t.task_id, t.unit_id, t.division_code, str(t.status), t.open, case.version)
        for t in case.tasks
    ]
    supervisions = [
        (case.case_id, "supervision", s.supervision_id, s.unit_id, case.division_code or "",
         "answered" if s.answered else "pending", not s.answered and not case.terminal, case.version)
        for s in case.supervisions
    ]  # fmt: skip
    return tasks + supervisions


async def save(conn: asyncpg.Connection, schema: str, cases: Sequence[Case]) -> None:
    """Every task and supervision of these cases as they stand, in one statement; never back to an older version."""
    rows = [row for case in cases if case.case_id is not None for row in _rows(case)]
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    await conn.execute(
        f"""INSERT INTO {schema}.work_index
                (case_id, kind, item_id, unit_id, division_code, status, open, version)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                 $7::bool[], $8::int[])
            ON CONFLICT (case_id, kind, item_id) DO UPDATE SET unit_id = EXCLUDED.unit_id,
                division_code = EXCLUDED.division_code, status = EXCLUDED.status, open = EXCLUDED.open,
                version = EXCLUDED.version
            WHERE {schema}.work_index.version < EXCLUDED.version""",
        *(list(column) for column in columns),
    )


async def assisting(
    conn: asyncpg.Connection, schema: str, division: str, limit: int, unit: str | None = None
) -> list[dict[str, Any]]:
    """The cases this division assists on (an open task of one of its units; with `unit`, of that
    unit only), with the case's row."""
    rows = await conn.fetch(
        f"""SELECT c.case_id, c.status, c.unit_id, c.division_code, c.level, c.category, c.channel, c.leader,
                   c.updated_at, w.item_id AS task_id, w.unit_id AS task_unit_id, w.status AS task_status
            FROM {schema}.work_index w JOIN {schema}.case_index c USING (case_id)
            WHERE w.division_code = $1 AND w.kind = 'task' AND w.open AND c.status = ANY($3::text[])
              AND ($4::text IS NULL OR w.unit_id = $4)
            ORDER BY c.case_id, w.item_id LIMIT $2""",
        division,
        limit,
        sorted(OPEN_STATUSES),  # a case settled meanwhile (withdrawn) asks nothing more of anyone
        unit,
    )
    return [dict(row) for row in rows]


async def pending(conn: asyncpg.Connection, schema: str, case_ids: list[str]) -> dict[str, dict[str, int]]:
    """For each case: how many tasks are open and how many supervisions wait for an answer."""
    rows = await conn.fetch(
        f"""SELECT case_id, count(*) FILTER (WHERE kind = 'task') AS open_tasks,
                   count(*) FILTER (WHERE kind = 'supervision') AS supervision_pending
            FROM {schema}.work_index WHERE case_id = ANY($1::text[]) AND open GROUP BY case_id""",
        case_ids,
    )
    return {row["case_id"]: {"open_tasks": row["open_tasks"], "supervision_pending": row["supervision_pending"]}
            for row in rows}  # fmt: skip
