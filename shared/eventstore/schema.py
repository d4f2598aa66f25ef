"""DDL for one service's event store: append-only events, relay checkpoint, consumer inbox."""

from __future__ import annotations

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


async def migrate(pool: asyncpg.Pool, schema: str, *extra_ddl: str) -> None:
    """Create the schema's tables; an advisory lock keeps concurrent instances from racing."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await conn.execute(event_store_ddl(schema))
        await conn.execute(drop_notify_ddl(schema))
        for ddl in extra_ddl:
            await conn.execute(ddl)


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
