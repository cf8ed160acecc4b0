#!/usr/bin/env bash
# `npm run test:e2e`: the packaged extension in real VS Code, driven by Debian Chromium, in two lanes:
#   1.100  code-server 4.100.3 on the Node running the tests (the oldest VS Code the manifest accepts)
#   1.117  code-server 4.117.0 on Node 22 from the npm registry (today's VS Code: its Chat view and LM provider API)
# Installs each lane's code-server (and, as root on Debian, the apt packages it and Chromium need) if missing,
# packages the .vsix, then runs the spec files one at a time with Node's test runner, once per lane; a spec declares
# the lanes it runs in (test/e2e/lanes.ts) and is skipped in the others.
# Arguments: spec files (test/e2e/x.spec.ts) to run only those; anything else goes to the test runner
# (e.g. --test-name-pattern=fallback). Environment knobs:
#   SWITCHBOARD_E2E_LANES="1.117"    run only these lanes (default: "1.100 1.117")
#   SWITCHBOARD_E2E_SKIP_PACKAGE=1   reuse the existing .vsix
#   SWITCHBOARD_E2E_MODEL=M          model for the walking-skeleton spec (sim/fail?status=503 must make it fail)
#   SWITCHBOARD_E2E_SLOWDOWN=N       multiply every timeout by N on a very slow machine
#   SWITCHBOARD_E2E_KEEP=1           keep the throw-away VS Code dirs for inspection
# Screenshots, browser console and (on failure) VS Code logs land in test/e2e/artifacts/<lane>/.
set -euo pipefail
cd "$(dirname "$0")/.."

specs=()
runner_args=()
for arg in "$@"; do
  case "$arg" in
    *.spec.ts) specs+=("$arg") ;;
    *) runner_args+=("$arg") ;;
  esac
done
[ ${#specs[@]} -gt 0 ] || specs=(test/e2e/*.spec.ts)

export SWITCHBOARD_CHROMIUM=${SWITCHBOARD_CHROMIUM:-/usr/bin/chromium}
lanes=${SWITCHBOARD_E2E_LANES:-"1.100 1.117"}
declare -A entries
for lane in $lanes; do
  case "$lane" in
    1.100) entries[$lane]=$(bash scripts/install-code-server.sh --with-chromium | tail -n 1) ;;
    1.117) entries[$lane]=$(bash scripts/install-code-server-current.sh --with-chromium | tail -n 1) ;;
    *) echo "Unknown e2e lane \"$lane\" in SWITCHBOARD_E2E_LANES: use 1.100 and/or 1.117." >&2; exit 2 ;;
  esac
done
if [ ! -x "$SWITCHBOARD_CHROMIUM" ]; then
  echo "Chromium not found at $SWITCHBOARD_CHROMIUM: install Debian's chromium (apt-get install chromium) or set SWITCHBOARD_CHROMIUM." >&2
  exit 1
fi

version=$(node -p 'require("./package.json").version')
export SWITCHBOARD_VSIX="$PWD/switchboard-$version.vsix"
if [ "${SWITCHBOARD_E2E_SKIP_PACKAGE:-}" != 1 ] || [ ! -f "$SWITCHBOARD_VSIX" ]; then
  npm run package
fi

rm -rf test/e2e/artifacts && mkdir -p test/e2e/artifacts
status=0
for lane in $lanes; do
  printf '\n--- e2e lane %s (%s) ---\n' "$lane" "$(date -u +%H:%M:%S)"
  start=$SECONDS
  SWITCHBOARD_E2E_LANE=$lane SWITCHBOARD_CODE_SERVER_ENTRY=${entries[$lane]} \
    node --import tsx --test --test-concurrency=1 --test-reporter=spec ${runner_args[@]+"${runner_args[@]}"} "${specs[@]}" || status=1
  printf -- '--- e2e lane %s: %s s ---\n' "$lane" "$((SECONDS - start))"
done
exit $status
