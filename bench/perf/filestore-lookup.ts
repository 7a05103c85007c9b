// Lookup latency and size of the embedded file index at scale.
//   node --import tsx bench/perf/filestore-lookup.ts [--units 1000000] [--repos 1] [--bands 16] [--runs 5] [--batches 20]
// Builds one index of `units` units in `repos` repositories (random band keys; 50 window units per 400-token
// file), then, for each
// run, times `batches` lookups of 16,000 keys (half present in the index, half absent) and reports the
// medians over runs of the per-run p50/p95, plus bytes on disk per unit.
//
//   node --import tsx bench/perf/filestore-lookup.ts --index DIR [--runs 5] [--queries 30]
// Real queries against an existing index (build one of >= 1M units like bench/perf/engine.ts's lookup phase):
// about the first 1,000 lines of large files of the negative corpus repositories (bench/corpus/repos.json),
// tokenized once like scanText does. The cut is at the first top-level line at or after line 1,000 (a line
// starting in column 0 that does not close a block; files without one by line 1,300 are skipped): a text
// cut inside a block tokenizes to next to nothing (1 token for the first 1,000 lines of JsonFactory.java or
// lz4.c), which would time an empty query. Queries still under 100 tokens are left out and counted. Each run
// opens a Scanner on a fresh reader (so the file cache starts cold, as for one scan from the command line),
// matches every query with its matcher and times, per query, the store side (the reader's lookup, units,
// file and documentFrequency calls the matcher makes) beside the whole match; reports medians over runs of
// the per-run p50/p95 of both, and the store side per method.
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
const strArg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
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

const STORE_METHODS = ['lookup', 'units', 'file', 'documentFrequency'] as const;

async function realQueries(): Promise<void> {
  const { openStore, Scanner } = await import('../../src/node/engine');
  const { languageForPath, loadLanguage, tokenizeText } = await import('../../src/node/grammars');
  const { listFiles } = await import('../../src/node/walk');
  const root = path.resolve(__dirname, '..', '..');
  const index = path.resolve(strArg('index')!);
  const want = arg('queries', 30);
  const repos = (JSON.parse(fs.readFileSync(path.join(root, 'bench', 'corpus', 'repos.json'), 'utf8')) as { repos: { name: string; role: string }[] }).repos
    .filter((r) => r.role === 'negative').map((r) => path.join(root, '.cache', 'corpus', 'src', r.name)).filter((d) => fs.existsSync(d));
  if (!repos.length) throw new Error('no corpus: run bash bench/corpus/fetch.sh first');
  type Doc = Awaited<ReturnType<typeof tokenizeText>>;
  const queries: { name: string; doc: Doc; lines: number }[] = [];
  let degenerate = 0;
  // one file per repository first, then more, so the queries spread over languages
  for (let pass = 0; pass < 3 && queries.length < want; pass++) {
    for (const dir of repos) {
      if (queries.length >= want) break;
      let seen = 0;
      for (const rel of await listFiles(dir)) {
        const lang = languageForPath(rel);
        if (!lang) continue;
        const lines = fs.readFileSync(path.join(dir, rel), 'utf8').split('\n');
        if (lines.length < 1000 || seen++ < pass) continue;
        await loadLanguage(lang);
        let cut = 1000;
        while (cut < lines.length && !/^[^\s})\]]/.test(lines[cut]!)) cut++;
        if (cut > 1300) continue; // one big block (a Java class): try the repository's next file
        const doc = await tokenizeText(lines.slice(0, cut).join('\n'), lang, undefined, false);
        if (doc.tokens.codes.length < 100) { degenerate++; continue; }
        queries.push({ name: `${path.basename(dir)}/${rel}`, doc, lines: cut });
        break;
      }
    }
  }
  const store = await openStore(index);
  const spent: Record<string, number> = {};
  /** a Scanner on a fresh reader (cold file cache) whose store calls add up in `spent` */
  async function openScanner() {
    const t0 = performance.now();
    const scanner = await Scanner.open(store);
    const ms = performance.now() - t0;
    const reader = scanner.reader as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const m of STORE_METHODS) {
      const orig = reader[m]!.bind(reader);
      reader[m] = async (...a: unknown[]) => {
        const t1 = performance.now();
        try { return await orig(...a); } finally { spent[m] = (spent[m] ?? 0) + performance.now() - t1; }
      };
    }
    const matcher = (scanner as unknown as { matcher: { match(d: Doc): Promise<unknown[]> } }).matcher;
    return { scanner, matcher, ms };
  }
  const warm = await openScanner(); // JIT warm-up on a reader of its own
  for (const q of queries.slice(0, 5)) await warm.matcher.match(q.doc);
  await warm.scanner.close();
  const runs = { store: { p50: [] as number[], p95: [] as number[] }, match: { p50: [] as number[], p95: [] as number[] } };
  const perMethod: Record<string, number[]> = Object.fromEntries(STORE_METHODS.map((m) => [m, []]));
  const openMs: number[] = [];
  let slowest = { ms: 0, name: '' };
  for (let run = 0; run < RUNS; run++) {
    const { scanner, matcher, ms: opened } = await openScanner();
    openMs.push(opened);
    const storeMs: number[] = [];
    const matchMs: number[] = [];
    for (const q of queries) {
      for (const m of STORE_METHODS) spent[m] = 0;
      const t0 = performance.now();
      await matcher.match(q.doc);
      const ms = performance.now() - t0;
      matchMs.push(ms);
      storeMs.push(STORE_METHODS.reduce((a, m) => a + spent[m]!, 0));
      for (const m of STORE_METHODS) perMethod[m]!.push(spent[m]!);
      if (ms > slowest.ms) slowest = { ms, name: q.name };
    }
    await scanner.close();
    runs.store.p50.push(pct(storeMs, 0.5)); runs.store.p95.push(pct(storeMs, 0.95));
    runs.match.p50.push(pct(matchMs, 0.5)); runs.match.p95.push(pct(matchMs, 0.95));
  }
  const info = await store.info();
  await store.close();
  const r2 = (x: number): number => +x.toFixed(2);
  console.log(JSON.stringify({
    index, units: info.units, repos: info.repos.length, bytesOnDisk: info.bytes, openSeconds: r2(median(openMs) / 1000),
    queries: queries.length, queryLines: { median: median(queries.map((q) => q.lines)), max: Math.max(...queries.map((q) => q.lines)) },
    queryTokens: median(queries.map((q) => q.doc.tokens.codes.length)), leftOutUnder100Tokens: degenerate, runs: RUNS, loadavg: os.loadavg().map(r2),
    storeSideMs: { p50: r2(median(runs.store.p50)), p95: r2(median(runs.store.p95)) },
    wholeMatchMs: { p50: r2(median(runs.match.p50)), p95: r2(median(runs.match.p95)) },
    storeSideByMethodMs: Object.fromEntries(STORE_METHODS.map((m) => [m, { p50: r2(pct(perMethod[m]!, 0.5)), p95: r2(pct(perMethod[m]!, 0.95)) }])),
    slowestMatch: { ms: r2(slowest.ms), query: slowest.name },
    readerRssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  }, null, 2));
}

void (strArg('index') ? realQueries() : main());
