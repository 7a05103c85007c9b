// Index bytes per section, and how fast token streams decode. Byte counts do not depend on machine load.
//   node --import tsx bench/perf/index-sections.ts [--index DIR] [--workers 1] [--decode-runs 3]
// Indexes the corpus repositories with role "indexed" (bench/corpus/repos.json) into DIR (a temp directory
// unless given; an existing DIR is reused as it is), then prints each segment section's total size and its
// share per corpus byte (all source files MemoCheck would index, as bench/perf/engine.ts counts them), and
// the median ns per token to read, check and decode every file's token stream (Segment.tokens). It runs from
// the TypeScript sources under tsx, which makes decoding slower than in the bundles users run: compare its
// decode times only with its own, on the same machine and load.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexRepository, openStore } from '../../src/node/engine';
import { languageForPath } from '../../src/node/grammars';
import { listFiles } from '../../src/node/walk';
import { readSource } from '../../src/node/source';
import { ContainerReader } from '../../src/index/file/container';
import { SEGMENT_MAGIC, SEGMENT_RE, kindName } from '../../src/index/file/format';
import { Segment } from '../../src/index/file/segment-reader';

const ROOT = path.resolve(__dirname, '..', '..');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};

async function main(): Promise<void> {
  const m = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'corpus', 'repos.json'), 'utf8')) as { repos: { name: string; role: string }[] };
  const repos = m.repos.filter((r) => r.role === 'indexed')
    .map((r) => ({ name: r.name, dir: path.join(ROOT, '.cache', 'corpus', 'src', r.name) }))
    .filter((r) => existsSync(r.dir));
  if (!repos.length) throw new Error('no corpus: run bash bench/corpus/fetch.sh first');
  let corpusBytes = 0;
  for (const r of repos) {
    for (const rel of await listFiles(r.dir)) {
      if (!languageForPath(rel)) continue;
      const src = await readSource(path.join(r.dir, rel));
      if (src.ok) corpusBytes += src.bytes.length;
    }
  }
  const given = arg('index', '');
  const dir = given || mkdtempSync(path.join(os.tmpdir(), 'memocheck-sections-'));
  if (!existsSync(path.join(dir, 'MANIFEST'))) {
    const store = await openStore(dir);
    for (const r of repos) await indexRepository(store, r.dir, { name: r.name, workers: Number(arg('workers', '1')) });
    await store.close();
  }

  const sizes = new Map<string, number>();
  let total = 0, tokens = 0, units = 0;
  const segs = readdirSync(dir).filter((f) => SEGMENT_RE.test(f));
  for (const f of [...segs, 'MANIFEST']) total += statSync(path.join(dir, f)).size;
  for (const f of segs) {
    const c = await ContainerReader.open(path.join(dir, f), SEGMENT_MAGIC);
    let table = c.header.bytes;
    for (const s of c.header.sections) sizes.set(kindName(s.kind), (sizes.get(kindName(s.kind)) ?? 0) + s.length);
    sizes.set('(headers)', (sizes.get('(headers)') ?? 0) + table);
    await c.close();
  }
  sizes.set('(manifest)', statSync(path.join(dir, 'MANIFEST')).size);
  const row = (name: string, bytes: number) => console.log(`${name.padEnd(16)} ${String(bytes).padStart(10)}  ${(bytes / corpusBytes).toFixed(4)}`);
  console.log(`corpus: ${repos.length} repositories, ${corpusBytes} source bytes; index ${dir}`);
  for (const [name, bytes] of [...sizes].sort((a, b) => b[1] - a[1])) row(name, bytes);
  row('total', total);

  // decode speed: every file's token stream, several passes, the median pass
  const opened = await Promise.all(segs.map((f) => Segment.open(dir, f, false)));
  for (const s of opened) { for (let i = 0; i < s.fileCount; i++) tokens += s.tokenCount[i]!; units += s.unitCount; }
  const runs: number[] = [];
  for (let run = 0; run < Number(arg('decode-runs', '3')); run++) {
    const t = process.hrtime.bigint();
    for (const s of opened) for (let i = 0; i < s.fileCount; i++) s.tokens(i);
    runs.push(Number(process.hrtime.bigint() - t) / tokens);
  }
  await Promise.all(opened.map((s) => s.close()));
  runs.sort((a, b) => a - b);
  console.log(`units ${units}, tokens ${tokens}; decode ns/token per pass: ${runs.map((x) => x.toFixed(2)).join(', ')} (median ${runs[runs.length >> 1]!.toFixed(2)})`);
  if (!given) rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
