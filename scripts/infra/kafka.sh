# shellcheck shell=bash
# Apache Kafka 4.4.0 for Pujiang: one JVM that is both KRaft controller and
# broker, its class path fetched from Maven Central (there is no Docker and no
# release tarball here), storage in $ROOT/.data/kafka/data.
# With PUJIANG_KAFKA_BROKERS=N (N>1) a cluster of N such nodes instead: every node
# is broker and controller (a static quorum of N voters), node i listens on
# Kafka port + 2(i-1) and controller port + 2(i-1), storage in
# $ROOT/.data/kafka/cluster<N>/node<i>, logs kafka-<i>.log. Internal topics are
# then replicated min(N,3) times with min.insync.replicas one fewer.
# Sourced by scripts/infra.sh after common.sh.

KAFKA_SRC="$INFRA_DIR/kafka" # pom.xml, log4j2*.properties, server.properties.in
KAFKA_DIR="$DATA_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_LIBS_MARKER="$KAFKA_LIBS/.complete" # holds the sha256 of the pom it came from
# The replication of the cluster's internal topics, and the factor `env` hands to the services.
KAFKA_REPLICATION=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))
KAFKA_MIN_ISR=$((KAFKA_REPLICATION > 1 ? KAFKA_REPLICATION - 1 : 1))

node_port() { printf '%s\n' $((KAFKA_PORT + 2 * ($1 - 1))); }
node_controller_port() { printf '%s\n' $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }

# Every node's client address, comma-separated: what the services bootstrap from.
kafka_bootstrap_list() {
    local i list=()
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do list+=("127.0.0.1:$(node_port "$i")"); done
    local IFS=,
    printf '%s\n' "${list[*]}"
}
KAFKA_BOOTSTRAP="$(kafka_bootstrap_list)"

# Point the per-node variables (ports, storage, config, pid file, log) at node $1.
# A single broker keeps the paths it always had, so existing .data/ stays valid.
kafka_node() {
    NODE_ID="$1"
    NODE_PORT="$(node_port "$1")"
    NODE_CONTROLLER_PORT="$(node_controller_port "$1")"
    NODE_ADDR="127.0.0.1:$NODE_PORT"
    if ((KAFKA_BROKERS == 1)); then
        NODE_DIR="$KAFKA_DIR"
        KAFKA_STORAGE="$KAFKA_DIR/data"
        KAFKA_CONF="$KAFKA_DIR/server.properties"
        KAFKA_PID_FILE="$RUN_DIR/kafka.pid"
        KAFKA_LOG="$LOG_DIR/kafka.log"
    else
        NODE_DIR="$KAFKA_DIR/cluster$KAFKA_BROKERS/node$1"
        KAFKA_STORAGE="$NODE_DIR/data"
        KAFKA_CONF="$NODE_DIR/server.properties"
        KAFKA_PID_FILE="$RUN_DIR/kafka-$1.pid"
        KAFKA_LOG="$LOG_DIR/kafka-$1.log"
    fi
}
kafka_node 1

# The broker's JVM. G1 settings are those of Kafka's own kafka-run-class.sh.
KAFKA_HEAP_OPTS=(-Xmx512m -Xms512m)
KAFKA_JVM_OPTS=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)
# Short-lived tools (storage format, admin commands): small heap, quick start.
KAFKA_TOOL_OPTS=(-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

JAVA="" # set by ensure_java

# --- Java and Maven ------------------------------------------------------------
# Major version of the java binary $1 ("1.8" style counts as 8).
java_major() {
    local spec
    spec="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
    spec="${spec#1.}"
    printf '%s\n' "${spec%%.*}"
}

# Kafka 4.x brokers need Java 17 or newer.
ensure_java() {
    local candidate major
    for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/java-*-openjdk-*/bin/java; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        major="$(java_major "$candidate")"
        if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)); then
            JAVA="$candidate"
            return 0
        fi
    done
    apt_install openjdk-17-jre-headless
    for candidate in /usr/lib/jvm/java-17-openjdk-*/bin/java; do
        [[ -x "$candidate" ]] && JAVA="$candidate" && return 0
    done
    die "installed openjdk-17-jre-headless but found no java 17 under /usr/lib/jvm"
}

ensure_maven() {
    command -v mvn >/dev/null && return 0
    apt_install maven
}

