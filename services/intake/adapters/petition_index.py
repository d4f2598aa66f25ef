"""Intake's own index of petitions: tracking code, access hash, repeat-check keys, status.

Written in the same transaction as the events it reflects; the status and the handling unit's
division follow routing's events. It holds hashes of the petitioner, never their name, phone or
id number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import asyncpg

from services.intake.domain.repeats import Matter, PersonKeys, neighbourhood
from services.intake.domain.similar import Candidate
from shared.divisions import parent_of, significant_prefix
from shared.vocabulary import TERMINAL_STATUSES, CaseStatus

# Only open matters can be repeated: the repeat check's indexes and queries leave the rest out.
OPEN_ONLY = f"status NOT IN ({', '.join(repr(s.value) for s in sorted(TERMINAL_STATUSES))})"

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
-- Added later; NULL marks a row indexed before them, which the start fills in (handlers.backfill).
ALTER TABLE {schema}.petition_index ADD COLUMN IF NOT EXISTS phone_key text;
ALTER TABLE {schema}.petition_index ADD COLUMN IF NOT EXISTS anonymous boolean;
ALTER TABLE {schema}.petition_index ADD COLUMN IF NOT EXISTS handling_division text;
-- The unit a petition complains about (issue 14): its people never see or find the petitioner.
ALTER TABLE {schema}.petition_index ADD COLUMN IF NOT EXISTS complaint_unit text;
CREATE INDEX IF NOT EXISTS petition_index_phone ON {schema}.petition_index (phone_key, submitted_at);
-- Empty once those rows are filled in: finding them at each start reads nothing else.
CREATE INDEX IF NOT EXISTS petition_index_unphoned ON {schema}.petition_index (case_id) WHERE phone_key IS NULL;
CREATE INDEX IF NOT EXISTS petition_index_contact ON {schema}.petition_index (contact_key, category)
    WHERE {open_only};
CREATE INDEX IF NOT EXISTS petition_index_id ON {schema}.petition_index (id_key, category)
    WHERE {open_only} AND id_key IS NOT NULL;
""".replace("{open_only}", OPEN_ONLY)

CANDIDATES = 50


# A phone search reads at most this many of the number's petitions (newest first) and answers at
# most FOUND of those in the caller's scope: one person's petitions, never a listing.
PHONE_CANDIDATES = 1000
FOUND = 100


async def add(
    conn: asyncpg.Connection,
    schema: str,
    matter: Matter,
    tracking_code: str,
    access_code_hash: str,
    at: datetime,
    anonymous: bool = False,
    complaint_unit: str | None = None,
) -> None:
    await add_many(conn, schema, [Indexed(matter, tracking_code, access_code_hash, at, anonymous, complaint_unit)])


class Indexed(NamedTuple):
    """A petition as it enters the index."""

    matter: Matter
    tracking_code: str
    access_code_hash: str
    submitted_at: datetime
    anonymous: bool = False
    complaint_unit: str | None = None


async def add_many(conn: asyncpg.Connection, schema: str, petitions: Sequence[Indexed]) -> None:
    """Index petitions with one statement (one round trip however many a group commit carries)."""
    columns = list(
        zip(
            *(
                (
                    p.matter.case_id,
                    p.tracking_code,
                    p.access_code_hash,
                    p.matter.person.id_key,
                    p.matter.person.contact_key,
                    p.matter.category,
                    p.matter.division_code,
                    neighbourhood(p.matter.division_code),
                    p.matter.status.value,
                    # text[] columns travel as text: unnest cannot take an array of arrays of mixed lengths.
                    _array(p.matter.title_tokens),
                    _array(p.matter.text_tokens),
                    p.submitted_at,
                    p.matter.person.phone_key,
                    p.anonymous,
                    p.complaint_unit,
                )
                for p in petitions
            ),
            strict=True,
        )
    )
    await conn.execute(
        f"""INSERT INTO {schema}.petition_index (case_id, tracking_code, access_code_hash, id_key, contact_key,
                category, division_code, neighbourhood, status, title_tokens, text_tokens, submitted_at,
                phone_key, anonymous, complaint_unit)
            SELECT case_id, tracking_code, access_code_hash, id_key, contact_key, category, division_code,
                neighbourhood, status, title_tokens::text[], text_tokens::text[], submitted_at, phone_key, anonymous,
                complaint_unit
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::boolean[],
                $15::text[])
                AS p(case_id, tracking_code, access_code_hash, id_key, contact_key, category, division_code,
                    neighbourhood, status, title_tokens, text_tokens, submitted_at, phone_key, anonymous,
                    complaint_unit)
            ON CONFLICT (case_id) DO NOTHING""",
        *(list(column) for column in columns),
    )


