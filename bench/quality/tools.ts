// The three tools on the same data: MemoCheck (engine facade: index the indexed repos, scan the workspace),
// Dolos 3.5.1 (library API, one analysis per language over indexed files + workspace files) and jscpd 4.3.0
// (library API, default and tuned min-tokens). Only findings that link a workspace file to indexed code count.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TUNING, type MatchTuning } from '../../src/core/options';
import type { LanguageId } from '../../src/core/types';
import { indexRepositories, languageForPath, openStore, Scanner, type ScanResult } from '../../src/node/engine';
import { ROOT } from './corpus';
import type { Truth } from './generate';
import type { ToolFinding } from './metrics';

export interface ToolRun { findings: ToolFinding[]; attributes: boolean; notes: string[]; seconds: number }

function indexedFiles(truth: Truth): { abs: string; repo: string; rel: string; language: LanguageId }[] {
  // the same files MemoCheck indexes: every file of a supported language under the repo folder
  const fg = require('fast-glob') as typeof import('fast-glob');
  const out: { abs: string; repo: string; rel: string; language: LanguageId }[] = [];
  for (const r of truth.indexed) {
    const dir = path.join(ROOT, r.dir);
    for (const rel of fg.sync('**/*', { cwd: dir, onlyFiles: true }).sort()) {
      const language = languageForPath(rel);
      if (language) out.push({ abs: path.join(dir, rel), repo: r.name, rel, language });
    }
  }
  return out;
}

function workspaceFiles(truth: Truth): { abs: string; rel: string; language: LanguageId }[] {
  const ws = path.join(workspaceDir(truth));
  return [...truth.copies.map((c) => c.file), ...truth.negatives.map((n) => n.file)]
    .filter((f, i, a) => a.indexOf(f) === i)
    .map((rel) => ({ abs: path.join(ws, rel), rel, language: languageForPath(rel)! }))
    .filter((f) => f.language);
}

export function workspaceDir(truth: Truth): string {
  return path.join(ROOT, '.cache', 'quality', truth.config.name, 'workspace');
}

/** DEFAULT_TUNING with `name=value` overrides (numbers, true, false), as benchmark scripts take them on their command line. */
export function tuningWith(overrides: readonly string[]): MatchTuning {
  const tuning: Record<string, unknown> = { ...DEFAULT_TUNING };
  for (const o of overrides) {
    const [k, v] = o.split('=');
    if (!k || v === undefined || !(k in DEFAULT_TUNING)) throw new Error(`not a tuning: ${o}`);
    tuning[k] = v === 'true' ? true : v === 'false' ? false : Number(v);
  }
  return tuning as unknown as MatchTuning;
}

/** A scan of the configuration's workspace, its findings as the benchmark scores them (workspace-relative paths). */
export async function scanWorkspace(scanner: Scanner, truth: Truth): Promise<{ findings: ToolFinding[]; skipped: ScanResult['skipped'] }> {
  const ws = workspaceDir(truth);
  const res = await scanner.scanPaths([ws], { projectLicense: 'MIT' });
  const findings = res.findings.map((f) => ({
    file: path.relative(ws, path.resolve(f.file)).split(path.sep).join('/'),
    startLine: f.startLine, endLine: f.endLine, repo: f.source.repo, path: f.source.path, license: f.source.license,
  }));
  return { findings, skipped: res.skipped };
}

export async function runMemoCheck(truth: Truth, outDir: string, log: (s: string) => void): Promise<ToolRun> {
  const started = Date.now();
  const indexPath = path.join(outDir, 'index');
  rmSync(indexPath, { recursive: true, force: true });
  const store = await openStore(indexPath);
  const notes: string[] = [];
  try {
    // as one job, the way `memocheck index a b c` indexes them
    await indexRepositories(store, truth.indexed.map((r) => ({ dir: path.join(ROOT, r.dir), name: r.name })), {
      onIndexed: (i, res) => {
        const r = truth.indexed[i]!;
        log(`memocheck: indexed ${r.name}: ${res.repo.files} files, ${res.repo.units} units, licence ${res.repo.license} (${res.repo.licenseSource ?? '?'})`);
        if (res.repo.license !== r.license && !(r.alsoAccept ?? []).includes(res.repo.license)) notes.push(`${r.name}: detected licence ${res.repo.license}, expected ${r.license}`);
      },
    });
    const scanner = await Scanner.open(store);
    try {
      const { findings, skipped } = await scanWorkspace(scanner, truth);
      if (skipped.length) notes.push(`scan skipped ${skipped.length} files (${[...new Set(skipped.map((s) => s.reason))].slice(0, 3).join('; ')})`);
      return { findings, attributes: true, notes, seconds: (Date.now() - started) / 1000 };
    } finally {
      await scanner.close();
    }
  } finally {
    await store.close();
  }
}

const DOLOS_LANG: Partial<Record<LanguageId, string>> = {
  javascript: 'javascript', typescript: 'typescript', tsx: 'tsx', python: 'python', java: 'java', c: 'c', cpp: 'cpp',
  csharp: 'c-sharp', go: 'go', rust: 'rust', php: 'php',
};

