// The copy transformations. A function's text is re-emitted leaf by leaf (tokens, atomic literals and
// comments) with the whitespace between leaves rewritten:
//   T1: layout (indentation unit, brace placement, spacing, blank lines) and comments removed/changed/added;
//   T2: T1 plus consistently renamed identifiers and changed string/number literals;
//   T3: T2 applied to a version of the function where 10-30% of its statements were inserted (plausible
//       statements from other code of the same language), deleted or edited.
// Every result is re-parsed; the generator keeps it only if it has no more syntax errors than the original.
import type { LanguageId } from '../../src/core/types';
import type { Rng } from './rng';
import { fnv1a } from './rng';
import { leaves, LINE_COMMENT, parse, statementLines, type Leaf } from './syntax';

const WORDS = ['alpha', 'beta', 'count', 'delta', 'entry', 'field', 'group', 'handle', 'index', 'joint', 'kind',
  'limit', 'mark', 'node', 'offset', 'part', 'query', 'range', 'slot', 'total', 'unit', 'value', 'width', 'extra',
  'yield2', 'zone', 'buffer', 'cursor', 'depth', 'frame', 'state', 'token', 'result', 'target', 'source', 'item'];
const COMMENT_WORDS = ['check', 'the', 'input', 'first', 'then', 'update', 'state', 'handle', 'edge', 'case',
  'return', 'early', 'when', 'empty', 'see', 'above', 'note', 'keep', 'order', 'stable', 'fast', 'path', 'here'];

/** Names that carry meaning for the language (receivers, special methods) and are never renamed. */
const KEEP = new Set(['self', 'Self', 'this', '$this', 'super', 'cls', 'parent', 'static', 'new', 'constructor',
  'None', 'True', 'False', 'nil', 'null', 'true', 'false', 'undefined', '_', 'main', 'init', 'iota', 'string',
  'int', 'bool', 'len', 'make', 'append', 'println', 'var', 'let', 'const', 'async', 'await', 'get', 'set',
  'value', 'of', 'in', 'is', 'as', 'from', 'type', 'self.class', 'require', 'module', 'exports', 'block_given?',
  'std', 'size_t', 'void', 'char', 'assert', 'print']);

/** Per-function layout choices, shared by its T1, T2 and T3 so that they look like one rewrite. */
export interface Style {
  indent: number | 'tab';
  allman: 'to-own-line' | 'to-same-line' | 'keep';
  spaceInParens: boolean;
  tightOperators: boolean;
  dropBlankLines: boolean;
  commentRemove: number;
  commentChange: number;
  commentsAdded: number;
}

export function chooseStyle(rng: Rng, language: LanguageId): Style {
  const braceLang = ['c', 'cpp', 'java', 'csharp', 'php', 'rust', 'javascript', 'typescript', 'tsx'].includes(language);
  return {
    indent: rng.pick([2, 3, 8, 'tab'] as const),
    allman: braceLang ? rng.pick(['to-own-line', 'to-same-line'] as const) : 'keep',
    spaceInParens: rng.chance(0.5),
    tightOperators: rng.chance(0.5),
    dropBlankLines: rng.chance(0.7),
    commentRemove: 0.5,
    commentChange: 0.3,
    commentsAdded: rng.int(1, 3),
  };
}

export interface Rewrite {
  /** rename map and literal changes (T2 and T3); absent for T1 */
  rename?: { seed: number };
}

const OPERATORS = new Set(['=', '==', '===', '!=', '!==', '+', '-', '*', '/', '%', '<', '>', '<=', '>=', '&&', '||',
  '+=', '-=', '*=', '/=', '|=', '&=', '=>', '??', 'and', 'or']);

function isWordy(l: Leaf | undefined): boolean {
  return !!l && (l.kind !== 'other' || /^[A-Za-z0-9_$]/.test(l.text) || l.text === ')' || l.text === ']');
}

