"""DDL for one service's event store: append-only events, relay checkpoint, consumer inbox."""

from __future__ import annotations

import hashlib

import asyncpg


def event_store_ddl(schema: str) -> str:
    return f"""
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE IF NOT EXISTS {schema}.events (
    position       bigint GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction: readers follow (tx_id, position) below the oldest running
    -- transaction, so an event that commits late is never skipped (the xid8 technique).
    tx_id          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text NOT NULL,
    version        integer NOT NULL CHECK (version > 0),
    event_id       uuid NOT NULL UNIQUE,
    type           text NOT NULL,
    schema_version integer NOT NULL,
    subject        text NOT NULL,
    source         text NOT NULL,
    time           timestamptz NOT NULL,
    correlation_id uuid NOT NULL,
    causation_id   uuid,
    actor          text NOT NULL,
    actor_unit     text,
    data           jsonb NOT NULL,
    prev_hash      text NOT NULL,
    hash           text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The primary key is the optimistic concurrency check.
    PRIMARY KEY (stream_id, version)
);
CREATE INDEX IF NOT EXISTS events_global_order ON {schema}.events (tx_id, position);
CREATE INDEX IF NOT EXISTS events_subject ON {schema}.events (subject);

CREATE OR REPLACE FUNCTION {schema}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event store is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {schema}.events
    FOR EACH ROW EXECUTE FUNCTION {schema}.refuse_change();

CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON {schema}.events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.refuse_change();

CREATE TABLE IF NOT EXISTS {schema}.relay_checkpoint (
    name     text PRIMARY KEY,
    tx_id    xid8 NOT NULL,
    position bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS {schema}.inbox (
    consumer     text NOT NULL,
    event_id     uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, event_id)
);
"""


# A migrating instance waits at most this long for each table lock, then gives up (its start
# is retried). Without it, an instance starting beside running ones (a restart, a rollout) could
# take strong DDL locks in another order than their writers take theirs, and PostgreSQL's
# deadlock detector would abort one of those writers: an HTTP 500. Shorter than the default
# deadlock_timeout (1 s), so the migration is always the side that yields.
MIGRATE_LOCK_TIMEOUT = "500ms"

MIGRATIONS_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.migrations (
    fingerprint text PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT clock_timestamp()
)"""


async def migrate(pool: asyncpg.Pool, schema: str, *extra_ddl: str) -> None:
    """Create the schema's tables; an advisory lock keeps concurrent instances from racing.

    DDL already applied as it stands (same fingerprint) is not run again, so an instance that
    starts while others write takes no table lock at all.
    """
    ddl = [event_store_ddl(schema), drop_notify_ddl(schema), *extra_ddl]
    fingerprint = hashlib.sha256("\n".join(ddl).encode()).hexdigest()
    async with pool.acquire() as conn:
        if await _applied(conn, schema, fingerprint):
            return
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
            if await _applied(conn, schema, fingerprint):  # another instance just did it
                return
            await conn.execute(f"SET LOCAL lock_timeout = '{MIGRATE_LOCK_TIMEOUT}'")
            for statement in ddl:
                await conn.execute(statement)
            await conn.execute(MIGRATIONS_DDL.format(schema=schema))
            await conn.execute(
                f"INSERT INTO {schema}.migrations (fingerprint) VALUES ($1) ON CONFLICT DO NOTHING", fingerprint
            )


async def _applied(conn: asyncpg.Connection, schema: str, fingerprint: str) -> bool:
    if await conn.fetchval("SELECT to_regclass($1)", f"{schema}.migrations") is None:
        return False
    return bool(
        await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {schema}.migrations WHERE fingerprint = $1)", fingerprint)
    )


def drop_notify_ddl(schema: str) -> str:
    """Databases made before the relay stopped listening had a NOTIFY trigger on every insert.

    NOTIFY takes a cluster-wide lock from the notify until commit, so it serialised every
    committing writer; the relay now learns of our own commits in process (a poke after commit)
    and of other instances' by a short poll.
    """
    return f"""
DROP TRIGGER IF EXISTS events_notify ON {schema}.events;
DROP FUNCTION IF EXISTS {schema}.notify_events();
"""
