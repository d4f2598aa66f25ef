#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Local infrastructure for Pujiang without Docker: PostgreSQL 15 and a
# single-node Kafka 4.4.0 (KRaft), both private to this checkout, with all their
# state in .data/ (git-ignored).
#
#   scripts/infra.sh up      install what is missing, start both, wait until ready (idempotent)
#   scripts/infra.sh down    stop both; data stays in .data/ for the next `up`
#                            (`down kafka replica`: only those, e.g. a cluster on a shared primary)
#   scripts/infra.sh status  show what runs; exit 0 only when both are up
#   scripts/infra.sh env     print export lines: eval "$(scripts/infra.sh env)"
#   scripts/infra.sh psql    psql connected to the pujiang database (extra args pass through)
#   scripts/infra.sh topics  Kafka's kafka-topics against the local broker, e.g. `topics --list`
#   scripts/infra.sh promote the primary is lost: the replica becomes a primary (README)
#
# Settings: PUJIANG_PG_PORT (5432), PUJIANG_KAFKA_PORT (9092),
# PUJIANG_KAFKA_CONTROLLER_PORT (Kafka port + 1), PUJIANG_INFRA_TIMEOUT (120 s),
# PUJIANG_KAFKA_BROKERS (1; 3 starts a three-node KRaft cluster on Kafka port,
# +2, +4, and `env` then also exports PUJIANG_REPLICATION_FACTOR=3),
# PUJIANG_PG_REPLICA (0; 1 adds a streaming replica on PUJIANG_PG_REPLICA_PORT,
# PostgreSQL port + 1, and `env` exports PUJIANG_READ_DATABASE_URL).
# Logs: .data/logs/{postgres,kafka,maven,apt}.log (a cluster: kafka-1.log, kafka-2.log, ...)
set -euo pipefail

# Resolve the repository from this file's location (symlinks resolved), so the
# script works from any working directory and any clone location.
INFRA_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/infra" && pwd -P)"
ROOT="$(cd -- "$INFRA_DIR/../.." && pwd -P)"

# shellcheck source=infra/common.sh
source "$INFRA_DIR/common.sh"
# shellcheck source=infra/pg.sh
source "$INFRA_DIR/pg.sh"
# shellcheck source=infra/pg-replica.sh
source "$INFRA_DIR/pg-replica.sh"
# shellcheck source=infra/kafka.sh
source "$INFRA_DIR/kafka.sh"

usage() {
    sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

cmd_up() {
    require_root
    prepare_dirs
    take_lock
    local started=$SECONDS
    pg_up
    replica_up
    kafka_up
    say "all up in $((SECONDS - started))s; for the services and tests:"
    cmd_env | sed 's/^/[infra]   /'
}

cmd_down() {
    require_root
    prepare_dirs
    take_lock
    local parts=("$@") part
    ((${#parts[@]})) || parts=(kafka replica pg)
    for part in "${parts[@]}"; do
        [[ "$part" =~ ^(kafka|replica|pg)$ ]] || die "down: unknown part '$part' (kafka, replica, pg)"
    done
    # Kafka first: it does not depend on PostgreSQL, but services that consume
    # from Kafka write to PostgreSQL, so stopping the event flow first is tidier.
    # The replica before its primary: it would only log reconnection attempts.
    [[ " ${parts[*]} " != *" kafka "* ]] || kafka_down
    [[ " ${parts[*]} " != *" replica "* ]] || replica_down
    [[ " ${parts[*]} " != *" pg "* ]] || pg_down
}

cmd_status() {
    local rc=0
    pg_status || rc=1
    replica_status || rc=1
    kafka_status || rc=1
    return "$rc"
}

# Only export lines on stdout, so `eval "$(scripts/infra.sh env)"` works.
cmd_env() {
    printf 'export KAFKA_BOOTSTRAP_SERVERS=%s\n' "$KAFKA_BOOTSTRAP"
    # A cluster's topics are replicated; the services' default (1) fits the single broker.
    if ((KAFKA_BROKERS > 1)); then
        printf 'export PUJIANG_REPLICATION_FACTOR=%s\n' "$KAFKA_REPLICATION"
        printf 'export PUJIANG_MIN_INSYNC_REPLICAS=%s\n' "$KAFKA_MIN_ISR"
    fi
    printf 'export DATABASE_URL=%s\n' "$DATABASE_URL"
    ((!PG_REPLICA)) || printf 'export PUJIANG_READ_DATABASE_URL=%s\n' "$READ_DATABASE_URL"
}

main() {
    validate_settings
    replica_validate
    local cmd="${1:-}"
    shift || true
    case "$cmd" in
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    psql) pg_psql "$@" ;;
    topics) kafka_topics "$@" ;;
    promote)
        require_root
        replica_promote
        ;;
    -h | --help | help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