export function newName(name: string, seed: number): string {
  const h = fnv1a(`${seed}:${name}`);
  const a = WORDS[h % WORDS.length]!;
  const b = WORDS[(h >>> 8) % WORDS.length]!;
  const n = (h >>> 16) % 90 + 10;
  const core = `${a}${b[0]!.toUpperCase()}${b.slice(1)}${n}`;
  if (/^[A-Z]/.test(name)) return core[0]!.toUpperCase() + core.slice(1);
  if (/^[A-Z0-9_]+$/.test(name) && name.length > 1) return core.toUpperCase();
  return core;
}

function renameLeaf(l: Leaf, seed: number): string {
  if (l.kind !== 'identifier') return l.text;
  const dollar = l.text.startsWith('$');
  const bare = dollar ? l.text.slice(1) : l.text;
  if (KEEP.has(l.text) || KEEP.has(bare) || /^__.*__$/.test(bare) || !/^[A-Za-z_][A-Za-z0-9_]*[?!]?$/.test(bare)) return l.text;
  // a stable 80% of the distinct names are renamed, the same way everywhere in the function
  if (fnv1a(`${seed}/keep/${bare}`) % 10 < 2) return l.text;
  const suffix = /[?!]$/.test(bare) ? bare.slice(-1) : '';
  return (dollar ? '$' : '') + newName(bare.replace(/[?!]$/, ''), seed) + suffix;
}

function changeLiteral(l: Leaf, seed: number, rng: Rng): string {
  if (l.kind === 'number') {
    if (/^[1-9][0-9]*$/.test(l.text)) return String(rng.int(2, 999));
    if (/^[0-9]+\.[0-9]+$/.test(l.text)) return `${rng.int(1, 99)}.${rng.int(1, 9)}`;
    return l.text;
  }
  if (l.kind === 'string') {
    const q = l.text.search(/["'`]/);
    const last = Math.max(l.text.lastIndexOf('"'), l.text.lastIndexOf("'"), l.text.lastIndexOf('`'));
    if (q < 0 || last <= q) return l.text;
    const inner = l.text.slice(q + 1, last).replace(/(^|[^\\%{$A-Za-z])([A-Za-z]{3,})/g, (_m, pre: string, word: string) =>
      pre + WORDS[fnv1a(`${seed}:${word}`) % WORDS.length]!);
    return l.text.slice(0, q + 1) + inner + l.text.slice(last);
  }
  return l.text;
}

function reindent(ws: string, unit: number, style: Style): string {
  let cols = 0;
  for (const ch of ws) cols += ch === '\t' ? unit : 1;
  const levels = cols / unit;
  if (style.indent === 'tab') {
    const whole = Math.floor(levels);
    return '\t'.repeat(whole) + ' '.repeat(Math.round((levels - whole) * 4));
  }
  return ' '.repeat(Math.round(levels * style.indent));
}

function indentUnit(text: string): number {
  const widths = new Set<number>();
  for (const line of text.split('\n')) {
    const m = /^( *)\S/.exec(line);
    if (m && m[1]!.length > 0) widths.add(m[1]!.length);
  }
  const sorted = [...widths].sort((a, b) => a - b);
  let unit = sorted[0] ?? 4;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && d < unit) unit = d;
  }
  return text.includes('\n\t') ? 4 : Math.max(1, unit);
}

function commentText(rng: Rng): string {
  const n = rng.int(2, 6);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(COMMENT_WORDS));
  return words.join(' ');
}

