"""Least privilege in PostgreSQL: each service runs as a role of its own, the migration role owns the schemas.

- `DATABASE_URL` is the **migration role**: it runs the migrations and owns every schema and
  table (in dev the cluster's `pujiang`; in production a dedicated owner, README "Database roles").
- Each service then connects as **its own role** (`PUJIANG_SERVICE_DATABASE_URL`, or derived:
  the migration role's name + `_<service>`, e.g. `pujiang_intake`), which after each migration
  is granted: USAGE on its own schema only; SELECT and INSERT on its `events` (never UPDATE,
  DELETE, TRUNCATE, TRIGGER or REFERENCES); read and write on its other tables (inbox,
  checkpoints, indexes of its own). It owns nothing, so it cannot ALTER (e.g. disable the
  append-only trigger) or drop anything, and as a plain role it cannot use untrusted languages,
  COPY ... PROGRAM or server files.
- A service that makes schemas while it serves (projections' read-model generations) is also
  granted CREATE on the database: it then owns the schemas it makes, and only those. It still
  owns nothing of the migration role's, and CREATE on a database gives no way to run programs
  (C and untrusted languages, untrusted extensions, COPY ... PROGRAM stay a superuser's).
- Roles are cluster-wide, databases are not: the role is created once if missing (when the
  migration role may create roles), its grants are made in each database, so parallel test
  sessions, each with its own database, share the roles harmlessly.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg
import structlog

from shared.settings import Settings

log = structlog.get_logger()


def migration_user(database_url: str) -> str:
    return unquote(urlsplit(database_url).username or "postgres")


def service_role(settings: Settings, service: str) -> str:
    """The service's role: the one in PUJIANG_SERVICE_DATABASE_URL, else `<migration role>_<service>`."""
    if settings.pujiang_service_database_url:
        return migration_user(settings.pujiang_service_database_url)
    return f"{migration_user(settings.database_url)}_{service}"


def service_password(settings: Settings, service: str) -> str:
    """PUJIANG_SERVICE_DB_PASSWORD, or in development the role's own name."""
    return settings.pujiang_service_db_password or service_role(settings, service)


def service_url(settings: Settings, service: str) -> str:
    """Where the service connects: its own role (or, with PUJIANG_DB_SERVICE_ROLES=false, DATABASE_URL)."""
    if not settings.pujiang_db_service_roles:
        return settings.database_url
    if settings.pujiang_service_database_url:
        return settings.pujiang_service_database_url
    parts = urlsplit(settings.database_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    user = quote(service_role(settings, service), safe="")
    password = quote(service_password(settings, service), safe="")
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}{port}", parts.path, parts.query, parts.fragment))


def service_read_url(settings: Settings, service: str) -> str | None:
    """PUJIANG_READ_DATABASE_URL, logged into as the service's own role (as on the primary).

    A streaming replica is a copy of the whole server, roles and passwords included, so the role
    the service is on the primary exists there too: read as it, not as the URL's (migration) user,
    which would have rights on every service's schema and none on schemas the service owns.
    """
    read = settings.pujiang_read_database_url
    if read is None or not settings.pujiang_db_service_roles:
        return read
    login, at, _ = urlsplit(service_url(settings, service)).netloc.rpartition("@")
    if not at:  # a service URL without credentials (e.g. a peer-authenticated socket): nothing to carry over
        return read
    parts = urlsplit(read)
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.netloc.rpartition('@')[2]}"))


def grants_ddl(schema: str, role: str) -> str:
    """What the service's role may do in its schema, made again after every migration (new tables too)."""
    r = _ident(role)
    return f"""
GRANT USAGE ON SCHEMA {schema} TO {r};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r};
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {schema}.events FROM {r};
REVOKE CREATE ON SCHEMA {schema} FROM {r};
"""


async def ensure_role(conn: asyncpg.Connection, role: str, password: str) -> None:
    """Create the service's login role if it does not exist (a no-op when it does, or we may not)."""
    if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        return
    may = await conn.fetchval("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    if not may:
        raise RuntimeError(f"role {role} does not exist and {migration_user_of(conn)} may not create it: "
                           "create it first (scripts/infra/pg_roles.sql, README 'Database roles')")  # fmt: skip
    literal = await conn.fetchval("SELECT quote_literal($1)", password)
    try:
        await conn.execute(
            f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
            f"PASSWORD {literal}"
        )
        log.info("db.role_created", role=role)
    except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
        pass  # another session (a parallel test session, another instance) made it first


def migration_user_of(conn: asyncpg.Connection) -> str:
    params = conn.get_settings()
    return str(getattr(params, "session_authorization", "the migration role"))


async def grant_service_role(
    pool: asyncpg.Pool, schema: str, role: str, password: str, *, makes_schemas: bool = False
) -> None:
    """Make sure the role exists, then grant it its schema (in the migration's advisory lock).

    `makes_schemas`: the role may also create schemas in this database (CREATE on it), which it
    then owns; projections' read-model generations, made while it serves.
    """
    async with pool.acquire() as conn:
        await ensure_role(conn, role, password)
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
            await conn.execute(grants_ddl(schema, role))
            if makes_schemas:
                await grant_schema_creation(conn, role)


async def grant_schema_creation(conn: asyncpg.Connection, role: str) -> None:
    """CREATE on the current database; refused loudly, as PostgreSQL only warns when it grants nothing."""
    database = _ident(await conn.fetchval("SELECT current_database()"))
    await conn.execute(f"GRANT CREATE ON DATABASE {database} TO {_ident(role)}")
    if not await conn.fetchval("SELECT has_database_privilege($1, current_database(), 'CREATE')", role):
        raise RuntimeError(f"{migration_user_of(conn)} could not grant {role} CREATE on the database: "
                           "make the migration role the database's owner (README 'Database roles')")  # fmt: skip


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
