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

echo "== node tests (unit + integration)"
mapfile -t files < <(ls test/unit/*.test.ts test/integration/*/*.test.ts 2>/dev/null | grep -v '^test/integration/vscode/')
node --import tsx --test --test-concurrency=1 "${files[@]}"

echo "== extension tests in a real VS Code"
npm run --silent test:vscode