function changeComment(text: string, rng: Rng): string {
  const m = /^(\/\/+|#+|\/\*+|--)(.*?)(\*+\/)?$/s.exec(text);
  if (!m) return text;
  return `${m[1]} ${commentText(rng)}${m[3] ? ` ${m[3]}` : ''}`;
}

/**
 * Re-emits the text in [from, to) of `doc` with the style, and with renames and literal changes when asked.
 * The caller parses `doc` (the function inside its wrapper) and passes the tree.
 */
export async function rewrite(doc: string, from: number, to: number, language: LanguageId, style: Style, rng: Rng,
  opts: Rewrite): Promise<string> {
  const tree = await parse(doc, language);
  const ls = leaves(tree, doc, from, to);
  tree.delete();
  const unit = indentUnit(doc.slice(from, to));
  const comment = LINE_COMMENT[language];
  const braceOk = (prev: Leaf | undefined) => !!prev && [')', 'else', 'try', 'do', 'finally'].includes(prev.text);
  // line boundaries where a comment line may be added
  const addAt = new Set<number>();
  const newlineGaps: number[] = [];
  for (let i = 1; i < ls.length; i++) if (doc.slice(ls[i - 1]!.end, ls[i]!.start).includes('\n')) newlineGaps.push(i);
  for (let k = 0; k < style.commentsAdded && newlineGaps.length; k++) addAt.add(rng.pick(newlineGaps));

  let out = '';
  let prevEmitted: Leaf | undefined;
  let pendingNewline = false;
  let tightNext = false;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    const gap = doc.slice(i === 0 ? from : ls[i - 1]!.end, l.start);
    let text = l.text;
    if (l.kind === 'comment') {
      const r = rng.next();
      if (r < style.commentRemove && !/[^\s]/.test(gap)) {
        // dropped: keep a line break if the comment had one before it
        if (gap.includes('\n')) pendingNewline = true;
        else if (!/\s$/.test(out) && gap.length) out += ' ';
        continue;
      }
      if (r < style.commentRemove + style.commentChange) text = changeComment(text, rng);
    } else if (opts.rename) {
      text = l.kind === 'identifier' ? renameLeaf(l, opts.rename.seed)
        : (l.kind === 'string' || l.kind === 'number') ? changeLiteral(l, opts.rename.seed, rng) : text;
    }
    let g: string;
    const lastLineGap = (s: string) => s.slice(s.lastIndexOf('\n') + 1);
    if (/[^\s]/.test(gap)) {
      // text outside any leaf (a line continuation backslash, ...): keep it exactly
      g = gap;
    } else if (gap.includes('\n') || pendingNewline) {
      const nl = gap.includes('\n') ? (gap.match(/\n/g) ?? []).length : 1;
      const ws = gap.includes('\n') ? lastLineGap(gap) : '';
      const lines = style.dropBlankLines ? 1 : Math.min(nl, 2);
      g = '\n'.repeat(lines) + reindent(ws.replace(/[^ \t]/g, ''), unit, style);
      if (l.text === '{' && style.allman === 'to-same-line' && braceOk(prevEmitted) && !pendingNewline) g = ' ';
      if (addAt.has(i) && l.text !== '{') g += `${comment} ${commentText(rng)}\n${reindent(ws, unit, style)}`;
    } else if (i === 0) {
      g = gap;
    } else if (l.text === '{' && style.allman === 'to-own-line' && braceOk(prevEmitted)) {
      const lineStart = out.lastIndexOf('\n') + 1;
      g = '\n' + (/^[ \t]*/.exec(out.slice(lineStart))?.[0] ?? '');
    } else {
      const prev = prevEmitted;
      g = gap;
      if (prev && (prev.text === '(' || prev.text === '[') && l.text !== ')' && l.text !== ']') g = style.spaceInParens ? ' ' : (gap === ' ' ? '' : gap);
      else if ((l.text === ')' || l.text === ']') && prev && prev.text !== '(' && prev.text !== '[') g = style.spaceInParens ? ' ' : (gap === ' ' ? '' : gap);
      else if (prev?.text === ',' && gap === '') g = ' ';
      else if (tightNext && gap === ' ') g = '';
      else if (style.tightOperators && gap === ' ' && OPERATORS.has(l.text) && !/^[a-z]/.test(l.text)) {
        const next = ls[i + 1];
        const nextGap = next ? doc.slice(l.end, next.start) : '';
        if (isWordy(prev) && nextGap === ' ' && next && (isWordy(next) || next.text === '(') && next.kind !== 'comment') {
          g = '';
          tightNext = true;
          pendingNewline = false;
          out += g + text;
          prevEmitted = l;
          continue;
        }
      }
    }
    tightNext = false;
    pendingNewline = false;
    out += g + text;
    prevEmitted = l;
  }
  out += doc.slice(ls.length ? ls[ls.length - 1]!.end : from, to).replace(/[^\n]/g, '');
  return out;
}

