// Lookup latency and size of the embedded file index at scale.
//   node --import tsx bench/perf/filestore-lookup.ts [--units 1000000] [--repos 1] [--bands 16] [--runs 5] [--batches 20]
// Builds one index of `units` units in `repos` repositories (random band keys; 50 window units per 400-token
// file), then, for each
// run, times `batches` lookups of 16,000 keys (half present in the index, half absent) and reports the
// medians over runs of the per-run p50/p95, plus bytes on disk per unit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFileStore } from '../../src/index/file';
import { decodeHeader, kindName } from '../../src/index/file/format';
import type { IndexedFile } from '../../src/index/store';
import { PARAMS, rng } from '../../test/integration/filestore/synthetic';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const UNITS = arg('units', 1_000_000);
const REPOS = arg('repos', 1);
const BANDS = arg('bands', 16);
const RUNS = arg('runs', 5);
const BATCHES = arg('batches', 20);
const KEYS = 16_000;
const UNITS_PER_FILE = 50;
const TOKENS_PER_FILE = 400;

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const pct = (a: number[], p: number): number => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };

function* files(params: typeof PARAMS, repo = 0): Generator<IndexedFile> {
  const r = rng(42 + repo);
  const nFiles = Math.ceil(UNITS / REPOS / UNITS_PER_FILE);
  for (let f = 0; f < nFiles; f++) {
    const u = Math.min(UNITS_PER_FILE, UNITS / REPOS - f * UNITS_PER_FILE);
    const codes = new Uint32Array(TOKENS_PER_FILE);
    const lines = new Uint32Array(TOKENS_PER_FILE);
    const raw = new Uint16Array(TOKENS_PER_FILE);
    for (let i = 0; i < TOKENS_PER_FILE; i++) { codes[i] = Math.floor(r() * r() * 300); lines[i] = i >> 3; raw[i] = Math.floor(r() * 65536); }
    const starts = new Uint32Array(u);
    const ends = new Uint32Array(u);
    for (let i = 0; i < u; i++) { starts[i] = (i * 7) % (TOKENS_PER_FILE - 40); ends[i] = starts[i]! + 40; }
    const bandKeys = new Uint32Array(u * params.bands);
    for (let i = 0; i < bandKeys.length; i++) bandKeys[i] = (r() * 4294967296) >>> 0;
    const shingles = new Uint32Array(TOKENS_PER_FILE - 4);
    for (let i = 0; i < shingles.length; i++) shingles[i] = (r() * 4294967296) >>> 0;
    shingles.sort();
    yield {
      path: `src/m${f % 100}/f${f}.c`, language: 'c', contentHash: f.toString(16).padStart(40, '0'), sourceBytes: 2400,
      codes, raw, lines, unitKinds: new Uint8Array(u).fill(2), unitStarts: starts, unitEnds: ends, bandKeys, shingles,
    };
  }
}

async function main(): Promise<void> {
  const params = { ...PARAMS, bands: BANDS };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-filestore-'));
  try {
    const store = await openFileStore(path.join(tmp, 'idx'));
    await store.init(params);
    let t = performance.now();
    let units = 0;
    for (let repo = 0; repo < REPOS; repo++) {
      units += (await store.putRepo({ name: `bench${repo}`, license: 'MIT', indexedAt: new Date().toISOString() }, files(params, repo))).units;
    }
    const summary = { units, files: (await store.info()).files };
    const buildMs = performance.now() - t;
    const info = await store.info();
    const seg = path.join(store.dir, 'seg-1.mcs');
    const segBytes = fs.readFileSync(seg);
    const h = decodeHeader(segBytes, seg, 'MCSG', segBytes.length);
    const sections = 'need' in h ? [] : h.sections.map((s) => `${kindName(s.kind)}=${(s.length / summary.units).toFixed(1)}`);

    t = performance.now();
    const reader = await store.openReader();
    const openMs = performance.now() - t;
    const rss = process.memoryUsage().rss;

    // present keys: the generator is deterministic, so the first files' keys are the stored ones
    const present: number[] = [];
    const r = rng(7);
    for (const f of files(params)) {
      for (let i = 0; i < f.bandKeys.length && present.length < KEYS / 2; i += 3) present.push(f.bandKeys[i]!);
      if (present.length >= KEYS / 2) break;
    }
    const p50s: number[] = [];
    const p95s: number[] = [];
    let found = 0;
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = [];
      for (let b = 0; b < BATCHES; b++) {
        const keys = new Uint32Array(KEYS);
        for (let i = 0; i < KEYS; i++) keys[i] = i % 2 === 0 ? present[Math.floor(r() * present.length)]! : (r() * 4294967296) >>> 0;
        const t0 = performance.now();
        const res = await reader.lookup(keys, 1000);
        times.push(performance.now() - t0);
        found = res.postings.filter((p) => p.length > 0).length;
      }
      p50s.push(pct(times, 0.5));
      p95s.push(pct(times, 0.95));
    }
    await reader.close();
    const out = {
      units: summary.units, bands: BANDS, bandEntries: summary.units * BANDS, files: summary.files,
      buildSeconds: +(buildMs / 1000).toFixed(2), openSeconds: +(openMs / 1000).toFixed(2),
      lookup16kKeysMs: { p50: +median(p50s).toFixed(2), p95: +median(p95s).toFixed(2), runs: RUNS, batchesPerRun: BATCHES, keysWithPostings: found },
      bytesOnDisk: info.bytes, bytesPerUnit: +(info.bytes / summary.units).toFixed(1),
      bytesPerUnitBySection: sections.join(' '),
      readerRssMB: Math.round(rss / 2 ** 20),
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
