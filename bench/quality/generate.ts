// Generates the quality benchmark's workspace from the fetched corpus, deterministically (seeded):
// sampled functions of the indexed repos as T1/T2/T3 copies, each standalone and embedded in a file of a
// negative repo, plus unmodified negative files; and truth.json, the ground truth the runner scores against.
// Usage: node --import tsx bench/quality/generate.ts --config small|full|heldout [--out DIR]
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LanguageId } from '../../src/core/types';
import { tokenizeText } from '../../src/node/grammars';
import { checkSource } from '../../src/node/source';
import { CONFIGS, readSource, reposFor, ROOT, sourceFiles, sourceText, type BenchConfig, type RepoEntry, type SourceFile } from './corpus';
import { fnv1a, Rng } from './rng';
import { errorCount, FUNCTION_TYPES, isMemberFunction, parse, statementLines, wrapperFor } from './syntax';
import { chooseStyle, collectDonors, editStatements, rewrite, type EditLog, type Style } from './transform';

export type CopyType = 'T1' | 'T2' | 'T3';
export type Placement = 'standalone' | 'embedded';

export interface PlantedCopy {
  id: string;
  type: CopyType;
  placement: Placement;
  language: LanguageId;
  /** normalized tokens of the original function (MemoCheck's tokenizer) */
  tokens: number;
  source: { repo: string; path: string; startLine: number; endLine: number; license: string; alsoAccept?: string[] };
  /** workspace-relative */
  file: string;
  startLine: number;
  endLine: number;
  host?: { repo: string; path: string };
  edits?: EditLog;
}

export interface NegativeFile { file: string; repo: string; path: string; language: LanguageId }

export interface Truth {
  config: BenchConfig;
  generatedAt: string;
  indexed: { name: string; dir: string; license: string; alsoAccept?: string[]; languages: LanguageId[] }[];
  copies: PlantedCopy[];
  negatives: NegativeFile[];
  /** functions that were sampled but dropped because a transformation did not give valid code */
  rejected: { language: LanguageId; repo: string; path: string; line: number; reason: string }[];
}

interface Candidate { repo: RepoEntry; file: SourceFile; startRow: number; endRow: number; tokens: number; member: boolean }

export const SIZE_BUCKETS = [[30, 49], [50, 99], [100, 199], [200, 499], [500, 100000]] as const;
const BUCKET_WEIGHTS = [0.1, 0.3, 0.3, 0.2, 0.1];

export function bucketOf(tokens: number): string {
  const b = SIZE_BUCKETS.find(([lo, hi]) => tokens >= lo && tokens <= hi);
  return b ? (b[1] > 10000 ? `${b[0]}+` : `${b[0]}-${b[1]}`) : `<${SIZE_BUCKETS[0][0]}`;
}

async function candidates(repo: RepoEntry, language: LanguageId, log: (s: string) => void): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const types = new Set(FUNCTION_TYPES[language]);
  for (const file of sourceFiles(repo).filter((f) => f.language === language)) {
    // only files MemoCheck indexes: a copy of a file it skips by design (generated, minified) would measure
    // that rule, not detection (the README says what the rule costs)
    const bytes = readFileSync(file.abs);
    if (!checkSource(file.abs, bytes, { skipGenerated: true }).ok) continue;
    const text = sourceText(bytes);
    if (!text) continue;
    const tree = await parse(text, language);
    const found: { startRow: number; endRow: number; member: boolean }[] = [];
    try {
      const walk = (node: import('web-tree-sitter').Node): void => {
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (types.has(child.type) && !child.hasError && child.endPosition.row - child.startPosition.row >= 2) {
            // `export function f` in JS/TS: the unit is the export statement
            const unit = node.type === 'export_statement' ? node : child;
            const lineStart = text.lastIndexOf('\n', unit.startIndex - 1) + 1;
            let lineEnd = text.indexOf('\n', unit.endIndex);
            if (lineEnd < 0) lineEnd = text.length;
            const stmts = statementLines(tree, text, unit.startIndex, unit.endIndex).length;
            if (/^\s*$/.test(text.slice(lineStart, unit.startIndex)) && /^;?\s*$/.test(text.slice(unit.endIndex, lineEnd)) && stmts >= 3) {
              found.push({ startRow: unit.startPosition.row, endRow: unit.endPosition.row, member: isMemberFunction(child, language) });
            }
          }
          walk(child);
        }
      };
      walk(tree.rootNode);
    } finally {
      tree.delete();
    }
    if (!found.length) continue;
    let tokLines: Uint32Array;
    try {
      tokLines = (await tokenizeText(text, language)).tokens.lines;
    } catch (e) {
      log(`skip ${repo.name}/${file.rel}: ${(e as Error).message}`);
      continue;
    }
    for (const f of found) {
      let n = 0;
      for (const line of tokLines) if (line >= f.startRow && line <= f.endRow) n++;
      if (n >= SIZE_BUCKETS[0][0]) out.push({ repo, file, ...f, tokens: n });
    }
  }
  return out;
}

