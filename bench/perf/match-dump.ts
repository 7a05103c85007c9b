// Every match (and the matcher's diagnostics) of the quality benchmark's copy and negative files against that
// configuration's index, one JSON line per file, plus the matcher's CPU time. A change meant to make lookups
// cheaper must not change these: run it from both checkouts and compare the outputs byte for byte.
//   node --import tsx bench/perf/match-dump.ts .cache/quality/full .cache/matches-a.jsonl
//   (in the other checkout, the same into this one's .cache/matches-b.jsonl), then:
//   cmp .cache/matches-a.jsonl .cache/matches-b.jsonl
// A third argument, a number, has the reader find the candidates of queries of at least that many (key, unit)
// entries on two threads (FileStoreOptions.splitEntries; 1: every query it can split), to compare with one thread (0).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Matcher } from '../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../src/core/options';
import type { LanguageId } from '../../src/core/types';
import { openFileStore } from '../../src/index/file/store';
import { openStore } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';

async function main(): Promise<void> {
  const [dir, out, split] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: match-dump.ts <quality configuration directory> <output file> [split entries]');
  const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { copies: Sample[]; negatives: Sample[] };
  const store = split === undefined ? await openStore(path.join(dir, 'index'))
    : await openFileStore(path.join(dir, 'index'), Number(split) > 0 ? { splitEntries: Number(split) } : { decodeHelper: false });
  const reader = await store.openReader();
  try {
    const matcher = new Matcher(reader, matchOptions({}), async () => undefined, DEFAULT_TUNING);
    const lines: string[] = [];
    let cpu = 0, skipped = 0, matches = 0;
    for (const f of [...truth.copies, ...truth.negatives]) {
      let doc;
      try {
        doc = await tokenizeText(readFileSync(path.join(dir, 'workspace', f.file), 'utf8'), f.language, undefined, false);
      } catch {
        skipped++; // (unparsable: the same in both checkouts)
        continue;
      }
      const c0 = process.cpuUsage();
      const ms = await matcher.match(doc);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      matches += ms.length;
      lines.push(JSON.stringify({ file: f.file, matches: ms, diagnostics: matcher.lastDiagnostics }));
    }
    writeFileSync(out, lines.join('\n') + '\n');
    console.log(`${lines.length} files (${skipped} not tokenized), ${matches} matches, matcher CPU ${(cpu / 1000).toFixed(0)} ms`);
  } finally {
    await reader.close();
    await store.close();
  }
}

interface Sample { file: string; language: LanguageId }

main().catch((e) => {
  console.error(`match-dump: ${(e as Error).message}`);
  process.exit(1);
});
