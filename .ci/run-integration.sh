#!/usr/bin/env bash
# Runs the VS Code integration suite (out/test-vscode/index.js, the @vscode/test-electron "extensionTestsPath"
# contract) inside a real VS Code server's Node extension host (the VS Code build shipped in the code-server npm
# package), with headless Debian chromium as the workbench. Offline.
#   1. makes the test fixtures (a licensed "upstream" repository copied from node_modules, a workspace with
#      planted renamed copies) in a per-run folder: test/integration/vscode/fixtures.mjs
#   2. packages the extension (npm run package) and installs the .vsix into the test VS Code's extensions folder
#   3. runs the full suite against the development extension (this checkout)
#   4. then runs the "vsix" suite against the installed package (dev path = an empty stub)
#   --ui     instead: opens the workbench on the fixture workspace with the installed .vsix and drives it with
#            Playwright (.ci/ui-smoke.js): Problems panel, code action, screenshot in out/ui-smoke/
#   --bench  instead: runs bench/extension inside the extension host (edit -> diagnostics latency)
# Env: SUITES=a,b (default: all but vsix), NO_VSIX=1 skips packaging, NO_BUILD=1 skips the builds,
#      KEEP_WORK=1 keeps the run folder, TEST_TIMEOUT_MS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${1:-test}"
cd "$ROOT"
bash .ci/setup-vscode-server.sh
if [ -z "${NO_BUILD:-}" ]; then
  if [ -z "${NO_VSIX:-}" ]; then npm run -s package >/dev/null; VSIX="$ROOT/out/memocheck.vsix"; else node esbuild.mjs >/dev/null; fi
  node test/integration/vscode/build.mjs
  if [ "$MODE" = --bench ]; then node bench/extension/build.mjs; fi
elif [ -z "${NO_VSIX:-}" ] && [ -f "$ROOT/out/memocheck.vsix" ]; then VSIX="$ROOT/out/memocheck.vsix"; fi
VSCODE_DIR="${VSCODE_DIR:-$ROOT/.ci/vscode-server/node_modules/code-server/lib/vscode}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/memocheck-it.XXXXXX")"
PORT="${PORT:-$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
mkdir -p "$WORK/ud/User" "$WORK/ext" "$WORK/tmp"
# keep everything out of $HOME (chromium writes ~/.config/chromium otherwise) and out of /tmp
# (the ext host leaves vscode-ipc-*.sock and vscode-git-*.sock in the system temp folder otherwise)
export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_DATA_HOME="$WORK/xdg-data" XDG_CACHE_HOME="$WORK/xdg-cache"
cat > "$WORK/ud/User/settings.json" <<'JSON'
{ "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "workbench.startupEditor": "none", "update.mode": "none", "security.workspace.trust.enabled": false,
  "typescript.disableAutomaticTypeAcquisition": true, "git.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false, "workbench.tips.enabled": false }
JSON
SERVER_PID=""
cleanup() {
  rc=$?
  if [ -n "$SERVER_PID" ]; then kill -- "-$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] && echo "run folder kept: $WORK" || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

node "$ROOT/test/integration/vscode/fixtures.mjs" "$WORK"
WS="$WORK/ws"

if [ -n "${VSIX:-}" ]; then
  TMPDIR="$WORK/tmp" node "$VSCODE_DIR/out/server-main.js" --accept-server-license-terms --user-data-dir "$WORK/ud" \
    --server-data-dir "$WORK/sd" --extensions-dir "$WORK/ext" --install-extension "$VSIX" --force >"$WORK/install.log" 2>&1 \
    || { cat "$WORK/install.log"; exit 1; }
  ls "$WORK/ext" | grep -q '^memocheck\.memocheck-' || { echo "vsix not installed:"; cat "$WORK/install.log"; exit 1; }
  echo "installed $(basename "$VSIX") into the test VS Code"
fi

# VS Code's own server entry point (not the code-server CLI, which rejects unknown flags);
# --enable-smoke-test-driver makes the workbench honour ?payload=[["extensionTestsPath",..]].
TMPDIR="$WORK/tmp" MEMOCHECK_IT_WORK="$WORK" setsid node "$VSCODE_DIR/out/server-main.js" --host 127.0.0.1 --port "$PORT" \
  --without-connection-token --accept-server-license-terms --enable-smoke-test-driver --force-disable-user-env \
  --telemetry-level off --disable-workspace-trust --user-data-dir "$WORK/ud" --server-data-dir "$WORK/sd" \
  --extensions-dir "$WORK/ext" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done

run_suite() { # <devPath> <suites>
  echo "$2" > "$WORK/suites"
  set +e
  node "$ROOT/.ci/run-tests.js" "http://127.0.0.1:$PORT" "$WS" "$1" "$ROOT/out/test-vscode/index.js"
  local rc=$?
  set -e
  if [ $rc -ne 0 ]; then echo "---- VS Code server log ($WORK/server.log) ----"; tail -50 "$WORK/server.log"; fi
  return $rc
}
RC=0
if [ "$MODE" = --ui ]; then
  [ -n "${VSIX:-}" ] || { echo "--ui needs the packaged .vsix (do not set NO_VSIX)"; exit 2; }
  mkdir -p "$ROOT/out/ui-smoke"
  CS_URL="http://127.0.0.1:$PORT/?folder=$WS" OUT_DIR="$ROOT/out/ui-smoke" FIXTURE="$WORK/fixture.json" node "$ROOT/.ci/ui-smoke.js" || RC=$?
  exit $RC
fi
if [ "$MODE" = --bench ]; then
  echo bench > "$WORK/suites"
  set +e
  TEST_TIMEOUT_MS="${TEST_TIMEOUT_MS:-1800000}" node "$ROOT/.ci/run-tests.js" "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$ROOT/out/bench-extension/index.js"
  RC=$?
  exit $RC
fi
run_suite "$ROOT" "${SUITES:-all}" || RC=$?
if [ -n "${VSIX:-}" ] && [ $RC -eq 0 ]; then
  # an empty development extension, so the workbench runs the tests against the installed .vsix
  mkdir -p "$WORK/stub"
  echo '{"name":"memocheck-it-stub","publisher":"memocheck","version":"0.0.0","engines":{"vscode":"*"}}' > "$WORK/stub/package.json"
  run_suite "$WORK/stub" vsix || RC=$?
fi
exit $RC
