"""The notice outbox: one row per notice, written with its `NoticeIssued`, driving delivery.

A row is claimed for one attempt (`claimed_until`, a lease, committed before anything is
sent) and settled after the channel answered, together with the event that records it. The
row holds the recipient's address, which the events never carry. Times are the database's
wall clock: retries are about real gateways, not the simulated case time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

import asyncpg

NOTICE_OUTBOX_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.notice_outbox (
    notice_id       text PRIMARY KEY,
    case_id         text NOT NULL,
    tracking_code   text NOT NULL,
    kind            text NOT NULL,
    channel         text NOT NULL,
    address         text NOT NULL DEFAULT '',
    subject         text NOT NULL,
    body            text NOT NULL,
    -- pending (to send), delivered, failed (given up), awaiting_print (letters), undeliverable
    state           text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_until   timestamptz,
    last_error      text,
    receipt         text,
    issued_at       timestamptz NOT NULL,
    settled_at      timestamptz
);
-- The address is sealed under the petitioner's data key `key_id` (owner notice|<id>), issue 14.
ALTER TABLE {schema}.notice_outbox ADD COLUMN IF NOT EXISTS key_id text;
CREATE INDEX IF NOT EXISTS notice_outbox_due ON {schema}.notice_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS notice_outbox_case ON {schema}.notice_outbox (case_id, issued_at);
CREATE INDEX IF NOT EXISTS notice_outbox_state ON {schema}.notice_outbox (state, issued_at)
    WHERE state IN ('failed', 'awaiting_print');
"""


class Outgoing(NamedTuple):
    """A notice as its delivery sees it."""

    notice_id: str
    case_id: str
    tracking_code: str
    kind: str
    channel: str
    address: str
    subject: str
    body: str
    attempts: int
    issued_at: datetime
    key_id: str | None = None  # the data key `address` is sealed under (opened only to deliver it)


class NoticeRow(NamedTuple):
    """A notice as the petitioner's and the officials' reads show it (no address)."""

    notice_id: str
    case_id: str
    tracking_code: str
    kind: str
    channel: str
    subject: str
    body: str
    state: str
    attempts: int
    last_error: str | None
    issued_at: datetime
    settled_at: datetime | None


def initial_state(channel: str) -> str:
    return {"none": "undeliverable", "letter": "awaiting_print"}.get(channel, "pending")


async def add(conn: asyncpg.Connection, schema: str, notices: Sequence[tuple[Outgoing, str]]) -> set[str]:
    """Add notices (each with its initial state); answers the ids that were new."""
    rows = await conn.fetch(
        f"""INSERT INTO {schema}.notice_outbox (notice_id, case_id, tracking_code, kind, channel, address, subject,
                body, state, issued_at, key_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::timestamptz[], $11::text[])
            ON CONFLICT (notice_id) DO NOTHING RETURNING notice_id""",
        *(list(column) for column in _columns(notices)),
    )
    return {row["notice_id"] for row in rows}


def _columns(notices: Sequence[tuple[Outgoing, str]]) -> list[tuple[object, ...]]:
    if not notices:
        return [()] * 11
    return list(
        zip(
            *(
                (
                    o.notice_id,
                    o.case_id,
                    o.tracking_code,
                    o.kind,
                    o.channel,
                    o.address,
                    o.subject,
                    o.body,
                    s,
                    o.issued_at,
                    o.key_id,
                )
                for o, s in notices
            ),
            strict=True,
        )
    )


async def claim(conn: asyncpg.Connection, schema: str, limit: int, lease: timedelta) -> list[Outgoing]:
    """Due notices nobody holds, each counted as one more attempt and leased: committed before sending."""
    rows = await conn.fetch(
        f"""UPDATE {schema}.notice_outbox o SET attempts = o.attempts + 1,
                claimed_until = clock_timestamp() + $2::interval
            WHERE o.notice_id IN (
                SELECT notice_id FROM {schema}.notice_outbox
                WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
                  AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING o.notice_id, o.case_id, o.tracking_code, o.kind, o.channel, o.address, o.subject, o.body,
                o.attempts, o.issued_at, o.key_id""",
        limit,
        lease,
    )
    return [Outgoing(**dict(row)) for row in rows]


async def lock_pending(conn: asyncpg.Connection, schema: str, notice_id: str) -> str | None:
    """Hold a notice to settle it; its state now (None when unknown)."""
    state = await conn.fetchval(f"SELECT state FROM {schema}.notice_outbox WHERE notice_id = $1 FOR UPDATE", notice_id)
    return None if state is None else str(state)


