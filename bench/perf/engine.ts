// Engine performance, baselines side by side in one run; several runs, medians and ratios.
//   node --import tsx bench/perf/engine.ts [--runs 3] [--lookup-runs 8] [--lookup-units 1000000] [--out bench/results/perf.json]
//     [--reuse-index DIR] [--only fingerprint,index,scan,lookup,minhash] [--from-sources] [--index-mode job|repo]
//     [--workers-start warm|cold]
// It measures the code users run: started under tsx, it builds the bundles (node esbuild.mjs --bench: dist/*.js,
// the grammars and this benchmark as dist/perf-engine.js, so the pool starts dist/worker.js) and re-runs
// itself from dist/. --from-sources measures the TypeScript sources under tsx instead (slower: every call
// across modules goes through an export getter). --only runs some phases and prints them without writing --out.
// Needs the corpus: bash bench/corpus/fetch.sh (full). Reports:
//  - parse-only throughput (tree-sitter parse, one thread) vs fingerprinting throughput (read + parse +
//    tokenize + units + MinHash/LSH, one thread) vs the indexer with 1 and 2 worker threads (the 23
//    repositories as one `indexRepositories` job, as `memocheck index a b c` runs them; --index-mode repo:
//    one `indexRepository` call each; --workers-start: both worker counts start with workers that have
//    already run, the default, or both with fresh ones);
//  - index bytes per corpus byte; peak RSS;
//  - scan throughput (negative repositories against the index);
//  - lookup latency of 1,000-line files (from negative repositories) against an index of >= --lookup-units
//    units (the indexed corpus, plus re-indexed copies of it under other names until the count is reached),
//    each run with a reader of its own, so that no run finds the token streams an earlier run decoded, after a
//    warm-up pass over the queries on a reader of its own (grammars loaded, code compiled) and a first lookup
//    of another file on the run's reader (reported apart, as firstLookupMs); --lookup-runs runs of the 40
//    queries (default the larger of 8 and --runs: the p95 of 3 runs, 120 lookups, moved by 5-10 ms from one
//    invocation to the next on the distinct index);
//  - MinHash signatures/s: ours vs the `minhash` npm package (baseline), same sets, same permutation count.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprintForIndex } from '../../src/core/fingerprint';
import { fnv1a32 } from '../../src/core/hash';
import { signature } from '../../src/core/minhash';
import { DEFAULT_PARAMS } from '../../src/core/options';
import { corpus, lookupQueries, sourceFiles } from './corpus';
import { loadLanguage, parserFor, tokenizeText } from '../../src/node/grammars';
import { indexRepositories, indexRepository, openStore, Scanner, tokenizeForScan } from '../../src/node/engine';
import { endSpareWorkers, FilePool } from '../../src/node/pool';

const require = createRequire(__filename);
/** the repository: two levels up from bench/perf/engine.ts, one up from dist/perf-engine.js */
const ROOT = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((d) => existsSync(path.join(d, 'bench', 'corpus', 'repos.json')))!;
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('runs', '3'));
const LOOKUP_RUNS = Number(arg('lookup-runs', String(Math.max(8, RUNS))));
const LOOKUP_UNITS = Number(arg('lookup-units', '1000000'));
/** job: the indexed repositories as one indexRepositories job (the CLI's way); repo: one indexRepository call each */
const INDEX_MODE = arg('index-mode', 'job');
/** warm: every timed indexing starts with workers that have already run (throughput); cold: with fresh ones */
const WORKERS_START = arg('workers-start', 'warm');
if (WORKERS_START !== 'warm' && WORKERS_START !== 'cold') throw new Error(`--workers-start must be warm or cold (got ${WORKERS_START})`);
if (INDEX_MODE !== 'job' && INDEX_MODE !== 'repo') throw new Error(`--index-mode must be job or repo (got ${INDEX_MODE})`);
const OUT = arg('out', path.join(ROOT, 'bench', 'results', 'perf.json'));
/** an existing >= LOOKUP_UNITS index to reuse for the lookup phase (building one takes minutes) */
const REUSE = arg('reuse-index', '');
const ONLY = arg('only', '') ? new Set(arg('only', '').split(',')) : undefined;
const phase = (name: string) => !ONLY || ONLY.has(name);
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const pct = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };
const mb = (bytes: number, ms: number) => bytes / 1048576 / (ms / 1000);

