#!/usr/bin/env bash
# Debian's headless-capable Chromium for the dashboard's browser test (idempotent).
# A test tool's own browser download cannot work here: only Debian's package is used.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "[browser] /usr/bin/chromium is missing; run as root: apt-get install -y chromium" >&2
    exit 1
fi
# Serialise concurrent callers (two test sessions) on one lock.
exec 9>/tmp/pujiang-browser-install.lock
flock 9
if [[ ! -x /usr/bin/chromium ]]; then
    echo "[browser] installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >&2 \
        || apt-get install -y -qq --no-install-recommends chromium >&2
fi
/usr/bin/chromium --version >&2