# --- class path ------------------------------------------------------------------
kafka_libs_complete() {
    [[ -f "$KAFKA_LIBS_MARKER" ]] &&
        [[ "$(cat "$KAFKA_LIBS_MARKER")" == "$(sha256sum "$KAFKA_SRC/pom.xml" | cut -d' ' -f1)" ]]
}

# Resolve the broker's runtime class path into .data/kafka/libs, once. Maven
# writes into a temporary folder that replaces libs/ only when complete, and the
# marker (the pom's checksum) is written last: an interrupted download, or a
# changed pom, means the next `up` downloads again. ~/.m2 caches the jars, so a
# fresh clone on a machine that has run this before does not hit the network.
kafka_fetch_libs() {
    kafka_libs_complete && return 0
    ensure_maven
    say "downloading Kafka libraries (first run only)…"
    local tmp="$KAFKA_DIR/libs.tmp" mvn_log="$LOG_DIR/maven.log"
    mkdir -p "$KAFKA_DIR"
    rm -rf "$tmp"
    if ! mvn -B -q -f "$KAFKA_SRC/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null >"$mvn_log" 2>&1; then
        show_log_tail "$mvn_log"
        die "Maven could not resolve the Kafka class path (see $mvn_log)"
    fi
    local jar
    for jar in 'kafka_2.13-*.jar' 'kafka-clients-*.jar' 'kafka-tools-[0-9]*.jar' 'log4j-slf4j-impl-*.jar' 'log4j-core-*.jar'; do
        compgen -G "$tmp/$jar" >/dev/null || die "Maven finished but $jar is missing from $tmp (see $mvn_log)"
    done
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
    sha256sum "$KAFKA_SRC/pom.xml" | cut -d' ' -f1 >"$KAFKA_LIBS_MARKER"
    say "Kafka libraries ready ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS)"
}

# Run a class from the Kafka class path as a short-lived tool.
kafka_tool() {
    "$JAVA" "${KAFKA_TOOL_OPTS[@]}" -Dlog4j2.configurationFile="$KAFKA_SRC/log4j2-tools.properties" \
        -cp "$KAFKA_LIBS/*" "$@"
}

# --- configuration and storage -----------------------------------------------------
# Fill the template's @PLACEHOLDERS@ (bash substitution, so paths with / or &
# need no escaping). Rewritten on every `up`, so port variables take effect.
kafka_write_conf() {
    local conf
    conf="$(<"$KAFKA_SRC/server.properties.in")"
    conf="${conf//@NODE_ID@/$NODE_ID}"
    conf="${conf//@KAFKA_PORT@/$NODE_PORT}"
    conf="${conf//@CONTROLLER_PORT@/$NODE_CONTROLLER_PORT}"
    conf="${conf//@QUORUM@/$(kafka_quorum)}"
    conf="${conf//@REPLICATION@/$KAFKA_REPLICATION}"
    conf="${conf//@MIN_ISR@/$KAFKA_MIN_ISR}"
    conf="${conf//@DATA_DIR@/$KAFKA_STORAGE}"
    mkdir -p "$NODE_DIR"
    printf '# Generated from scripts/infra/kafka/server.properties.in by scripts/infra/kafka.sh; edit that.\n%s\n' \
        "$conf" >"$KAFKA_CONF"
}

# How the controllers find each other. One node: a dynamic quorum bootstrapped
# from itself (formatted --standalone). A cluster: a static quorum listing every
# node as a voter, which needs no voter records at format time.
kafka_quorum() {
    if ((KAFKA_BROKERS == 1)); then
        printf 'controller.quorum.bootstrap.servers=127.0.0.1:%s\n' "$NODE_CONTROLLER_PORT"
        return
    fi
    local i voters=()
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do voters+=("$i@127.0.0.1:$(node_controller_port "$i")"); done
    local IFS=,
    printf 'controller.quorum.voters=%s\n' "${voters[*]}"
}