export async function runDolos(truth: Truth, log: (s: string) => void): Promise<ToolRun> {
  const started = Date.now();
  const { Dolos } = await import('@dodona/dolos-lib');
  const notes: string[] = [];
  const idx = indexedFiles(truth);
  const ws = workspaceFiles(truth);
  const findings: ToolFinding[] = [];
  const languages = [...new Set(ws.map((f) => f.language))];
  for (const language of languages) {
    const dl = DOLOS_LANG[language];
    if (!dl) { notes.push(`Dolos has no ${language} support: its copies count as missed`); continue; }
    const mine = ws.filter((f) => f.language === language);
    const theirs = idx.filter((f) => f.language === language);
    if (!theirs.length) continue;
    const repoOf = new Map(theirs.map((f) => [f.abs, f]));
    const wsOf = new Map(mine.map((f) => [f.abs, f]));
    const dolos = new Dolos({ language: dl });
    let report;
    try {
      report = await dolos.analyzePaths([...theirs, ...mine].map((f) => f.abs));
    } catch (e) {
      notes.push(`Dolos failed on ${language}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    // Dolos's finding for a workspace file w and an indexed file o is the pair (w, o): the lines it
    // reports in w are the union of the pair's fragments' left selections. With buildFragments' defaults
    // (minimumOccurrences 1) every occurrence in w of a fingerprint that w and o share lies in some
    // fragment, and squashing only drops fragments contained in others, so that union spans exactly
    // the occurrences in w of the shared fingerprints. It is computed here straight from the index, one
    // workspace file at a time: report.allPairs() builds every pair of every two files (the indexed ones
    // among themselves too) and ran out of a 16 GB heap on the full configuration's Java, and
    // buildFragments pairs every occurrence on one side with every one on the other, which took 270 s
    // for one pair of numeric tables (a flex scanner against zlib's crc32.h). The same findings as
    // buildFragments on the small configuration (checked when this was written).
    let n = 0;
    for (const entry of report.entries()) {
      const w = wsOf.get(entry.file.path);
      if (!w) continue;
      const extent = new Map<string, { s: number; e: number }>();
      for (const shared of entry.shared) {
        let s = Infinity, e = -Infinity;
        for (const occ of shared.occurrencesOf(entry.file)) {
          s = Math.min(s, occ.side.location.startRow + 1); e = Math.max(e, occ.side.location.endRow + 1);
        }
        for (const f of shared.files()) {
          if (!repoOf.has(f.path)) continue;
          const x = extent.get(f.path);
          if (x) { x.s = Math.min(x.s, s); x.e = Math.max(x.e, e); } else extent.set(f.path, { s, e });
        }
      }
      for (const [p, { s, e }] of extent) {
        const o = repoOf.get(p)!;
        findings.push({ file: w.rel, startLine: s, endLine: e, repo: o.repo, path: o.rel });
        n++;
      }
    }
    log(`dolos: ${language}: ${theirs.length} indexed + ${mine.length} workspace files, ${n} cross pairs`);
  }
  return { findings, attributes: false, notes, seconds: (Date.now() - started) / 1000 };
}

const JSCPD_FORMATS: Record<string, string[]> = {
  javascript: ['js', 'mjs', 'cjs', 'jsx'], typescript: ['ts', 'mts', 'cts'], tsx: ['tsx'], python: ['py'], java: ['java'],
  c: ['c', 'h'], cpp: ['cc', 'cpp', 'cxx', 'hpp', 'hh', 'hxx'], csharp: ['cs'], go: ['go'], rust: ['rs'], ruby: ['rb'], php: ['php'],
};

export async function runJscpd(truth: Truth, minTokens: number, minLines: number, log: (s: string) => void): Promise<ToolRun> {
  const started = Date.now();
  const { detectClones } = require('jscpd') as typeof import('jscpd');
  const idx = indexedFiles(truth);
  const ws = workspaceFiles(truth);
  const repoOf = new Map(idx.map((f) => [f.abs, f]));
  const wsOf = new Map(ws.map((f) => [f.abs, f]));
  const languages = [...new Set(ws.map((f) => f.language))];
  const formats = languages.map((l) => (l === 'csharp' ? 'csharp' : l));
  const tmp = path.join(ROOT, '.cache', 'quality', truth.config.name, 'jscpd-out');
  mkdirSync(tmp, { recursive: true });
  // jscpd reports a repeated fragment against its first occurrence only, and the standalone and embedded
  // versions of a copy repeat each other: so standalone copies (+ negatives) and embedded copies go in
  // separate runs, each together with the indexed repos
  const wsDir = workspaceDir(truth);
  const groups = [
    [...truth.copies.filter((c) => c.placement === 'standalone').map((c) => c.file), ...truth.negatives.map((n) => n.file)],
    truth.copies.filter((c) => c.placement === 'embedded').map((c) => c.file),
  ];
  const clones = [];
  for (const group of groups) {
    clones.push(...await detectClones({
      path: [...truth.indexed.map((r) => path.join(ROOT, r.dir)), ...group.map((f) => path.join(wsDir, f))],
      minTokens, minLines, silent: true, reporters: [], absolute: true, gitignore: false, output: tmp,
      format: formats, formatsExts: Object.fromEntries(languages.map((l) => [l, JSCPD_FORMATS[l]!])),
      maxSize: '512kb',
    } as never));
  }
  const findings: ToolFinding[] = [];
  for (const c of clones) {
    const a = path.resolve(c.duplicationA.sourceId), b = path.resolve(c.duplicationB.sourceId);
    const [w, o, d] = wsOf.has(a) && repoOf.has(b) ? [wsOf.get(a)!, repoOf.get(b)!, c.duplicationA]
      : wsOf.has(b) && repoOf.has(a) ? [wsOf.get(b)!, repoOf.get(a)!, c.duplicationB] : [undefined, undefined, undefined];
    if (!w || !o || !d) continue;
    findings.push({ file: w.rel, startLine: d.start.line, endLine: d.end.line, repo: o.repo, path: o.rel });
  }
  log(`jscpd (min-tokens ${minTokens}): ${clones.length} clones, ${findings.length} workspace-to-indexed`);
  return { findings, attributes: false, notes: [], seconds: (Date.now() - started) / 1000 };
}
