// Makes planted copies of real code at test time: reformatted (T1), renamed (T2), modified (T3).
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { indexRepository, openStore } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import type { IndexReader, IndexStore } from '../../src/index/store';
import { pythonStdlib } from './cli';
import { CODE_IDENTIFIER } from '../../src/core/vocabulary';
import type { LanguageId } from '../../src/core/types';

/**
 * Extracts the text of a function `name` from source text (by tree-sitter units): the first function that
 * names it on its first line, else in its first 200 characters (declarations spread over lines).
 */
export async function extractFunction(text: string, lang: LanguageId, name: string): Promise<{ text: string; startLine: number; endLine: number }> {
  const t = await tokenizeText(text, lang);
  const named = new RegExp(`\\b${name}\\s*\\(`);
  const functions = t.units.filter((u) => u.kind === 'function').map((u) => ({ u, body: text.slice(t.tokens.starts[u.start]!, t.tokens.ends[u.end - 1]!) }));
  const found = functions.find((f) => named.test(f.body.split('\n', 1)[0]!)) ?? functions.find((f) => named.test(f.body.slice(0, 200)));
  if (!found) throw new Error(`function ${name} not found`);
  return { text: found.body, startLine: t.tokens.lines[found.u.start]! + 1, endLine: t.tokens.endLines[found.u.end - 1]! + 1 };
}

/**
 * Renames every identifier consistently (id -> prefix + n + '_' + length); without keepLayout the code is
 * re-laid out one token per space.
 */
export async function renamed(code: string, lang: LanguageId, keepLayout = true, prefix = 'v'): Promise<string> {
  const t = await tokenizeText(code, lang);
  const names = new Map<string, string>();
  let out = '', last = 0;
  for (let i = 0; i < t.tokens.codes.length; i++) {
    const s = t.tokens.starts[i]!, e = t.tokens.ends[i]!;
    out += keepLayout ? code.slice(last, s) : (i ? ' ' : '');
    const raw = code.slice(s, e);
    if (t.tokens.codes[i] === CODE_IDENTIFIER) {
      if (!names.has(raw)) names.set(raw, `${prefix}${names.size}_${raw.length}`);
      out += names.get(raw);
    } else out += raw;
    last = e;
  }
  return out;
}

/**
 * An index in `work` of one repository, cpython-heapq (PSF-2.0): heapq.py of this machine's Python standard
 * library, whose text is returned with the store and a reader open on it.
 */
export async function indexHeapq(work: string): Promise<{ store: IndexStore; reader: IndexReader; text: string }> {
  const repo = path.join(work, 'heapq');
  mkdirSync(repo, { recursive: true });
  cpSync(path.join(pythonStdlib(), 'heapq.py'), path.join(repo, 'heapq.py'));
  const store = await openStore(path.join(work, 'idx'));
  await indexRepository(store, repo, { name: 'cpython-heapq', license: 'PSF-2.0' });
  return { store, reader: await store.openReader(), text: readFileSync(path.join(repo, 'heapq.py'), 'utf8') };
}
