// Walks a web-tree-sitter tree into a normalized token stream plus the syntactic units (functions,
// classes) found on the way. One cursor, no recursion (deeply nested code cannot overflow the stack),
// and a few wasm calls per node: the per-type decisions are cached in tables indexed by type id,
// which are built from the type *names* (see vocabulary.ts).
import type { Language } from 'web-tree-sitter';
import { raw16, raw16Range } from './hash';
import {
  classify, CODE_IDENTIFIER, CODE_NUMBER, CODE_STRING, isBodyType, needsBody, plainCode, TokenClass, unitKindOf,
} from './vocabulary';
import type { LanguageId, TokenStream, Unit, UnitKind } from './types';

export interface Tokenized {
  readonly tokens: TokenStream;
  /** syntactic units in order of their start token */
  readonly units: Unit[];
  /** token ranges of syntax errors (tree-sitter ERROR nodes), where the structure is unknown */
  readonly errors?: readonly { start: number; end: number }[];
}

interface TypeTables {
  classes: Uint8Array;
  codes: Uint32Array;
  /** 0 none, 1 function, 2 class, 3 syntax error, 4 a function only with a body (vocabulary.ts needsBody) */
  unitKinds: Uint8Array;
  /** 1 for the types of such bodies */
  bodies: Uint8Array;
  /** raw hash of anonymous tokens (their text is their type name), -1 when it must be computed */
  rawConst: Int32Array;
  /** see codeTable */
  table?: CodeTable;
}

/** The codes a grammar's walks emit (see codeTable), with the raw hash each one always has, or -1. */
export interface CodeTable {
  readonly codes: Uint32Array;
  /** raw hash of every token with this code (keywords and operators are spelled as their name), or -1 */
  readonly raws: Int32Array;
}

const tableCache = new WeakMap<Language, Map<LanguageId, TypeTables>>();

function tablesFor(language: Language, id: LanguageId): TypeTables {
  let perId = tableCache.get(language);
  if (!perId) tableCache.set(language, (perId = new Map()));
  let t = perId.get(id);
  if (t) return t;
  const n = language.nodeTypeCount;
  // slot n + 1 stands for ERROR nodes (type id 0xffff, outside the grammar's ids): an inner node, so the
  // code around a syntax error is tokenized, not folded into one token
  t = { classes: new Uint8Array(n + 2), codes: new Uint32Array(n + 2), unitKinds: new Uint8Array(n + 2), bodies: new Uint8Array(n + 2), rawConst: new Int32Array(n + 2).fill(-1) };
  t.classes[n + 1] = TokenClass.Inner;
  t.unitKinds[n + 1] = 3;
  t.codes[n + 1] = plainCode('ERROR');
  for (let i = 0; i <= n; i++) {
    const name = language.nodeTypeForId(i) ?? '';
    const named = name !== '' && language.nodeTypeIsNamed(i);
    const cls = classify(name, named, id);
    t.classes[i] = cls;
    t.codes[i] = cls === TokenClass.Identifier ? CODE_IDENTIFIER
      : cls === TokenClass.String ? CODE_STRING
      : cls === TokenClass.Number ? CODE_NUMBER
      : plainCode(name);
    const uk = named ? unitKindOf(name, id) : undefined;
    t.unitKinds[i] = uk === 'function' ? (needsBody(name) ? 4 : 1) : uk === 'class' ? 2 : 0;
    if (named && isBodyType(name)) t.bodies[i] = 1;
    // anonymous tokens are spelled as their type name (PHP matches keywords case-insensitively: hash its text)
    if (!named && name !== '' && id !== 'php') t.rawConst[i] = raw16(name);
  }
  perId.set(id, t);
  return t;
}

/**
 * Token names common in most languages, most frequent first (measured on the benchmark corpus): in a code
 * table they come right after the identifier, string and number classes, so their indexes take one byte.
 */
