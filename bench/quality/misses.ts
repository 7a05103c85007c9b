// Why the matcher missed the copies it missed: for each missed copy of a quality run (bench/results/quality-<config>.json)
// it prints the matcher's rejections on the host file and on the copy's lines alone, and the best direct alignment
// of the copy with its source function (found without the index: if that is good, candidate generation or ranking
// lost the copy; if not, verification's rules did), with the matcher's verdicts on its chains. The chains the
// matcher itself aligned with the source file, and what became of them, are listed under the host.
//   node --import tsx bench/quality/misses.ts full [T3]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chainRuns, findRuns } from '../../src/core/align';
import { Matcher } from '../../src/core/match';
import { mix } from '../../src/core/hash';
import { shingleHashes } from '../../src/core/minhash';
import { DEFAULT_TUNING, matchOptions, ubiquityThreshold } from '../../src/core/options';
import type { LanguageId } from '../../src/core/types';
import { openStore } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import { ROOT } from './corpus';

interface Copy {
  id: string; type: string; language: LanguageId; tokens: number; file: string; startLine: number; endLine: number;
  source: { repo: string; path: string; startLine: number; endLine: number };
}

const lines = (text: string, a: number, b: number) => text.split('\n').slice(a - 1, b).join('\n');

async function main(): Promise<void> {
  const [config = 'full', type] = process.argv.slice(2);
  const dir = path.join(ROOT, '.cache', 'quality', config);
  const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { copies: Copy[]; indexed: { name: string; dir: string }[] };
  const results = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results', `quality-${config}.json`), 'utf8')) as
    { tools: { tool: string; metrics: { misses: { id: string }[] } }[] };
  const missed = new Set(results.tools.find((t) => t.tool === 'MemoCheck')!.metrics.misses.map((m) => m.id));
  const store = await openStore(path.join(dir, 'index'));
  const reader = await store.openReader();
  const opts = matchOptions({});
  try {
    const matcher = new Matcher(reader, opts, async () => undefined, DEFAULT_TUNING);
    for (const c of truth.copies) {
      if (!missed.has(c.id) || (type && c.type !== type)) continue;
      const host = readFileSync(path.join(dir, 'workspace', c.file), 'utf8');
      const inHost = await tokenizeText(host, c.language, undefined, false);
      // what became of the chains aligned with the source file, in the host
      const events: string[] = [];
      matcher.trace = (event, d) => {
        if (d.path !== c.source.path || events.length >= 6) return;
        if (event === 'chain') events.push(`chain q ${String(d.q)} s ${String(d.s)} runs ${String(d.runs)}: ${String(d.verdict)}`);
        else if (event === 'rejected') events.push(`chain q ${String(d.q)}: ${String(d.why)}`);
      };
      const hostMatches = await matcher.match(inHost);
      matcher.trace = undefined;
      const hostDiag = matcher.lastDiagnostics;
      const alone = await tokenizeText(lines(host, c.startLine, c.endLine), c.language, undefined, false);
      const aloneMatches = await matcher.match(alone);
      const aloneDiag = matcher.lastDiagnostics;
      const repoDir = truth.indexed.find((r) => r.name === c.source.repo)!.dir;
      const srcText = readFileSync(path.join(ROOT, repoDir, c.source.path), 'utf8');
      const src = await tokenizeText(lines(srcText, c.source.startLine, c.source.endLine), c.language, undefined, false);
      const k = reader.params.k;
      const q = alone.tokens.codes, s = src.tokens.codes;
      const lim = { k, maxGap: 48, maxSeedOccurrences: 48, maxRuns: 5000, maxChains: 8, minMatched: 1 };
      const qh = shingleHashes(q, k);
      const chains = chainRuns(findRuns(q, qh, 0, q.length, s, shingleHashes(s, k), 0, lim), lim);
      const best = chains[0];
      const runs = best ? best.runs.map((r) => r.len).join(',') : '-';
      console.log(`${c.id} ${c.tokens} tokens, ${c.source.repo}/${c.source.path}:${c.source.startLine}`);
      console.log(`  host: ${hostMatches.length} matches elsewhere; ${JSON.stringify(hostDiag.rejected)} hit groups ${hostDiag.groups}`);
      for (const e of events) console.log(`    ${e}`);
      console.log(`  alone: ${aloneMatches.map((m) => `${m.source.path}:${m.source.startLine} ${m.kind} ${m.similarity}`).join('; ') || 'none'}; ${JSON.stringify(aloneDiag.rejected)} candidates ${aloneDiag.candidateUnits}`);
      // the matcher's rules on each direct chain (the source function stands in for its file)
      const file = { ...src.tokens, repo: c.source.repo, path: c.source.path, license: '', id: 0 };
      const ubiquitous = ubiquityThreshold(DEFAULT_TUNING, reader.repoCount);
      const exactSh = shingleHashes(q.map((x, i) => mix(x, alone.tokens.raw[i]! + 1)), k);
      const verdicts = await Promise.all(chains.map(async (ch) => {
        const diag = { queryUnits: 0, candidateUnits: 0, clusters: 0, skippedKeys: 0, rejected: {} as Record<string, number> };
        const sc = (matcher as unknown as { score: (...a: unknown[]) => { kind: string; similarity: number; distinct: number; vocabulary: number; qShingles: number[]; exactValues: number } | undefined })
          .score(alone, qh, ch, file, diag, exactSh);
        if (!sc) return `${ch.matched}:${Object.keys(diag.rejected).join('+')}`;
        const df = await reader.documentFrequency(Uint32Array.from(sc.qShingles));
        const rare = df.filter((n) => n < ubiquitous).length;
        return `${ch.matched}:${sc.kind} sim ${sc.similarity.toFixed(2)} distinct ${sc.distinct} vocab ${sc.vocabulary} rare ${rare}/${sc.qShingles.length} exactValues ${sc.exactValues}`;
      }));
      console.log(`  direct: copy ${q.length} / source ${s.length} tokens, matched ${best?.matched ?? 0}, runs ${runs}; ${verdicts.join('; ')}`);
    }
  } finally {
    await reader.close();
    await store.close();
  }
}

main().catch((e) => {
  console.error(`misses: ${(e as Error).stack ?? (e as Error).message}`);
  process.exit(1);
});
