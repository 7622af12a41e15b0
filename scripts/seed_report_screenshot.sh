#!/usr/bin/env bash
# Regenerate docs/seed-report.png, the README's picture of `--format html`: the seed map
# audited offline from its recorded evidence, rendered by headless Chromium.
#
#   scripts/seed_report_screenshot.sh
#
# Needs claimcheck on PATH (the project's venv active) and Chromium. On Debian:
#   apt-get install -y chromium fonts-noto-cjk
# (the CJK fonts draw the article's Chinese text; without them it shows as boxes).
# CHROMIUM=/path/to/chromium picks another browser binary.
#
# The page loads nothing by design; the browser is still told to resolve no host name and to
# send any request to a closed loopback port, so a regression cannot reach the network here.
# The picture shows the run's own `checked at` time, so each run's PNG differs in that line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "seed_report_screenshot: chromium not found (apt-get install -y chromium)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claimcheck-screenshot.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# The seed fails the gate by design (exit 1: three unsupported claims); any other non-zero
# exit is a real failure.
set +e
claimcheck audit claims/stem-cell-safety.yaml --replay claims/stem-cell-safety.evidence \
  --format html --quiet >"$tmp/seed-report.html"
code=$?
set -e
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  echo "seed_report_screenshot: claimcheck exited $code" >&2
  exit "$code"
fi

mkdir -p docs
# --no-sandbox: Chromium's sandbox refuses to start as root (containers, CI).
if ! "$chromium" --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions \
  --disable-background-networking --disable-component-update --hide-scrollbars \
  --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server=http://127.0.0.1:9 \
  --user-data-dir="$tmp/profile" --window-size=1280,2000 \
  --screenshot="$root/docs/seed-report.png" "file://$tmp/seed-report.html" \
  >"$tmp/chromium.log" 2>&1; then
  cat "$tmp/chromium.log" >&2
  exit 1
fi
echo "seed_report_screenshot: wrote docs/seed-report.png" >&2
