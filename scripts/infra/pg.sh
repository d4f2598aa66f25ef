# shellcheck shell=bash
# PostgreSQL 15 for Pujiang: a private cluster in $ROOT/.data/pg, run as the
# `postgres` user (PostgreSQL refuses root), listening on 127.0.0.1 only.
# Sourced by scripts/infra.sh after common.sh.

PGBIN=/usr/lib/postgresql/15/bin
PGDATA="$DATA_DIR/pg"
PG_LOG="$LOG_DIR/postgres.log"
DATABASE_URL="postgresql://pujiang:pujiang@127.0.0.1:$PG_PORT/pujiang"

# The unix socket lives in .data/run/pg rather than /var/run/postgresql, which
# may not exist and is shared with Debian's own cluster. A socket path may hold
# at most 107 bytes, though, so a very deep checkout falls back to a short,
# checkout-specific folder in /tmp rather than failing.
pg_socket_dir() {
    local dir="$RUN_DIR/pg"
    if ((${#dir} + ${#PG_PORT} + 10 > 107)); then # 10 = "/.s.PGSQL."
        dir="/tmp/pujiang-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
    fi
    printf '%s\n' "$dir"
}
PG_SOCKET_DIR="$(pg_socket_dir)"

as_postgres() { runuser -u postgres -- "$@"; }

# --- install -------------------------------------------------------------------
pg_ensure_installed() {
    if [[ -x "$PGBIN/postgres" && -x "$PGBIN/initdb" && -x "$PGBIN/psql" ]] && id postgres >/dev/null 2>&1; then
        return 0
    fi
    apt_install postgresql-15
    [[ -x "$PGBIN/postgres" ]] || die "postgresql-15 installed, but $PGBIN/postgres is missing"
    pg_quiet_debian_cluster
}

# Debian's package creates a cluster "15/main" on port 5432 and, where services
# may start, starts it. It would take our port, so stop it and keep it from
# starting on boot (it is not ours; we only touch it right after installing it).
pg_quiet_debian_cluster() {
    [[ -d /etc/postgresql/15/main ]] || return 0
    if pg_lsclusters -h 2>/dev/null | awk '$1 == 15 && $2 == "main" && $4 ~ /online/' | grep -q .; then
        say "stopping Debian's default cluster 15/main (it would take port 5432)…"
        pg_ctlcluster 15 main stop || warn "could not stop Debian's cluster 15/main"
    fi
    echo manual >/etc/postgresql/15/main/start.conf
}

# --- folders and permissions ---------------------------------------------------
# The postgres user must be able to walk down to .data/pg. A checkout under a
# private folder (mktemp -d makes mode 700 folders, CI may clone into one) blocks
# it, so give exactly the blocking ancestors the o+x bit: traverse only, nobody
# gains the right to list or read them.
pg_grant_traverse() {
    local dir="$DATA_DIR" chain=()
    while [[ "$dir" != / ]]; do
        chain=("$dir" "${chain[@]}")
        dir="$(dirname "$dir")"
    done
    for dir in "${chain[@]}"; do
        if ! as_postgres test -x "$dir"; then
            chmod o+x "$dir"
            say "note: added o+x (traverse only) to $dir so the postgres user can reach .data/pg"
        fi
    done
}

pg_prepare_dirs() {
    pg_grant_traverse
    mkdir -p "$PGDATA" "$PG_SOCKET_DIR"
    chown postgres:postgres "$PGDATA" "$PG_SOCKET_DIR"
    chmod 700 "$PGDATA" # initdb and postgres insist on 700/750
    chmod 755 "$PG_SOCKET_DIR"
    # pg_ctl opens the log as the postgres user; .data/logs stays root's.
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
}

# --- first run: initdb ---------------------------------------------------------
# The marker is written only after initdb and our one-time edit succeeded, so a
# run that died half-way through initdb is redone from an empty folder.
PG_INIT_MARKER="$PGDATA/.pujiang-initialized"

pg_initdb() {
    [[ -f "$PG_INIT_MARKER" ]] && return 0
    say "initialising the PostgreSQL cluster in $PGDATA (first run only)…"
    find "$PGDATA" -mindepth 1 -delete
    # Unix socket: trust, which is how this script bootstraps the role (a
    # single-user dev/CI machine). TCP: password (scram), so the credentials in
    # DATABASE_URL are really checked, as they would be anywhere else.
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
        {
            show_log_tail "$PG_LOG"
            die "initdb failed (see $PG_LOG)"
        }
    # Our settings live in a separate file that every `up` rewrites (ports may change).
    printf "\n# Pujiang's settings, rewritten by scripts/infra/pg.sh on every up\ninclude_if_exists 'pujiang.conf'\n" \
        >>"$PGDATA/postgresql.conf"
    as_postgres touch "$PG_INIT_MARKER"
}

# Settings for a 2-core / 24 GiB machine. Durability stays at the defaults
# (fsync, synchronous_commit, full_page_writes): the event store's tests must see
# the same commit behaviour as production.
pg_write_conf() {
    cat >"$PGDATA/pujiang.conf" <<EOF
# Written by scripts/infra/pg.sh on every 'up': edit that script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 300
shared_buffers = 512MB
effective_cache_size = 4GB
maintenance_work_mem = 128MB
work_mem = 8MB
fsync = on
synchronous_commit = on
full_page_writes = on
log_line_prefix = '%m [%p] %q%u@%d '
# Commit times: a crash test's diagnosis compares them with when the relays read (cheap).
track_commit_timestamp = on
# A replica's slot (PUJIANG_PG_REPLICA) keeps WAL for it while it is stopped; never more than this.
max_slot_wal_keep_size = 1GB
EOF
    chown postgres:postgres "$PGDATA/pujiang.conf"
}

# --- process state -------------------------------------------------------------
# Prints the postmaster's pid when our cluster is running. Checks more than
# "the pid in postmaster.pid is alive": after a crash or a reboot that pid may
# belong to an unrelated process. A postmaster's working directory is its data dir.
pg_pid() {
    local pid
    [[ -f "$PGDATA/postmaster.pid" ]] || return 1
    pid="$(head -n1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 1
    pid_alive "$pid" || return 1
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$PGBIN/postgres" ]] || return 1
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$PGDATA" ]] || return 1
    printf '%s\n' "$pid"
}

# A postmaster.pid naming a dead process is handled by postgres itself (it also
# checks for orphaned backends still holding shared memory, so we leave that
# file alone). One naming a live process that is not ours (pid reuse) could make
# postgres refuse to start, so that one goes.
pg_clear_stale_pidfile() {
    local pid
    [[ -f "$PGDATA/postmaster.pid" ]] || return 0
    pid="$(head -n1 "$PGDATA/postmaster.pid" 2>/dev/null || true)"
    if pid_alive "$pid"; then
        say "removing stale postmaster.pid (pid $pid is now another process)"
        rm -f "$PGDATA/postmaster.pid"
    fi
}

pg_ready() {
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}

# --- start ---------------------------------------------------------------------
pg_check_port_free() {
    port_open "$PG_PORT" || return 0
    local hint=""
    if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p && $4 ~ /online/' | grep -q .; then
        hint=" (a Debian cluster: see pg_lsclusters; stop it with pg_ctlcluster VERSION NAME stop)"
    fi
    die "port $PG_PORT is already in use by another process$hint; stop it or choose another port with PUJIANG_PG_PORT"
}

pg_start() {
    pg_clear_stale_pidfile
    pg_check_port_free
    say "starting PostgreSQL…"
    # setsid: the postmaster gets its own session, so it outlives this script and
    # the terminal or CI step that ran it. pg_ctl -w waits until it accepts
    # connections. 9>&-: the daemon must not inherit (and so hold) our lock.
    if ! setsid -w runuser -u postgres -- "$PGBIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" \
        -w -t "$INFRA_TIMEOUT" -s </dev/null >/dev/null 2>&1 9>&-; then
        show_log_tail "$PG_LOG"
        die "PostgreSQL did not start within ${INFRA_TIMEOUT}s (see $PG_LOG)"
    fi
}

pg_wait_ready() {
    local deadline=$((SECONDS + INFRA_TIMEOUT))
    until pg_ready; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$PG_LOG"
            die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT after ${INFRA_TIMEOUT}s (see $PG_LOG)"
        fi
        sleep 0.5
    done
}

# Role and database for the services; idempotent. SUPERUSER because the test
# suite creates and drops its own databases.
pg_bootstrap() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
        >/dev/null <<'SQL' || die "could not create role/database pujiang (see messages above)"
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pujiang') THEN
        CREATE ROLE pujiang LOGIN SUPERUSER PASSWORD 'pujiang';
    END IF;
END
$$;
SELECT 'CREATE DATABASE pujiang OWNER pujiang ENCODING ''UTF8'''
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'pujiang') \gexec
SQL
    # Each service's own least-privilege role (README "Database roles").
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d pujiang \
        -f "$ROOT/scripts/infra/pg_roles.sql" >/dev/null || die "could not create the service roles"
    # Prove the URL the services will use works: TCP, password, database.
    "$PGBIN/psql" -X -q -At "$DATABASE_URL" -c 'SELECT 1' >/dev/null ||
        die "PostgreSQL runs, but $DATABASE_URL does not connect"
}

pg_up() {
    pg_ensure_installed
    pg_prepare_dirs
    pg_initdb
    pg_write_conf
    local pid
    if pid="$(pg_pid)"; then
        say "PostgreSQL already running (pid $pid)"
    else
        pg_start
    fi
    pg_wait_ready
    pg_bootstrap
    say "PostgreSQL ready on 127.0.0.1:$PG_PORT (database pujiang, log $PG_LOG)"
}

# --- stop / status -------------------------------------------------------------
pg_down() {
    local pid
    if ! pid="$(pg_pid)"; then
        say "PostgreSQL is not running"
        return 0
    fi
    say "stopping PostgreSQL (pid $pid)…"
    # fast: roll back open transactions and disconnect clients, but shut down
    # cleanly (checkpoint), so the next start needs no crash recovery.
    if ! as_postgres "$PGBIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t "$INFRA_TIMEOUT" -s; then
        warn "PostgreSQL did not stop within ${INFRA_TIMEOUT}s; using immediate mode (crash recovery on next start)"
        as_postgres "$PGBIN/pg_ctl" stop -D "$PGDATA" -m immediate -w -t 30 -s || true
    fi
    say "PostgreSQL stopped"
}

# Prints one line; true when running and answering.
pg_status() {
    local pid
    if ! pid="$(pg_pid)"; then
        say "PostgreSQL: stopped"
        return 1
    fi
    if pg_ready; then
        say "PostgreSQL: running (pid $pid) on 127.0.0.1:$PG_PORT, data $PGDATA"
    else
        say "PostgreSQL: process $pid exists but does not answer on 127.0.0.1:$PG_PORT (see $PG_LOG)"
        return 1
    fi
}

pg_psql() {
    [[ -x "$PGBIN/psql" ]] || die "psql not installed; run: scripts/infra.sh up"
    exec "$PGBIN/psql" "$DATABASE_URL" "$@"
}
