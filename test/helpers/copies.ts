// Makes planted copies of real code at test time: reformatted (T1), renamed (T2), modified (T3).
import { tokenizeText } from '../../src/node/grammars';
import { CODE_IDENTIFIER } from '../../src/core/vocabulary';
import type { LanguageId } from '../../src/core/types';

/** Extracts the text of a top-level function `name` from source text (by tree-sitter units). */
export async function extractFunction(text: string, lang: LanguageId, name: string): Promise<{ text: string; startLine: number; endLine: number }> {
  const t = await tokenizeText(text, lang);
  for (const u of t.units) {
    if (u.kind !== 'function') continue;
    const s = t.tokens.starts[u.start]!, e = t.tokens.ends[u.end - 1]!;
    const body = text.slice(s, e);
    if (new RegExp(`\\b${name}\\s*\\(`).test(body.slice(0, 200))) {
      return { text: body, startLine: t.tokens.lines[u.start]! + 1, endLine: t.tokens.endLines[u.end - 1]! + 1 };
    }
  }
  throw new Error(`function ${name} not found`);
}

/** Renames every identifier consistently (id -> prefix + n) and re-lays out the code one token per space. */
export async function renamed(code: string, lang: LanguageId, keepLayout = true): Promise<string> {
  const t = await tokenizeText(code, lang);
  const names = new Map<string, string>();
  let out = '', last = 0;
  for (let i = 0; i < t.tokens.codes.length; i++) {
    const s = t.tokens.starts[i]!, e = t.tokens.ends[i]!;
    out += keepLayout ? code.slice(last, s) : (i ? ' ' : '');
    const raw = code.slice(s, e);
    if (t.tokens.codes[i] === CODE_IDENTIFIER) {
      if (!names.has(raw)) names.set(raw, `v${names.size}_${raw.length}`);
      out += names.get(raw);
    } else out += raw;
    last = e;
  }
  return out;
}
