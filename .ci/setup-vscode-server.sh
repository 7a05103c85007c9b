#!/usr/bin/env bash
# Installs a real VS Code (the build inside the code-server npm package) for the integration tests, offline
# except for the npm registry and Debian packages. Idempotent: returns at once when everything is in place.
set -euo pipefail
cd "$(dirname "$0")"
need_apt=0
command -v chromium >/dev/null || need_apt=1
command -v rg >/dev/null || need_apt=1
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt=1
if [ "$need_apt" = 1 ]; then
  apt-get update
  # libkrb5-dev: headers for the 'kerberos' native module; ripgrep: see below; chromium: headless workbench
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libkrb5-dev ripgrep
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium   # with recommends (fonts, mesa)
fi
STAMP=vscode-server/node_modules/.memocheck-installed
LOCK_SUM="$(sha1sum vscode-server/package-lock.json | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LOCK_SUM" ] && [ -f vscode-server/node_modules/code-server/lib/vscode/out/server-main.js ]; then
  exit 0
fi
# @vscode/ripgrep@1.15.11 (dependency of code-server's VS Code) downloads rg from api.github.com in postinstall.
# Pre-seed its download cache with Debian's rg (same ripgrep 13.0.0) so the postinstall never touches the network.
RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"; t="$(mktemp -d)"; cp /usr/bin/rg "$t/rg"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$t" rg; rm -rf "$t"
cd vscode-server
# --unsafe-perm: code-server's postinstall refuses to run as root without it.
# npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which ~/.npmrc's yes=false would cancel.
# npm_config_nodedir=/usr: use the installed node headers, never download them.
# legacy-peer-deps off: this folder is not the project; its lock file is authoritative.
export npm_config_yes=true npm_config_nodedir=/usr
npm ci --unsafe-perm --no-audit --no-fund
echo "$LOCK_SUM" > node_modules/.memocheck-installed
# (don't run the code-server CLI here: it creates ~/.config/code-server and ~/.local/share/code-server)
node -p '"code-server " + require("./node_modules/code-server/package.json").version + " / VS Code " + require("./node_modules/code-server/lib/vscode/package.json").version'
