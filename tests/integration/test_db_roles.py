"""A service's own PostgreSQL role: its schema and nothing else, append-only on its events, no way out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from shared.audit.tree_store import tree_ddl
from shared.clock import SystemClock
from shared.eventstore.roles import grant_service_role
from shared.eventstore.schema import migrate
from shared.eventstore.store import START, PostgresEventStore
from tests.support.event_store_contract import an_event, meta

pytestmark = pytest.mark.integration


def as_role(database_url: str, role: str, password: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}"))


@pytest.fixture
async def roles(pg_pool: asyncpg.Pool) -> AsyncIterator[tuple[str, str]]:
    """Two services' schemas, one role each (named for this test alone; dropped after it)."""
    tag = uuid.uuid4().hex[:8]
    made = []
    for name in ("mine", "theirs"):
        schema, role = f"t_{tag}_{name}", f"t_{tag}_{name}_role"
        await migrate(pg_pool, schema, tree_ddl(schema))
        await grant_service_role(pg_pool, schema, role, "secret-" + tag)
        # Granting twice (a restart, a second instance) changes nothing.
        await grant_service_role(pg_pool, schema, role, "secret-" + tag)
        made.append((schema, role))
    yield made[0][0], made[1][0]
    async with pg_pool.acquire() as conn:
        for schema, role in made:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
            await conn.execute(f'DROP OWNED BY "{role}"')
            await conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture
async def conn(roles: tuple[str, str], test_database_url: str) -> AsyncIterator[asyncpg.Connection]:
    mine, _ = roles
    tag = mine.split("_")[1]
    connection = await asyncpg.connect(as_role(test_database_url, f"{mine}_role", "secret-" + tag))
    yield connection
    await connection.close()


async def test_the_role_appends_and_reads_its_own_events(roles: tuple[str, str], conn: asyncpg.Connection) -> None:
    mine, _ = roles
    store = PostgresEventStore(mine, "/pujiang/mine", SystemClock())
    async with conn.transaction():
        await store.append(conn, "s-1", 0, [an_event(1), an_event(2)], meta(), "case-1")
    assert [e.version for e in await store.load(conn, "s-1")] == [1, 2]
    assert len(await store.read_hashes(conn, START, 10)) == 2
    await conn.execute(f"INSERT INTO {mine}.inbox (consumer, event_id) VALUES ('c', $1)", uuid.uuid4())
    await conn.execute(f"DELETE FROM {mine}.inbox WHERE consumer = 'c'")  # its other tables are its own to keep


async def test_the_role_is_no_superuser_and_owns_nothing(roles: tuple[str, str], conn: asyncpg.Connection) -> None:
    mine, _ = roles
    me = await conn.fetchrow("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")
    assert tuple(me) == (False, False, False)
    owners = await conn.fetch("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1", mine)
    assert owners
    assert all(o["tableowner"] != f"{mine}_role" for o in owners)
    assert await conn.fetchval("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $1", mine) != (
        f"{mine}_role"
    )


async def test_the_role_cannot_read_another_services_schema(roles: tuple[str, str], conn: asyncpg.Connection) -> None:
    _, theirs = roles
    for table in ("events", "inbox", "merkle_blocks"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.fetch(f"SELECT * FROM {theirs}.{table}")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {s}.events SET actor = 'forger'",
        "DELETE FROM {s}.events",
        "TRUNCATE {s}.events",
        "ALTER TABLE {s}.events DISABLE TRIGGER ALL",
        "ALTER TABLE {s}.events DISABLE TRIGGER events_append_only",
        "DROP TRIGGER events_append_only ON {s}.events",
        "DROP TABLE {s}.events",
        "CREATE OR REPLACE FUNCTION {s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    ],
)
async def test_the_role_cannot_change_or_unprotect_its_events(
    roles: tuple[str, str], conn: asyncpg.Connection, sql: str
) -> None:
    mine, _ = roles
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await conn.execute(sql.format(s=mine))


@pytest.mark.parametrize(
    "sql",
    [
        # A function that runs programs: C (e.g. libc's system()) and untrusted languages need a superuser.
        "CREATE FUNCTION {s}.run(text) RETURNS int AS '/lib/x86_64-linux-gnu/libc.so.6', 'system' LANGUAGE c",
        "CREATE FUNCTION public.run(text) RETURNS int AS '/lib/x86_64-linux-gnu/libc.so.6', 'system' LANGUAGE c",
        "CREATE FUNCTION {s}.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "COPY (SELECT 1) TO PROGRAM 'id'",
        "COPY {s}.events FROM PROGRAM 'cat /etc/passwd'",
        "COPY (SELECT 1) TO '/tmp/pujiang-role-test'",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "SET ROLE postgres",
    ],
)
async def test_the_role_cannot_create_functions_that_run_programs_or_reach_the_server(
    roles: tuple[str, str], conn: asyncpg.Connection, sql: str
) -> None:
    mine, _ = roles
    with pytest.raises(asyncpg.PostgresError) as refused:
        await conn.execute(sql.format(s=mine))
    # Refused for want of rights, never run.
    assert isinstance(refused.value, asyncpg.InsufficientPrivilegeError), repr(refused.value)
