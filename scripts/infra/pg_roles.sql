-- Least-privilege roles for Pujiang (README "Database roles"). Idempotent; run as a superuser:
--   psql -v ON_ERROR_STOP=1 -d pujiang -f scripts/infra/pg_roles.sql
-- Development passwords are the roles' names; in production set real ones afterwards
-- (ALTER ROLE pujiang_intake PASSWORD '…') and give each service its PUJIANG_SERVICE_DATABASE_URL.
--
-- The migration role (DATABASE_URL) owns the schemas and grants each service's role its rights
-- after every migration (shared/eventstore/roles.py); the service roles own nothing of it and are
-- no superusers, so they cannot alter their tables (the append-only trigger), read other schemas,
-- or run programs. pujiang_projections is also granted CREATE on the database: it makes and owns
-- its read-model generation schemas, and only those. The local infrastructure's migration role
-- is `pujiang` (a superuser, so that test sessions may create their databases); production uses
-- `pujiang_migrator`, below.
DO $$
DECLARE
    service text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pujiang_migrator') THEN
        CREATE ROLE pujiang_migrator LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'pujiang_migrator';
    END IF;
    FOREACH service IN ARRAY ARRAY['intake', 'routing', 'sla', 'projections'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pujiang_' || service) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                           'NOBYPASSRLS PASSWORD %L', 'pujiang_' || service, 'pujiang_' || service);
        END IF;
    END LOOP;
END
$$;
