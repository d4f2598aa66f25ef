#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The CJK font the monthly report's PDF embeds (services/projections/reports/pdf.py): Debian's
# fonts-noto-cjk, installed with the infrastructure's apt_install when it is missing. Idempotent;
# `make deps` (and so `make up` and `make test`) runs it. A deployment whose PUJIANG_REPORT_FONT
# names a font of its own that is there needs nothing.
set -euo pipefail
INFRA_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/infra" && pwd -P)"
ROOT="$(cd -- "$INFRA_DIR/../.." && pwd -P)"
# shellcheck source=infra/common.sh
source "$INFRA_DIR/common.sh"

FONT="${PUJIANG_REPORT_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
[[ -f "$FONT" ]] && exit 0
if [[ -n "${PUJIANG_REPORT_FONT:-}" ]]; then
    warn "PUJIANG_REPORT_FONT=$FONT is missing: monthly reports in PDF will answer 503 until it is there"
    exit 0
fi
if ((EUID != 0)); then
    warn "the report font $FONT is missing; run as root: apt-get install -y fonts-noto-cjk"
    exit 0
fi
mkdir -p "$LOG_DIR"
# Serialise concurrent callers (two test sessions) on one lock, as scripts/browser.sh does.
exec 8>/tmp/pujiang-fonts-install.lock
flock 8
[[ -f "$FONT" ]] || apt_install fonts-noto-cjk
[[ -f "$FONT" ]] || die "fonts-noto-cjk is installed but $FONT is not there"
