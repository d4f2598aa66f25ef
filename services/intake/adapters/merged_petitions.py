"""Which petitions are handled inside another petitioner's case (並案), as routing's lead cases say.

Written from the lead case's own events (`CasesMergedIn`, `CaseMergeUndone`), in the consumer's
transaction: they come in the lead's order, before any decision on it that merged petitioners
must be told of.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

MERGED_PETITIONS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.merged_petition (
    case_id      text PRIMARY KEY,
    lead_case_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS merged_petition_lead ON {schema}.merged_petition (lead_case_id);
"""


async def merge(conn: asyncpg.Connection, schema: str, lead_case_id: str, case_ids: Sequence[str]) -> None:
    await conn.execute(
        f"""INSERT INTO {schema}.merged_petition (case_id, lead_case_id)
            SELECT unnest($1::text[]), $2
            ON CONFLICT (case_id) DO UPDATE SET lead_case_id = EXCLUDED.lead_case_id""",
        list(case_ids),
        lead_case_id,
    )


async def unmerge(conn: asyncpg.Connection, schema: str, lead_case_id: str, case_id: str) -> None:
    # Only from this lead: a later merge into another lead, read first from its own topic, stays.
    await conn.execute(
        f"DELETE FROM {schema}.merged_petition WHERE case_id = $1 AND lead_case_id = $2", case_id, lead_case_id
    )


async def leads_of(conn: asyncpg.Connection, schema: str, case_ids: Sequence[str]) -> dict[str, str]:
    """The lead case of each of these petitions that is merged into one."""
    rows = await conn.fetch(
        f"SELECT case_id, lead_case_id FROM {schema}.merged_petition WHERE case_id = ANY($1::text[])", list(case_ids)
    )
    return {row["case_id"]: row["lead_case_id"] for row in rows}


async def merged_into(conn: asyncpg.Connection, schema: str, lead_case_ids: Sequence[str]) -> dict[str, list[str]]:
    """The petitions merged into each of these lead cases (leads without any are left out)."""
    rows = await conn.fetch(
        f"""SELECT case_id, lead_case_id FROM {schema}.merged_petition WHERE lead_case_id = ANY($1::text[])
            ORDER BY case_id""",
        list(lead_case_ids),
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["lead_case_id"], []).append(row["case_id"])
    return found
