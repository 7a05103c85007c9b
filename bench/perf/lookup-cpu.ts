// CPU and wall time per lookup of 40 1,000-line query files (the engine benchmark's queries: the first
// 1,000 lines of files of the negative repositories) against an existing index, 3 rounds after a warm-up,
// through Scanner.scanTokens (lookup + verification, tokenization excluded). CPU time of the process is
// less disturbed by other load than wall time; to compare two builds, run this from both checkouts
// alternately on the same index (or on indexes of the same code).
//   node --import tsx bench/perf/lookup-cpu.ts <index directory>
import path from 'node:path';
import { openStore, Scanner, tokenizeForScan } from '../../src/node/engine';
import { corpus, lookupQueries, sourceFiles } from './corpus';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const index = process.argv[2];
  if (!index) throw new Error('usage: lookup-cpu.ts <index directory>');
  const queries = lookupQueries(await sourceFiles(corpus(ROOT).filter((r) => r.role === 'negative')));
  const store = await openStore(index);
  const scanner = await Scanner.open(store);
  try {
    const docs = [];
    for (const q of queries) docs.push(await tokenizeForScan(q.text, q.lang));
    for (const d of docs.slice(0, 3)) await scanner.scanTokens(d);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let round = 0; round < 3; round++) for (const d of docs) await scanner.scanTokens(d);
    const cpu = process.cpuUsage(c0);
    const n = 3 * docs.length;
    console.log(`${index}: ${scanner.reader.unitCount} units, ${docs.length} queries x 3: ` +
      `CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per query, wall ${((performance.now() - t0) / n).toFixed(2)} ms per query`);
  } finally {
    await scanner.close();
    await store.close();
  }
}

main().catch((e) => {
  console.error(`lookup-cpu: ${(e as Error).message}`);
  process.exit(1);
});
