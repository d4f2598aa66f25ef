#!/usr/bin/env bash
# Run once by the postgres image when it initialises the primary (docker-entrypoint-initdb.d):
# the role a streaming replica connects with, and the pg_hba line that lets it replicate.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${PUJIANG_REPLICATOR_PASSWORD:-replicator}';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
