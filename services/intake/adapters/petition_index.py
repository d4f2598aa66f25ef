"""Intake's own index of petitions: tracking code, access hash, repeat-check keys, status.

Written in the same transaction as the events it reflects; the status follows routing's events.
It holds hashes of the petitioner, never their name, phone or id number.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from services.intake.domain.repeats import Matter, PersonKeys, neighbourhood
from shared.vocabulary import CaseStatus

PETITION_INDEX_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.petition_index (
    case_id          text PRIMARY KEY,
    tracking_code    text NOT NULL UNIQUE,
    access_code_hash text NOT NULL,
    id_key           text,
    contact_key      text NOT NULL,
    category         text NOT NULL,
    division_code    text NOT NULL,
    neighbourhood    text NOT NULL,
    status           text NOT NULL DEFAULT 'submitted',
    title_tokens     text[] NOT NULL,
    text_tokens      text[] NOT NULL,
    submitted_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS petition_index_contact ON {schema}.petition_index (contact_key, category)
    WHERE status NOT IN ('closed', 'not_accepted');
CREATE INDEX IF NOT EXISTS petition_index_id ON {schema}.petition_index (id_key, category)
    WHERE status NOT IN ('closed', 'not_accepted') AND id_key IS NOT NULL;
"""

CANDIDATES = 50


async def add(
    conn: asyncpg.Connection, schema: str, matter: Matter, tracking_code: str, access_code_hash: str, at: datetime
) -> None:
    await conn.execute(
        f"""INSERT INTO {schema}.petition_index (case_id, tracking_code, access_code_hash, id_key, contact_key,
                category, division_code, neighbourhood, status, title_tokens, text_tokens, submitted_at)
            VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (case_id) DO NOTHING""",
        matter.case_id,
        tracking_code,
        access_code_hash,
        matter.person.id_key,
        matter.person.contact_key,
        matter.category,
        matter.division_code,
        neighbourhood(matter.division_code),
        matter.status.value,
        sorted(matter.title_tokens),
        sorted(matter.text_tokens),
        at,
    )


async def open_matters(conn: asyncpg.Connection, schema: str, new: Matter) -> list[Matter]:
    """Open matters that may be the same person's, category's and place's: the pure check decides."""
    rows = await conn.fetch(
        f"""SELECT * FROM {schema}.petition_index
            WHERE (contact_key = $1 OR id_key = $2) AND category = $3 AND neighbourhood = $4
              AND status NOT IN ('closed', 'not_accepted')
            ORDER BY submitted_at, case_id LIMIT {CANDIDATES}""",
        new.person.contact_key,
        new.person.id_key,
        new.category,
        neighbourhood(new.division_code),
    )
    return [
        Matter(
            case_id=row["case_id"],
            person=PersonKeys(id_key=row["id_key"], contact_key=row["contact_key"]),
            category=row["category"],
            division_code=row["division_code"],
            title_tokens=frozenset(row["title_tokens"]),
            text_tokens=frozenset(row["text_tokens"]),
            status=CaseStatus(row["status"]),
        )
        for row in rows
    ]


async def credentials(conn: asyncpg.Connection, schema: str, tracking_code: str) -> tuple[str, str] | None:
    """(case id, access code hash) of a tracking code."""
    row = await conn.fetchrow(
        f"SELECT case_id, access_code_hash FROM {schema}.petition_index WHERE tracking_code = $1", tracking_code
    )
    return None if row is None else (row["case_id"], row["access_code_hash"])


async def tracking_code(conn: asyncpg.Connection, schema: str, case_id: str) -> str | None:
    value = await conn.fetchval(f"SELECT tracking_code FROM {schema}.petition_index WHERE case_id = $1", case_id)
    return None if value is None else str(value)


async def lock(conn: asyncpg.Connection, schema: str, case_id: str) -> bool:
    """Hold the case until the transaction ends (every writer of its stream and view takes this)."""
    found = await conn.fetchval(f"SELECT true FROM {schema}.petition_index WHERE case_id = $1 FOR UPDATE", case_id)
    return bool(found)


async def set_status(conn: asyncpg.Connection, schema: str, case_id: str, status: CaseStatus) -> None:
    await conn.execute(
        f"UPDATE {schema}.petition_index SET status = $2 WHERE case_id = $1 AND status <> $2", case_id, status.value
    )
