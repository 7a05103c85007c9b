// The perf benchmarks' corpus (bench/corpus/repos.json, fetched into .cache/corpus/src) and the lookup
// queries they time, in one place so that every benchmark times the same queries.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LanguageId } from '../../src/core/types';
import { languageForPath } from '../../src/node/grammars';
import { readSource } from '../../src/node/source';
import { listFiles } from '../../src/node/walk';

export interface Repo { name: string; role: string; dir: string }
export interface SourceFile { abs: string; text: string; lang: LanguageId; bytes: number }
export interface Query { text: string; lang: LanguageId }

/** The corpus repositories that are on disk, in repos.json order. */
export function corpus(root: string): Repo[] {
  const m = JSON.parse(readFileSync(path.join(root, 'bench', 'corpus', 'repos.json'), 'utf8')) as { repos: { name: string; role: string }[] };
  return m.repos.map((r) => ({ name: r.name, role: r.role, dir: path.join(root, '.cache', 'corpus', 'src', r.name) }))
    .filter((r) => { try { return statSync(r.dir).isDirectory(); } catch { return false; } });
}

/** Every readable file of a supported language in the repositories, in walk order. */
export async function sourceFiles(repos: readonly Repo[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const r of repos) {
    for (const rel of await listFiles(r.dir)) {
      const lang = languageForPath(rel);
      if (!lang) continue;
      const src = await readSource(path.join(r.dir, rel));
      if (src.ok) out.push({ abs: path.join(r.dir, rel), text: src.text, lang, bytes: src.bytes.length });
    }
  }
  return out;
}

/** The lookup queries: the first 1,000 lines of the first 40 files (of the negative repositories) that have them. */
export function lookupQueries(files: readonly SourceFile[], count = 40): Query[] {
  const queries: Query[] = [];
  for (const f of files) {
    const lines = f.text.split('\n');
    if (lines.length >= 1000) queries.push({ text: lines.slice(0, 1000).join('\n'), lang: f.lang });
    if (queries.length >= count) break;
  }
  return queries;
}