async def delivered(conn: asyncpg.Connection, schema: str, notice_id: str, receipt: str) -> None:
    await conn.execute(
        f"""UPDATE {schema}.notice_outbox SET state = 'delivered', receipt = $2, claimed_until = NULL,
                last_error = NULL, settled_at = clock_timestamp() WHERE notice_id = $1""",
        notice_id,
        receipt,
    )


async def failed(conn: asyncpg.Connection, schema: str, notice_id: str, error: str, retry_in: timedelta | None) -> None:
    """One failed attempt: due again after `retry_in`, or given up (state failed) when None."""
    if retry_in is None:
        await conn.execute(
            f"""UPDATE {schema}.notice_outbox SET state = 'failed', last_error = $2, claimed_until = NULL,
                    settled_at = clock_timestamp() WHERE notice_id = $1""",
            notice_id,
            error,
        )
        return
    await conn.execute(
        f"""UPDATE {schema}.notice_outbox SET last_error = $2, claimed_until = NULL,
                next_attempt_at = clock_timestamp() + $3::interval WHERE notice_id = $1""",
        notice_id,
        error,
        retry_in,
    )


async def retry(conn: asyncpg.Connection, schema: str, notice_id: str) -> bool:
    """An official asks a failed notice to be sent again: pending at once, attempts counted on."""
    done = await conn.fetchval(
        f"""UPDATE {schema}.notice_outbox SET state = 'pending', next_attempt_at = clock_timestamp(),
                settled_at = NULL WHERE notice_id = $1 AND state = 'failed' RETURNING true""",
        notice_id,
    )
    return bool(done)


async def outgoing(conn: asyncpg.Connection, schema: str, notice_id: str) -> Outgoing | None:
    row = await conn.fetchrow(
        f"""SELECT notice_id, case_id, tracking_code, kind, channel, address, subject, body, attempts, issued_at,
                key_id FROM {schema}.notice_outbox WHERE notice_id = $1""",
        notice_id,
    )
    return None if row is None else Outgoing(**dict(row))


_ROW = ", ".join(NoticeRow._fields)


async def of_tracking_code(conn: asyncpg.Connection, schema: str, tracking_code: str) -> list[NoticeRow]:
    rows = await conn.fetch(
        f"SELECT {_ROW} FROM {schema}.notice_outbox WHERE tracking_code = $1 ORDER BY issued_at, notice_id",
        tracking_code,
    )
    return [NoticeRow(**dict(r)) for r in rows]


async def of_case(conn: asyncpg.Connection, schema: str, case_id: str) -> list[NoticeRow]:
    rows = await conn.fetch(
        f"SELECT {_ROW} FROM {schema}.notice_outbox WHERE case_id = $1 ORDER BY issued_at, notice_id", case_id
    )
    return [NoticeRow(**dict(r)) for r in rows]


class Listed(NamedTuple):
    notice: NoticeRow
    division_code: str
    handling_division: str | None


async def in_state(conn: asyncpg.Connection, schema: str, state: str, limit: int) -> list[Listed]:
    """The newest notices in a state, with the places that scope them (the matter's, the handling unit's)."""
    rows = await conn.fetch(
        f"""SELECT {", ".join("o." + c.strip() for c in _ROW.split(","))}, i.division_code, i.handling_division
            FROM {schema}.notice_outbox o JOIN {schema}.petition_index i USING (case_id)
            WHERE o.state = $1 ORDER BY o.issued_at DESC, o.notice_id LIMIT $2""",
        state,
        limit,
    )
    return [
        Listed(
            NoticeRow(**{k: r[k] for k in NoticeRow._fields}),
            r["division_code"],
            r["handling_division"],
        )
        for r in rows
    ]


async def forget_addresses(conn: asyncpg.Connection, schema: str, case_id: str, key_ids: Sequence[str]) -> None:
    """Erasure: the notices sealed under these keys keep what they said, not even the sealed address.

    Rows without a key (from before sealing: nothing opens them, so none is ever delivered) go too."""
    await conn.execute(
        f"""UPDATE {schema}.notice_outbox SET address = ''
            WHERE case_id = $1 AND (key_id = ANY($2::text[]) OR key_id IS NULL) AND address <> ''""",
        case_id,
        list(key_ids),
    )
