#!/usr/bin/env bash
# Start or stop the whole system locally: infrastructure, topics, the four services.
#   scripts/system.sh up     installs what is missing, starts everything, waits for /readyz
#   scripts/system.sh down   stops the services, then Kafka and PostgreSQL (data stays in .data/)
#   scripts/system.sh status
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.data/run"
LOG_DIR="$ROOT/.data/logs"
SERVICES=(intake routing sla projections web)
# stubs: the SMS gateway stub (:8010) and SMTP server (:8025) notices go to in dev (stubs/); started
# first when PUJIANG_ENV is dev and no real gateway is configured.
declare -A PORTS=([intake]=8001 [routing]=8002 [sla]=8003 [projections]=8004 [web]=8000 [stubs]=8010)
READY_TIMEOUT="${PUJIANG_READY_TIMEOUT:-120}"

say() { printf '[system] %s\n' "$*"; }

running() { [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_service() {
    local name="$1" port="${PORTS[$1]}"
    if running "$name"; then
        say "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"
        return
    fi
    say "starting $name on :$port"
    # setsid + nohup: the service outlives this script and the terminal that ran it.
    local module="services.$name"
    [[ "$name" == web ]] && module=web  # the front end: pages and a same-origin proxy to the four
    [[ "$name" == stubs ]] && module=stubs
    PORT="$port" setsid nohup "$ROOT/.venv/bin/python" -m "$module" \
        >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/$name.pid"
}

wait_ready() {
    local name="$1" url="http://127.0.0.1:${PORTS[$1]}/readyz" waited=0
    [[ "$name" == stubs ]] && url="http://127.0.0.1:${PORTS[$1]}/healthz"
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        running "$name" || { say "$name exited; last lines of $LOG_DIR/$name.log:"; tail -n 30 "$LOG_DIR/$name.log"; exit 1; }
        ((waited++ < READY_TIMEOUT * 5)) || { say "$name not ready after ${READY_TIMEOUT}s"; exit 1; }
        sleep 0.2
    done
    say "$name ready: http://127.0.0.1:${PORTS[$name]}"
}

stop_service() {
    local name="$1" pid
    running "$name" || { rm -f "$RUN_DIR/$name.pid"; return; }
    pid="$(cat "$RUN_DIR/$name.pid")"
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/$name.pid"
}

case "${1:-}" in
up)
    "$ROOT/scripts/infra.sh" up
    make -C "$ROOT" --no-print-directory deps
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    eval "$("$ROOT/scripts/infra.sh" env)"
    export PUJIANG_ENV="${PUJIANG_ENV:-dev}"
    if [[ "$PUJIANG_ENV" == dev && -z "${PUJIANG_SMS_GATEWAY_URL:-}" ]]; then
        SERVICES=(stubs "${SERVICES[@]}")
    fi
    for name in "${SERVICES[@]}"; do start_service "$name"; done
    for name in "${SERVICES[@]}"; do wait_ready "$name"; done
    say "all services ready. Logs: $LOG_DIR. Stop with: make down"
    say "dashboard: http://127.0.0.1:8004/dashboard   (a supervisor token: make token)"
    say "workbench: http://127.0.0.1:8000/workbench   portal: http://127.0.0.1:8000/portal"
    ;;
down)
    for name in web projections sla routing intake stubs; do stop_service "$name"; done
    "$ROOT/scripts/infra.sh" down
    ;;
status)
    for name in "${SERVICES[@]}" stubs; do
        if running "$name"; then say "$name running on :${PORTS[$name]}"; else say "$name stopped"; fi
    done
    "$ROOT/scripts/infra.sh" status
    ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
