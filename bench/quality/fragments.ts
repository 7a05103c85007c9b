// Fragment copies: what the quality benchmark's whole-function copies do not show. A fragment is a run of
// sibling statements of 50-100 normalized tokens cut from inside a sampled indexed function and inserted,
// at a statement boundary, into a function body of a negative (unindexed) file of the same language: as is
// (T1) and with identifiers renamed and literals changed (T2). Reuses a configuration's generated workspace
// and MemoCheck index, so run bench/quality/run.ts --config <name> first. Scans through the engine facade,
// as users do; writes bench/results/fragments-<config>.json and .md.
// Usage: node --import tsx bench/quality/fragments.ts --config small|full|heldout [--per 20] [--verbose]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../../src/core/types';
import { lowerBound } from '../../src/index/file/arrays';
import { openStore, Scanner } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import { CONFIGS, ROOT } from './corpus';
import type { Truth } from './generate';
import { fnv1a, Rng } from './rng';
import { BLOCK_TYPES, errorCount, FUNCTION_TYPES, parse } from './syntax';
import { chooseStyle, rewrite } from './transform';

const MIN_TOKENS = 50, MAX_TOKENS = 100;
/** functions at least this long have room for a fragment and code around it */
const MIN_FUNCTION_TOKENS = 120;

interface Fragment { id: string; type: 'T1' | 'T2'; language: LanguageId; tokens: number; repo: string; path: string; host: string; found: boolean }

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const onlySpace = (s: string) => /^\s*$/.test(s);

/** [start, end) of every run of sibling statements in [from, to) with MIN..MAX_TOKENS tokens, each starting a line. */
function statementRuns(root: Node, text: string, from: number, to: number, tokensIn: (a: number, b: number) => number): [number, number][] {
  const runs: [number, number][] = [];
  const visit = (node: Node): void => {
    if (node.endIndex <= from || node.startIndex >= to) return;
    if (BLOCK_TYPES.has(node.type) && node.startIndex >= from && node.endIndex <= to) {
      const kids = node.namedChildren.filter((k): k is Node => !!k && !/comment/.test(k.type));
      for (let i = 0; i < kids.length; i++) {
        const a = lineStart(text, kids[i]!.startIndex);
        if (!onlySpace(text.slice(a, kids[i]!.startIndex))) continue;
        for (let j = i; j < kids.length; j++) {
          const e = text.indexOf('\n', kids[j]!.endIndex);
          const b = e < 0 ? text.length : e;
          const n = tokensIn(a, b);
          if (n > MAX_TOKENS) break;
          if (n >= MIN_TOKENS) runs.push([a, b]);
        }
      }
    }
    for (const k of node.namedChildren) if (k) visit(k);
  };
  visit(root);
  return runs;
}

