// PostgreSQL store beside the file store, in one run:
//   bulk-load rate (units/s, median over the repositories loaded), lookup latency p50/p95 of one real
//   1,000-line file (lodash.js lines 2001-3000, tokenized by the real pipeline) against >= 1M units,
//   full scanText latency (lookup + verification), and bytes per unit.
// The background corpus is synthetic (random uint32 band keys and shingles: hashes look like that), plus
// the real lodash package so the query has true hits and real key collisions.
//
//   node --import tsx bench/perf/postgres-store.ts [--units 1000000] [--repos 10] [--runs 40] [--json out.json]
// Uses MEMOCHECK_PG_URL (a role that may CREATE DATABASE) or starts a durable throwaway cluster.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { fingerprintForIndex } from '../../src/core/fingerprint';
import { fingerprintUnits, shingleHashes, unitBandKeys } from '../../src/core/minhash';
import { DEFAULT_PARAMS, MAX_UNIT_TOKENS } from '../../src/core/options';
import type { Tokenized } from '../../src/core/tokenize';
import { PgStore } from '../../src/index/postgres';
import { FileStore } from '../../src/index/file';
import type { IndexStore, IndexedFile } from '../../src/index/store';
import { tokenizeText } from '../../src/node/grammars';
import { Scanner } from '../../src/node/engine';

const ROOT = join(__dirname, '..', '..');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const UNITS = arg('units', 1_000_000);
const REPOS = arg('repos', 10);
const RUNS = arg('runs', 40);
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
const params = DEFAULT_PARAMS;

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

/** A synthetic file shaped like real ones: ~18 tokens per unit, distinct shingles ~ 60% of tokens. */
export function syntheticFile(repo: number, i: number, units: number): IndexedFile {
  const r = rng(repo * 1_000_003 + i * 7 + 1);
  const n = units * 18 + 22;
  const codes = new Uint32Array(n), raw = new Uint16Array(n), lines = new Uint32Array(n);
  for (let t = 0; t < n; t++) { codes[t] = r() % 120; raw[t] = r() & 0xffff; lines[t] = (t / 9) | 0; }
  const unitKinds = new Uint8Array(units).fill(2), unitStarts = new Uint32Array(units), unitEnds = new Uint32Array(units);
  for (let u = 0; u < units; u++) { unitStarts[u] = u * 18; unitEnds[u] = Math.min(n, u * 18 + 40); }
  const bandKeys = new Uint32Array(units * params.bands);
  for (let k = 0; k < bandKeys.length; k++) bandKeys[k] = r();
  const shingles = new Uint32Array(Math.floor(n * 0.6));
  for (let s = 0; s < shingles.length; s++) shingles[s] = r();
  shingles.sort();
  return { path: `src/m${i}.js`, language: 'javascript', contentHash: `${repo}-${i}`, sourceBytes: n * 5,
    codes, raw, lines, unitKinds, unitStarts, unitEnds, bandKeys, shingles };
}

export function* syntheticRepo(repo: number, units: number): Generator<IndexedFile> {
  const perFile = 200;
  for (let i = 0; units > 0; i++, units -= perFile) yield syntheticFile(repo, i, Math.min(perFile, units));
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (e.endsWith('.js')) out.push(p);
  }
  return out;
}

export async function realRepo(dir: string): Promise<IndexedFile[]> {
  const out: IndexedFile[] = [];
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 2_000_000) continue;
    const doc = await tokenizeText(text, 'javascript');
    out.push({ path: relative(dir, file), language: 'javascript', contentHash: file, sourceBytes: Buffer.byteLength(text), ...fingerprintForIndex(doc, params) });
  }
  return out;
}

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const pct = (a: number[], q: number): number => { const s = [...a].sort((x, y) => x - y); return s[Math.max(0, Math.ceil(q * s.length) - 1)]!; };

interface Result {
  store: string; units: number; loadUnitsPerSec: number[]; loadMedian: number; bytes: number; bytesPerUnit: number;
  queryKeys: number; lookupP50: number; lookupP95: number; scanP50: number; scanP95: number; findings: number;
  /** CPU per lookup: this process, and the PostgreSQL backend (from /proc; independent of machine load) */
  lookupClientCpuMs: number; lookupServerCpuMs?: number; loadavg: number[];
}

/** user+system CPU ms of a local process (the PostgreSQL backend serving a connection) */
function procCpuMs(pid: number): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks at USER_HZ=100
  } catch {
    return undefined;
  }
}

