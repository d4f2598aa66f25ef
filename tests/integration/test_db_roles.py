"""A service's own PostgreSQL role: its schema and nothing else, append-only on its events, no way out.

Projections' role too, as the service really migrates and grants it (its `ServiceSpec`): it reads
events from Kafka, not from the other services' tables, so it has no rights on their schemas; it
may create schemas (its read-model generations), owns those and nothing else, and still cannot
run programs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.intake.app import SPEC as INTAKE
from services.projections.adapters.schema import ensure_read_model, serving
from services.projections.app import SPEC as PROJECTIONS
from services.projections.handlers import Projections
from services.projections.rebuild import drop_old_generations, rebuild
from services.projections.synthetic import histories, publish
from services.routing.app import SPEC as ROUTING
from services.sla.app import SPEC as SLA
from shared.audit.tree_store import tree_ddl
from shared.clock import SystemClock
from shared.eventstore.roles import grant_service_role, migration_user, service_url
from shared.eventstore.schema import migrate
from shared.eventstore.store import START, PostgresEventStore
from shared.messaging.topics import Topics, ensure_topics
from shared.service import migrate_service
from shared.settings import Settings
from tests.integration.test_projections_read_model import feed
from tests.support.event_store_contract import an_event, meta
from tests.support.infra import Infra

pytestmark = pytest.mark.integration
# What an operator with a service's rights would try on an events table (`{s}` is the schema).
EVENTS_TAMPERING = [
    "UPDATE {s}.events SET actor = 'forger'",
    "DELETE FROM {s}.events",
    "TRUNCATE {s}.events",
    "ALTER TABLE {s}.events DISABLE TRIGGER ALL",
    "DROP TRIGGER events_append_only ON {s}.events",
    "DROP TABLE {s}.events",
]


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
        *EVENTS_TAMPERING,
        "ALTER TABLE {s}.events DISABLE TRIGGER events_append_only",
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


# --- projections -------------------------------------------------------------------------------

OTHERS = ["intake", "routing", "sla"]


@pytest.fixture(scope="module")
async def services_migrated(test_database_url: str) -> Settings:
    """The four services' schemas and roles, migrated and granted as each service's start does."""
    settings = Settings(
        database_url=test_database_url,
        pujiang_db_service_roles=True,
        pujiang_service_database_url=None,
        pujiang_service_db_password=None,
    )
    for spec in (INTAKE, ROUTING, SLA, PROJECTIONS):
        await migrate_service(spec, settings)
    return settings


@pytest.fixture
async def projections_pool(services_migrated: Settings) -> AsyncIterator[asyncpg.Pool]:
    """Where the projections service connects: its own role."""
    url = service_url(services_migrated, "projections")
    assert migration_user(url) == f"{migration_user(services_migrated.database_url)}_projections"
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    yield pool
    await pool.close()


async def test_the_projections_role_is_no_superuser_and_owns_only_its_generations(
    projections_pool: asyncpg.Pool,
) -> None:
    generation = await ensure_read_model(projections_pool, "projections")
    me = await projections_pool.fetchrow(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles"
        " WHERE rolname = current_user"
    )
    assert tuple(me) == (False, False, False, False, False)
    owned = await projections_pool.fetch(
        "SELECT nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
    )
    assert generation in {r["nspname"] for r in owned}
    assert all(r["nspname"].startswith("projections_rm_") for r in owned), owned
    # Its own schema and its tables (events, inbox, the pointer) are the migration role's.
    foreign = await projections_pool.fetch(
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
             AND n.nspname NOT LIKE 'projections\\_rm\\_%' AND n.nspname <> 'pg_toast'"""  # toast: its tables' own
    )
    assert foreign == []
    assert await projections_pool.fetchval(
        "SELECT nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) FROM pg_namespace"
        " WHERE nspname = 'projections'"
    )


