// Makes planted copies of real code at test time: reformatted (T1), renamed (T2), modified (T3).
import { tokenizeText } from '../../src/node/grammars';
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