const COMMON_TOKENS = [
  '(', ')', '.', ',', ';', '=', '{', '}', '[', ']', ':', '->', '::', '&&', '||', '!', '==', '===', '!=', '!==',
  '+', '-', '*', '/', '%', '<', '>', '<=', '>=', '+=', '-=', '++', '--', '?', '??', '=>', '&', '|', '<<', '>>',
  'return', 'if', 'else', 'for', 'foreach', 'while', 'new', 'this', 'self', 'function', 'def', 'var', 'let',
  'const', 'static', 'public', 'private', 'protected', 'void', 'int', 'auto', 'sizeof', 'case', 'break',
  'continue', 'throw', 'try', 'catch', 'in', 'is', 'as', 'not', 'and', 'or', 'end', 'do', 'then', 'elif',
  'null', 'nil', 'None', 'NULL', 'nullptr', 'null_literal', 'true', 'false', 'True', 'False', 'boolean',
  'boolean_literal', 'primitive_type', 'predefined_type', '$', 'shorthand_property_identifier_pattern',
];

/**
 * Every code a walk with this grammar can emit, each once, in a fixed order: identifier, string and number
 * first, then the COMMON_TOKENS the grammar has, then its other node types by type id, ERROR last. It
 * depends only on the grammar build, so every thread that loaded the same grammar computes the same table,
 * and a token stream can be encoded as indexes into it in the thread that tokenized it (index/file/blob.ts).
 * Segments store the tables they use, so the order may change without a format change.
 */
export function codeTable(language: Language, id: LanguageId): CodeTable {
  const t = tablesFor(language, id);
  if (!t.table) {
    /** code -> its constant raw hash, or -1 when some type with this code hashes its text */
    const emitted = new Map<number, number>();
    for (let i = 0; i < t.codes.length; i++) {
      if (t.classes[i] === TokenClass.Comment) continue;
      const c = t.codes[i]!, rc = t.classes[i] === TokenClass.Plain || t.classes[i] === TokenClass.Inner ? t.rawConst[i]! : -1;
      const prev = emitted.get(c);
      emitted.set(c, prev === undefined || prev === rc ? rc : -1);
    }
    const codes = new Set<number>([CODE_IDENTIFIER, CODE_STRING, CODE_NUMBER]);
    for (const name of COMMON_TOKENS) if (emitted.has(plainCode(name))) codes.add(plainCode(name));
    // then by type id: grammars number their terminals (the leaves, which become tokens) first
    for (const c of emitted.keys()) codes.add(c);
    const table = Uint32Array.from(codes);
    t.table = { codes: table, raws: Int32Array.from(table, (c) => emitted.get(c) ?? -1) };
  }
  return t.table;
}

/** Growable typed-array columns for the token stream; one set is reused by every walk (see tokenizeWith). */
class Columns {
  n = 0;
  codes = new Uint32Array(1024);
  raw = new Uint16Array(1024);
  starts = new Uint32Array(1024);
  ends = new Uint32Array(1024);
  push(code: number, raw: number, start: number, end: number): void {
    if (this.n === this.codes.length) this.grow();
    this.codes[this.n] = code;
    this.raw[this.n] = raw;
    this.starts[this.n] = start;
    this.ends[this.n] = end;
    this.n++;
  }
  private grow(): void {
    const cap = this.codes.length * 2;
    const c = new Uint32Array(cap); c.set(this.codes); this.codes = c;
    const r = new Uint16Array(cap); r.set(this.raw); this.raw = r;
    const s = new Uint32Array(cap); s.set(this.starts); this.starts = s;
    const e = new Uint32Array(cap); e.set(this.ends); this.ends = e;
  }
}

/** Offsets at which each line starts (line 0 starts at 0). Handles \n, \r\n and lone \r. */
export function lineStarts(text: string): Uint32Array {
  let starts = new Uint32Array(Math.max(16, text.length >> 5));
  let n = 1;
  const push = (start: number) => {
    if (n === starts.length) { const grown = new Uint32Array(2 * n); grown.set(starts); starts = grown; }
    starts[n++] = start;
  };
  if (text.indexOf('\r') < 0) {
    // the usual case: \n only, found by the engine's fast search
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        push(i + 1);
      }
    }
  }
  return starts.subarray(0, n);
}

function lineOf(ls: Uint32Array, offset: number, hint: number): number {
  let l = hint;
  while (l + 1 < ls.length && ls[l + 1]! <= offset) l++;
  return l;
}

/**
 * The cursor moves the walk needs. web-tree-sitter's TreeCursor has them; node/rawCursor.ts provides a
 * cheaper one over the same wasm functions.
 */
