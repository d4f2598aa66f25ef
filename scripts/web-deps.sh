#!/usr/bin/env bash
# The web pages' test tooling, exactly as web/package-lock.json pins it (axe-core for the
# accessibility check of the browser tests). The pages themselves need no build. Idempotent.
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
if [[ ! "$WEB/node_modules/.package-lock.json" -nt "$WEB/package-lock.json" ]]; then
    npm ci --prefix "$WEB" --no-audit --no-fund --silent
fi