async function measure(name: string, store: IndexStore, lodash: IndexedFile[], query: { doc: Tokenized; text: string }): Promise<Result> {
  await store.init(params);
  const rates: number[] = [];
  const per = Math.ceil(UNITS / REPOS);
  for (let r = 0; r < REPOS; r++) {
    const t0 = performance.now();
    const s = await store.putRepo({ name: `synthetic-${r}`, license: 'MIT', indexedAt: new Date().toISOString() }, syntheticRepo(r, per));
    const sec = (performance.now() - t0) / 1000;
    rates.push(s.units / sec);
    process.stderr.write(`${name}: repo ${r + 1}/${REPOS} ${s.units} units in ${sec.toFixed(1)} s (${Math.round(s.units / sec)} units/s)\n`);
  }
  await store.putRepo({ name: 'lodash', license: 'MIT', indexedAt: new Date().toISOString() }, lodash);
  if (store instanceof PgStore) {
    // what autovacuum does shortly after a load: statistics and the visibility map (index-only scans)
    const c = new pg.Client({ connectionString: (store as unknown as { target: { connectionString: string } }).target.connectionString });
    await c.connect();
    await c.query('VACUUM (ANALYZE) memocheck.bands, memocheck.units, memocheck.repo_shingles, memocheck.files');
    await c.end();
  }
  const info = await store.info();
  const { codes } = query.doc.tokens;
  const units = fingerprintUnits(codes.length, query.doc.units, params, params.queryStride, MAX_UNIT_TOKENS);
  const keys = unitBandKeys(shingleHashes(codes, params.k), units, params, query.doc.tokens.language);
  const reader = await store.openReader();
  const lookups: number[] = [];
  const backend = (reader as unknown as { c?: { processID?: number } }).c?.processID;
  let clientCpu = 0, serverCpu: number | undefined;
  try {
    for (let i = 0; i < 3; i++) await reader.lookup(keys, 400);
    const s0 = backend ? procCpuMs(backend) : undefined;
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await reader.lookup(keys, 400);
      lookups.push(performance.now() - t0);
    }
    const c1 = process.cpuUsage(c0);
    clientCpu = (c1.user + c1.system) / 1000 / RUNS;
    const s1 = backend ? procCpuMs(backend) : undefined;
    if (s0 !== undefined && s1 !== undefined) serverCpu = (s1 - s0) / RUNS;
  } finally {
    await reader.close();
  }
  const scanner = await Scanner.open(store);
  const scans: number[] = [];
  let findings = 0;
  try {
    for (let i = 0; i < Math.ceil(RUNS / 4) + 2; i++) {
      const t0 = performance.now();
      findings = (await scanner.scanText(query.text, 'javascript', 'query.js')).length;
      if (i >= 2) scans.push(performance.now() - t0);
    }
  } finally {
    await scanner.close();
  }
  return {
    store: name, units: info.units, loadUnitsPerSec: rates.map(Math.round), loadMedian: Math.round(median(rates)),
    bytes: info.bytes, bytesPerUnit: Math.round(info.bytes / info.units), queryKeys: keys.length,
    lookupP50: +median(lookups).toFixed(1), lookupP95: +pct(lookups, 0.95).toFixed(1),
    scanP50: +median(scans).toFixed(1), scanP95: +pct(scans, 0.95).toFixed(1), findings,
    lookupClientCpuMs: +clientCpu.toFixed(1), ...(serverCpu !== undefined ? { lookupServerCpuMs: +serverCpu.toFixed(1) } : {}),
    loadavg: loadavg().map((x) => +x.toFixed(1)),
  };
}

async function main(): Promise<void> {
  let cluster: string | undefined;
  let server = process.env.MEMOCHECK_PG_URL;
  if (!server) {
    cluster = mkdtempSync(join(tmpdir(), 'memocheck-pgbench-'));
    rmdirSync(cluster);
    server = execFileSync('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'start', cluster], { encoding: 'utf8', env: { ...process.env, PG_CLUSTER_DURABLE: '1' } }).trim();
  }
  const dbName = `bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const work = mkdtempSync(join(tmpdir(), 'memocheck-bench-'));
  const results: Result[] = [];
  try {
    const lodashDir = join(ROOT, 'node_modules', 'lodash');
    const lodash = await realRepo(lodashDir);
    const text = readFileSync(join(lodashDir, 'lodash.js'), 'utf8').split('\n').slice(2000, 3000).join('\n');
    const query = { doc: await tokenizeText(text, 'javascript'), text };
    const url = new URL(server);
    url.pathname = `/${dbName}`;
    const fileStore = await FileStore.open(join(work, 'index'));
    try {
      results.push(await measure('file', fileStore, lodash, query));
    } finally {
      await fileStore.close();
    }
    const pgStore = await PgStore.open(url.toString());
    try {
      results.push(await measure('postgres', pgStore, lodash, query));
    } finally {
      await pgStore.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    if (cluster) execFileSync('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'stop', cluster]);
  }
  console.log('| store | units | bulk load (units/s, median) | bytes/unit | query keys | lookup p50 / p95 (ms) | lookup CPU client + server (ms) | scanText p50 / p95 (ms) | findings | load avg |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.store} | ${r.units} | ${r.loadMedian} | ${r.bytesPerUnit} | ${r.queryKeys} | ${r.lookupP50} / ${r.lookupP95} | ` +
      `${r.lookupClientCpuMs} + ${r.lookupServerCpuMs ?? '-'} | ${r.scanP50} / ${r.scanP95} | ${r.findings} | ${r.loadavg[0]} |`);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ units: UNITS, repos: REPOS, runs: RUNS, params, results }, null, 2));
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  });
}