export interface WalkCursor {
  readonly nodeTypeId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

let scratch = new Columns();
/** columns grown beyond this many tokens (a huge file) are not kept for the next walk */
const KEEP_TOKENS = 1 << 18;

/**
 * Walks a tree from a cursor placed on its root node (a TreeCursor, or node/rawCursor.ts's cheaper one)
 * into a token stream, units and syntax-error ranges; the caller owns (and deletes) the cursor.
 */
export function tokenizeWith(cursor: WalkCursor, text: string, language: Language, id: LanguageId): Tokenized {
  const t = tablesFor(language, id);
  // walks do not nest (they are synchronous), so they share one set of columns; the result copies them
  const cols = scratch;
  cols.n = 0;
  const units: Unit[] = [];
  // (body: 0 none needed, 1 needed and not seen yet, 2 seen; `waiting` counts the open units at 1)
  const open: { kind: UnitKind | 'error'; start: number; depth: number; body: number }[] = [];
  let waiting = 0;
  const errors: { start: number; end: number }[] = [];
  let depth = 0;
  const errorSlot = t.classes.length - 1;
  for (;;) {
    const typeId = Math.min(cursor.nodeTypeId, errorSlot);
    const cls = t.classes[typeId] as TokenClass;
    let descended = false;
    if (waiting && t.bodies[typeId]) {
      // the body of the innermost open unit when this is its child
      const top = open[open.length - 1]!;
      if (top.body === 1 && top.depth === depth - 1) { top.body = 2; waiting--; }
    }
    if (cls === TokenClass.Inner || cls === TokenClass.Plain) {
      const uk = t.unitKinds[typeId];
      if (uk) {
        open.push({ kind: uk === 1 || uk === 4 ? 'function' : uk === 2 ? 'class' : 'error', start: cols.n, depth, body: uk === 4 ? 1 : 0 });
        if (uk === 4) waiting++;
      }
      if (cursor.gotoFirstChild()) {
        depth++;
        descended = true;
      } else {
        if (uk && open.pop()!.body === 1) waiting--;
        const s = cursor.startIndex, e = cursor.endIndex;
        const rc = t.rawConst[typeId]!;
        if (e > s) cols.push(t.codes[typeId]!, rc >= 0 ? rc : raw16Range(text, s, e), s, e);
      }
    } else if (cls !== TokenClass.Comment) {
      const s = cursor.startIndex, e = cursor.endIndex;
      if (e > s) cols.push(t.codes[typeId]!, raw16Range(text, s, e), s, e);
    }
    if (descended) continue;
    // advance to the next sibling, closing the nodes we leave on the way up
    let done = false;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) { done = true; break; }
      depth--;
      const top = open[open.length - 1];
      if (top && top.depth === depth) {
        open.pop();
        // a declaration without its body (an extern or abstract method) is no function
        if (top.body === 1) waiting--;
        else if (cols.n > top.start) {
          if (top.kind === 'error') errors.push({ start: top.start, end: cols.n });
          else units.push({ kind: top.kind, start: top.start, end: cols.n });
        }
      }
    }
    if (done) break;
  }
  // the root itself may be an ERROR node (it is never left through gotoParent)
  for (const o of open) if (o.kind === 'error' && cols.n > o.start) errors.push({ start: o.start, end: cols.n });
  units.sort((a, b) => a.start - b.start || b.end - a.end);
  const n = cols.n;
  const ls = lineStarts(text);
  const lines = new Uint32Array(n), endLines = new Uint32Array(n);
  let hint = 0;
  for (let i = 0; i < n; i++) {
    hint = lineOf(ls, cols.starts[i]!, hint);
    lines[i] = hint;
    endLines[i] = lineOf(ls, Math.max(cols.starts[i]!, cols.ends[i]! - 1), hint);
  }
  const tokens = {
    language: id,
    codes: cols.codes.slice(0, n),
    raw: cols.raw.slice(0, n),
    starts: cols.starts.slice(0, n),
    ends: cols.ends.slice(0, n),
    lines,
    endLines,
  };
  if (cols.codes.length > KEEP_TOKENS) scratch = new Columns();
  return { tokens, units, errors };
}