function dedent(lines: string[]): string[] {
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  return lines.map((l) => l.slice(Math.min(min, /^[ \t]*/.exec(l)![0].length)));
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

async function codesOf(text: string, language: LanguageId): Promise<string> {
  return Array.from((await tokenizeText(text, language)).tokens.codes).join(',');
}

interface Made { doc: string; from: number; to: number }

/** The function as its own file: optional php tag and wrapper around the dedented function. */
function standaloneDoc(language: LanguageId, fnLines: string[], member: boolean, id: string): Made {
  const w = wrapperFor(language, member, id);
  const pad = w.open ? '    ' : '';
  const body = fnLines.map((l) => (l.trim() ? pad + l : l)).join('\n');
  const prefix = (language === 'php' ? '<?php\n\n' : language === 'go' ? 'package gen\n\n' : '') + w.open;
  return { doc: `${prefix}${body}\n${w.close}`, from: prefix.length, to: prefix.length + body.length };
}

async function makeCopies(c: Candidate, id: string, style: Style, donors: string[], rng: Rng):
  Promise<{ T1: Made; T2: Made; T3: Made & { edits: EditLog } } | string> {
  const text = readSource(c.file.abs)!;
  const lines = text.split('\n').slice(c.startRow, c.endRow + 1);
  const base = standaloneDoc(c.file.language, dedent(lines), c.member, id);
  const lang = c.file.language;
  const baseTree = await parse(base.doc, lang);
  const baseErrors = errorCount(baseTree);
  baseTree.delete();
  const baseCodes = await codesOf(base.doc, lang);
  const seed = fnv1a(id);
  const attempt = async (label: string, fn: (r: Rng, s: Style) => Promise<Made | undefined>, sameCodes: boolean) => {
    for (let a = 0; a < 8; a++) {
      // after a few failures fall back to a plainer style (fewer spacing changes), never to no change
      const s: Style = a < 4 ? style : { ...style, tightOperators: false, allman: 'keep', spaceInParens: false };
      const m = await fn(rng.fork(`${label}${a}`), s);
      if (!m) continue;
      const tree = await parse(m.doc, lang);
      const errs = errorCount(tree);
      tree.delete();
      if (errs > baseErrors) continue;
      if (sameCodes && (await codesOf(m.doc, lang)) !== baseCodes) continue;
      return m;
    }
    return undefined;
  };
  const splice = (d: Made, t: string): Made => ({ doc: d.doc.slice(0, d.from) + t + d.doc.slice(d.to), from: d.from, to: d.from + t.length });
  const T1 = await attempt('t1', async (r, s) => splice(base, await rewrite(base.doc, base.from, base.to, lang, s, r, {})), true);
  if (!T1) return 'T1 rewrite did not give valid code with the same token stream';
  const T2 = await attempt('t2', async (r, s) => splice(base, await rewrite(base.doc, base.from, base.to, lang, s, r, { rename: { seed } })), true);
  if (!T2) return 'T2 rewrite did not give valid code with the same token stream';
  let edits: EditLog | undefined;
  const T3 = await attempt('t3', async (r, s) => {
    const e = await editStatements(base.doc, base.from, base.to, lang, donors, r);
    if (!e) return undefined;
    edits = e.log;
    const edited: Made = { doc: e.doc, from: base.from, to: e.to };
    return splice(edited, await rewrite(e.doc, base.from, e.to, lang, s, r, { rename: { seed } }));
  }, false);
  if (!T3 || !edits) return 'T3 edits did not give valid code';
  return { T1, T2, T3: { ...T3, edits } };
}

/** Inserts a copy between two top-level items of a host file; undefined when no place keeps it parseable. */
async function embed(host: SourceFile, made: Made, language: LanguageId, rng: Rng): Promise<{ doc: string; from: number; to: number } | undefined> {
  const text = readSource(host.abs);
  if (!text) return undefined;
  const tree = await parse(text, language);
  const hostErrors = errorCount(tree);
  const boundaries: number[] = [];
  const kids = tree.rootNode.namedChildren.filter((k) => k !== null);
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    const next = kids[i + 1];
    if (['text', 'php_end_tag', 'package_clause'].includes(k.type) && language !== 'go') continue;
    if (next && next.startPosition.row <= k.endPosition.row) continue;
    const eol = text.indexOf('\n', k.endIndex);
    boundaries.push(eol < 0 ? text.length : eol + 1);
  }
  tree.delete();
  // the standalone copy without its php tag: the host has its own
  const copyDoc = made.doc.replace(/^(<\?php|package gen)\n\n/, '');
  const shift = made.doc.length - copyDoc.length;
  const ct = await parse(copyDoc, language);
  const copyErrors = errorCount(ct);
  ct.delete();
  for (const at of rng.shuffle(boundaries).slice(0, 4)) {
    const before = text.slice(0, at) + (text.slice(0, at).endsWith('\n') ? '' : '\n') + '\n';
    const doc = before + copyDoc + '\n' + text.slice(at);
    const t = await parse(doc, language);
    const errs = errorCount(t);
    t.delete();
    if (errs > hostErrors + copyErrors) continue;
    return { doc, from: before.length + made.from - shift, to: before.length + made.to - shift };
  }
  return undefined;
}

