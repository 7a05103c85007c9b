// Per-query latency of the lookup benchmark's queries (bench/perf/engine.ts: the first 1,000 lines of files
// of the negative repositories) against an existing index, slowest first: which queries make the p95 and
// whether parsing or lookup + verification makes them slow. Like engine.ts, each run opens a reader of its
// own after a warm-up pass on another, and starts with a first lookup of another file (not counted).
//   node --max-old-space-size=12000 --import tsx bench/perf/lookup-queries.ts <index directory> [runs, default 8] [query numbers, e.g. 0,3,28]
import path from 'node:path';
import { openStore, Scanner, tokenizeForScan } from '../../src/node/engine';
import { corpus, lookupQueries, sourceFiles } from './corpus';

const ROOT = path.resolve(__dirname, '..', '..');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;

async function main(): Promise<void> {
  const [index, runsArg = '8', only] = process.argv.slice(2);
  if (!index) throw new Error('usage: lookup-queries.ts <index directory> [runs] [query numbers]');
  const runs = Number(runsArg);
  const all = lookupQueries(await sourceFiles(corpus(ROOT).filter((r) => r.role === 'negative')), 41);
  const opener = all.pop()!;
  const picked = only ? only.split(',').map(Number) : all.map((_, i) => i);
  const store = await openStore(index);
  try {
    const warm = await Scanner.open(store);
    for (const i of picked) await warm.scanTokens(await tokenizeForScan(all[i]!.text, all[i]!.lang));
    await warm.close();
    const parse = new Map<number, number[]>(), match = new Map<number, number[]>();
    for (let run = 0; run < runs; run++) {
      const scanner = await Scanner.open(store);
      await scanner.reader.documentFrequency(new Uint32Array(1));
      await scanner.scanText(opener.text, opener.lang, 'first');
      for (const i of picked) {
        const q = all[i]!;
        const t0 = performance.now();
        const doc = await tokenizeForScan(q.text, q.lang);
        const t1 = performance.now();
        await scanner.scanTokens(doc);
        const t2 = performance.now();
        (parse.get(i) ?? parse.set(i, []).get(i)!).push(t1 - t0);
        (match.get(i) ?? match.set(i, []).get(i)!).push(t2 - t1);
      }
      await scanner.close();
    }
    const rows = picked.map((i) => {
      const p = parse.get(i)!, m = match.get(i)!;
      return { i, total: median(p.map((x, j) => x + m[j]!)), parse: median(p), match: median(m), worst: Math.max(...p.map((x, j) => x + m[j]!)) };
    }).sort((a, b) => b.total - a.total);
    console.log(`${index}: ${picked.length} queries x ${runs} runs, medians (ms), slowest first`);
    console.log('query  language     bytes  end to end  parse + tokenize  lookup + verification  slowest run');
    for (const r of rows) {
      const q = all[r.i]!;
      console.log(`${String(r.i).padStart(5)}  ${q.lang.padEnd(10)} ${String(q.text.length).padStart(7)}  ${r.total.toFixed(1).padStart(10)}  ${r.parse.toFixed(1).padStart(16)}  ${r.match.toFixed(1).padStart(21)}  ${r.worst.toFixed(1).padStart(11)}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((e) => {
  console.error(`lookup-queries: ${(e as Error).message}`);
  process.exit(1);
});
