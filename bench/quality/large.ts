// The quality benchmark against a large index: a configuration's planted copies and negative files (as
// run.ts generates them) scanned against another index (such as the 615 repositories of distinct code that
// bench/perf/distinct-index.ts builds) with the configuration's indexed repositories added to it. The
// quality configurations index 9-23 repositories, where "ubiquitous" (35% of the repositories) means 4-9 of
// them; a user's index of hundreds of repositories judges ubiquity very differently, and this measures what
// that does to recall and to false positives. Two tunings side by side: DEFAULT_TUNING, and DEFAULT_TUNING
// with the overrides given.
//   node --max-old-space-size=12000 --import tsx bench/quality/large.ts full --base .cache/perf-index-distinct [--list-false] [ubiquityMax=64]
// (--list-false: every finding in a negative file, which the benchmark counts as a false positive;
// --min-tokens N: the second scan with the user setting minTokens = N, as `memocheck scan --min-tokens`)
// The combined index is built once (a copy of the base, plus the configuration's repositories, which replace
// those of the same names in the copy: ~2 minutes) in .cache/quality/<config>-large/index, and reused while
// the base's MANIFEST and the configuration's repositories are unchanged.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TUNING, type MatchTuning } from '../../src/core/options';
import { indexRepositories, openStore, Scanner } from '../../src/node/engine';
import { CONFIGS, ROOT } from './corpus';
import { generate } from './generate';
import { score, type Metrics } from './metrics';
import { scanWorkspace, tuningWith } from './tools';

interface Args { config: string; base: string; tuning: MatchTuning; overrides: string[]; minTokens?: number; listFalse: boolean }

function args(): Args {
  const { values: { base, 'min-tokens': min, 'list-false': listFalse = false }, positionals: [config = 'full', ...overrides] } = parseArgs({
    options: { base: { type: 'string' }, 'min-tokens': { type: 'string' }, 'list-false': { type: 'boolean' } },
    allowPositionals: true,
  });
  if (!base) throw new Error('usage: large.ts <config> --base <index directory> [--list-false] [--min-tokens N] [tuning=value ...]');
  const minTokens = min === undefined ? undefined : Number(min);
  if (minTokens !== undefined && !(Number.isInteger(minTokens) && minTokens >= 10)) throw new Error('--min-tokens takes an integer >= 10');
  return { config, base: path.resolve(base), tuning: tuningWith(overrides), overrides, minTokens, listFalse };
}

async function main(): Promise<void> {
  const { config: name, base, tuning, overrides, minTokens, listFalse } = args();
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown configuration ${name}`);
  if (!existsSync(path.join(base, 'MANIFEST'))) throw new Error(`${base} holds no index (no MANIFEST)`);
  const log = (s: string) => console.error(`large: ${s}`);
  const truth = await generate(config, path.join(ROOT, '.cache', 'quality', config.name), log);

  // the combined index: the base's snapshot copied, then the configuration's repositories added
  const dir = path.join(ROOT, '.cache', 'quality', `${config.name}-large`);
  const indexDir = path.join(dir, 'index');
  const stamp = `${base}\n${readFileSync(path.join(base, 'MANIFEST'), 'utf8')}\n${truth.indexed.map((r) => r.name).join(',')}`;
  const stampFile = path.join(dir, 'built-from');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(base, indexDir, { recursive: true, filter: (src) => !/\.lock$|\.tmp/.test(src) });
    const store = await openStore(indexDir);
    try {
      log(`adding the ${truth.indexed.length} repositories of --config ${config.name} to a copy of ${base}`);
      await indexRepositories(store, truth.indexed.map((r) => ({ dir: path.join(ROOT, r.dir), name: r.name })), { workers: 2 });
    } finally {
      await store.close();
    }
    writeFileSync(stampFile, stamp);
  }

  const store = await openStore(indexDir);
  const rows: { label: string; m: Metrics }[] = [];
  const falseByLanguage: string[] = [];
  try {
    const info = await store.info();
    log(`index: ${info.repos.length} repositories, ${info.units} units`);
    const other = [...overrides, ...(minTokens ? [`--min-tokens ${minTokens}`] : [])].join(' ') || 'default again';
    // the negative files and their languages: each one reported is a false positive of the benchmark
    const negativeLanguage = new Map(truth.negatives.map((n) => [n.file, n.language]));
    for (const [label, t, opts] of [['default', DEFAULT_TUNING, {}], [other, tuning, minTokens ? { minTokens } : {}]] as const) {
      const scanner = await Scanner.open(store, opts, t);
      try {
        const { findings } = await scanWorkspace(scanner, truth);
        rows.push({ label, m: score(truth, findings, true) });
        const falseFindings = findings.filter((f) => negativeLanguage.has(f.file));
        // the negative files reported, by language (where chance resemblance comes from)
        const byLanguage = new Map<string, number>();
        for (const f of new Set(falseFindings.map((x) => x.file))) {
          const language = negativeLanguage.get(f)!;
          byLanguage.set(language, (byLanguage.get(language) ?? 0) + 1);
        }
        falseByLanguage.push(`${label}: negative files reported by language: ${[...byLanguage].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ') || 'none'}`);
        if (listFalse) for (const f of falseFindings) console.log(`${label}: ${f.file}:${f.startLine}-${f.endLine} <- ${f.repo}/${f.path}`);
      } finally {
        await scanner.close();
      }
    }
    const pct = (r: { rate: number } | null) => (r ? `${(100 * r.rate).toFixed(1)}%` : '—');
    console.log(`Quality benchmark --config ${config.name} against ${info.repos.length} repositories (${info.units} units): ${truth.copies.length} planted copies, ${truth.negatives.length} negative files`);
    console.log('| tuning | T1 | T2 | T3 | FP files per 1,000 | precision | IoU | repo + licence |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const { label, m } of rows) {
      console.log(`| ${label} | ${pct(m.recall.T1)} | ${pct(m.recall.T2)} | ${pct(m.recall.T3)} | ${m.fpFilesPer1000.toFixed(1)} (${m.fpFiles}) | ${pct(m.precision)} | ${m.meanIoU.toFixed(2)} | ${pct(m.attribution)} |`);
    }
    for (const { label, m } of rows) {
      const langs = Object.entries(m.recallByLanguage).map(([l, r]) => `${l} ${pct(r)}`).join(', ');
      console.log(`${label}: recall by language: ${langs}`);
      console.log(`${label}: recall by size (normalized tokens): ${Object.entries(m.recallBySize).map(([b, r]) => `${b} ${pct(r)}`).join(', ')}`);
    }
    for (const line of falseByLanguage) console.log(line);
  } finally {
    await store.close();
  }
}

main().catch((e: Error) => {
  console.error(`large: ${e.message}`);
  process.exit(2);
});
