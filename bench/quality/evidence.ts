// The evidence behind each verdict of the rarity rule: runs the matcher over every file of a quality workspace
// (planted copies and negatives) and writes, for each scored chain that reached the rule, its features and
// whether it is a planted copy (the copy's source file, overlapping the copy's lines) and the rule's verdict
// (`accepted`; an accepted chain may still lose to a better one over the same lines). For studying the rule
// on one configuration and checking a change on another, not for tuning to the benchmark's answers.
//   node --import tsx bench/quality/evidence.ts full out.jsonl [--index DIR]
// (--index: against another index holding the configuration's repositories, such as bench/quality/large.ts
// builds in .cache/quality/<config>-large/index; a chain's source side is placed in its functions only for
// the configuration's repositories)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { innermostSpan, Matcher, type Span } from '../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../src/core/options';
import type { LanguageId } from '../../src/core/types';
import { openStore } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import { ROOT } from './corpus';

interface Copy { id: string; type: string; language: LanguageId; tokens: number; file: string; startLine: number; endLine: number; source: { path: string } }

async function main(): Promise<void> {
  const { values: { index: indexDir }, positionals: [config = 'full', out = 'evidence.jsonl'] } =
    parseArgs({ options: { index: { type: 'string' } }, allowPositionals: true });
  const dir = path.join(ROOT, '.cache', 'quality', config);
  const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as
    { copies: Copy[]; negatives: { file: string; language: LanguageId }[]; indexed: { name: string; dir: string }[] };
  // function units of the source files, to place each chain's source side
  const sources = new Map<string, Promise<Span[]>>();
  const functionsOf = (repo: string, file: string, language: LanguageId) => {
    const key = `${repo}\0${file}`;
    let p = sources.get(key);
    if (!p) {
      const repoDir = truth.indexed.find((r) => r.name === repo)?.dir;
      if (!repoDir) return Promise.resolve([]);
      p = tokenizeText(readFileSync(path.join(ROOT, repoDir, file), 'utf8'), language, undefined, false)
        .then((d) => d.units.filter((u) => u.kind === 'function'));
      sources.set(key, p);
    }
    return p;
  };
  /** whether a function holds [a, b), and the share of the innermost one that [a, b) spans */
  const place = (fns: readonly Span[], a: number, b: number) => {
    const inner = innermostSpan(fns, a, b);
    return inner ? { within: 1, cover: (b - a) / (inner.end - inner.start) } : { within: 0, cover: 0 };
  };
  const files = new Map<string, { language: LanguageId; copies: Copy[] }>();
  for (const c of truth.copies) {
    const f = files.get(c.file) ?? { language: c.language, copies: [] };
    f.copies.push(c);
    files.set(c.file, f);
  }
  for (const n of truth.negatives) files.set(n.file, { language: n.language, copies: [] });
  const store = await openStore(indexDir ?? path.join(dir, 'index'));
  const reader = await store.openReader();
  const rows: string[] = [];
  try {
    const matcher = new Matcher(reader, matchOptions({}), async () => undefined, DEFAULT_TUNING);
    for (const [file, f] of files) {
      const doc = await tokenizeText(readFileSync(path.join(dir, 'workspace', file), 'utf8'), f.language, undefined, false);
      const lines = doc.tokens.lines;
      const qFns = doc.units.filter((u) => u.kind === 'function');
      const pending: Promise<void>[] = [];
      let last: { accepted: boolean } | undefined;
      matcher.trace = (event, d) => {
        // (a rejection right after a chain's evidence is the rarity rule's verdict on it)
        if (event === 'rejected' && last && d.why === 'ubiquitous') last.accepted = false;
        if (event !== 'evidence') return;
        const verdict = (last = { accepted: true });
        const [qs, qe] = d.q as [number, number];
        const a = lines[qs]! + 1, b = lines[qe - 1]! + 1;
        const copy = f.copies.find((c) => c.source.path === d.path && a <= c.endLine && b >= c.startLine);
        const [ss, se] = d.s as [number, number];
        pending.push(functionsOf(String(d.repo), String(d.path), f.language).then((fns) => {
          rows.push(JSON.stringify({ file, language: f.language, lines: [a, b], copy: copy?.id, copyTokens: copy?.tokens, ...d,
            sPlace: place(fns, ss, se), qPlace: place(qFns, qs, qe), accepted: verdict.accepted }));
        }));
      };
      await matcher.match(doc);
      await Promise.all(pending);
    }
  } finally {
    await reader.close?.();
    await store.close();
  }
  writeFileSync(out, rows.join('\n') + '\n');
  console.error(`evidence: ${rows.length} scored chains from ${files.size} files -> ${out}`);
}

main().catch((e: Error) => { console.error(`evidence: ${e.stack ?? e.message}`); process.exit(2); });