/** line starts before statements inside multi-line blocks of a host file's functions */
function insertionPoints(root: Node, text: string, language: LanguageId): number[] {
  const out: number[] = [];
  const functions = new Set(FUNCTION_TYPES[language]);
  const visit = (node: Node, inFunction: boolean): void => {
    inFunction ||= functions.has(node.type);
    if (inFunction && BLOCK_TYPES.has(node.type) && node.startPosition.row !== node.endPosition.row) {
      for (const k of node.namedChildren) {
        if (!k || k.startPosition.row <= node.startPosition.row) continue;
        const ls = lineStart(text, k.startIndex);
        if (onlySpace(text.slice(ls, k.startIndex))) out.push(ls);
      }
    }
    for (const k of node.namedChildren) if (k) visit(k, inFunction);
  };
  visit(root, false);
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
  const name = opt('config') ?? 'small';
  const per = Number(opt('per') ?? 20);
  const verbose = argv.includes('--verbose');
  if (!CONFIGS[name]) throw new Error(`--config must be one of ${Object.keys(CONFIGS).join(', ')}`);
  if (!Number.isInteger(per) || per < 1) throw new Error(`--per must be a positive integer (got ${opt('per')})`);
  const dir = path.join(ROOT, '.cache', 'quality', name);
  if (!existsSync(path.join(dir, 'index', 'MANIFEST'))) {
    throw new Error(`${dir}: no workspace and index; run node --import tsx bench/quality/run.ts --config ${name} first`);
  }
  const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as Truth;
  const repoDir = new Map(truth.indexed.map((r) => [r.name, r.dir]));
  const store = await openStore(path.join(dir, 'index'));
  const scanner = await Scanner.open(store);
  const rng = new Rng(`fragments:${name}`);
  const results: Fragment[] = [];
  try {
    const byLanguage = new Map<LanguageId, Truth['copies']>();
    for (const c of truth.copies) {
      if (c.type !== 'T1' || c.placement !== 'standalone' || c.tokens < MIN_FUNCTION_TOKENS) continue;
      byLanguage.set(c.language, [...(byLanguage.get(c.language) ?? []), c]);
    }
    for (const [language, copies] of [...byLanguage].sort(([a], [b]) => a.localeCompare(b))) {
      const hosts = truth.negatives.filter((n) => n.language === language);
      let made = 0;
      for (const c of rng.shuffle([...copies])) {
        if (made >= per) break;
        const src = readFileSync(path.join(ROOT, repoDir.get(c.source.repo)!, c.source.path), 'utf8');
        const lines = src.split('\n');
        const from = lines.slice(0, c.source.startLine - 1).join('\n').length + 1;
        const to = lines.slice(0, c.source.endLine).join('\n').length;
        const { starts, ends } = (await tokenizeText(src, language, undefined, false)).tokens;
        // tokens with start >= a and end <= b: tokens are in order and do not overlap, so they are one range
        const tokensIn = (a: number, b: number) => Math.max(0, lowerBound(ends, b + 1, 0, ends.length) - lowerBound(starts, a, 0, starts.length));
        const tree = await parse(src, language);
        const runs = statementRuns(tree.rootNode, src, from, to, tokensIn);
        tree.delete();
        if (!runs.length) continue;
        const [a, b] = rng.pick(runs);
        const fragment = src.slice(a, b);
        const tokens = tokensIn(a, b);
        for (const host of rng.shuffle([...hosts]).slice(0, 6)) {
          const text = readFileSync(path.join(dir, 'workspace', host.file), 'utf8');
          const ht = await parse(text, language);
          const hostErrors = errorCount(ht);
          const points = insertionPoints(ht.rootNode, text, language);
          ht.delete();
          if (!points.length) continue;
          const at = rng.pick(points);
          const doc = text.slice(0, at) + fragment + '\n' + text.slice(at);
          const dt = await parse(doc, language);
          const errors = errorCount(dt);
          dt.delete();
          if (errors > hostErrors) continue;
          const startLine = text.slice(0, at).split('\n').length;
          const endLine = startLine + fragment.split('\n').length - 1;
          const id = `${c.id.replace(/-T1-standalone$/, '')}-fragment`;
          for (const type of ['T1', 'T2'] as const) {
            let query = doc;
            if (type === 'T2') {
              const style = { ...chooseStyle(rng.fork(`${id}:style`), language), commentsAdded: 0 };
              const renamed = await rewrite(doc, at, at + fragment.length, language, style, rng.fork(`${id}:rewrite`), { rename: { seed: fnv1a(id) } });
              query = doc.slice(0, at) + renamed + doc.slice(at + fragment.length);
            }
            const matches = await scanner.scanText(query, language, host.file);
            const found = matches.some((m) => m.source.repo === c.source.repo && m.startLine <= endLine && m.endLine >= startLine);
            results.push({ id, type, language, tokens, repo: c.source.repo, path: c.source.path, host: host.file, found });
            if (!found && process.env.FRAGMENTS_DUMP) writeFileSync(path.join(process.env.FRAGMENTS_DUMP, `${id}-${type}-${startLine}-${endLine}-${path.basename(host.file)}`), query);
            if (!found && verbose) console.log(`missed ${type} ${id} (${tokens} tokens) from ${c.source.repo}/${c.source.path} in ${host.file}:${startLine}-${endLine} ${JSON.stringify(scanner.diagnostics.rejected)}`);
          }
          made++;
          break;
        }
      }
    }
  } finally {
    await scanner.close();
    await store.close();
  }
  const rate = (xs: Fragment[]) => `${xs.length ? ((100 * xs.filter((x) => x.found).length) / xs.length).toFixed(1) : 'n/a'}% (${xs.filter((x) => x.found).length}/${xs.length})`;
  const of = (type: string, language?: string) => results.filter((r) => r.type === type && (!language || r.language === language));
  const languages = [...new Set(results.map((r) => r.language))];
  const md = [
    `### Fragment copies (\`--config ${name}\`): ${results.length / 2} fragments of ${MIN_TOKENS}–${MAX_TOKENS} normalized tokens`,
    '',
    `Runs of sibling statements cut from inside indexed functions, inserted into function bodies of unindexed files. Generated ${new Date().toISOString().slice(0, 10)}, index parameters ${JSON.stringify(scanner.reader.params)}.`,
    '',
    '| recall | T1 (as is) | T2 (renamed, literals changed) |',
    '|---|---|---|',
    `| all | ${rate(of('T1'))} | ${rate(of('T2'))} |`,
    ...languages.map((l) => `| ${l} | ${rate(of('T1', l))} | ${rate(of('T2', l))} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(ROOT, 'bench', 'results', `fragments-${name}.md`), md);
  writeFileSync(path.join(ROOT, 'bench', 'results', `fragments-${name}.json`), JSON.stringify({ config: name, params: scanner.reader.params, results }, null, 1) + '\n');
  console.log(md);
}

main().catch((e) => {
  console.error(`fragments: ${(e as Error).message}`);
  process.exit(1);
});
