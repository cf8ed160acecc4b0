#!/usr/bin/env bash
# `npm run test:e2e`: the packaged extension in a real VS Code (code-server 4.100.3) driven by Debian Chromium.
# Installs code-server (and, as root on Debian, the apt packages it and Chromium need) if missing, packages the
# .vsix, then runs test/e2e/*.spec.ts one file at a time with Node's test runner. Extra arguments go to the runner
# (e.g. --test-name-pattern=fallback). Environment knobs:
#   SWITCHBOARD_E2E_SKIP_PACKAGE=1   reuse the existing .vsix
#   SWITCHBOARD_E2E_MODEL=M          model for the walking-skeleton spec (sim/fail?status=503 must make it fail)
#   SWITCHBOARD_E2E_SLOWDOWN=N       multiply every timeout by N on a very slow machine
#   SWITCHBOARD_E2E_KEEP=1           keep the throw-away VS Code dirs for inspection
# Screenshots, browser console and (on failure) VS Code logs land in test/e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

SWITCHBOARD_CODE_SERVER_ENTRY=$(bash scripts/install-code-server.sh --with-chromium | tail -n 1)
export SWITCHBOARD_CODE_SERVER_ENTRY
export SWITCHBOARD_CHROMIUM=${SWITCHBOARD_CHROMIUM:-/usr/bin/chromium}
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
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@" test/e2e/*.spec.ts