# One cluster id shared by every node of a cluster, made once.
kafka_cluster_id() {
    local file="$KAFKA_DIR/cluster$KAFKA_BROKERS/cluster-id" id
    if [[ -s "$file" ]]; then
        cat "$file"
        return
    fi
    id="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG" | tail -n1)"
    [[ -n "$id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing (see $KAFKA_LOG)"
    mkdir -p "$(dirname "$file")"
    printf '%s\n' "$id" >"$file"
    printf '%s\n' "$id"
}

# First run only: give the storage a cluster id and, with --standalone, make
# this node the single voter of the KRaft controller quorum (a cluster's nodes
# share one id and list their voters in the config instead). meta.properties is
# the sign of a completed format; a folder without it holds no data yet and is
# cleared, so a format interrupted half-way is simply redone.
kafka_format() {
    if [[ -f "$KAFKA_STORAGE/meta.properties" ]]; then
        kafka_check_formatted_ports
        return 0
    fi
    say "formatting Kafka storage in $KAFKA_STORAGE (first run only)…"
    rm -rf "$KAFKA_STORAGE"
    mkdir -p "$KAFKA_STORAGE"
    local cluster_id standalone=()
    if ((KAFKA_BROKERS == 1)); then
        cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG" | tail -n1)"
        [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing (see $KAFKA_LOG)"
        standalone=(--standalone)
    else
        cluster_id="$(kafka_cluster_id)"
    fi
    if ! kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONF" "${standalone[@]}" \
        >>"$KAFKA_LOG" 2>&1; then
        show_log_tail "$KAFKA_LOG"
        rm -rf "$KAFKA_STORAGE"
        die "formatting Kafka storage failed (see $KAFKA_LOG)"
    fi
    printf '%s\n' "$NODE_CONTROLLER_PORT" >"$NODE_DIR/formatted-controller-port"
}

# --standalone records the controller's address in the metadata log, so the
# storage belongs to the controller port it was formatted with.
kafka_check_formatted_ports() {
    local formatted
    formatted="$(cat "$NODE_DIR/formatted-controller-port" 2>/dev/null || true)"
    if [[ -n "$formatted" && "$formatted" != "$NODE_CONTROLLER_PORT" ]]; then
        warn "Kafka storage was formatted with controller port $formatted, now $NODE_CONTROLLER_PORT;" \
            "if the broker does not start, use the old port or delete $KAFKA_DIR/data"
    fi
}

# --- process state -----------------------------------------------------------------
# Prints the broker's pid when it runs. The pid file alone proves nothing after
# a crash or reboot (pids are reused), so the process must also be a kafka.Kafka
# started with this checkout's server.properties.
kafka_pid() {
    local pid cmd
    [[ -f "$KAFKA_PID_FILE" ]] || return 1
    pid="$(<"$KAFKA_PID_FILE")"
    pid_alive "$pid" || return 1
    cmd="$(pid_cmdline "$pid")"
    [[ "$cmd" == *" kafka.Kafka $KAFKA_CONF"* ]] || return 1
    printf '%s\n' "$pid"
}

kafka_check_ports_free() {
    local port
    for port in "$NODE_PORT" "$NODE_CONTROLLER_PORT"; do
        if port_open "$port"; then
            die "port $port is already in use by another process; stop it or choose other ports" \
                "with PUJIANG_KAFKA_PORT / PUJIANG_KAFKA_CONTROLLER_PORT"
        fi
    done
}

# --- start -------------------------------------------------------------------------
kafka_start() {
    rm -f "$KAFKA_PID_FILE" # stale: kafka_pid said no broker of ours runs
    kafka_check_ports_free
    say "starting Kafka…"
    # setsid -f + nohup: the broker gets its own session and ignores SIGHUP, so it
    # outlives this script and the terminal/CI step. The inner bash writes its
    # own pid and then execs java, so the pid file holds the JVM's pid exactly.
    # 9>&-: the broker must not inherit (and so hold forever) our lock.
    # shellcheck disable=SC2016 # $$ and $1 are meant for the inner bash
    setsid -f nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-launcher "$KAFKA_PID_FILE" \
        "$JAVA" "${KAFKA_HEAP_OPTS[@]}" "${KAFKA_JVM_OPTS[@]}" \
        -Dlog4j2.configurationFile="$KAFKA_SRC/log4j2.properties" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF" \
        </dev/null >>"$KAFKA_LOG" 2>&1 9>&-
    # setsid -f returns at once; wait (briefly) until the JVM is there.
    local deadline=$((SECONDS + 15))
    until kafka_pid >/dev/null; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$KAFKA_LOG"
            die "the Kafka JVM did not start (see $KAFKA_LOG)"
        fi
        sleep 0.2
    done
}

# Ready means: the broker logged that it started (after this launch; the log is
# appended to across runs), it accepts TCP connections, and a real request (an
# ApiVersions round trip through the admin client) succeeds.
kafka_wait_ready() {
    local log_offset="$1" deadline=$((SECONDS + INFRA_TIMEOUT))
    while :; do
        if ! kafka_pid >/dev/null; then
            show_log_tail "$KAFKA_LOG" 40
            die "Kafka exited during startup (see $KAFKA_LOG)"
        fi
        # Not `tail | grep -q`: grep stops at the first match, tail dies of SIGPIPE on a long log,
        # and with pipefail the check would fail for as long as we waited.
        if port_open "$NODE_PORT" &&
            grep -q 'Kafka Server started' < <(tail -c "+$((log_offset + 1))" "$KAFKA_LOG"); then
            break
        fi
        if ((SECONDS >= deadline)); then
            show_log_tail "$KAFKA_LOG" 40
            die "Kafka did not start within ${INFRA_TIMEOUT}s (see $KAFKA_LOG)"
        fi
        sleep 0.5
    done
    kafka_tool org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$NODE_ADDR" \
        >/dev/null 2>>"$KAFKA_LOG" ||
        die "Kafka listens on $NODE_ADDR but does not answer requests (see $KAFKA_LOG)"
}

# Every node is started before any is waited for: a cluster's node reports
# "started" only once a majority of the controller quorum is up.
kafka_up() {
    ensure_java
    mkdir -p "$KAFKA_DIR"
    kafka_fetch_libs
    local i pid offsets=()
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do
        kafka_node "$i"
        kafka_write_conf
        offsets[i]=""
        if pid="$(kafka_pid)"; then
            say "Kafka node $i already running (pid $pid)"
            port_open "$NODE_PORT" ||
                die "Kafka process $pid runs but nothing listens on $NODE_ADDR (see $KAFKA_LOG)"
        else
            kafka_format
            touch "$KAFKA_LOG"
            offsets[i]="$(stat -c %s "$KAFKA_LOG")"
            kafka_start
        fi
    done
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do
        kafka_node "$i"
        [[ -z "${offsets[i]}" ]] || kafka_wait_ready "${offsets[i]}"
    done
    if ((KAFKA_BROKERS == 1)); then
        say "Kafka ready on $KAFKA_BOOTSTRAP (log $KAFKA_LOG)"
    else
        say "Kafka cluster of $KAFKA_BROKERS ready on $KAFKA_BOOTSTRAP" \
            "(replication $KAFKA_REPLICATION, min.insync.replicas $KAFKA_MIN_ISR; logs $LOG_DIR/kafka-*.log)"
    fi
}

kafka_down() {
    local i
    for ((i = KAFKA_BROKERS; i >= 1; i--)); do
        kafka_node "$i"
        kafka_node_down
    done
}

kafka_status() {
    local i rc=0
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do
        kafka_node "$i"
        kafka_node_status || rc=1
    done
    return "$rc"
}

# --- stop / status -----------------------------------------------------------------
# SIGTERM lets the broker flush and close its logs cleanly (no log recovery on the
# next start); SIGKILL only if it has not finished within the timeout.
kafka_node_down() {
    local pid
    if ! pid="$(kafka_pid)"; then
        rm -f "$KAFKA_PID_FILE"
        say "Kafka$(kafka_node_label) is not running"
        return 0
    fi
    say "stopping Kafka$(kafka_node_label) (pid $pid)…"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + INFRA_TIMEOUT))
    while kafka_pid >/dev/null; do
        if ((SECONDS >= deadline)); then
            warn "Kafka did not stop within ${INFRA_TIMEOUT}s; sending SIGKILL (log recovery on next start)"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.5
    done
    rm -f "$KAFKA_PID_FILE"
    say "Kafka$(kafka_node_label) stopped"
}

# " node 2" in a cluster, nothing for the single broker.
kafka_node_label() {
    ((KAFKA_BROKERS == 1)) || printf ' node %s' "$NODE_ID"
}

# Prints one line; true when running and accepting connections.
kafka_node_status() {
    local pid
    if ! pid="$(kafka_pid)"; then
        say "Kafka$(kafka_node_label): stopped"
        return 1
    fi
    if port_open "$NODE_PORT"; then
        say "Kafka$(kafka_node_label): running (pid $pid) on $NODE_ADDR, data $KAFKA_STORAGE"
    else
        say "Kafka$(kafka_node_label): process $pid exists but nothing listens on $NODE_ADDR (see $KAFKA_LOG)"
        return 1
    fi
}

# `scripts/infra.sh topics --list` etc.: Kafka's kafka-topics tool against our broker.
kafka_topics() {
    kafka_libs_complete || die "Kafka libraries not downloaded yet; run: scripts/infra.sh up"
    ensure_java
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "$@"
}
