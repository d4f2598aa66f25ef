# shellcheck shell=bash
# Settings and helpers shared by pg.sh and kafka.sh. Sourced by scripts/infra.sh,
# which sets ROOT (the repository root, resolved from the script's own location)
# and INFRA_DIR (this folder) first.

# --- settings (environment variables override) --------------------------------
PG_PORT="${PUJIANG_PG_PORT:-5432}"
KAFKA_PORT="${PUJIANG_KAFKA_PORT:-9092}"
# Derived from the client port so a second checkout only has to move one number.
KAFKA_CONTROLLER_PORT="${PUJIANG_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
# Kafka nodes: 1 (the default) is one combined broker+controller; 3 a local cluster.
KAFKA_BROKERS="${PUJIANG_KAFKA_BROKERS:-1}"
# How long `up` waits for each service before giving up (and `down` before SIGKILL).
INFRA_TIMEOUT="${PUJIANG_INFRA_TIMEOUT:-120}"

DATA_DIR="$ROOT/.data"   # git-ignored; everything the services write lives here
LOG_DIR="$DATA_DIR/logs"
RUN_DIR="$DATA_DIR/run"  # pid files, lock file, PostgreSQL's unix socket

# --- output --------------------------------------------------------------------
say() { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] warning: %s\n' "$*" >&2; }
die() {
    printf '[infra] ERROR: %s\n' "$*" >&2
    exit 1
}

# Print the last lines of a log to stderr, to go with a die() about it.
show_log_tail() {
    local log="$1" lines="${2:-30}"
    [[ -f "$log" ]] || return 0
    printf '[infra] ---- last %s lines of %s ----\n' "$lines" "$log" >&2
    tail -n "$lines" "$log" >&2 || true
    printf '[infra] ----\n' >&2
}

# --- checks --------------------------------------------------------------------
validate_settings() {
    local name value
    for name in PG_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BROKERS INFRA_TIMEOUT; do
        value="${!name}"
        [[ "$value" =~ ^[0-9]+$ ]] || die "$name must be a number, got '$value'"
    done
    ((KAFKA_PORT != KAFKA_CONTROLLER_PORT)) || die "the Kafka client and controller ports must differ"
    ((KAFKA_BROKERS >= 1 && KAFKA_BROKERS <= 9)) || die "PUJIANG_KAFKA_BROKERS must be 1 to 9, got $KAFKA_BROKERS"
    # Node i uses client port + 2(i-1) and controller port + 2(i-1): the two series must not meet.
    if ((KAFKA_BROKERS > 1 && (KAFKA_CONTROLLER_PORT - KAFKA_PORT) % 2 == 0)); then
        die "with PUJIANG_KAFKA_BROKERS>1 the controller port must be the Kafka port plus an odd number (default +1)"
    fi
}

require_root() {
    # PostgreSQL refuses to run as root, so we switch to the `postgres` user with
    # runuser, chown its folders and may install packages: all of that needs root.
    ((EUID == 0)) || die "run this as root (it installs packages and switches to the postgres user)"
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp;
# a closed loopback port is refused at once, so this never hangs).
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True while process $1 exists and is not a zombie. (In containers whose PID 1
# does not reap, a killed child can linger as a zombie with an empty cmdline.)
pid_alive() {
    local pid="$1" state
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ -n "$state" && "$state" != Z ]]
}

# Command line of process $1, NULs turned into spaces.
pid_cmdline() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
}

# One lock for up/down, so two runs at once (a second terminal, a test harness
# calling `up` in parallel) queue instead of both trying to initdb/format.
# flock is held by every process that inherits fd 9, so the daemons we start
# are launched with 9>&- (otherwise the next `up` would wait on them forever).
take_lock() {
    mkdir -p "$RUN_DIR"
    exec 9>"$RUN_DIR/infra.lock"
    flock -w "$INFRA_TIMEOUT" 9 || die "another scripts/infra.sh is still running (lock $RUN_DIR/infra.lock)"
}

# Folders shared by both services. Mode 755 explicitly: under a umask of 077
# the postgres user could not reach its own data folder below them.
prepare_dirs() {
    mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
    chmod 755 "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
}

# --- packages (Debian) ---------------------------------------------------------
APT_UPDATED=0

apt_update() {
    ((APT_UPDATED)) && return 0
    say "updating the apt package lists…"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LOG_DIR/apt.log" 2>&1 ||
        {
            show_log_tail "$LOG_DIR/apt.log"
            die "apt-get update failed (see $LOG_DIR/apt.log)"
        }
    APT_UPDATED=1
}

# True when apt's current lists know every package named.
apt_knows() {
    local pkg
    for pkg in "$@"; do
        apt-cache show "$pkg" >/dev/null 2>&1 || return 1
    done
}

# apt-get install, running `apt-get update` only when needed: when the lists do
# not know a package, or when an install fails (stale lists point at files the
# mirror no longer has).
apt_install() {
    say "installing $* (apt-get)…"
    apt_knows "$@" || apt_update
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
        >>"$LOG_DIR/apt.log" 2>&1; then
        if ((!APT_UPDATED)); then
            apt_update
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
                >>"$LOG_DIR/apt.log" 2>&1 && return 0
        fi
        show_log_tail "$LOG_DIR/apt.log"
        die "apt-get install $* failed (see $LOG_DIR/apt.log)"
    fi
}
