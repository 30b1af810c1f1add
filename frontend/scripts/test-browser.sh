#!/usr/bin/env bash
# Browser tests of the web app against a running system (`make up`), in headless Chromium.
# Installs what a fresh machine lacks: Debian's chromium (apt) and the web app's packages (npm ci).
# Environment: E2E_BASE_URL (default http://127.0.0.1:8080), CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

export E2E_BASE_URL="${E2E_BASE_URL:-http://127.0.0.1:8080}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM_PATH" ]]; then
  if [[ "$CHROMIUM_PATH" != /usr/bin/chromium ]]; then
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
    exit 1
  fi
  echo "installing Debian's chromium"
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi

if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

if ! node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$E2E_BASE_URL/"; then
  echo "the web app does not answer at $E2E_BASE_URL; start the system first (make up)" >&2
  exit 1
fi

mkdir -p test-results
exec npm run test:e2e -- --reporter=default --reporter=junit --outputFile.junit=test-results/junit.xml
