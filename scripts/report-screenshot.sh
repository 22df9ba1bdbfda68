#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the HTML report: imports the
# bundled sample into a fresh store, writes `posture check --format html`, and
# has headless Chromium take a screenshot of it (no network: the browser's
# background services are off and any connection goes to a closed loopback port).
# Usage: scripts/report-screenshot.sh [OUT.png]   (default: docs/report.png)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
./scripts/install-deps.sh
TARGET=posture ./scripts/build.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/posture import --db "$work/s.db" collectors/samples/azure-sample.jsonl --quiet
build/posture check --db "$work/s.db" --format html --output "$work/report.html" 2>/dev/null || true
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --proxy-server=http://127.0.0.1:1 \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,1100 \
  --screenshot="$(realpath -m "$out")" "file://$work/report.html" 2>/dev/null
echo "wrote $out"