@pytest.mark.parametrize("table", ["events", "inbox", "merkle_blocks"])
@pytest.mark.parametrize("service", OTHERS)
async def test_the_projections_role_cannot_read_or_write_the_other_services_schemas(
    projections_pool: asyncpg.Pool, service: str, table: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
        await projections_pool.fetch(f"SELECT * FROM {service}.{table}")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
        await projections_pool.execute(f"INSERT INTO {service}.{table} DEFAULT VALUES")


@pytest.mark.parametrize("sql", EVENTS_TAMPERING)
@pytest.mark.parametrize("service", [*OTHERS, "projections"])
async def test_the_projections_role_cannot_touch_any_services_events(
    projections_pool: asyncpg.Pool, service: str, sql: str
) -> None:
    """The others' events not at all; its own (an event store it appends nothing to) append-only."""
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await projections_pool.execute(sql.format(s=service))


@pytest.mark.parametrize(
    "sql",
    [
        # Its own schema is the migration role's: the pointer and the bookkeeping stay as migrated.
        "ALTER TABLE projections.read_model DISABLE TRIGGER ALL",
        "DROP TABLE projections.rebuilds",
        "CREATE TABLE projections.mine (x int)",
        # May create schemas, but only its own.
        "CREATE SCHEMA t_theirs AUTHORIZATION {migrator}",
        "GRANT {migrator}_intake TO CURRENT_USER",
        # Owning a schema gives no way to run programs: C, untrusted extensions, the server's files.
        "CREATE FUNCTION {generation}.run(text) RETURNS int AS '/lib/x86_64-linux-gnu/libc.so.6', 'system' LANGUAGE c",
        "CREATE EXTENSION file_fdw SCHEMA {generation}",
        "CREATE EXTENSION adminpack",
        "COPY (SELECT 1) TO PROGRAM 'id'",
        "COPY {generation}.event_log FROM PROGRAM 'cat /etc/passwd'",
        "COPY (SELECT 1) TO '/tmp/pujiang-role-test'",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "SET ROLE postgres",
    ],
)
async def test_the_projections_role_cannot_reach_beyond_its_generations_or_run_programs(
    services_migrated: Settings, projections_pool: asyncpg.Pool, sql: str
) -> None:
    generation = await ensure_read_model(projections_pool, "projections")
    migrator = migration_user(services_migrated.database_url)
    with pytest.raises(asyncpg.PostgresError) as refused:
        await projections_pool.execute(sql.format(generation=generation, migrator=migrator))
    assert isinstance(refused.value, asyncpg.InsufficientPrivilegeError), repr(refused.value)


async def test_the_projections_role_rebuilds_while_it_serves(
    projections_pool: asyncpg.Pool, infra: Infra, topic_prefix: str
) -> None:
    """A fresh generation made, filled, switched to and the old one dropped, all as projections' own role."""
    await ensure_topics(Settings(kafka_bootstrap_servers=infra.kafka, pujiang_topic_prefix=topic_prefix,
                                 pujiang_partitions=3))  # fmt: skip
    topics = [Topics(topic_prefix).of(s) for s in OTHERS]
    tz = ZoneInfo("Asia/Shanghai")
    recorded = histories(200, datetime.now(UTC) - timedelta(days=5))
    await publish(infra.kafka, Topics(topic_prefix), recorded)
    live = Projections("projections", tz)
    before = await ensure_read_model(projections_pool, "projections")
    await feed(projections_pool, live, [e for _, e in recorded])

    result = await rebuild(projections_pool, infra.kafka, topics, "projections", tz, progress=False)

    assert (result["previous"], result["events"]) == (before, len(recorded))
    async with projections_pool.acquire() as conn:
        assert await serving(conn, "projections") == result["schema"]
    await feed(projections_pool, live, [e for _, e in recorded[:20]])  # the live consumer goes on, in the new one
    # Other tests of the session may have left generations of their own: every one but the kept goes.
    dropped = await drop_old_generations(projections_pool, "projections", {result["schema"]})
    assert before in dropped
    async with projections_pool.acquire() as conn:
        left = await conn.fetch("""SELECT nspname FROM pg_namespace WHERE nspname LIKE 'projections\\_rm\\_%'
                                   AND pg_has_role(current_user, nspowner, 'USAGE')""")
    assert [r["nspname"] for r in left] == [result["schema"]]