export async function generate(config: BenchConfig, outDir: string, log: (s: string) => void = () => {}): Promise<Truth> {
  const repos = reposFor(config);
  const indexed = repos.filter((r) => r.role === 'indexed');
  const negatives = repos.filter((r) => r.role === 'negative');
  const rng = new Rng(config.seed);
  const ws = path.join(outDir, 'workspace');
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(path.join(ws, 'planted'), { recursive: true });
  const truth: Truth = {
    config, generatedAt: new Date().toISOString(),
    indexed: indexed.map((r) => ({ name: r.name, dir: path.relative(ROOT, path.join(ROOT, '.cache', 'corpus', 'src', r.name)), license: r.license, alsoAccept: r.licenseAlsoAccept, languages: r.languages })),
    copies: [], negatives: [], rejected: [],
  };
  const negFiles = new Map(negatives.map((r) => [r.name, sourceFiles(r)]));
  const languages = [...new Set(indexed.flatMap((r) => r.languages))].filter((l) => indexed.some((r) => r.languages[0] === l));

  for (const language of languages) {
    const lrng = rng.fork(language);
    const own = indexed.filter((r) => r.languages[0] === language);
    const cands: Candidate[] = [];
    for (const r of own) cands.push(...(await candidates(r, language, log)));
    const hosts = [...negFiles.values()].flat().filter((f) => f.language === language);
    if (!cands.length || !hosts.length) { log(`${language}: no candidates or hosts, skipped`); continue; }
    const donorTexts = lrng.fork('donors').shuffle([...hosts]).slice(0, 80).map((f) => readSource(f.abs)).filter((t): t is string => !!t);
    const donors = await collectDonors(donorTexts, language, 3000);
    // stratified by size: bucket by weight, then repo round-robin, then a function uniformly
    const byBucket = SIZE_BUCKETS.map(([lo, hi]) => cands.filter((c) => c.tokens >= lo && c.tokens <= hi));
    const used = new Set<Candidate>();
    let made = 0;
    for (let tries = 0; made < config.functionsPerLanguage && tries < config.functionsPerLanguage * 6; tries++) {
      let b = 0;
      for (let x = lrng.next(); b < BUCKET_WEIGHTS.length - 1 && x >= BUCKET_WEIGHTS[b]!; b++) x -= BUCKET_WEIGHTS[b]!;
      const order = [b, ...[0, 1, 2, 3, 4].filter((i) => i !== b).sort((p, q) => Math.abs(p - b) - Math.abs(q - b))];
      const repo = own[made % own.length]!;
      let pick: Candidate | undefined;
      for (const bb of order) {
        const pool = byBucket[bb]!.filter((c) => !used.has(c) && (c.repo === repo || !byBucket[bb]!.some((d) => d.repo === repo && !used.has(d))));
        if (pool.length) { pick = lrng.pick(pool); break; }
      }
      if (!pick) break;
      used.add(pick);
      const id = `${language}-${String(made + 1).padStart(2, '0')}`;
      const style = chooseStyle(lrng.fork(`style${id}`), language);
      const copies = await makeCopies(pick, id, style, donors, lrng.fork(`copies${id}`));
      if (typeof copies === 'string') {
        truth.rejected.push({ language, repo: pick.repo.name, path: pick.file.rel, line: pick.startRow + 1, reason: copies });
        continue;
      }
      const ext = path.extname(pick.file.rel);
      const source = { repo: pick.repo.name, path: pick.file.rel, startLine: pick.startRow + 1, endLine: pick.endRow + 1, license: pick.repo.license,
        ...(pick.repo.licenseAlsoAccept ? { alsoAccept: pick.repo.licenseAlsoAccept } : {}) };
      for (const type of ['T1', 'T2', 'T3'] as const) {
        const m = copies[type];
        const edits = type === 'T3' ? copies.T3.edits : undefined;
        const file = `planted/${id}-${type}${ext}`;
        writeFileSync(path.join(ws, file), m.doc);
        const endLine = lineOf(m.doc, m.to) - (m.doc.slice(m.from, m.to).endsWith('\n') ? 1 : 0);
        truth.copies.push({ id: `${id}-${type}-standalone`, type, placement: 'standalone', language, tokens: pick.tokens, source, file, startLine: lineOf(m.doc, m.from), endLine, edits });
        let emb: Awaited<ReturnType<typeof embed>>;
        let host: SourceFile | undefined;
        const erng = lrng.fork(`embed${id}${type}`);
        for (let h = 0; h < 6 && !emb; h++) {
          host = erng.pick(hosts);
          emb = await embed(host, m, language, erng);
        }
        if (!emb || !host) { log(`${id}-${type}: no host kept the copy parseable`); continue; }
        const efile = `planted/${id}-${type}-in-${host.repo}-${path.basename(host.rel)}`;
        writeFileSync(path.join(ws, efile), emb.doc);
        const eEnd = lineOf(emb.doc, emb.to) - (emb.doc.slice(emb.from, emb.to).endsWith('\n') ? 1 : 0);
        truth.copies.push({ id: `${id}-${type}-embedded`, type, placement: 'embedded', language, tokens: pick.tokens, source, file: efile,
          startLine: lineOf(emb.doc, emb.from), endLine: eEnd, host: { repo: host.repo, path: host.rel }, edits });
      }
      made++;
    }
    log(`${language}: ${made} functions from ${cands.length} candidates (${donors.length} donor statements, ${hosts.length} host files)`);
  }

  // negatives: round-robin over the negative repos' shuffled files, unmodified
  const queues = [...negFiles.entries()].map(([repo, files]) => rng.fork(`neg${repo}`).shuffle([...files]).map((f) => ({ repo, f })));
  while (truth.negatives.length < config.negatives && queues.some((q) => q.length)) {
    for (const q of queues) {
      const next = q.shift();
      if (!next || truth.negatives.length >= config.negatives) continue;
      if (!readSource(next.f.abs)) continue;
      const file = `negatives/${next.repo}/${next.f.rel}`;
      mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
      copyFileSync(next.f.abs, path.join(ws, file));
      truth.negatives.push({ file, repo: next.repo, path: next.f.rel, language: next.f.language });
    }
  }
  writeFileSync(path.join(outDir, 'truth.json'), JSON.stringify(truth, null, 1));
  return truth;
}

function args(argv: string[]): { config: BenchConfig; out: string } {
  const i = argv.indexOf('--config');
  const name = i >= 0 ? argv[i + 1] : 'small';
  const config = CONFIGS[name ?? ''];
  if (!config) throw new Error(`--config must be small or full (got ${name})`);
  const o = argv.indexOf('--out');
  return { config, out: o >= 0 ? path.resolve(argv[o + 1]!) : path.join(ROOT, '.cache', 'quality', config.name) };
}

if (require.main === module) {
  const { config, out } = args(process.argv.slice(2));
  generate(config, out, (s) => console.error(`generate: ${s}`)).then((t) => {
    console.log(`generate: ${t.copies.length} copies, ${t.negatives.length} negatives, ${t.rejected.length} rejected functions -> ${out}`);
  }).catch((e: Error) => { console.error(`generate: ${e.message}`); process.exit(2); });
}