/**
 * CPU milliseconds of the main thread and of all other threads of this process so far (workers, V8 and libuv
 * helpers; ended threads included), from /proc on Linux; undefined elsewhere. Unlike wall time, it does not
 * grow when other processes take the cores, so it shows how much of indexing is serial on the main thread.
 */
function cpuMs(): { main: number; others: number } | undefined {
  const read = (file: string) => {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
  };
  try {
    const all = read('/proc/self/stat'), main = read(`/proc/self/task/${process.pid}/stat`);
    return { main, others: all - main };
  } catch {
    return undefined;
  }
}

async function main() {
  const repos = corpus(ROOT);
  const only = arg('repos', '') ? new Set(arg('repos', '').split(',')) : undefined;
  const indexed = repos.filter((r) => r.role === 'indexed' && (!only || only.has(r.name)));
  const negatives = repos.filter((r) => r.role === 'negative');
  if (!indexed.length) throw new Error('no corpus: run bash bench/corpus/fetch.sh first');
  const files = await sourceFiles(indexed);
  const corpusBytes = files.reduce((a, f) => a + f.bytes, 0);
  for (const f of files) await loadLanguage(f.lang);
  console.log(`corpus: ${indexed.length} indexed repositories, ${files.length} files, ${(corpusBytes / 1048576).toFixed(1)} MiB; ${negatives.length} negative repositories`);

  // 1. parse-only vs fingerprinting, one thread, same files. The two alternate file by file (which one goes
  // first alternates too), so load from other processes on a shared machine hits both alike.
  const parseMs: number[] = [], fpMs: number[] = [];
  const parseOnly = async (f: typeof files[number]) => { const p = await parserFor(f.lang); p.parse(f.text)?.delete(); };
  const fingerprint = async (f: typeof files[number]) => {
    try { fingerprintForIndex(await tokenizeText(f.text, f.lang), DEFAULT_PARAMS); } catch { /* skipped like the indexer does */ }
  };
  // warm-up, untimed: every 10th file (all languages), so JIT and wasm tier-up land in no run
  if (phase('fingerprint')) for (const f of files.filter((_, i) => i % 10 === 0)) { await parseOnly(f); await fingerprint(f); }
  for (let run = 0; run < (phase('fingerprint') ? RUNS : 0); run++) {
    let parse = 0, fp = 0;
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      for (const step of i % 2 ? [parseOnly, fingerprint] : [fingerprint, parseOnly]) {
        const t = performance.now();
        await step(f);
        if (step === parseOnly) parse += performance.now() - t;
        else fp += performance.now() - t;
      }
    }
    parseMs.push(parse);
    fpMs.push(fp);
    console.log(`fingerprint run ${run}: parse ${parseMs[run]!.toFixed(0)} ms, fingerprint ${fpMs[run]!.toFixed(0)} ms, ratio ${(parseMs[run]! / fpMs[run]!).toFixed(2)}`);
  }

  // 2. the real indexer with 1 and 2 workers (includes reading, hashing, writing the index), into one index
  // each (--index-mode: all repositories as one job, or one call per repository, then the two alternate
  // repository by repository, like the fingerprinting runs)
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'memocheck-perf-'));
  const idxMs: Record<number, number[]> = { 1: [], 2: [] };
  const idxCpu: Record<number, { main: number[]; others: number[] }> = { 1: { main: [], others: [] }, 2: { main: [], others: [] } };
  if (phase('index')) {
    // warm-up, untimed: the licence corpus is built once per process (~1 s), which would land in the first
    // run; and with --workers-start warm, two workers that have run every language's code (a fresh worker
    // runs its first seconds on unoptimized JavaScript and wasm)
    const warm = await openStore(path.join(tmp, 'warm-up'));
    if (WORKERS_START === 'warm') await indexRepositories(warm, indexed.map((r) => ({ dir: r.dir, name: r.name })), { workers: 2 });
    else await indexRepository(warm, indexed[0]!.dir, { workers: 1 });
    await warm.close();
  }
  let indexBytes = 0, units = 0;
  for (let run = 0; run < (phase('index') || phase('scan') || (phase('lookup') && !REUSE) ? RUNS : 0); run++) {
    const stores = { 1: await openStore(path.join(tmp, `idx-1-${run}`)), 2: await openStore(path.join(tmp, `idx-2-${run}`)) };
    const ms = { 1: 0, 2: 0 };
    const cpu = { 1: { main: 0, others: 0 }, 2: { main: 0, others: 0 } };
    const timed = async (workers: 1 | 2, work: () => Promise<unknown>) => {
      // the pools of both worker counts start alike: with warm workers (an idle pool keeps the second one
      // from ending while one worker runs), or with fresh ones
      if (WORKERS_START === 'cold') await endSpareWorkers();
      const holder = WORKERS_START === 'warm' && workers === 1 ? new FilePool(1) : undefined;
      try {
        await timedRun(workers, work);
      } finally {
        await holder?.close();
      }
    };
    const timedRun = async (workers: 1 | 2, work: () => Promise<unknown>) => {
      const c = cpuMs();
      const t = performance.now();
      await work();
      ms[workers] += performance.now() - t;
      const c2 = cpuMs();
      if (c && c2) { cpu[workers].main += c2.main - c.main; cpu[workers].others += c2.others - c.others; }
    };
    if (INDEX_MODE === 'job') {
      // all repositories as one job, as `memocheck index a b c` does (the next one is fingerprinted while
      // the previous one is written); which worker count goes first alternates by run
      for (const workers of run % 2 ? [1, 2] as const : [2, 1] as const) {
        await timed(workers, () => indexRepositories(stores[workers], indexed.map((r) => ({ dir: r.dir, name: r.name })), { workers }));
      }
    } else {
      for (const [i, r] of indexed.entries()) {
        for (const workers of i % 2 ? [1, 2] as const : [2, 1] as const) {
          await timed(workers, () => indexRepository(stores[workers], r.dir, { name: r.name, workers }));
        }
      }
    }
    for (const workers of [1, 2] as const) {
      idxMs[workers]!.push(ms[workers]);
      idxCpu[workers]!.main.push(cpu[workers].main);
      idxCpu[workers]!.others.push(cpu[workers].others);
      const info = await stores[workers].info();
      indexBytes = info.bytes; units = info.units;
      await stores[workers].close();
      if (run < RUNS - 1 || workers === 1) rmSync(path.join(tmp, `idx-${workers}-${run}`), { recursive: true, force: true });
    }
    console.log(`index run ${run}: 1 worker ${idxMs[1]![run]!.toFixed(0)} ms, 2 workers ${idxMs[2]![run]!.toFixed(0)} ms, ratio ${(idxMs[1]![run]! / idxMs[2]![run]!).toFixed(2)}; ` +
      `CPU ms main/other threads: 1 worker ${cpu[1].main}/${cpu[1].others}, 2 workers ${cpu[2].main}/${cpu[2].others}`);
  }
  const mainIndex = path.join(tmp, `idx-2-${RUNS - 1}`);

  // 3. scan throughput: negative repositories against the index
  const negFiles = phase('scan') || phase('lookup') ? await sourceFiles(negatives) : [];
  const negBytes = negFiles.reduce((a, f) => a + f.bytes, 0);
  const scanMs: number[] = [];
  for (let run = 0; run < (phase('scan') ? RUNS : 0); run++) {
    const store = await openStore(mainIndex);
    const scanner = await Scanner.open(store);
    const t = performance.now();
    await scanner.scanPaths(negatives.map((r) => r.dir), { workers: 2 });
    scanMs.push(performance.now() - t);
    await scanner.close(); await store.close();
  }

  // 4. lookup latency of 1,000-line files against >= LOOKUP_UNITS units
  console.log(JSON.stringify({ parseMs, fpMs, idxMs, indexBytes, units, scanMs }));
  const lat: number[] = [], tokLat: number[] = [], matchLat: number[] = [];
  const firstTokenizeMs: Record<string, number> = {};
  const firstLookupMs: number[] = [];
  let bigUnits = 0, queryCount = 0;
  if (phase('lookup')) {
  const big = await openStore(REUSE || mainIndex);
  let copy = 0;
  // an empty --reuse-index directory is filled here (and kept for the next run)
  const unitsIn = async () => (existsSync(path.join(REUSE || mainIndex, 'MANIFEST')) ? (await big.info()).units : 0);
  while ((await unitsIn()) < LOOKUP_UNITS) {
    // copies of the indexed repositories only: the query files (from negative repositories) stay unindexed
    const r = indexed[copy % indexed.length]!;
    await indexRepository(big, r.dir, { name: `${r.name}#${Math.floor(copy / indexed.length)}`, workers: 2 });
    copy++;
  }
  bigUnits = (await big.info()).units;
  // the 40 queries, and the next file of 1,000 lines for each run's first lookup (below)
  const queries = lookupQueries(negFiles, 41);
  const opener = queries.pop()!;
  // Each run opens a reader of its own: a reader caches the token streams it decoded, and a run must not find
  // those of the same queries' candidates in it from the run before (a first check of a file pays for them).
  // The warm-up, on a reader of its own that is then closed, is what a running editor has done before: every
  // query once, so each language's grammar is loaded (its first parse, reported as firstTokenizeMs, is a
  // once-per-process cost) and the code paths are compiled. Each run's first use of the document frequencies
  // (merged once per reader) is made before its queries.
  const warm = await Scanner.open(big);
  for (const q of queries) {
    const t = performance.now();
    const doc = await tokenizeForScan(q.text, q.lang);
    if (!(q.lang in firstTokenizeMs)) firstTokenizeMs[q.lang] = performance.now() - t;
    await warm.scanTokens(doc);
  }
  await warm.close();
  queryCount = queries.length;
  for (let run = 0; run < LOOKUP_RUNS; run++) {
    const scanner = await Scanner.open(big);
    await scanner.reader.documentFrequency(new Uint32Array(1));
    // A reader's first lookup pays once for what opening it left (the previous run's reader becoming garbage,
    // first touches of the new one's tables): timed on its own, with a file that is not among the queries
    // (the next one of at least 1,000 lines), as an editor's first check after opening an index.
    const t = performance.now();
    await scanner.scanText(opener.text, opener.lang, 'first');
    firstLookupMs.push(performance.now() - t);
    for (const q of queries) {
      // end to end (what an editor pays: parse and tokenize, then lookup and verification), and its parts
      const t0 = performance.now();
      const doc = await tokenizeForScan(q.text, q.lang);
      const t1 = performance.now();
      await scanner.scanTokens(doc);
      const t2 = performance.now();
      lat.push(t2 - t0);
      tokLat.push(t1 - t0);
      matchLat.push(t2 - t1);
    }
    await scanner.close();
  }
  await big.close();
  }

  // 5. MinHash baseline: the minhash npm package vs ours, 128 permutations, 2,000 sets of 40 shingles
  const { Minhash } = require('minhash') as { Minhash: new (c?: { numPerm?: number }) => { update(s: string): void } };
  const sets = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 40 }, (_, j) => `shingle-${i}-${j}`));
  const hashed = sets.map((s) => s.map(fnv1a32));
  const oursMs: number[] = [], theirsMs: number[] = [];
  for (let run = 0; run < (phase('minhash') ? RUNS : 0); run++) {
    let t = performance.now();
    for (const s of hashed) signature(s, 128, 1);
    oursMs.push(performance.now() - t);
    t = performance.now();
    for (const s of sets) { const m = new Minhash({ numPerm: 128 }); for (const x of s) m.update(x); }
    theirsMs.push(performance.now() - t);
  }

  const runRatios = idxMs[1]!.map((t, i) => t / idxMs[2]![i]!);
  const result = {
    date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`, runs: RUNS,
    corpus: { repos: indexed.length, files: files.length, bytes: corpusBytes },
    parseOnlyMBps: mb(corpusBytes, median(parseMs)),
    fingerprintMBps1Thread: mb(corpusBytes, median(fpMs)),
    fingerprintVsParse: median(parseMs) / median(fpMs),
    index1WorkerMBps: mb(corpusBytes, median(idxMs[1]!)),
    index2WorkersMBps: mb(corpusBytes, median(idxMs[2]!)),
    index1WorkerVsParse: median(parseMs) / median(idxMs[1]!),
    twoWorkersVsOne: median(idxMs[1]!) / median(idxMs[2]!),
    /** each run's 1-worker time over its 2-worker time (the two alternate within a run, so each ratio pairs
     * measurements under the same machine speed, which drifts by up to a third from run to run), and their median */
    twoWorkersVsOneRuns: runRatios,
    twoWorkersVsOneMedianOfRuns: runRatios.length ? median(runRatios) : null,
    /** CPU seconds per indexing of the corpus: the main thread and the other threads (workers, helpers) */
    indexCpuSeconds: Object.fromEntries(([1, 2] as const).map((w) => [`${w}worker${w > 1 ? 's' : ''}`, idxCpu[w]!.main.length
      ? { main: median(idxCpu[w]!.main) / 1000, others: median(idxCpu[w]!.others) / 1000 } : null])),
    indexBytesPerCorpusByte: indexBytes / corpusBytes, units,
    scanMBps: mb(negBytes, median(scanMs)), scanBytes: negBytes,
    lookup: {
      units: bigUnits, queries: queryCount, runs: LOOKUP_RUNS, p50ms: pct(lat, 0.5), p95ms: pct(lat, 0.95),
      /** the parts: tree-sitter parse + tokenize, and lookup + verification alone */
      tokenize: { p50ms: pct(tokLat, 0.5), p95ms: pct(tokLat, 0.95) },
      lookupVerify: { p50ms: pct(matchLat, 0.5), p95ms: pct(matchLat, 0.95) },
      /** each language's first parse in this process (the warm-up's; after the other phases its grammar is loaded already) */
      firstTokenizeMs,
      /** each run's first lookup on its new reader (another file of 1,000 lines, parsed before), not in the percentiles */
      firstLookupMs,
    },
    minhash: { oursSigsPerSec: 2000 / (median(oursMs) / 1000), packageSigsPerSec: 2000 / (median(theirsMs) / 1000), speedup: median(theirsMs) / median(oursMs) },
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result, null, 2));
  if (!ONLY && !only) {
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** Under tsx: build the bundles and run this benchmark from dist/, like users run the engine. */
function runBundled(): number {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--bench'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;
  const args = [...process.execArgv.filter((a) => !/tsx/.test(a) && a !== '--import'), path.join(ROOT, 'dist', 'perf-engine.js'), ...process.argv.slice(2)];
  return spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
}

if (__filename.endsWith('.ts') && !process.argv.includes('--from-sources')) process.exitCode = runBundled();
else main().catch((e) => { console.error(e); process.exit(1); });
