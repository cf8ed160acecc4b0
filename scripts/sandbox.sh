#!/usr/bin/env bash
# `npm run sandbox`: code-server with the freshly packaged extension, the provider simulator as its gateway and a
# throw-away key in the environment (no real key needed). Prints the URL and runs until Ctrl+C.
# PORT (default 8080) picks code-server's port on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SWITCHBOARD_CODE_SERVER_ENTRY=$(bash scripts/install-code-server.sh | tail -n 1)
export SWITCHBOARD_CODE_SERVER_ENTRY
npm run package
exec node --import tsx scripts/sandbox.ts
