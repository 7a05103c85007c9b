// Every file of the negative repositories (not the sample the quality benchmark plants among), scanned
// against a quality configuration's index with two tunings: the files each reports, and the files only one
// of them reports. For checking a change of the verification rules on more unrelated code than the
// benchmark's 1,500 negatives.
//   node --import tsx bench/quality/negatives.ts full minFunctionCover=0
// (the second tuning is DEFAULT_TUNING with the given overrides). `--index DIR` scans against another
// index instead, such as the 615 repositories of bench/perf/distinct-index.ts, where the ubiquity threshold
// (35% of the repositories: 216) is far above that of the quality configurations (9):
//   node --import tsx bench/quality/negatives.ts full --index .cache/perf-index-distinct ubiquityMax=32
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Matcher } from '../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../src/core/options';
import type { Match } from '../../src/core/types';
import { openStore } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import { CONFIGS, ROOT, readSource, reposFor, sourceFiles } from './corpus';
import { tuningWith } from './tools';

async function main(): Promise<void> {
  const { values: { index: indexDir }, positionals: [name = 'full', ...overrides] } =
    parseArgs({ options: { index: { type: 'string' } }, allowPositionals: true });
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown configuration ${name}`);
  const other = tuningWith(overrides);
  const store = await openStore(indexDir ?? path.join(ROOT, '.cache', 'quality', name, 'index'));
  const reader = await store.openReader();
  const matchers = [DEFAULT_TUNING, other].map((t) => new Matcher(reader, matchOptions({}), async () => undefined, t));
  const found: string[][] = [[], []];
  let files = 0, failed = 0;
  const show = (m: Match) => `${m.startLine}-${m.endLine} ${m.kind} ${m.tokens} tokens ~ ${m.source.repo}/${m.source.path}:${m.source.startLine}-${m.source.endLine}`;
  try {
    for (const repo of reposFor(config).filter((r) => r.role === 'negative')) {
      for (const f of sourceFiles(repo)) {
        const text = readSource(f.abs);
        if (text === undefined) continue;
        files++;
        let doc;
        try { doc = await tokenizeText(text, f.language, undefined, false); } catch { failed++; continue; }
        const results = [];
        for (const m of matchers) results.push(await m.match(doc));
        results.forEach((r, i) => { if (r.length) found[i]!.push(`${repo.name}/${f.rel}`); });
        if (!results[0]!.length !== !results[1]!.length) {
          console.log(`${results[0]!.length ? 'default only' : 'other only'}: ${repo.name}/${f.rel}`);
          for (const m of results[0]!.length ? results[0]! : results[1]!) console.log(`    ${show(m)}`);
        }
      }
    }
  } finally {
    await reader.close();
    await store.close();
  }
  console.log(`${files} files (${failed} do not parse): ${found[0]!.length} reported with the default tuning, ${found[1]!.length} with ${overrides.join(' ') || 'the same'}`);
}

main().catch((e: Error) => { console.error(`negatives: ${e.stack ?? e.message}`); process.exit(2); });
