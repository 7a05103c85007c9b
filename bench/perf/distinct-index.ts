// Builds an index of ~1M units in which (almost) no file is there twice, for the lookup benchmark's second
// row: the engine benchmark's own lookup index is 12 copies of the 23 corpus repositories, the best case
// for the matcher's alignment sharing between files of the same bytes (match.ts). This one indexes the 23
// repositories once, then real code already on the machine, one repository per package: the npm packages
// in node_modules, the C headers in /usr/include, the Debian source packages fetched for the licence tests
// (.cache/debian-src), the Python packages in /usr/lib/python3/dist-packages, and eight Debian source
// packages of Java, Go, C# and C++ code fetched for it (bench/perf/fetch-lookup-src.sh). The negative
// repositories (where the lookup queries come from) are left out, and so is code under _vendor, vendor,
// third_party or a folder named after one of them; code they share with other projects (glibc's getopt,
// bison's skeleton) stays, as in any real index.
//   bash bench/perf/fetch-lookup-src.sh && bash test/licenses/fetch-debian.sh
//   node --max-old-space-size=12000 --import tsx bench/perf/distinct-index.ts <index directory>
//   node --max-old-space-size=12000 --import tsx bench/perf/engine.ts --only lookup --reuse-index <index directory>
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { indexRepositories, openStore } from '../../src/node/engine';
import { loadManifest } from '../quality/corpus';
import { corpus } from './corpus';

const ROOT = path.resolve(__dirname, '..', '..');

interface Target { dir: string; name: string }

const dirs = (d: string): string[] => existsSync(d)
  ? readdirSync(d).filter((e) => !e.startsWith('.')).map((e) => path.join(d, e)).filter((p) => statSync(p).isDirectory())
  : [];

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: distinct-index.ts <index directory>');
  if (existsSync(out)) throw new Error(`${out} exists; give a new directory`);
  // (without them the index falls short of a million units: 940,910 on a fresh machine)
  for (const [dir, fetch] of [['lookup-src', 'bench/perf/fetch-lookup-src.sh'], ['debian-src', 'test/licenses/fetch-debian.sh']] as const) {
    if (!existsSync(path.join(ROOT, '.cache', dir))) throw new Error(`.cache/${dir} is missing; run bash ${fetch} first`);
  }
  const repos = corpus(ROOT);
  const manifest = loadManifest();
  // the corpus's packages by npm, Debian and Python name, to leave out their other copies on the machine
  const corpusPackages = new Set(manifest.flatMap((r) => [r.name, r.origin.package ?? r.name]));
  const negatives = manifest.filter((r) => r.role === 'negative');
  const negativeNames = new Set(negatives.flatMap((r) => [r.name, r.origin.package ?? r.name, (r.origin.package ?? '').replace(/^python3-/, '')]));
  // the negatives' code vendored elsewhere (pip vendors requests and six, for example)
  const vendored = ['**/_vendor/**', '**/vendor/**', '**/third_party/**', ...[...negativeNames].filter(Boolean).map((n) => `**/${n}/**`)];
  const corpusTargets: Target[] = repos.filter((r) => r.role === 'indexed').map((r) => ({ dir: r.dir, name: r.name }));
  const targets: Target[] = [];

  const nm = path.join(ROOT, 'node_modules');
  for (const p of dirs(nm)) {
    for (const pkg of path.basename(p).startsWith('@') ? dirs(p) : [p]) {
      const name = path.relative(nm, pkg);
      if (corpusPackages.has(name)) continue;
      targets.push({ dir: pkg, name: `npm:${name}` });
    }
  }
  // Debian source packages fetched for this index (fetch-lookup-src.sh): mostly Java, Go, C# and C++
  for (const d of dirs(path.join(ROOT, '.cache', 'lookup-src', 'src'))) targets.push({ dir: d, name: `debian:${path.basename(d)}` });
  for (const d of dirs('/usr/include')) targets.push({ dir: d, name: `include:${path.basename(d)}` });
  const debianVersioned = (d: string) => path.basename(d).replace(/-[0-9][^-]*$/, '');
  for (const d of dirs(path.join(ROOT, '.cache', 'debian-src'))) {
    if (corpusPackages.has(debianVersioned(d)) || negativeNames.has(debianVersioned(d))) continue;
    targets.push({ dir: d, name: `debian:${path.basename(d)}` });
  }
  for (const d of dirs('/usr/lib/python3/dist-packages')) {
    const name = path.basename(d);
    if (name.endsWith('-info') || name === '__pycache__' || negativeNames.has(name) || ['yaml', 'attr', 'attrs'].includes(name)) continue;
    targets.push({ dir: d, name: `python:${name}` });
  }

  const store = await openStore(out);
  const t = performance.now();
  let files = 0;
  try {
    // the corpus as the engine benchmark indexes it; the rest without the negatives' code
    const results = [
      ...await indexRepositories(store, corpusTargets, { workers: 2, onIndexed: (_, r) => { files += r.repo.files; } }),
      ...await indexRepositories(store, targets, {
        workers: 2,
        exclude: vendored,
        onIndexed: (i, r) => { files += r.repo.files; if (i % 50 === 0) console.log(`${i + 1}/${targets.length} ${targets[i]!.name}: ${files} files so far`); },
      }),
    ];
    const info = await store.info();
    console.log(`${out}: ${results.length} repositories, ${info.units} units, ${files} files, ${(info.bytes / 1048576).toFixed(0)} MiB, ` +
      `${((performance.now() - t) / 1000).toFixed(0)} s`);
  } finally {
    await store.close();
  }
}

main().catch((e) => {
  console.error(`distinct-index: ${(e as Error).message}`);
  process.exit(1);
});
