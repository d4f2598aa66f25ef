"""Where the read models live: one schema per generation, and a pointer to the one that serves.

A rebuild fills a fresh generation while the current one keeps serving, then moves the
pointer in one transaction. Every writer holds the switch lock shared for its transaction,
the switch takes it exclusively: no write lands in a generation after it stopped serving.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from services.projections.adapters.facts import TABLES_DDL
from services.projections.adapters.facts import index_ddl as facts_index_ddl

LEVEL_COLUMNS = ("in_province", "in_city", "in_county", "in_township", "in_village")


# The pointer and the rebuilds' record live in the service's own schema, made by its migration
# (ServiceSpec.extra_ddl, as the migration role, which owns them); the service's role reads and
# writes them. The generations are schemas of their own, made and owned by the service's role.
POINTER_DDL = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.read_model (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    schema    text NOT NULL,
    since     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS {schema}.rebuilds (
    schema      text PRIMARY KEY,
    previous    text,
    started_at  timestamptz NOT NULL,
    switched_at timestamptz,
    events      bigint NOT NULL DEFAULT 0,
    offsets     jsonb NOT NULL DEFAULT '{{}}'
);
"""


def pointer_ddl(base: str) -> str:
    return POINTER_DDL.format(schema=base)


def generation_ddl(schema: str) -> str:
    """The generation's tables; a bulk load creates them bare and adds `index_ddl` after its COPY."""
    return f"""
CREATE SCHEMA {schema};
-- A copy of every consumed event: what case history, audit replay and verification read.
CREATE TABLE {schema}.event_log (
    event_id       uuid NOT NULL,
    case_id        text NOT NULL,
    stream_id      text NOT NULL,
    version        integer NOT NULL,
    type           text NOT NULL,
    schema_version integer NOT NULL,
    source         text NOT NULL,
    time           timestamptz NOT NULL,
    correlation_id uuid NOT NULL,
    causation_id   uuid,
    actor          text NOT NULL,
    actor_unit     text,
    data           jsonb NOT NULL,
    prev_hash      text NOT NULL,
    hash           text NOT NULL
);
CREATE FUNCTION {schema}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON {schema}.event_log
    FOR EACH ROW EXECUTE FUNCTION {schema}.refuse_change();

CREATE TABLE {schema}.case_view (
    case_id       text NOT NULL,
    division      text,
    in_province   text,
    in_city       text,
    in_county     text,
    in_township   text,
    in_village    text,
    division_code text,
    status        text NOT NULL,
    level         text,
    category      text,
    channel       text,
    overdue       boolean NOT NULL,
    at_risk       boolean NOT NULL,
    opened_at     timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    doc           jsonb NOT NULL,
    contrib       jsonb NOT NULL,
    facts         jsonb NOT NULL DEFAULT '{{}}',  -- the case's scorecard and trend facts (adapters/facts.py)
    terms         text NOT NULL DEFAULT ''  -- its title's salient terms, space-separated (domain/topics.py)
);

-- Counters per division at every level: (division, metric, key) -> n; parent for drill-down.
CREATE TABLE {schema}.rollup (
    division text NOT NULL,
    metric   text NOT NULL,
    key      text NOT NULL,
    parent   text,
    n        bigint NOT NULL
);
""" + TABLES_DDL.format(schema=schema)


def index_ddl(schema: str) -> list[str]:
    """Keys and indexes of a generation, one statement each (a bulk load builds them side by side)."""
    return [
        f"ALTER TABLE {schema}.event_log ADD PRIMARY KEY (event_id)",
        f"CREATE INDEX event_log_case ON {schema}.event_log (case_id, time)",
        f"CREATE INDEX event_log_stream ON {schema}.event_log (stream_id, version)",
        f"ALTER TABLE {schema}.case_view ADD PRIMARY KEY (case_id)",
        *(
            f"CREATE INDEX {col}_recent ON {schema}.case_view ({col}, opened_at DESC, case_id DESC)"
            for col in LEVEL_COLUMNS
        ),
        f"CREATE INDEX case_view_updated ON {schema}.case_view (updated_at)",
        f"ALTER TABLE {schema}.rollup ADD PRIMARY KEY (division, metric, key)",
        f"CREATE INDEX rollup_children ON {schema}.rollup (parent, metric, key)",
        *facts_index_ddl(schema),
    ]


def new_generation_name(base: str) -> str:
    return f"{base}_rm_{datetime.now(UTC):%Y%m%d%H%M%S%f}"


def switch_lock(base: str) -> str:
    return f"{base}:read-model-switch"


async def create_generation(conn: asyncpg.Connection, base: str, *, indexed: bool = True) -> str:
    schema = new_generation_name(base)
    await conn.execute(generation_ddl(schema))
    if indexed:
        for statement in index_ddl(schema):
            await conn.execute(statement)
    return schema


async def ensure_read_model(pool: asyncpg.Pool, base: str) -> str:
    """The serving generation, creating a first, empty generation (and the pointer) when missing.

    The service's migration has made the pointer; only a caller that is the schema's owner (a test
    or bench on a fresh schema) finds it missing and creates it here: the service's role may not.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{base}:read-model")
        if await conn.fetchval("SELECT to_regclass($1)", f"{base}.read_model") is None:
            await conn.execute(pointer_ddl(base))
        current = await conn.fetchval(f"SELECT schema FROM {base}.read_model")
        if current is not None:
            return str(current)
        schema = await create_generation(conn, base)
        await conn.execute(f"INSERT INTO {base}.read_model (schema) VALUES ($1)", schema)
        return schema


async def upgrade_layout(conn: asyncpg.Connection, schema: str) -> bool:
    """Add what a generation made by an older version lacks (the fact tables, the terms); True when it did.

    Cases written before have no facts or terms yet: each gets its own on its next change, and a
    rebuild (`python -m services.projections.rebuild`) fills them all.
    """
    upgraded = False
    if await conn.fetchval("SELECT to_regclass($1)", f"{schema}.unit_facts") is None:
        await conn.execute(
            f"ALTER TABLE {schema}.case_view ADD COLUMN IF NOT EXISTS facts jsonb NOT NULL DEFAULT '{{}}'"
            + ";"
            + TABLES_DDL.format(schema=schema)
        )
        for statement in facts_index_ddl(schema):
            await conn.execute(statement)
        upgraded = True
    has_terms = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM information_schema.columns
                          WHERE table_schema = $1 AND table_name = 'case_view' AND column_name = 'terms')""",
        schema,
    )
    if not has_terms:
        await conn.execute(f"ALTER TABLE {schema}.case_view ADD COLUMN terms text NOT NULL DEFAULT ''")
        upgraded = True
    return upgraded


async def serving(conn: asyncpg.Connection, base: str) -> str:
    """The generation that answers queries now."""
    return str(await conn.fetchval(f"SELECT schema FROM {base}.read_model"))


async def writing(conn: asyncpg.Connection, base: str) -> str:
    """The serving generation, held for the rest of the caller's transaction (no switch meanwhile)."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared(hashtext($1))", switch_lock(base))
    # A statement of its own: its snapshot is taken after the lock, so it sees a switch that just committed.
    return await serving(conn, base)


async def point_at(conn: asyncpg.Connection, base: str, schema: str) -> str:
    """Make `schema` the serving generation (in the caller's transaction, switch lock held); the one before."""
    previous = await serving(conn, base)
    await conn.execute(f"UPDATE {base}.read_model SET schema = $1, since = clock_timestamp()", schema)
    return previous
