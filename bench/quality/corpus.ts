// The corpus as the benchmark sees it: bench/corpus/repos.json, the fetched folders in .cache/corpus/src,
// the benchmark configurations and the source files of each repository.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import type { LanguageId } from '../../src/core/types';
import { languageForPath } from '../../src/node/grammars';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CORPUS_DIR = path.join(ROOT, '.cache', 'corpus', 'src');

export interface RepoEntry {
  name: string;
  role: 'indexed' | 'negative';
  languages: LanguageId[];
  license: string;
  /** equally right answers (a more or less complete description of the same licence texts) */
  licenseAlsoAccept?: string[];
  small?: boolean;
  origin: { type: string; package?: string; path?: string; version: string };
  include?: string[];
}

export interface BenchConfig {
  name: 'small' | 'full' | 'heldout';
  /** the small set of repositories (repos.json "small") or all of them */
  repos: 'small' | 'all';
  seed: number;
  /** sampled functions per language of the indexed repos; each gives T1, T2, T3 x standalone, embedded */
  functionsPerLanguage: number;
  /** unmodified negative files (at most; fewer when the negative repos have fewer) */
  negatives: number;
}

export const CONFIGS: Record<string, BenchConfig> = {
  small: { name: 'small', repos: 'small', seed: 20250601, functionsPerLanguage: 3, negatives: 300 },
  full: { name: 'full', repos: 'all', seed: 20250601, functionsPerLanguage: 20, negatives: 1500 },
  // The thresholds were tuned on `full`. `heldout` samples other functions (and their copies) of the same
  // repositories with another seed, run after tuning, never tuned on: how the defaults do on copies they
  // have not seen.
  heldout: { name: 'heldout', repos: 'all', seed: 20261123, functionsPerLanguage: 20, negatives: 1500 },
};

export function loadManifest(): RepoEntry[] {
  const file = path.join(ROOT, 'bench', 'corpus', 'repos.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { repos: RepoEntry[] }).repos;
}

export function reposFor(config: BenchConfig): RepoEntry[] {
  const repos = loadManifest().filter((r) => config.repos === 'all' || r.small);
  const missing = repos.filter((r) => !existsSync(path.join(CORPUS_DIR, r.name, '.memocheck-origin')));
  if (missing.length) {
    throw new Error(`corpus not fetched (${missing.map((r) => r.name).join(', ')}): run bash bench/corpus/fetch.sh --config ${config.repos === 'all' ? 'full' : 'small'}`);
  }
  return repos;
}

export function repoDir(name: string): string {
  return path.join(CORPUS_DIR, name);
}

export interface SourceFile {
  repo: string;
  /** repository-relative, '/' separators */
  rel: string;
  abs: string;
  language: LanguageId;
  bytes: number;
}

const MAX_FILE_BYTES = 512 * 1024;

/** Source files of a repo in one of its declared languages, sorted, without minified or huge files. */
export function sourceFiles(repo: RepoEntry): SourceFile[] {
  const dir = repoDir(repo.name);
  const rels = fg.sync('**/*', { cwd: dir, onlyFiles: true, dot: false, followSymbolicLinks: false }).sort();
  const out: SourceFile[] = [];
  for (const rel of rels) {
    const language = languageForPath(rel);
    if (!language || !repo.languages.includes(language)) continue;
    if (rel.endsWith('.d.ts') || /\.min\.[a-z]+$/.test(rel)) continue;
    const abs = path.join(dir, rel);
    const bytes = statSync(abs).size;
    if (bytes === 0 || bytes > MAX_FILE_BYTES) continue;
    out.push({ repo: repo.name, rel, abs, language, bytes });
  }
  return out;
}

/** Text of a file when it is plausible hand-written source: valid UTF-8, no NUL, no minified lines. */
export function readSource(abs: string): string | undefined {
  return sourceText(readFileSync(abs));
}

/** readSource on bytes already read. */
export function sourceText(buf: Buffer): string | undefined {
  if (buf.includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  if (lines.some((l) => l.length > 1000)) return undefined;
  return text;
}
