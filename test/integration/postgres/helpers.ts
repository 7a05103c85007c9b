// A real PostgreSQL for the tests: MEMOCHECK_PG_URL when the runner started one (a role that may
// CREATE DATABASE), else a throwaway cluster from scripts/pg-cluster.sh for this test file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after } from 'node:test';
import pg from 'pg';
import type { FingerprintParams, LanguageId } from '../../../src/core/types';
import type { IndexedFile } from '../../../src/index/store';

const ROOT = join(__dirname, '..', '..', '..');
export const CLUSTER_SCRIPT = join(ROOT, 'scripts', 'pg-cluster.sh');

let serverUrl: Promise<string> | undefined;
let clusterDir: string | undefined;

export function pgServer(): Promise<string> {
  serverUrl ??= (async () => {
    if (process.env.MEMOCHECK_PG_URL) return process.env.MEMOCHECK_PG_URL;
    clusterDir = mkdtempSync(join(tmpdir(), 'memocheck-pgtest-'));
    rmdirSync(clusterDir);
    return execFileSync('bash', [CLUSTER_SCRIPT, 'start', clusterDir], { encoding: 'utf8' }).trim();
  })();
  return serverUrl;
}

function stopCluster(): void {
  const dir = clusterDir;
  clusterDir = undefined;
  if (dir) execFileSync('bash', [CLUSTER_SCRIPT, 'stop', dir]);
}
after(stopCluster);
// also when a test file ends abnormally (uncaught error, failed before hooks ran)
process.on('exit', stopCluster);

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

let dbCounter = 0;
/** Creates a fresh database and returns its URL; it is dropped when the test file ends. */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const url = await pgServer();
  const name = `${prefix}_${process.pid}_${dbCounter++}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  after(async () => {
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    try {
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await a.end();
    }
  });
  return withDatabase(url, name);
}

export const PARAMS: FingerprintParams = {
  k: 5, bands: 8, rows: 4, windowSize: 40, indexStride: 10, queryStride: 5, minUnitTokens: 20, seed: 42,
};

/** Deterministic xorshift32 so generated indexes are the same on every run. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/**
 * A synthetic fingerprinted file: `units` units, each with PARAMS.bands band keys. Band keys derive from
 * (salt, unit) so two files with the same salt share keys; `tokens` tokens with codes < 200.
 */
export function makeFile(path: string, opts: { units: number; tokens?: number; salt: number; language?: LanguageId; license?: string }): IndexedFile {
  const n = opts.tokens ?? Math.max(50, opts.units * 10 + 40);
  const r = rng(opts.salt * 7919 + path.length);
  const codes = new Uint32Array(n), raw = new Uint16Array(n), lines = new Uint32Array(n);
  for (let i = 0; i < n; i++) { codes[i] = r() % 200; raw[i] = r() & 0xffff; lines[i] = Math.floor(i / 8); }
  const u = opts.units;
  const unitKinds = new Uint8Array(u), unitStarts = new Uint32Array(u), unitEnds = new Uint32Array(u);
  const bandKeys = new Uint32Array(u * PARAMS.bands);
  for (let i = 0; i < u; i++) {
    unitKinds[i] = i % 3;
    unitStarts[i] = Math.min(n - 1, i * 10);
    unitEnds[i] = Math.min(n, i * 10 + 40);
    for (let b = 0; b < PARAMS.bands; b++) bandKeys[i * PARAMS.bands + b] = bandKey(opts.salt, i, b);
  }
  const sh = new Set<number>();
  for (let i = 0; i < Math.min(n, 200); i++) sh.add(bandKey(opts.salt, i, 99));
  const shingles = Uint32Array.from(sh).sort();
  return {
    path, language: opts.language ?? 'javascript', ...(opts.license ? { license: opts.license } : {}),
    contentHash: `h${opts.salt}-${path}`, sourceBytes: n * 4, codes, raw, lines, unitKinds, unitStarts, unitEnds, bandKeys, shingles,
  };
}

/** The band key of unit `unit`, band `band` of a file with this salt (covers the whole uint32 range). */
export function bandKey(salt: number, unit: number, band: number): number {
  let h = Math.imul(salt ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(unit + 1, 0xc2b2ae35) ^ Math.imul(band + 1, 0x27d4eb2f);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
  return h >>> 0;
}

export function* makeRepo(prefix: string, files: number, unitsPerFile: number, salt: number): Generator<IndexedFile> {
  for (let i = 0; i < files; i++) yield makeFile(`${prefix}/f${i}.js`, { units: unitsPerFile, salt: salt * 100_000 + i });
}
