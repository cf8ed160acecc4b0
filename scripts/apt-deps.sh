#!/usr/bin/env bash
# Debian packages the tests need: Chromium (e2e, webview bench), ripgrep (code-server's search), tinyproxy (the
# proxy tests), and the headers code-server's native modules build against. Installs only what is missing; needs root.
set -euo pipefail
need=""
for p in chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep tinyproxy; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
fi