def _array(tokens: frozenset[str]) -> str:
    """A PostgreSQL array literal of tokens (each quoted, backslashes and quotes escaped)."""
    quoted = ('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in sorted(tokens))
    return "{" + ",".join(quoted) + "}"


async def open_matters(conn: asyncpg.Connection, schema: str, new: Matter) -> list[Matter]:
    """Open matters that may be the same person's, category's and place's: the pure check decides."""
    return (await open_matters_of(conn, schema, [new]))[0]


async def open_matters_of(conn: asyncpg.Connection, schema: str, news: Sequence[Matter]) -> list[list[Matter]]:
    """`open_matters` of each of several new petitions, with one statement."""
    rows = await conn.fetch(
        f"""SELECT q.i, p.* FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
                AS q(contact_key, id_key, category, neighbourhood, i)
            CROSS JOIN LATERAL (
                SELECT * FROM {schema}.petition_index p
                WHERE (p.contact_key = q.contact_key OR p.id_key = q.id_key) AND p.category = q.category
                  AND p.neighbourhood = q.neighbourhood AND p.{OPEN_ONLY}
                ORDER BY p.submitted_at, p.case_id LIMIT {CANDIDATES}) p
            ORDER BY q.i, p.submitted_at, p.case_id""",
        [n.person.contact_key for n in news],
        [n.person.id_key for n in news],
        [n.category for n in news],
        [neighbourhood(n.division_code) for n in news],
    )
    found: list[list[Matter]] = [[] for _ in news]
    for row in rows:
        found[row["i"] - 1].append(
            Matter(
                case_id=row["case_id"],
                person=PersonKeys(id_key=row["id_key"], contact_key=row["contact_key"]),
                category=row["category"],
                division_code=row["division_code"],
                title_tokens=frozenset(row["title_tokens"]),
                text_tokens=frozenset(row["text_tokens"]),
                status=CaseStatus(row["status"]),
            )
        )
    return found


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


async def lock_many(conn: asyncpg.Connection, schema: str, case_ids: Sequence[str]) -> set[str]:
    """`lock` for many cases with one statement, taken in case-id order as every writer takes them; those indexed."""
    rows = await conn.fetch(
        f"""SELECT case_id FROM {schema}.petition_index WHERE case_id = ANY($1::text[])
            ORDER BY case_id FOR UPDATE""",
        list(case_ids),
    )
    return {row["case_id"] for row in rows}


async def set_statuses(
    conn: asyncpg.Connection, schema: str, statuses: Sequence[tuple[str, CaseStatus, str | None]]
) -> None:
    """`set_status` for many cases (case id, status, handling division) with one statement."""
    await conn.execute(
        f"""UPDATE {schema}.petition_index AS p
            SET status = u.status, handling_division = coalesce(u.division, p.handling_division)
            FROM unnest($1::text[], $2::text[], $3::text[]) AS u(case_id, status, division)
            WHERE p.case_id = u.case_id
              AND (p.status <> u.status
                   OR p.handling_division IS DISTINCT FROM coalesce(u.division, p.handling_division))""",
        [case_id for case_id, _, _ in statuses],
        [status.value for _, status, _ in statuses],
        [division for _, _, division in statuses],
    )


async def set_status(
    conn: asyncpg.Connection, schema: str, case_id: str, status: CaseStatus, handling_division: str | None = None
) -> None:
    """The case's status and where it is handled now (kept when not yet known)."""
    await conn.execute(
        f"""UPDATE {schema}.petition_index SET status = $2, handling_division = coalesce($3, handling_division)
            WHERE case_id = $1
              AND (status <> $2 OR handling_division IS DISTINCT FROM coalesce($3, handling_division))""",
        case_id,
        status.value,
        handling_division,
    )


async def set_phone(conn: asyncpg.Connection, schema: str, case_id: str, phone_key: str, anonymous: bool) -> None:
    """Fill in a row indexed before phones were (see `unphoned`)."""
    await conn.execute(
        f"UPDATE {schema}.petition_index SET phone_key = $2, anonymous = $3 WHERE case_id = $1",
        case_id,
        phone_key,
        anonymous,
    )


async def unphoned(conn: asyncpg.Connection, schema: str) -> list[str]:
    """Petitions indexed before the index kept a phone key."""
    rows = await conn.fetch(f"SELECT case_id FROM {schema}.petition_index WHERE phone_key IS NULL ORDER BY case_id")
    return [row["case_id"] for row in rows]


class ByPhone(NamedTuple):
    """One petition a phone number submitted, as an official's search answers it."""

    case_id: str
    tracking_code: str
    title: str | None
    status: CaseStatus
    category: str
    division_code: str
    handling_division: str | None
    submitted_at: datetime
    complaint_unit: str | None = None


async def by_phone(conn: asyncpg.Connection, schema: str, phone_key: str, anonymous_too: bool) -> list[ByPhone]:
    """The newest `PHONE_CANDIDATES` petitions first given with this phone (anonymous ones only when asked)."""
    rows = await conn.fetch(
        f"""SELECT i.case_id, i.tracking_code, v.progress->>'title' AS title, i.status, i.category,
                i.division_code, i.handling_division, i.submitted_at, i.complaint_unit
            FROM {schema}.petition_index i LEFT JOIN {schema}.petitioner_view v USING (case_id)
            WHERE i.phone_key = $1 AND ($2 OR NOT coalesce(i.anonymous, true))
            ORDER BY i.submitted_at DESC, i.case_id LIMIT {PHONE_CANDIDATES}""",
        phone_key,
        anonymous_too,
    )
    return [
        ByPhone(
            r["case_id"],
            r["tracking_code"],
            r["title"],
            CaseStatus(r["status"]),
            r["category"],
            r["division_code"],
            r["handling_division"],
            r["submitted_at"],
            r["complaint_unit"],
        )
        for r in rows
    ]


# Open petitions of one category read around a place for the 並案 suggestions, newest first.
SIMILAR_CANDIDATES = 500


def _candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(
        case_id=row["case_id"],
        tracking_code=row["tracking_code"],
        person=PersonKeys(id_key=row["id_key"], contact_key=row["contact_key"]),
        category=row["category"],
        division_code=row["division_code"],
        status=CaseStatus(row["status"]),
        title=row["title"] or "",
        text_tokens=frozenset(row["text_tokens"]),
    )


async def similar_candidates(
    conn: asyncpg.Connection, schema: str, case_id: str
) -> tuple[Candidate, list[Candidate]] | None:
    """The case and the open petitions of its category under its place's parent (None for an unknown case)."""
    columns = "i.case_id, i.tracking_code, i.id_key, i.contact_key, i.category, i.division_code, i.status, " \
        "i.text_tokens, v.progress->>'title' AS title"  # fmt: skip
    joined = f"{schema}.petition_index i LEFT JOIN {schema}.petitioner_view v USING (case_id)"
    row = await conn.fetchrow(f"SELECT {columns} FROM {joined} WHERE i.case_id = $1", case_id)
    if row is None:
        return None
    new = _candidate(row)
    parent = parent_of(new.division_code) or new.division_code
    rows = await conn.fetch(
        f"""SELECT {columns} FROM {joined}
            WHERE i.category = $1 AND starts_with(i.division_code, $2) AND i.case_id <> $3 AND i.{OPEN_ONLY}
            ORDER BY i.submitted_at DESC, i.case_id LIMIT {SIMILAR_CANDIDATES}""",
        new.category,
        significant_prefix(parent),
        case_id,
    )
    return new, [_candidate(r) for r in rows]
