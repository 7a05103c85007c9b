#!/usr/bin/env bash
# Installs what the test suite and the demo need on a fresh machine of this kind (Debian bookworm, root,
# offline except the npm registry and Debian's packages). Idempotent and quick when everything is there.
#   bash scripts/setup.sh            everything (system packages, code-server for the VS Code tests, corpus)
#   bash scripts/setup.sh --minimal  only what the CLI demo needs (npm dependencies)
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr

if [[ ! -d node_modules/web-tree-sitter ]]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
[[ "${1:-}" == "--minimal" ]] && exit 0

missing=()
command -v git >/dev/null || missing+=(git)
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v dpkg-source >/dev/null || missing+=(dpkg-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A real VS Code (the code-server npm package) for the extension tests, in its own folder.
bash .ci/setup-vscode-server.sh

# Real licensed code for the quality benchmark (cached in .cache/corpus).
bash bench/corpus/fetch.sh --config small
