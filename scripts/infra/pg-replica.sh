# shellcheck shell=bash
# A PostgreSQL streaming replica of the local primary (PUJIANG_PG_REPLICA=1):
# a hot standby in $ROOT/.data/pg-replica on PUJIANG_PG_REPLICA_PORT (primary
# port + 1), made once with pg_basebackup -R over a replication slot, so the
# primary keeps the WAL the replica has not received yet. Read-only: the
# projections service may serve its queries from it (PUJIANG_READ_DATABASE_URL).
# Promotion when the primary is lost: `scripts/infra.sh promote` (README).
# Sourced by scripts/infra.sh after pg.sh; it reuses pg.sh's functions with the
# replica's folder, port and log in place of the primary's (bash's `local` is
# seen by the functions it calls).

PG_REPLICA="${PUJIANG_PG_REPLICA:-0}"
PG_REPLICA_PORT="${PUJIANG_PG_REPLICA_PORT:-$((PG_PORT + 1))}"
PG_REPLICA_DATA="$DATA_DIR/pg-replica"
PG_REPLICA_LOG="$LOG_DIR/postgres-replica.log"
PG_REPLICA_SLOT=pujiang_replica
PG_REPLICATOR=replicator
PG_REPLICATOR_PASSWORD=replicator # dev only, like the pujiang role's; loopback only
READ_DATABASE_URL="postgresql://pujiang:pujiang@127.0.0.1:$PG_REPLICA_PORT/pujiang"

replica_validate() {
    [[ "$PG_REPLICA" =~ ^[01]$ ]] || die "PUJIANG_PG_REPLICA must be 0 or 1, got '$PG_REPLICA'"
    [[ "$PG_REPLICA_PORT" =~ ^[0-9]+$ ]] || die "PUJIANG_PG_REPLICA_PORT must be a number"
    ((PG_REPLICA_PORT != PG_PORT)) || die "the replica needs a port of its own (PUJIANG_PG_REPLICA_PORT)"
}

# On the primary: a role that may only replicate, and the slot that holds WAL for the replica.
replica_prepare_primary() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
        >/dev/null <<SQL || die "could not create the replication role/slot on the primary"
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_REPLICATOR') THEN
        CREATE ROLE $PG_REPLICATOR LOGIN REPLICATION PASSWORD '$PG_REPLICATOR_PASSWORD';
    END IF;
END
\$\$;
SQL
}

# First run only: copy the primary and write standby.signal + primary_conninfo (-R).
# The marker comes last, so a copy interrupted half-way is redone from scratch.
replica_basebackup() {
    [[ -f "$PGDATA/.pujiang-replica" ]] && return 0
    say "copying the primary into $PGDATA with pg_basebackup (first run only)…"
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    # A slot left by an earlier, deleted replica would hold WAL for nobody: drop it first.
    "$PGBIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$PRIMARY_PORT" -U postgres -d postgres -c \
        "SELECT pg_drop_replication_slot('$PG_REPLICA_SLOT') FROM pg_replication_slots WHERE slot_name = '$PG_REPLICA_SLOT'" \
        >/dev/null
    if ! PGPASSWORD="$PG_REPLICATOR_PASSWORD" as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" \
        -U "$PG_REPLICATOR" -D "$PGDATA" -R -X stream -C -S "$PG_REPLICA_SLOT" >>"$PG_LOG" 2>&1; then
        show_log_tail "$PG_LOG"
        die "pg_basebackup from 127.0.0.1:$PRIMARY_PORT failed (see $PG_LOG)"
    fi
    # The standby reconnects to the primary with primary_conninfo: it needs the password there.
    grep -q "primary_conninfo = '.*password=" "$PGDATA/postgresql.auto.conf" ||
        as_postgres sed -i "s/^primary_conninfo = '/primary_conninfo = 'password=$PG_REPLICATOR_PASSWORD /" \
        "$PGDATA/postgresql.auto.conf"
    as_postgres touch "$PGDATA/.pujiang-replica"
}

replica_up() {
    ((PG_REPLICA)) || return 0
    local PRIMARY_PORT="$PG_PORT"
    replica_prepare_primary
    local PGDATA="$PG_REPLICA_DATA" PG_PORT="$PG_REPLICA_PORT" PG_LOG="$PG_REPLICA_LOG"
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
    replica_basebackup
    pg_write_conf # the copy carries the primary's pujiang.conf (its port): rewrite it for the replica
    printf 'hot_standby = on\n# Long read queries on the replica are not cancelled by the primary vacuuming rows they see.\nhot_standby_feedback = on\n' \
        >>"$PGDATA/pujiang.conf"
    local pid
    if pid="$(pg_pid)"; then
        say "PostgreSQL replica already running (pid $pid)"
    else
        pg_start
    fi
    pg_wait_ready
    [[ "$("$PGBIN/psql" -X -At "$READ_DATABASE_URL" -c 'SELECT pg_is_in_recovery()')" == t ]] ||
        die "the server on 127.0.0.1:$PG_PORT answers but is not a standby (promoted? see README)"
    say "PostgreSQL replica ready on 127.0.0.1:$PG_PORT, streaming from :$PRIMARY_PORT (log $PG_LOG)"
}

replica_down() {
    [[ -d "$PG_REPLICA_DATA" ]] || return 0
    local PGDATA="$PG_REPLICA_DATA" PG_PORT="$PG_REPLICA_PORT" pid
    pid="$(pg_pid)" || return 0
    say "stopping the PostgreSQL replica (pid $pid)…"
    as_postgres "$PGBIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t "$INFRA_TIMEOUT" -s ||
        as_postgres "$PGBIN/pg_ctl" stop -D "$PGDATA" -m immediate -w -t 30 -s || true
}

replica_status() {
    ((PG_REPLICA)) || return 0
    local PGDATA="$PG_REPLICA_DATA" PG_PORT="$PG_REPLICA_PORT" lag
    pg_pid >/dev/null || {
        say "PostgreSQL replica: stopped"
        return 1
    }
    lag="$("$PGBIN/psql" -X -At "$READ_DATABASE_URL" -c \
        "SELECT coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 1)::text, '?')")" ||
        lag="?"
    say "PostgreSQL replica: running on 127.0.0.1:$PG_PORT, last replayed transaction ${lag}s ago"
}

# The primary is lost: make the replica a primary that takes writes. Afterwards point
# DATABASE_URL at it (and drop PUJIANG_READ_DATABASE_URL, or make a new replica of it).
replica_promote() {
    local PGDATA="$PG_REPLICA_DATA" PG_PORT="$PG_REPLICA_PORT"
    pg_pid >/dev/null || die "no replica runs in $PGDATA"
    as_postgres "$PGBIN/pg_ctl" promote -D "$PGDATA" -w -t "$INFRA_TIMEOUT" ||
        die "pg_ctl promote failed (see $PG_REPLICA_LOG)"
    rm -f "$PGDATA/.pujiang-replica" # no longer a copy: a later `up` must not treat it as one
    say "promoted: 127.0.0.1:$PG_PORT now takes writes; set DATABASE_URL=postgresql://pujiang:pujiang@127.0.0.1:$PG_PORT/pujiang"
}