export interface DonorPool { statements: string[] }

/** Single-line statements of other code, plausible to insert anywhere a statement may stand. */
export async function collectDonors(texts: string[], language: LanguageId, max: number): Promise<string[]> {
  const out: string[] = [];
  const bad = /\b(return|yield|await|break|continue|goto|case|default|else|elif|elsif|end|super|raise|throw|this|self)\b|^[}\])]|[{(\[,:\\]\s*$/;
  for (const text of texts) {
    const tree = await parse(text, language);
    try {
      for (const s of statementLines(tree, text, 0, text.length)) {
        const line = text.slice(s.start, s.end).trim();
        if (line.length < 12 || line.length > 100 || bad.test(line) || s.node.hasError) continue;
        if (/["'`]/.test(line) && line.split(/["'`]/).length % 2 === 0) continue;
        out.push(line);
        if (out.length >= max) return out;
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

export interface EditLog { inserted: number; deleted: number; edited: number; statements: number }

const SWAP: Record<string, string> = { '+': '-', '-': '+', '*': '+', '<': '<=', '>': '>=', '<=': '<', '>=': '>',
  '==': '!=', '!=': '==', '===': '!==', '!==': '===', '&&': '||', '||': '&&', '+=': '-=', '-=': '+=', and: 'or', or: 'and' };

/**
 * T3 edits on the original function text in [from, to) of doc: 10-30% of its one-line statements are
 * deleted, edited (an operator swapped, or the statement replaced by another one) or followed by an
 * inserted statement. Returns the new doc and the new end offset of the function.
 */
export async function editStatements(doc: string, from: number, to: number, language: LanguageId, donors: string[],
  rng: Rng): Promise<{ doc: string; to: number; log: EditLog } | undefined> {
  const tree = await parse(doc, language);
  const stmts = statementLines(tree, doc, from, to).filter((s) => s.start > from);
  const targets: { start: number; end: number; swap?: { start: number; end: number; text: string } }[] = [];
  for (const s of stmts) {
    let swap: { start: number; end: number; text: string } | undefined;
    for (const l of leaves(tree, doc, s.node.startIndex, s.node.endIndex)) {
      if (!l.named && SWAP[l.text]) { swap = { start: l.start, end: l.end, text: SWAP[l.text]! }; break; }
    }
    targets.push({ start: s.start, end: s.end, swap });
  }
  tree.delete();
  if (targets.length < 3 || donors.length === 0) return undefined;
  const ratio = 0.1 + rng.next() * 0.2;
  const n = Math.max(1, Math.round(ratio * targets.length));
  const chosen = rng.shuffle([...targets.keys()]).slice(0, n).sort((a, b) => b - a);
  const log: EditLog = { inserted: 0, deleted: 0, edited: 0, statements: targets.length };
  let text = doc;
  let end = to;
  for (const idx of chosen) {
    const t = targets[idx]!;
    const line = text.slice(t.start, t.end);
    const indent = /^[ \t]*/.exec(line)![0];
    const op = rng.pick(['insert', 'delete', 'edit'] as const);
    let replacement: string;
    if (op === 'delete') {
      replacement = '';
      log.deleted++;
    } else if (op === 'insert') {
      replacement = `${line}\n${indent}${rng.pick(donors)}`;
      log.inserted++;
    } else {
      replacement = t.swap && rng.chance(0.6)
        ? text.slice(t.start, t.swap.start) + t.swap.text + text.slice(t.swap.end, t.end)
        : indent + rng.pick(donors);
      log.edited++;
    }
    // a deleted statement takes its line break with it
    const cutEnd = replacement === '' && text[t.end] === '\n' ? t.end + 1 : t.end;
    text = text.slice(0, t.start) + replacement + text.slice(cutEnd);
    end += replacement.length - (cutEnd - t.start);
  }
  return { doc: text, to: end, log };
}
