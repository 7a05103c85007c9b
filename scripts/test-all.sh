#!/usr/bin/env bash
# The whole test suite: build, typecheck, unit and integration tests (CLI, file store, PostgreSQL, quality
# benchmark small configuration, review/hooks), then the extension tests inside a real VS Code.
# Installs what is missing first (scripts/setup.sh). Exit code non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== build"; node esbuild.mjs
echo "== typecheck"; npx tsc -p . --noEmit

# a throwaway PostgreSQL cluster for the PostgreSQL store tests (stopped on exit)
PG_STATE="$(mktemp -d "${TMPDIR:-/tmp}/memocheck-pg.XXXXXX")"
cleanup() { bash scripts/pg-cluster.sh stop "$PG_STATE" >/dev/null 2>&1 || true; rm -rf "$PG_STATE"; }
trap cleanup EXIT
MEMOCHECK_PG_URL="$(bash scripts/pg-cluster.sh start "$PG_STATE")"
export MEMOCHECK_PG_URL

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/memocheck-test-logs.XXXXXX")"
echo "== node tests (unit + integration)"
mapfile -t files < <(ls test/unit/*.test.ts test/integration/*/*.test.ts 2>/dev/null | grep -v '^test/integration/vscode/')
node --import tsx --test --test-concurrency=1 "${files[@]}" 2>&1 | tee "$LOG_DIR/node.log"
node_rc=${PIPESTATUS[0]}

echo "== extension tests in a real VS Code"
set +e
npm run --silent test:vscode 2>&1 | tee "$LOG_DIR/vscode.log"
vscode_rc=${PIPESTATUS[0]}
set -e

# one closing line for both runners (node:test and mocha)
passed=$(awk '/^# pass [0-9]+$/ {n=$3} END {print n+0}' "$LOG_DIR/node.log")
failed=$(awk '/^# fail [0-9]+$/ {n=$3} END {print n+0}' "$LOG_DIR/node.log")
passed=$((passed + $(awk '/^ *[0-9]+ passing/ {n+=$1} END {print n+0}' "$LOG_DIR/vscode.log")))
failed=$((failed + $(awk '/^ *[0-9]+ failing/ {n+=$1} END {print n+0}' "$LOG_DIR/vscode.log")))
rm -rf "$LOG_DIR"
echo "tests: $passed passed, $failed failed"
[ "$node_rc" -eq 0 ] && [ "$vscode_rc" -eq 0 ] && [ "$failed" -eq 0 ]
