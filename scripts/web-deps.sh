#!/usr/bin/env bash
# The npm test tooling, exactly as each package-lock.json pins it: axe-core for the web pages'
# accessibility check (web/), the AsyncAPI CLI that validates docs/asyncapi.json (tools/asyncapi/).
# The pages themselves need no build. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/web"

if ! command -v npm >/dev/null 2>&1; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "[web] npm is missing; run as root: apt-get install -y nodejs npm" >&2
        exit 1
    fi
    echo "[web] installing Debian's nodejs and npm" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
for dir in "$WEB" "$ROOT/tools/asyncapi"; do
    if [[ ! "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]]; then
        npm ci --prefix "$dir" --no-audit --no-fund --silent
    fi
done
